import { Construct } from 'constructs';
import {
  DataAwsIamPolicyDocument,
  type DataAwsIamPolicyDocumentStatement,
} from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import type { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretPolicy } from '@cdktf/provider-aws/lib/secretsmanager-secret-policy';
import { ENV } from '../functions/shared/contract';
import { functionArn, type DeploymentTarget } from './deployment-target';
import { SynthesisInputError } from './errors';
import { principalsOr, storeReadStatements, type FunctionSecret } from './function-secret';
import { handlerEntry } from './handlers';
import { extensionEnvironment } from './parameters-extension';
import type { SecretKey } from './secret-key';
import { OUT_OF_BAND, SECRET_DELIVERY_TAG } from './secret-names';

/** Days Secrets Manager keeps a deleted secret recoverable unless told otherwise: AWS's shortest window. */
export const DEFAULT_RECOVERY_WINDOW_DAYS = 7;

/**
 * The `SecretVersionId` of the encryption context with which Secrets Manager checks that the
 * caller may use a secret's key when the key is set (CreateSecret with `KmsKeyId`, UpdateSecret
 * changing it): it calls GenerateDataKey and Decrypt with it and discards the results. No version
 * can carry it (a version id is 32 to 64 characters), so a decrypt under it reads no version.
 * AWS Secrets Manager User Guide, "Secret encryption and decryption in AWS Secrets Manager",
 * section "Validating access to the KMS key": "When you establish or change the KMS key that is
 * associated with secret, Secrets Manager calls the GenerateDataKey and Decrypt operations with
 * the specified KMS key. [...] the value of the SecretVersionId key encryption context in these
 * requests is RequestToValidateKeyAccess."
 */
export const KEY_VALIDATION_VERSION_ID = 'RequestToValidateKeyAccess';

/** Thrown when a recovery window is neither 0 (delete at once) nor 7 to 30 days, which is all Secrets Manager accepts. */
export class RecoveryWindowError extends SynthesisInputError {
  override name = 'RecoveryWindowError';

  constructor(readonly days: number) {
    super(`recoveryWindowInDays ${days} is not one Secrets Manager accepts: give 0 (delete at once) or 7 to 30 days.`);
  }
}

/** Properties of a {@link SecretsManagerSecret}. */
export interface SecretsManagerSecretProps {
  /**
   * The key the secret is encrypted under, dedicated to the function that reads it: its function
   * and target are this secret's.
   */
  readonly key: SecretKey;
  /** The secret's name, such as `my-app/lambda/api-token`; Secrets Manager appends `-` and 6 random characters to its ARN. */
  readonly secretName: string;
  /**
   * The field of the secret's JSON object whose string value is the token; `""` means none.
   * @default none: the whole SecretString is the token
   */
  readonly jsonField?: string;
  /**
   * Principals that may have Secrets Manager encrypt a new value into the secret (PutSecretValue),
   * never decrypt it.
   * @default the account: whoever its IAM policies allow
   */
  readonly writerArns?: readonly string[];
  /**
   * Principals that run Terraform on the stack. Terraform never reads the value (the AWS provider
   * reads the secret with DescribeSecret and GetResourcePolicy only), but Secrets Manager checks
   * that whoever creates the secret under the key may use the key, with a GenerateDataKey and a
   * Decrypt that it discards ({@link KEY_VALIDATION_VERSION_ID}): they may make those two calls,
   * through Secrets Manager, for this secret, and no other use of the key.
   * @default the identity that runs Terraform (the target's `deployerArn`)
   */
  readonly terraformRunnerArns?: readonly string[];
  /**
   * Days Secrets Manager keeps the secret recoverable after `terraform destroy`: 7 to 30, or 0 to
   * delete it at once (so that a stack destroyed and deployed again can create the same name).
   * @default 7 (DEFAULT_RECOVERY_WINDOW_DAYS)
   */
  readonly recoveryWindowInDays?: number;
  /**
   * The AWS Parameters and Secrets extension's layer version ARN: the function then reads the
   * secret through the extension, and its bundle carries no AWS SDK.
   * @default none: the function reads with the AWS SDK
   */
  readonly extensionLayerArn?: string;
}

/**
 * Method 3: the token is a Secrets Manager secret under the function's own key; the function's
 * environment holds only the secret's ARN. Terraform owns the container, never the value: it
 * creates the secret, its key and its resource policy, and no `aws_secretsmanager_secret_version`
 * (AWS provider 5.x reads a version's value back on every refresh, write-only or not, so a
 * Terraform-managed value would need decrypt for every deployer); a writer outside Terraform puts
 * the value (PutSecretValue). The key policy lets the function's role decrypt only through Secrets
 * Manager and only for this secret, and the writers only encrypt the same way; the secret's own
 * policy denies reading its value to every principal but the function's role; the role's own
 * policy binds the role to the function.
 */
