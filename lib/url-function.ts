import { Construct } from 'constructs';
import { Annotations, Token } from 'cdktf';
import { CloudformationStack } from '@cdktf/provider-aws/lib/cloudformation-stack';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaFunctionUrl } from '@cdktf/provider-aws/lib/lambda-function-url';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { FUNCTION_TIMEOUT_SECONDS } from '../functions/shared/timing-budget';
import { SynthesisInputError } from './errors';
import type { FunctionSecret } from './function-secret';
import { assertEnvironmentFits } from './lambda-environment';
import { LAMBDA_RUNTIME } from './lambda-runtime';
import { BUNDLE_HANDLER, NodejsBundle, type Packaging } from './nodejs-bundle';
import type { Architecture } from './parameters-extension';

/** Who may call a function URL: signed requests of principals allowed to (`AWS_IAM`), or anyone (`NONE`). */
export type FunctionUrlAuthType = 'AWS_IAM' | 'NONE';

/** Thrown when a {@link UrlFunction} is given the secret of another function, whose policies would name that one. */
export class SecretOfAnotherFunctionError extends SynthesisInputError {
  override name = 'SecretOfAnotherFunctionError';

  constructor(
    readonly functionName: string,
    readonly secretFunctionName: string,
  ) {
    super(
      `Function "${functionName}" was given the secret of function "${secretFunctionName}": create its SecretKey ` +
        `with functionName "${functionName}".`,
    );
  }
}

/** Thrown when a {@link UrlFunction} is given neither a handler entry nor a secret whose handler it could use. */
export class MissingEntryError extends SynthesisInputError {
  override name = 'MissingEntryError';

  constructor(readonly functionName: string) {
    super(`Function "${functionName}" has no handler: give UrlFunction an entry, or a secret whose handler it uses.`);
  }
}

/** Days CloudWatch Logs keeps a {@link UrlFunction}'s logs unless told otherwise. */
export const DEFAULT_LOG_RETENTION_DAYS = 30;

/** Properties of a {@link UrlFunction}. */
export interface UrlFunctionProps {
  /** Function name; also names its log group, role, policy and bundle. */
  readonly functionName: string;
  /**
   * The handler's source file, absolute or relative to the bundle's root (the folder cdktf runs
   * the app in).
   * @default the handler of `secret`
   */
  readonly entry?: string;
  /**
   * The secret the function reads: its environment, its role statements and its key policy
   * grant are added to the function's ({@link KmsEnvironmentSecret}, {@link SsmParameterSecret}).
   * @default none: a function without a secret
   */
  readonly secret?: FunctionSecret;
  /**
   * Environment variables, beside the secret's. Values still unresolved at synth are not counted
   * in the 4 KB check.
   * @default none
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Days CloudWatch Logs keeps the logs.
   * @default 30
   */
  readonly logRetentionDays?: number;
  /**
   * Function URL authorization.
   * @default 'AWS_IAM'
   */
  readonly authType?: FunctionUrlAuthType;
  /**
   * Seconds the function may run: the timing budget's limit, which the handlers' own timeouts
   * are derived from (functions/shared/timing-budget.ts).
   * @default FUNCTION_TIMEOUT_SECONDS (10)
   */
  readonly timeoutSeconds?: number;
  /**
   * How the bundle is zipped.
   * @default 'archive'
   */
  readonly packaging?: Packaging;
  /**
   * Executions reserved for the function, which are also the most it runs at once.
   * @default none reserved: the account's shared pool
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * The instruction set the function runs on.
   * @default 'x86_64'
   */
  readonly architecture?: Architecture;
  /**
   * Layer version ARNs added to the function, such as an extension's.
   * @default none
   */
  readonly layers?: readonly string[];
}

/**
 * A Node.js Lambda function with its own log group (created first, so Terraform owns it), an
 * execution role limited to writing that log group and reading its secret, and a function URL.
 */
