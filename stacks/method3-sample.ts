import { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { SecretsManagerSecret } from '../lib/secrets-manager-secret';
import type { UrlFunction } from '../lib/url-function';
import { extensionLayerArn, type SampleOptions } from './config';
import { apiTokenSecretName, methodOf } from './methods';
import { SampleStack } from './sample-stack';

/**
 * Method 3: the token is a Secrets Manager secret under the function's own key; the function's
 * environment holds only its ARN. Terraform owns the secret, never its value: the secret CLI
 * puts each version.
 */
export class Method3SampleStack extends SampleStack {
  /** The secret, its resource policy, and who may use the key. */
  readonly secret: SecretsManagerSecret;
  /** The function with its log group, role and URL. */
  readonly urlFunction: UrlFunction;

  constructor(scope: Construct, options: SampleOptions) {
    super(scope, methodOf('method3-sample'), options);
    this.secret = new SecretsManagerSecret(this, 'secret', {
      key: this.secretKey,
      secretName: apiTokenSecretName(options.stage),
      jsonField: options.method3JsonField,
      writerArns: options.secretWriterArns,
      terraformRunnerArns: options.terraformRunnerArns,
      recoveryWindowInDays: options.method3RecoveryDays,
      extensionLayerArn: extensionLayerArn(options, 'method3Reader'),
    });
    this.urlFunction = this.addFunction(this.secret);
    new TerraformOutput(this, 'api_token_secret_arn', { value: this.secret.secret.arn });
  }
}
