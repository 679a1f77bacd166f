import { Construct } from 'constructs';
import { Fn, Op, TerraformOutput, TerraformVariable } from 'cdktf';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import { ENV, SECRET_PLACEHOLDER } from '../functions/shared/contract';
import { extensionLayerArn, type SampleOptions } from '../lib/config';
import {
  apiTokenParameterName,
  isDeliveredOutOfBand,
  METHOD2_EXTENSION_ENTRY,
  methodOf,
  SECRET_DELIVERY_TAG,
} from '../lib/methods';
import { extensionEnvironment } from '../lib/parameters-extension';
import { SampleStack } from '../lib/sample-stack';
import { UrlFunction } from '../lib/url-function';

/**
 * Out-of-band delivery: Terraform writes the placeholder once and never again. It is written to
 * `value_wo`, not `value` with `ignore_changes`: the provider refreshes `value` with decryption,
 * so the token stored later would land in the state, while a write-only value is never read
 * back. The fixed version means the placeholder is never rewritten over the token.
 */
const PLACEHOLDER_VALUE = { valueWo: SECRET_PLACEHOLDER, valueWoVersion: 1 };

/** Method 2: the token is an SSM SecureString; the function's environment holds only its name. */
export class Method2SampleStack extends SampleStack {
  /** The function with its log group, role and URL. */
  readonly urlFunction: UrlFunction;
  /** The SecureString parameter that holds the token. */
  readonly parameter: SsmParameter;

  constructor(scope: Construct, options: SampleOptions) {
    super(scope, methodOf('method2-sample'), options);
    const parameterName = apiTokenParameterName(options.stage);
    this.parameter = new SsmParameter(this, 'api-token', {
      name: parameterName,
      type: 'SecureString',
      keyId: this.secretKey.key.keyId,
      tags: { [SECRET_DELIVERY_TAG]: options.method2SecretDelivery },
      ...(isDeliveredOutOfBand(this.method, options) ? PLACEHOLDER_VALUE : this.writeOnlyValue()),
    });

    // Built rather than taken from the parameter, which names the key: the key policy that names
    // the parameter would otherwise make a cycle.
    const parameterArn = `arn:${this.partition.partition}:ssm:${options.region}:${this.accountId}:parameter${parameterName}`;
    // Only through SSM, and only for this parameter (SSM's encryption context). The partition's
    // DNS suffix: amazonaws.com, but amazonaws.com.cn in China.
    const forThisParameter = {
      test: 'StringEquals',
      variable: 'kms:EncryptionContext:PARAMETER_ARN',
      values: [parameterArn],
    };
    const throughSsm = [
      {
        test: 'StringEquals',
        variable: 'kms:ViaService',
        values: [`ssm.${options.region}.${this.partition.dnsSuffix}`],
      },
      forThisParameter,
    ];
    const extensionLayer = extensionLayerArn(options);
    this.urlFunction = new UrlFunction(this, 'function', {
      ...this.sharedFunctionProps(),
      // The extension's entry carries no AWS SDK: the layer reads the parameter.
      ...(extensionLayer && { entry: METHOD2_EXTENSION_ENTRY, layers: [extensionLayer] }),
      environment: {
        ...this.sharedEnvironment(),
        [ENV.apiTokenParameterName]: parameterName,
        ...(extensionLayer && extensionEnvironment()),
      },
      secretAccess: [
        {
          sid: 'ReadOwnParameter',
          effect: 'Allow',
          // Exactly GetParameter: the article's GetParameter* also grants GetParameterHistory,
          // which returns every past value.
          actions: ['ssm:GetParameter'],
          resources: [this.parameter.arn],
        },
        {
          sid: 'DecryptThroughSsm',
          effect: 'Allow',
          actions: ['kms:Decrypt'],
          resources: [this.secretKey.key.arn],
          condition: throughSsm,
        },
        // Bound on GetParameter rather than on kms:Decrypt, which SSM calls on the function's
        // behalf: without GetParameter, another function given this role cannot make SSM decrypt.
        ...this.functionBinding('ssm:GetParameter', this.parameter.arn, forThisParameter),
      ],
    });
    this.secretKey.allow([
      {
        sid: 'FunctionDecryptThroughSsm',
        effect: 'Allow',
        principals: [{ type: 'AWS', identifiers: [this.urlFunction.role.arn] }],
        actions: ['kms:Decrypt'],
        resources: ['*'],
        condition: throughSsm,
      },
      {
        sid: 'SecretWriterEncryptThroughSsm',
        effect: 'Allow',
        principals: this.principalsOr(options.secretWriterArns, this.accountRootArn),
        actions: ['kms:Encrypt'],
        resources: ['*'],
        condition: throughSsm,
      },
      {
        // Terraform writes the parameter (the token or the placeholder), and the AWS provider
        // reads it back with decryption on every refresh, write-only or not: whoever runs
        // Terraform on this stack must be able to do both, through SSM, for this parameter only.
        // By default that is the identity deploying now, who can change the function and so read
        // the token anyway; never the whole account.
        sid: 'TerraformThroughSsm',
        effect: 'Allow',
        principals: this.principalsOr(options.terraformRunnerArns, this.deployerArn),
        actions: ['kms:Decrypt', 'kms:Encrypt'],
        resources: ['*'],
        condition: throughSsm,
      },
    ]);
    if (options.terraformRunnerArns.length === 0) this.refuseRootAsRunner();
    this.addOutputs(this.urlFunction);
    new TerraformOutput(this, 'api_token_parameter_name', { value: this.parameter.name });
  }

  /**
   * The deploying identity stands for the Terraform runner only when it is a role or a user: the
   * account's root user resolves to `arn:<partition>:iam::<account>:root`, which a key policy
   * reads as the whole account, every administrator with `kms:Decrypt` on `*` included.
   */
  private refuseRootAsRunner(): void {
    this.requireBeforeKey({
      condition: Op.not(Fn.endswith(this.deployerArn, ':root')),
      errorMessage:
        "These credentials are the account's root user, which a key policy reads as the whole account: " +
        'deploy with an IAM role or user, or name the roles that run Terraform in terraformRunnerArns.',
    });
  }

  /**
   * The token goes to the write-only `value_wo`, fed by an ephemeral variable: Terraform sends it
   * to SSM and keeps it in neither the plan nor the state. Bumping the version rewrites it.
   */
  private writeOnlyValue(): { valueWo: string; valueWoVersion: number } {
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
    return { valueWo: apiToken.stringValue, valueWoVersion: version.numberValue };
  }
}
