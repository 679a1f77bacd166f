import { Construct } from 'constructs';
import { Annotations } from 'cdktf';
import type { DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { DataAwsKmsCiphertext } from '@cdktf/provider-aws/lib/data-aws-kms-ciphertext';
import type { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { ENCRYPTION_CONTEXT_KEY, ENV, SECRET_PLACEHOLDER } from '../functions/shared/contract';
import { functionArn } from './deployment-target';
import { functionBinding, principalsOr, type FunctionSecret } from './function-secret';
import { handlerEntry } from './handlers';
import type { SecretKey } from './secret-key';

/** Properties of a {@link KmsEnvironmentSecret}. */
export interface KmsEnvironmentSecretProps {
  /**
   * The key the token is encrypted under, dedicated to the function that reads it: its function
   * and target are this secret's, and the ciphertext is bound to that function by the encryption context.
   */
  readonly key: SecretKey;
  /**
   * Principals that may encrypt the token with the function's context, never decrypt it.
   * @default the account: whoever its IAM policies allow
   */
  readonly writerArns?: readonly string[];
  /**
   * The token, for Terraform to encrypt (the article's way). Terraform's `aws_kms_ciphertext`
   * keeps the plaintext in the state and encrypts anew on every plan, so this is for tests only.
   * @default none: the environment holds a placeholder until a writer outside Terraform puts the
   * ciphertext there (this project's `npm run secret -- set <function>`)
   */
  readonly terraformToken?: string;
}

/**
 * Method 1: the token's KMS ciphertext sits in the function's environment
 * (`ENCRYPTED_API_TOKEN`), bound to the function by the encryption context
 * `LambdaFunctionName=<function>`, as the Lambda console binds it; the function decrypts it with
 * the key named in `KMS_KEY_ARN`. The key policy lets the function's role decrypt and the writers
 * encrypt, both only with that context; the role's own policy binds the role to the function.
 */
export class KmsEnvironmentSecret extends Construct implements FunctionSecret {
  readonly functionName: string;
  readonly handlerEntry = handlerEntry('kmsEnvironment');
  readonly environment: Readonly<Record<string, string>>;
  readonly externallyManagedEnvironment: readonly string[];
  readonly layers: readonly string[] = [];
  readonly roleStatements: readonly DataAwsIamPolicyDocumentStatement[];
  readonly #props: KmsEnvironmentSecretProps;
  /** Only ciphertext made for this function: the condition of every use of the key. */
  readonly #boundToFunction;

  constructor(scope: Construct, id: string, props: KmsEnvironmentSecretProps) {
    super(scope, id);
    this.#props = props;
    const { functionName, target } = props.key;
    this.functionName = functionName;
    const keyArn = props.key.key.arn;
    this.#boundToFunction = {
      test: 'StringEquals',
      variable: `kms:EncryptionContext:${ENCRYPTION_CONTEXT_KEY}`,
      values: [functionName],
    };
    const outOfBand = props.terraformToken === undefined;
    this.environment = {
      [ENV.kmsKeyArn]: keyArn,
      [ENV.encryptedApiToken]: outOfBand ? SECRET_PLACEHOLDER : this.terraformCiphertext(props.terraformToken),
    };
    this.externallyManagedEnvironment = outOfBand ? [ENV.encryptedApiToken] : [];
    this.roleStatements = [
      {
        sid: 'DecryptOwnToken',
        effect: 'Allow',
        actions: ['kms:Decrypt'],
        resources: [keyArn],
        condition: [this.#boundToFunction],
      },
      ...functionBinding({
        functionArn: functionArn(target, functionName),
        keyArn,
        action: 'kms:Decrypt',
        resource: keyArn,
        secretContext: this.#boundToFunction,
      }),
    ];
  }

  /**
   * The key policy grants the role the same decrypt, bound by the encryption context only: a key
   * policy never sees `lambda:SourceFunctionArn` (the role's own policy binds the function).
   */
  grantTo(role: IamRole): void {
    const { key, writerArns } = this.#props;
    key.allow([
      {
        sid: 'FunctionDecrypt',
        effect: 'Allow',
        principals: [{ type: 'AWS', identifiers: [role.arn] }],
        actions: ['kms:Decrypt'],
        resources: ['*'],
        condition: [this.#boundToFunction],
      },
      {
        sid: 'SecretWriterEncrypt',
        effect: 'Allow',
        principals: principalsOr(writerArns, key.accountRootArn),
        actions: ['kms:Encrypt'],
        resources: ['*'],
        condition: [this.#boundToFunction],
      },
    ]);
  }

  private terraformCiphertext(token: string): string {
    Annotations.of(this).addWarning(
      `Terraform encrypts the token of ${this.functionName}: aws_kms_ciphertext stores the plaintext ` +
        'token in the Terraform state and re-encrypts it on every plan. Deliver it out of band (npm run ' +
        `secret -- set ${this.functionName}) for real credentials.`,
    );
    return new DataAwsKmsCiphertext(this, 'ciphertext', {
      keyId: this.#props.key.key.keyId,
      plaintext: token,
      context: { [ENCRYPTION_CONTEXT_KEY]: this.functionName },
    }).ciphertextBlob;
  }
}