export class SecretsManagerSecret extends Construct implements FunctionSecret {
  readonly functionName: string;
  readonly handlerEntry: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly externallyManagedEnvironment: readonly string[] = [];
  readonly layers: readonly string[];
  readonly roleStatements: readonly DataAwsIamPolicyDocumentStatement[];
  /** The secret: its container, never its value. */
  readonly secret: SecretsmanagerSecret;
  /** The secret's resource policy; set by {@link grantTo}, once the role exists. */
  resourcePolicy?: SecretsmanagerSecretPolicy;
  readonly #props: SecretsManagerSecretProps;
  /** Only through Secrets Manager, and only for this secret, as the key policy can name it. */
  readonly #throughSecretsManager;

  constructor(scope: Construct, id: string, props: SecretsManagerSecretProps) {
    super(scope, id);
    this.#props = props;
    const { key, secretName, extensionLayerArn } = props;
    const { target } = key;
    this.functionName = key.functionName;
    const recoveryWindowInDays = props.recoveryWindowInDays ?? DEFAULT_RECOVERY_WINDOW_DAYS;
    if (!isRecoveryWindow(recoveryWindowInDays)) throw new RecoveryWindowError(recoveryWindowInDays);
    // AWS provider 5.100.0 (internal/service/secretsmanager/secret.go): create is CreateSecret
    // (Name, KmsKeyId, Tags; no value), then DescribeSecret until it is found; read is
    // DescribeSecret and GetResourcePolicy, never GetSecretValue; delete is DeleteSecret with
    // RecoveryWindowInDays, or ForceDeleteWithoutRecovery when it is 0. moto 5.2.1 implements each
    // (moto/secretsmanager/responses.py: create_secret with KmsKeyId, describe_secret,
    // get_resource_policy, delete_secret with either, tag_resource).
    this.secret = new SecretsmanagerSecret(this, 'secret', {
      name: secretName,
      description: `API token of the ${this.functionName} function`,
      kmsKeyId: key.key.arn,
      recoveryWindowInDays,
      tags: { [SECRET_DELIVERY_TAG]: OUT_OF_BAND },
    });
    // The secret's context as the key policy names it: built from the target rather than taken
    // from the secret, which names the key (the key policy that named it would make a cycle), and
    // matched with a wildcard for the 6 random characters that Secrets Manager appends to the ARN.
    // Secrets Manager's encryption context is {SecretARN, SecretVersionId} (AWS Secrets Manager
    // User Guide, "Secret encryption and decryption", section "Secrets Manager encryption
    // context"); kms:EncryptionContext:<key> is a string key, so StringLike may test it.
    this.#throughSecretsManager = [
      { test: 'StringEquals', variable: 'kms:ViaService', values: [secretsManagerService(target)] },
      {
        test: 'StringLike',
        variable: 'kms:EncryptionContext:SecretARN',
        values: [secretArnPattern(target, secretName)],
      },
    ];
    // The role's own policy may name the secret's exact ARN: the role depends on neither.
    const forThisSecret = {
      test: 'StringEquals',
      variable: 'kms:EncryptionContext:SecretARN',
      values: [this.secret.arn],
    };
    this.handlerEntry = handlerEntry(extensionLayerArn ? 'secretsManagerExtension' : 'secretsManager');
    this.layers = extensionLayerArn ? [extensionLayerArn] : [];
    this.environment = {
      [ENV.kmsKeyArn]: key.key.arn,
      [ENV.apiTokenSecretId]: this.secret.arn,
      ...(props.jsonField ? { [ENV.apiTokenSecretJsonField]: props.jsonField } : {}),
      ...(extensionLayerArn && extensionEnvironment('secrets-manager')),
    };
    // Exactly GetSecretValue (BatchGetSecretValue authorizes each secret with it too).
    this.roleStatements = storeReadStatements({
      sids: ['ReadOwnSecret', 'DecryptThroughSecretsManager'],
      functionArn: functionArn(target, this.functionName),
      keyArn: key.key.arn,
      action: 'secretsmanager:GetSecretValue',
      resource: this.secret.arn,
      decryptConditions: [this.#throughSecretsManager[0], forThisSecret],
      secretContext: forThisSecret,
    });
  }

