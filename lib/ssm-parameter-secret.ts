import { Construct } from 'constructs';
import { Fn, Op, type TerraformCondition } from 'cdktf';
import type { DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import type { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import { ENV, SECRET_PLACEHOLDER } from '../functions/shared/contract';
import { functionArn } from './deployment-target';
import { principalsOr, storeReadStatements, type FunctionSecret } from './function-secret';
import { handlerEntry } from './handlers';
import { extensionEnvironment } from './parameters-extension';
import type { SecretKey } from './secret-key';
import { SECRET_DELIVERY_TAG, type SsmParameterDelivery } from './secret-names';

/** A token for Terraform to write through the parameter's write-only `value_wo`. */
export interface WriteOnlyToken {
  /** The token: an ephemeral variable's value, so that Terraform keeps it in neither plan nor state. */
  readonly value: string;
  /** Terraform writes `value` again only when this number changes. */
  readonly version: number;
}

/** Properties of an {@link SsmParameterSecret}. */
export interface SsmParameterSecretProps {
  /**
   * The key the parameter is encrypted under, dedicated to the function that reads it: its
   * function and target are this secret's.
   */
  readonly key: SecretKey;
  /** The SecureString parameter's name, such as `/my-app/lambda/api-token`. */
  readonly parameterName: string;
  /**
   * Principals that may have SSM encrypt into the parameter, never decrypt it.
   * @default the account: whoever its IAM policies allow
   */
  readonly writerArns?: readonly string[];
  /**
   * Principals that run Terraform on the stack: the AWS provider reads the parameter back with
   * decryption on every refresh, so they may decrypt and encrypt through SSM, for this parameter
   * only. Never the account's root user, which a key policy reads as the whole account.
   * @default the identity that runs Terraform (the target's `deployerArn`), which
   * Terraform refuses when it is the account's root user
   */
  readonly terraformRunnerArns?: readonly string[];
  /**
   * The token, written by Terraform to the write-only `value_wo`.
   * @default none: Terraform writes a placeholder once, and a writer outside Terraform puts the
   * token (this project's `npm run secret -- set <function>`)
   */
  readonly writeOnlyToken?: WriteOnlyToken;
  /**
   * The AWS Parameters and Secrets extension's layer version ARN: the function then reads the
   * parameter through the extension, and its bundle carries no AWS SDK.
   * @default none: the function reads with the AWS SDK
   */
  readonly extensionLayerArn?: string;
}

/**
 * Out-of-band delivery: Terraform writes the placeholder once and never again. It is written to
 * `value_wo`, not `value` with `ignore_changes`: the provider refreshes `value` with decryption,
 * so the token stored later would land in the state, while a write-only value is never read
 * back. The fixed version means the placeholder is never rewritten over the token.
 */
const PLACEHOLDER: WriteOnlyToken = { value: SECRET_PLACEHOLDER, version: 1 };

/**
 * Method 2: the token is an SSM SecureString under the function's own key; the function's
 * environment holds only the parameter's name. The key policy lets the function's role decrypt
 * only through SSM and only for this parameter, the writers encrypt the same way, and whoever
 * runs Terraform do both; the role's own policy binds the role to the function.
 */
export class SsmParameterSecret extends Construct implements FunctionSecret {
  readonly functionName: string;
  readonly handlerEntry: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly externallyManagedEnvironment: readonly string[] = [];
  readonly layers: readonly string[];
  readonly roleStatements: readonly DataAwsIamPolicyDocumentStatement[];
  /** The SecureString parameter that holds the token. */
  readonly parameter: SsmParameter;
  readonly #props: SsmParameterSecretProps;
  /** Only through SSM, and only for this parameter: the condition of every use of the key. */
  readonly #throughSsm;

  constructor(scope: Construct, id: string, props: SsmParameterSecretProps) {
    super(scope, id);
    this.#props = props;
    const { key, parameterName, extensionLayerArn } = props;
    const { target } = key;
    this.functionName = key.functionName;
    const delivery: SsmParameterDelivery = props.writeOnlyToken ? 'write-only' : 'out-of-band';
    const token = props.writeOnlyToken ?? PLACEHOLDER;
    this.parameter = new SsmParameter(this, 'parameter', {
      name: parameterName,
      type: 'SecureString',
      keyId: key.key.keyId,
      tags: { [SECRET_DELIVERY_TAG]: delivery },
      valueWo: token.value,
      valueWoVersion: token.version,
    });
    // Built rather than taken from the parameter, which names the key: the key policy that names
    // the parameter would otherwise make a cycle.
    const parameterArn = `arn:${target.partition}:ssm:${target.region}:${target.accountId}:parameter${parameterName}`;
    // SSM's encryption context for the parameter.
    const forThisParameter = {
      test: 'StringEquals',
      variable: 'kms:EncryptionContext:PARAMETER_ARN',
      values: [parameterArn],
    };
    this.#throughSsm = [
      { test: 'StringEquals', variable: 'kms:ViaService', values: [`ssm.${target.region}.${target.dnsSuffix}`] },
      forThisParameter,
    ];
    this.handlerEntry = handlerEntry(extensionLayerArn ? 'ssmParameterExtension' : 'ssmParameter');
    this.layers = extensionLayerArn ? [extensionLayerArn] : [];
    this.environment = {
      [ENV.kmsKeyArn]: key.key.arn,
      [ENV.apiTokenParameterName]: parameterName,
      ...(extensionLayerArn && extensionEnvironment('ssm-parameter')),
    };
    // Exactly GetParameter: GetParameter* would also grant GetParameterHistory, which returns
    // every past value.
    this.roleStatements = storeReadStatements({
      sids: ['ReadOwnParameter', 'DecryptThroughSsm'],
      functionArn: functionArn(target, this.functionName),
      keyArn: key.key.arn,
      action: 'ssm:GetParameter',
      resource: this.parameter.arn,
      decryptConditions: this.#throughSsm,
      secretContext: forThisParameter,
    });
    if (!props.terraformRunnerArns?.length) key.require(refuseRootAsRunner(target.deployerArn));
  }

  grantTo(role: IamRole): void {
    const { key, writerArns, terraformRunnerArns } = this.#props;
    key.allow([
      {
        sid: 'FunctionDecryptThroughSsm',
        effect: 'Allow',
        principals: [{ type: 'AWS', identifiers: [role.arn] }],
        actions: ['kms:Decrypt'],
        resources: ['*'],
        condition: this.#throughSsm,
      },
      {
        sid: 'SecretWriterEncryptThroughSsm',
        effect: 'Allow',
        principals: principalsOr(writerArns, key.accountRootArn),
        actions: ['kms:Encrypt'],
        resources: ['*'],
        condition: this.#throughSsm,
      },
      {
        // Terraform writes the parameter (the token or the placeholder), and the AWS provider
        // reads it back with decryption on every refresh, write-only or not: whoever runs
        // Terraform on this stack must be able to do both, through SSM, for this parameter only.
        // By default that is the identity deploying now, who can change the function and so read
        // the token anyway; never the whole account.
        sid: 'TerraformThroughSsm',
        effect: 'Allow',
        principals: principalsOr(terraformRunnerArns, key.target.deployerArn),
        actions: ['kms:Decrypt', 'kms:Encrypt'],
        resources: ['*'],
        condition: this.#throughSsm,
      },
    ]);
  }
}

/**
 * The deploying identity stands for the Terraform runner only when it is a role or a user: the
 * account's root user resolves to `arn:<partition>:iam::<account>:root`, which a key policy
 * reads as the whole account, every administrator with `kms:Decrypt` on `*` included.
 */
function refuseRootAsRunner(deployerArn: string): TerraformCondition {
  return {
    condition: Op.not(Fn.endswith(deployerArn, ':root')),
    errorMessage:
      "These credentials are the account's root user, which a key policy reads as the whole account: " +
      'deploy with an IAM role or user, or name the roles that run Terraform in terraformRunnerArns.',
  };
}
