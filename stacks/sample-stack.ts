import { Construct } from 'constructs';
import { Annotations, Op, TerraformOutput, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { ENV } from '../functions/shared/contract';
import { lookUpDeploymentTarget, type DeploymentTarget } from '../lib/deployment-target';
import type { FunctionSecret } from '../lib/function-secret';
import { SecretKey } from '../lib/secret-key';
import { REQUIRED_TERRAFORM_VERSION } from '../lib/terraform-version';
import { UrlFunction } from '../lib/url-function';
import { KNOWN_AWS_REGIONS } from './aws-regions';
import { principalAccount, UNRESERVED, type SampleOptions } from './config';
import { stagedStackName, type MethodDefinition } from './methods';
import { addStateBackend } from './state-backend';

/**
 * What every sample stack shares, built from the constructs in lib/: the AWS provider, the
 * function's KMS key, the function that reads its method's secret, and the outputs a user and
 * the secret CLI look for. The stack name is the function name, as in the article.
 */
export abstract class SampleStack extends TerraformStack {
  /** The function's name, equal to the stack's. */
  readonly functionName: string;
  /** The method this stack shows, from the registry. */
  readonly method: MethodDefinition;
  /** The key that protects the function's secret. */
  readonly secretKey: SecretKey;
  /** Where the stack deploys: partition, region, account and the deploying identity. */
  protected readonly target: DeploymentTarget;

  protected constructor(
    scope: Construct,
    method: MethodDefinition,
    protected readonly options: SampleOptions,
  ) {
    const functionName = stagedStackName(method.stackName, options.stage);
    super(scope, functionName);
    this.functionName = functionName;
    this.method = method;
    addStateBackend(this, functionName, options);
    new AwsProvider(this, 'aws', { region: options.region });
    if (!KNOWN_AWS_REGIONS.includes(options.region)) {
      Annotations.of(this).addWarning(
        `Region "${options.region}" is not one this project knows (stacks/aws-regions.ts): check its spelling; ` +
          'the AWS provider will refuse a region it does not know when it plans.',
      );
    }
    this.addOverride('terraform.required_version', REQUIRED_TERRAFORM_VERSION);
    this.target = lookUpDeploymentTarget(this, options.region);
    this.secretKey = new SecretKey(this, 'secret-key', { functionName, target: this.target });
    this.refuseAnotherAccountsPrincipals();
  }

  /**
   * A principal of another account named in the key policy would be trusted with the key from
   * outside the account; synthesis cannot know the account, so Terraform checks it before it
   * creates or changes the key. The options already hold ARNs of one account only.
   */
  private refuseAnotherAccountsPrincipals(): void {
    const account = principalAccount(this.options);
    if (account === undefined) return;
    this.secretKey.require({
      condition: Op.eq(this.target.accountId, account),
      errorMessage:
        `secretWriterArns and terraformRunnerArns name principals of account ${account}, but the ` +
        'credentials deploy to another account: a key policy must not trust another account.',
    });
  }

  /**
   * The function that reads `secret`, with the settings every sample function shares: the
   * options' packaging, logs, URL auth, concurrency and architecture, and the environment that
   * says where to call, how long to wait and how long to cache the token.
   */
  protected addFunction(secret: FunctionSecret): UrlFunction {
    const { options } = this;
    const fn = new UrlFunction(this, 'function', {
      functionName: this.functionName,
      secret,
      environment: {
        [ENV.targetUrl]: options.targetUrl,
        [ENV.upstreamTimeoutMs]: String(options.upstreamTimeoutMs),
        [ENV.secretCacheTtlSeconds]: String(options.secretCacheTtlSeconds),
      },
      packaging: options.packaging,
      logRetentionDays: options.logRetentionDays,
      authType: options.functionUrlAuthType,
      reservedConcurrentExecutions:
        options.reservedConcurrency === UNRESERVED ? undefined : options.reservedConcurrency,
      architecture: options.architecture,
    });
    new TerraformOutput(this, 'function_name', { value: fn.function.functionName });
    new TerraformOutput(this, 'function_url', { value: fn.url.functionUrl });
    new TerraformOutput(this, 'log_group_name', { value: fn.logGroup.name });
    new TerraformOutput(this, 'kms_key_arn', { value: this.secretKey.key.arn });
    new TerraformOutput(this, 'kms_alias', { value: this.secretKey.alias.name });
    return fn;
  }
}
