import { Construct } from 'constructs';
import { Annotations, TerraformOutput, TerraformStack } from 'cdktf';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import type {
  DataAwsIamPolicyDocumentStatementCondition,
  DataAwsIamPolicyDocumentStatementPrincipals,
} from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { ENV } from '../functions/shared/contract';
import { KNOWN_AWS_REGIONS } from './aws-regions';
import { UNRESERVED, type SampleOptions } from './config';
import { stagedStackName, type MethodDefinition } from './methods';
import { SecretKey } from './secret-key';
import { addStateBackend } from './state-backend';
import type { UrlFunction, UrlFunctionProps } from './url-function';

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
  /** The partition the stack deploys to (`aws`, `aws-cn`, `aws-us-gov`), with its DNS suffix. */
  protected readonly partition: DataAwsPartition;
  /**
   * The function's ARN, built from its name, region, account and partition rather than taken
   * from the function resource, so that policies the function depends on can name it.
   */
  protected readonly functionArn: string;
  /** The account the stack deploys to, as the credentials that deploy it tell. */
  protected readonly accountId: string;
  /** The account's root principal: whoever the account's IAM policies allow. */
  protected readonly accountRootArn: string;

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
        `Region "${options.region}" is not one this project knows (lib/aws-regions.ts): check its spelling; ` +
          'the AWS provider will refuse a region it does not know when it plans.',
      );
    }
    this.partition = new DataAwsPartition(this, 'partition');
    this.accountId = new DataAwsCallerIdentity(this, 'account').accountId;
    this.accountRootArn = `arn:${this.partition.partition}:iam::${this.accountId}:root`;
    this.functionArn = `arn:${this.partition.partition}:lambda:${options.region}:${this.accountId}:function:${functionName}`;
    this.secretKey = new SecretKey(this, 'secret-key', { functionName, accountRootArn: this.accountRootArn });
  }

  /**
   * The function settings both stacks share, from the options: name, handler entry, packaging,
   * logs, URL auth, concurrency and architecture; each stack adds its environment and secret access.
   */
  protected sharedFunctionProps(): Omit<UrlFunctionProps, 'environment' | 'secretAccess'> {
    const { options } = this;
    return {
      functionName: this.functionName,
      entry: this.method.entry,
      packaging: options.packaging,
      logRetentionDays: options.logRetentionDays,
      authType: options.functionUrlAuthType,
      reservedConcurrentExecutions:
        options.reservedConcurrency === UNRESERVED ? undefined : options.reservedConcurrency,
      architecture: options.architecture,
    };
  }

  /** The environment both functions share: where to call, how long to wait, how long to cache. */
  protected sharedEnvironment(): Record<string, string> {
    return {
      [ENV.targetUrl]: this.options.targetUrl,
      [ENV.upstreamTimeoutMs]: String(this.options.upstreamTimeoutMs),
      [ENV.secretCacheTtlSeconds]: String(this.options.secretCacheTtlSeconds),
    };
  }

  /**
   * The condition that binds a secret statement to this function: Lambda adds
   * `lambda:SourceFunctionArn` to every call made with the function's role, so another function
   * given the same role (iam:PassRole) does not match it.
   */
  protected boundToFunction(): DataAwsIamPolicyDocumentStatementCondition {
    return { test: 'ArnEquals', variable: 'lambda:SourceFunctionArn', values: [this.functionArn] };
  }

  /**
   * Principals for a key policy statement: `arns`, or the account (whoever its IAM policies
   * allow) when none are given.
   */
  protected principalsOrAccount(arns: readonly string[]): DataAwsIamPolicyDocumentStatementPrincipals[] {
    return [{ type: 'AWS', identifiers: arns.length > 0 ? [...arns] : [this.accountRootArn] }];
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
