import { Construct } from 'constructs';
import { TerraformOutput, TerraformVariable } from 'cdktf';
import { SsmParameterSecret, type WriteOnlyToken } from '../lib/ssm-parameter-secret';
import type { UrlFunction } from '../lib/url-function';
import { extensionLayerArn, type SampleOptions } from './config';
import { apiTokenParameterName, isDeliveredOutOfBand, methodOf } from './methods';
import { SampleStack } from './sample-stack';

/**
 * The parameter's address before it moved into {@link SsmParameterSecret}: a stack deployed by
 * an earlier version keeps its parameter, and the token in it (a `moved` block).
 */
const PARAMETER_ADDRESS_BEFORE_CONSTRUCTS = 'aws_ssm_parameter.api-token';

/** Method 2: the token is an SSM SecureString; the function's environment holds only its name. */
export class Method2SampleStack extends SampleStack {
  /** The SecureString parameter, and who may use the key. */
  readonly secret: SsmParameterSecret;
  /** The function with its log group, role and URL. */
  readonly urlFunction: UrlFunction;

  constructor(scope: Construct, options: SampleOptions) {
    super(scope, methodOf('method2-sample'), options);
    this.secret = new SsmParameterSecret(this, 'secret', {
      key: this.secretKey,
      parameterName: apiTokenParameterName(options.stage),
      writerArns: options.secretWriterArns,
      terraformRunnerArns: options.terraformRunnerArns,
      writeOnlyToken: isDeliveredOutOfBand(this.method, options) ? undefined : this.writeOnlyToken(),
      extensionLayerArn: extensionLayerArn(options, 'method2Reader'),
    });
    this.secret.parameter.moveFromId(PARAMETER_ADDRESS_BEFORE_CONSTRUCTS);
    this.urlFunction = this.addFunction(this.secret);
    new TerraformOutput(this, 'api_token_parameter_name', { value: this.secret.parameter.name });
  }

  /**
   * The token for the write-only `value_wo`, from an ephemeral variable: Terraform sends it to
   * SSM and keeps it in neither the plan nor the state. Bumping the version rewrites it.
   */
  private writeOnlyToken(): WriteOnlyToken {
    const apiToken = new TerraformVariable(this, 'api_token', {
      type: 'string',
      sensitive: true,
      nullable: false,
      description: 'API token written to the SecureString (set TF_VAR_api_token); kept out of state and plan.',
    });
    // cdktf 0.21 has no ephemeral option on variables yet; Terraform >= 1.11 reads the attribute.
    apiToken.addOverride('ephemeral', true);
    const version = new TerraformVariable(this, 'api_token_version', {
      type: 'number',
      default: 1,
      description: 'Increase to write a new api_token to the parameter.',
    });
    return { value: apiToken.stringValue, version: version.numberValue };
  }
}
