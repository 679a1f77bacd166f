import { Construct } from 'constructs';
import { Annotations, LocalBackend, TerraformOutput, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { ENV } from '../functions/shared/contract';
import { KNOWN_AWS_REGIONS } from './aws-regions';
import type { SampleOptions } from './config';
import type { MethodDefinition } from './methods';
import { SecretKey } from './secret-key';
import type { UrlFunction } from './url-function';

/**
 * What both sample stacks share: the AWS provider, the function's KMS key, and the outputs a
 * user and the secret CLI look for. The stack name is the function name, as in the article.
 */
export abstract class SampleStack extends TerraformStack {
  /** The function's name, equal to the stack's. */
  readonly functionName: string;
  /** The method this stack shows, from the registry. */
  readonly method: MethodDefinition;
  /** The key that protects the function's secret. */
  readonly secretKey: SecretKey;

  protected constructor(
    scope: Construct,
    method: MethodDefinition,
    protected readonly options: SampleOptions,
  ) {
    const functionName = method.stackName;
    super(scope, functionName);
    this.functionName = functionName;
    this.method = method;
    // cdktf's default local backend writes this machine's absolute path into the JSON; Terraform
    // runs in cdktf.out/stacks/<stack>, so this keeps the state beside cdktf.json instead.
    new LocalBackend(this, { path: `../../../terraform.${functionName}.tfstate` });
    new AwsProvider(this, 'aws', { region: options.region });
    if (!KNOWN_AWS_REGIONS.includes(options.region)) {
      Annotations.of(this).addWarning(
        `Region "${options.region}" is not one this project knows (lib/aws-regions.ts): check its spelling; ` +
          'the AWS provider will refuse a region it does not know when it plans.',
      );
    }
    this.secretKey = new SecretKey(this, 'secret-key', { functionName });
  }

  /** The environment both functions share: where to call, how long to wait, how long to cache. */
  protected sharedEnvironment(): Record<string, string> {
    return {
      [ENV.targetUrl]: this.options.targetUrl,
      [ENV.upstreamTimeoutMs]: String(this.options.upstreamTimeoutMs),
      [ENV.secretCacheTtlSeconds]: String(this.options.secretCacheTtlSeconds),
    };
  }

  /** Publishes the outputs of the stack's function. */
  protected addOutputs(fn: UrlFunction): void {
    new TerraformOutput(this, 'function_name', { value: fn.function.functionName });
    new TerraformOutput(this, 'function_url', { value: fn.url.functionUrl });
    new TerraformOutput(this, 'log_group_name', { value: fn.logGroup.name });
    new TerraformOutput(this, 'kms_key_arn', { value: this.secretKey.key.arn });
    new TerraformOutput(this, 'kms_alias', { value: this.secretKey.alias.name });
  }
}