  /**
   * Sets the key policy and the secret's resource policy, both naming `role`.
   *
   * The resource policy is a separate `aws_secretsmanager_secret_policy` rather than the secret's
   * `policy` argument: only that resource sends `BlockPublicPolicy` (AWS then refuses a policy
   * that would grant broad access), the secret itself then depends on the key alone, and destroy
   * deletes the policy (an argument removed from the configuration leaves it in place). The role's
   * ARN is a condition value, not a principal, so AWS never refuses it as an unknown principal
   * while IAM propagates a new role (the "MalformedPolicyDocumentException: This resource policy
   * contains an unsupported principal" that the provider retries for either form).
   */
  grantTo(role: IamRole): void {
    const { key, writerArns, terraformRunnerArns } = this.#props;
    key.allow([
      {
        sid: 'FunctionDecryptThroughSecretsManager',
        effect: 'Allow',
        principals: [{ type: 'AWS', identifiers: [role.arn] }],
        actions: ['kms:Decrypt'],
        resources: ['*'],
        condition: this.#throughSecretsManager,
      },
      {
        // PutSecretValue makes Secrets Manager call GenerateDataKey, and Decrypt only when a
        // request repeats an existing version id (to compare values), which a writer never needs.
        // kms:Encrypt is for changing a secret's key (UpdateSecret): not a writer's. AWS Secrets
        // Manager User Guide, "Secret encryption and decryption", "How Secrets Manager uses your
        // KMS key".
        sid: 'SecretWriterEncryptThroughSecretsManager',
        effect: 'Allow',
        principals: principalsOr(writerArns, key.accountRootArn),
        actions: ['kms:GenerateDataKey'],
        resources: ['*'],
        condition: this.#throughSecretsManager,
      },
      {
        // Secrets Manager's check, on CreateSecret with the key, that the caller may use it: a
        // data key generated and decrypted under a context no version carries, then discarded.
        sid: 'TerraformKeyValidationThroughSecretsManager',
        effect: 'Allow',
        principals: principalsOr(terraformRunnerArns, key.target.deployerArn),
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
        condition: [
          ...this.#throughSecretsManager,
          {
            test: 'StringEquals',
            variable: 'kms:EncryptionContext:SecretVersionId',
            values: [KEY_VALIDATION_VERSION_ID],
          },
        ],
      },
    ]);
    const policy = new DataAwsIamPolicyDocument(this, 'resource-policy-document', {
      statement: [
        {
          // aws:PrincipalArn is the role's ARN for every session of the role, and a global key,
          // which AWS evaluates in resource policies (unlike lambda:SourceFunctionArn). Deny only:
          // in the account, the role's own policy grants the read; another account has no grant.
          // An administrator can still change or delete this policy (PutResourcePolicy,
          // DeleteResourcePolicy), which CloudTrail records, so the secret is never locked out.
          sid: 'OnlyTheFunctionReads',
          effect: 'Deny',
          principals: [{ type: '*', identifiers: ['*'] }],
          actions: ['secretsmanager:GetSecretValue'],
          resources: ['*'],
          condition: [{ test: 'ArnNotEquals', variable: 'aws:PrincipalArn', values: [role.arn] }],
        },
      ],
    });
    // PutResourcePolicy and GetResourcePolicy, both implemented by moto 5.2.1, which ignores
    // BlockPublicPolicy ("not yet implemented", moto/secretsmanager/models.py put_resource_policy).
    this.resourcePolicy = new SecretsmanagerSecretPolicy(this, 'resource-policy', {
      secretArn: this.secret.arn,
      policy: policy.json,
      blockPublicPolicy: true,
    });
  }
}

/** Whether Secrets Manager accepts `days` as a recovery window: 0, or 7 to 30. */
function isRecoveryWindow(days: number): boolean {
  return days === 0 || (Number.isInteger(days) && days >= 7 && days <= 30);
}

/** Secrets Manager's service name in `target`, as `kms:ViaService` names it. */
function secretsManagerService(target: DeploymentTarget): string {
  return `secretsmanager.${target.region}.${target.dnsSuffix}`;
}

/**
 * The ARN of the secret `secretName` in `target` as an IAM wildcard: Secrets Manager appends `-`
 * and 6 random characters to the name, so the ARN is known only once the secret exists. The
 * pattern matches this name only (a longer name has more characters than `??????` takes).
 */
export function secretArnPattern(target: DeploymentTarget, secretName: string): string {
  return `arn:${target.partition}:secretsmanager:${target.region}:${target.accountId}:secret:${secretName}-??????`;
}
