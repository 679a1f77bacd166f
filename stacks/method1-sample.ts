import { Construct } from 'constructs';
import { Annotations, TerraformVariable } from 'cdktf';
import { DataAwsKmsCiphertext } from '@cdktf/provider-aws/lib/data-aws-kms-ciphertext';
import { ENCRYPTION_CONTEXT_KEY, ENV, SECRET_PLACEHOLDER } from '../functions/shared/contract';
import type { SampleOptions } from '../lib/config';
import { isDeliveredOutOfBand, methodOf } from '../lib/methods';
import { SampleStack } from '../lib/sample-stack';
import { UrlFunction } from '../lib/url-function';

/** Method 1: the token's KMS ciphertext sits in the function's environment; the function decrypts it. */
export class Method1SampleStack extends SampleStack {
  /** The function with its log group, role and URL. */
  readonly urlFunction: UrlFunction;

  constructor(scope: Construct, options: SampleOptions) {
    super(scope, methodOf('method1-sample'), options);
    const { functionName } = this;
    const encryptionContext = { [ENCRYPTION_CONTEXT_KEY]: functionName };
    const outOfBand = isDeliveredOutOfBand(this.method, options);
    // The same binding the Lambda console uses: a ciphertext made for another function cannot be
    // decrypted with this role.
    const boundToContext = {
      test: 'StringEquals',
      variable: `kms:EncryptionContext:${ENCRYPTION_CONTEXT_KEY}`,
      values: [functionName],
    };
    this.urlFunction = new UrlFunction(this, 'function', {
      ...this.sharedFunctionProps(),
      environment: {
        ...this.sharedEnvironment(),
        [ENV.encryptedApiToken]: outOfBand ? SECRET_PLACEHOLDER : this.terraformCiphertext(encryptionContext),
      },
      externallyManagedEnvironment: outOfBand ? [ENV.encryptedApiToken] : [],
      secretAccess: [
        {
          sid: 'DecryptOwnToken',
          effect: 'Allow',
          actions: ['kms:Decrypt'],
          resources: [this.secretKey.key.arn],
          condition: [boundToContext],
        },
        ...this.functionBinding('kms:Decrypt', this.secretKey.key.arn, boundToContext),
      ],
    });
    // The key policy grants the same decrypt, bound by the encryption context only: a key policy
    // never sees lambda:SourceFunctionArn (the role's policy binds the function). Whoever
    // provisions the token may encrypt with the function's context, never decrypt.
    this.secretKey.allow([
      {
        sid: 'FunctionDecrypt',
        effect: 'Allow',
        principals: [{ type: 'AWS', identifiers: [this.urlFunction.role.arn] }],
        actions: ['kms:Decrypt'],
        resources: ['*'],
        condition: [boundToContext],
      },
      {
        sid: 'SecretWriterEncrypt',
        effect: 'Allow',
        principals: this.principalsOr(options.secretWriterArns, this.accountRootArn),
        actions: ['kms:Encrypt'],
        resources: ['*'],
        condition: [boundToContext],
      },
    ]);
    this.addOutputs(this.urlFunction);
  }

  /** The article's way: Terraform encrypts the token, and the plaintext is stored in state. */
  private terraformCiphertext(encryptionContext: Record<string, string>): string {
    const apiToken = new TerraformVariable(this, 'api_token', {
      type: 'string',
      sensitive: true,
      description: 'API token that Terraform encrypts (method1SecretDelivery=terraform); stored in state.',
    });
    Annotations.of(this).addWarning(
      'method1SecretDelivery=terraform: aws_kms_ciphertext stores the plaintext token in the Terraform ' +
        'state and re-encrypts it on every plan. Use out-of-band delivery (npm run secret -- set ' +
        `${this.functionName}) for real credentials.`,
    );
    return new DataAwsKmsCiphertext(this, 'api-token-ciphertext', {
      keyId: this.secretKey.key.keyId,
      plaintext: apiToken.stringValue,
      context: encryptionContext,
    }).ciphertextBlob;
  }
}
