import { Construct } from 'constructs';
import { TerraformVariable } from 'cdktf';
import { KmsEnvironmentSecret } from '../lib/kms-environment-secret';
import type { UrlFunction } from '../lib/url-function';
import type { SampleOptions } from './config';
import { isDeliveredOutOfBand, methodOf } from './methods';
import { SampleStack } from './sample-stack';

/** Method 1: the token's KMS ciphertext sits in the function's environment; the function decrypts it. */
export class Method1SampleStack extends SampleStack {
  /** The token's ciphertext in the environment, and who may use the key. */
  readonly secret: KmsEnvironmentSecret;
  /** The function with its log group, role and URL. */
  readonly urlFunction: UrlFunction;

  constructor(scope: Construct, options: SampleOptions) {
    super(scope, methodOf('method1-sample'), options);
    this.secret = new KmsEnvironmentSecret(this, 'secret', {
      key: this.secretKey,
      writerArns: options.secretWriterArns,
      terraformToken: isDeliveredOutOfBand(this.method, options) ? undefined : this.tokenVariable(),
    });
    this.urlFunction = this.addFunction(this.secret);
  }

  /** The article's way (method1SecretDelivery=terraform): Terraform encrypts the token, and the plaintext is stored in state. */
  private tokenVariable(): string {
    return new TerraformVariable(this, 'api_token', {
      type: 'string',
      sensitive: true,
      description: 'API token that Terraform encrypts (method1SecretDelivery=terraform); stored in state.',
    }).stringValue;
  }
}
