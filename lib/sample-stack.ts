import { Construct } from 'constructs';
import { Annotations, Op, TerraformOutput, TerraformStack, type TerraformCondition } from 'cdktf';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import type {
  DataAwsIamPolicyDocumentStatement,
  DataAwsIamPolicyDocumentStatementCondition,
  DataAwsIamPolicyDocumentStatementPrincipals,
} from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { DataAwsIamSessionContext } from '@cdktf/provider-aws/lib/data-aws-iam-session-context';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { ENV } from '../functions/shared/contract';
import { KNOWN_AWS_REGIONS } from './aws-regions';
import { principalAccount, UNRESERVED, type SampleOptions } from './config';
import { stagedStackName, type MethodDefinition } from './methods';
import { SecretKey } from './secret-key';
import { addStateBackend } from './state-backend';
import { REQUIRED_TERRAFORM_VERSION } from './terraform-version';
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
  /**
   * The identity that runs Terraform: the role behind an assumed-role session (SSO, CI), or the
   * user. The provider resolves a role's path with `iam:GetRole` on it.
   */
  protected readonly deployerArn: string;

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
    this.addOverride('terraform.required_version', REQUIRED_TERRAFORM_VERSION);
    this.partition = new DataAwsPartition(this, 'partition');
    const caller = new DataAwsCallerIdentity(this, 'account');
    this.accountId = caller.accountId;
    this.deployerArn = new DataAwsIamSessionContext(this, 'deployer', { arn: caller.arn }).issuerArn;
    this.accountRootArn = `arn:${this.partition.partition}:iam::${this.accountId}:root`;
    this.functionArn = `arn:${this.partition.partition}:lambda:${options.region}:${this.accountId}:function:${functionName}`;
    this.secretKey = new SecretKey(this, 'secret-key', { functionName, accountRootArn: this.accountRootArn });
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
    this.requireBeforeKey({
      condition: Op.eq(this.accountId, account),
      errorMessage:
        `secretWriterArns and terraformRunnerArns name principals of account ${account}, but the ` +
        'credentials deploy to another account: a key policy must not trust another account.',
    });
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

  /**
   * The environment both functions share: where to call, how long to wait, how long to cache,
   * and the key that protects the token, which the secret CLI encrypts under.
   */
  protected sharedEnvironment(): Record<string, string> {
    return {
      [ENV.kmsKeyArn]: this.secretKey.key.arn,
      [ENV.targetUrl]: this.options.targetUrl,
      [ENV.upstreamTimeoutMs]: String(this.options.upstreamTimeoutMs),
      [ENV.secretCacheTtlSeconds]: String(this.options.secretCacheTtlSeconds),
    };
  }

  /**
   * Role statements that bind the secret to this function, for the role's own (identity) policy:
   * - `action` on `resource` is denied unless the call comes from this function. Lambda adds
   *   `lambda:SourceFunctionArn` to calls made with the function's credentials, but only identity
   *   policies see it (AWS Lambda developer guide, "Using source function ARN to control function
   *   access behavior"): in a key policy it is absent, and a statement that requires it never
   *   matches. A Deny, because in the same account a key policy that names the role grants by
   *   itself, so another function given the role (iam:PassRole) would decrypt without it.
   * - `kms:Decrypt` of a ciphertext bound to this secret (`secretContext`, its encryption
   *   context) is denied under any other key, so a ciphertext made under a key that someone
   *   pointed the alias at cannot be decrypted with the role, whatever that key's policy says.
   *   Scoped by the context rather than denied for every other key: the role's other decrypts
   *   (Lambda's own of the environment under `aws/lambda`, or a service's on the function's
   *   behalf for data of its own) carry other contexts and stay untouched.
   */
  protected functionBinding(
    action: string,
    resource: string,
    secretContext: DataAwsIamPolicyDocumentStatementCondition,
  ): DataAwsIamPolicyDocumentStatement[] {
    return [
      {
        sid: 'OnlyFromThisFunction',
        effect: 'Deny',
        actions: [action],
        resources: [resource],
        condition: [{ test: 'ArnNotEquals', variable: 'lambda:SourceFunctionArn', values: [this.functionArn] }],
      },
      {
        sid: 'NoOtherKey',
        effect: 'Deny',
        actions: ['kms:Decrypt'],
        notResources: [this.secretKey.key.arn],
        condition: [secretContext],
      },
    ];
  }

  /** Adds a check that Terraform makes before it creates or changes the key. */
  protected requireBeforeKey(precondition: TerraformCondition): void {
    const { key } = this.secretKey;
    key.lifecycle = { ...key.lifecycle, precondition: [...(key.lifecycle?.precondition ?? []), precondition] };
  }

  /**
   * Principals for a key policy statement: `arns`, or `fallback` when none are given.
   */
  protected principalsOr(arns: readonly string[], fallback: string): DataAwsIamPolicyDocumentStatementPrincipals[] {
    return [{ type: 'AWS', identifiers: arns.length > 0 ? [...arns] : [fallback] }];
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