export class UrlFunction extends Construct {
  /** The function. */
  readonly function: LambdaFunction;
  /** Its URL. */
  readonly url: LambdaFunctionUrl;
  /** Its log group `/aws/lambda/<functionName>`. */
  readonly logGroup: CloudwatchLogGroup;
  /** Its execution role. */
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: UrlFunctionProps) {
    super(scope, id);
    const { functionName, secret } = props;
    const entry = props.entry ?? secret?.handlerEntry;
    if (entry === undefined) throw new MissingEntryError(functionName);
    if (secret && secret.functionName !== functionName)
      throw new SecretOfAnotherFunctionError(functionName, secret.functionName);
    const environment = { ...props.environment, ...secret?.environment };
    assertEnvironmentFits(
      functionName,
      Object.fromEntries(Object.entries(environment).filter(([, value]) => !Token.isUnresolved(value))),
    );
    const authType = props.authType ?? 'AWS_IAM';

    this.logGroup = new CloudwatchLogGroup(this, 'log-group', {
      name: `/aws/lambda/${functionName}`,
      retentionInDays: props.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS,
    });

    const trust = new DataAwsIamPolicyDocument(this, 'trust', {
      statement: [
        {
          effect: 'Allow',
          actions: ['sts:AssumeRole'],
          principals: [{ type: 'Service', identifiers: ['lambda.amazonaws.com'] }],
        },
      ],
    });
    const execution = new DataAwsIamPolicyDocument(this, 'execution', {
      statement: [
        {
          effect: 'Allow',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [`${this.logGroup.arn}:*`],
        },
        ...(secret?.roleStatements ?? []),
      ],
    });
    this.role = new IamRole(this, 'role', {
      name: `${functionName}-lambda-execution`,
      assumeRolePolicy: trust.json,
    });
    const { role } = this;
    const policy = new IamPolicy(this, 'policy', {
      name: `${functionName}-lambda-execution`,
      policy: execution.json,
    });
    const attachment = new IamRolePolicyAttachment(this, 'policy-attachment', {
      role: role.name,
      policyArn: policy.arn,
    });

    secret?.grantTo(role);

    const code = new NodejsBundle(this, 'bundle', {
      entry,
      name: functionName,
      runtime: LAMBDA_RUNTIME,
      packaging: props.packaging,
    });
    const externallyManaged = secret?.externallyManagedEnvironment ?? [];
    const layers = [...(props.layers ?? []), ...(secret?.layers ?? [])];
    this.function = new LambdaFunction(this, 'function', {
      // The role's policy must be attached before the first invocation can write its logs.
      dependsOn: [this.logGroup, attachment],
      functionName,
      role: role.arn,
      handler: BUNDLE_HANDLER,
      runtime: LAMBDA_RUNTIME,
      filename: code.filename,
      sourceCodeHash: code.sourceCodeHash,
      timeout: props.timeoutSeconds ?? FUNCTION_TIMEOUT_SECONDS,
      architectures: [props.architecture ?? 'x86_64'],
      layers: layers.length > 0 ? layers : undefined,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      environment: { variables: environment },
      lifecycle:
        externallyManaged.length > 0
          ? { ignoreChanges: externallyManaged.map((key) => `environment[0].variables["${key}"]`) }
          : undefined,
    });

    this.url = new LambdaFunctionUrl(this, 'url', {
      functionName: this.function.functionName,
      authorizationType: authType,
    });
    if (authType === 'NONE') {
      this.allowPublicUrl(functionName);
    }
  }

  /**
   * A public URL answers only when the function's resource policy holds both statements AWS
   * requires since October 2025: `lambda:InvokeFunctionUrl` for auth type NONE, and
   * `lambda:InvokeFunction` conditioned on `lambda:InvokedViaFunctionUrl`. AWS provider 5.100.0's
   * `aws_lambda_permission` cannot express that condition (its `invoked_via_function_url` came in
   * 6.28.0), so the second statement is a CloudFormation `AWS::Lambda::Permission`, which can:
   * never an unconditioned public `lambda:InvokeFunction`.
   */
  private allowPublicUrl(functionName: string): void {
    const invokeUrl = new LambdaPermission(this, 'public-url-invoke', {
      // After the URL: creating a NONE URL adds a statement to the same resource policy, and the
      // provider's URL create does not retry the 409 that two concurrent changes to it can cause
      // (aws_lambda_permission does).
      dependsOn: [this.url],
      // Not AWS's own id: the provider adds that one itself when it creates a NONE URL, and a
      // second statement with the same id makes destroy wait for a statement that never goes.
      statementId: 'AllowPublicFunctionUrlInvoke',
      action: 'lambda:InvokeFunctionUrl',
      functionName: this.function.functionName,
      principal: '*',
      functionUrlAuthType: 'NONE',
    });
    new CloudformationStack(this, 'public-url-invoke-function', {
      name: `${functionName}-public-url-invoke-function`,
      // Plain JSON, readable in the synthesized configuration. The function comes first, and the
      // other statement: two concurrent changes to one resource policy can conflict.
      dependsOn: [this.function, invokeUrl],
      templateBody: JSON.stringify({
        Description: `Lets the public function URL of ${functionName} invoke it, and nothing else invoke it publicly`,
        Resources: {
          InvokeViaFunctionUrl: {
            Type: 'AWS::Lambda::Permission',
            Properties: {
              Action: 'lambda:InvokeFunction',
              FunctionName: functionName,
              Principal: '*',
              InvokedViaFunctionUrl: true,
            },
          },
        },
      }),
    });
    Annotations.of(this).addWarning(
      `Function URL of "${functionName}" has auth type NONE: anyone on the internet can call it, up to its ` +
        'reserved concurrency. Prefer AWS_IAM with signed requests.',
    );
  }
}
