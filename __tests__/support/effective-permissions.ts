/**
 * Who can do what under the synthesized policies, evaluated by an IAM policy simulator
 * (`@cloud-copilot/iam-simulate`) rather than read off their text: the stack's identity and key
 * policies are turned into IAM JSON with every Terraform reference resolved to a concrete ARN,
 * and each request is decided as AWS decides it (a KMS request needs the key policy too).
 *
 * The simulator's checked entry point, `runSimulation`, drops every request context key it does
 * not list for the action, `kms:EncryptionContext:<key>` among them, so a condition on the
 * encryption context could never match there. The requests are therefore evaluated by its core,
 * `runUnsafeSimulation`, which keeps the context as given; its resource policy must then come
 * already validated (it reads the policy's name from there). A test shows the difference.
 */
import { createValidatedPolicy } from '@cloud-copilot/iam-policy';
import { runSimulation, runUnsafeSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { identityPolicies, keyPolicy, type TerraformJson } from './synth';

/** The account the stacks are evaluated in. */
export const ACCOUNT = '111122223333';
/** Another account, whose principals must get nothing. */
export const OTHER_ACCOUNT = '444455556666';
export const REGION = 'ap-northeast-1';

/** The ARN of a function's KMS key in {@link ACCOUNT}. */
export function keyArn(functionName: string): string {
  return `arn:aws:kms:${REGION}:${ACCOUNT}:key/${functionName}-key`;
}

/** The ARN of a function's execution role. */
export function roleArn(functionName: string): string {
  return `arn:aws:iam::${ACCOUNT}:role/${functionName}-lambda-execution`;
}

/** The session of a function's role, as the function's calls carry it. */
export function roleSessionArn(functionName: string): string {
  return `arn:aws:sts::${ACCOUNT}:assumed-role/${functionName}-lambda-execution/${functionName}`;
}

/** The ARN of a function. */
export function functionArn(functionName: string): string {
  return `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${functionName}`;
}

/** The ARN of an SSM parameter. */
export function parameterArn(name: string): string {
  return `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter${name}`;
}

/** An IAM policy document. */
export type IamPolicy = { Version: '2012-10-17'; Statement: Record<string, unknown>[] };

/** What the references of a synthesized stack resolve to, by `<type>.<attribute>`. */
function references(functionName: string, parameterName: string): Record<string, string> {
  return {
    'data.aws_partition.partition': 'aws',
    'data.aws_partition.dns_suffix': 'amazonaws.com',
    'data.aws_caller_identity.account_id': ACCOUNT,
    'aws_iam_role.arn': roleArn(functionName),
    'aws_kms_key.arn': keyArn(functionName),
    'aws_ssm_parameter.arn': parameterArn(parameterName),
    'aws_cloudwatch_log_group.arn': `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/${functionName}`,
  };
}

/** `value` with every Terraform reference resolved; a reference nobody resolves fails the test that made it. */
function resolve(value: string, known: Record<string, string>): string {
  return value.replace(
    /\$\{(data\.)?(\w+)\.[\w-]+\.(\w+)\}/g,
    (reference, data: string | undefined, type, attribute) => {
      const resolved = known[`${data ?? ''}${type}.${attribute}`];
      if (resolved === undefined) throw new Error(`no value for ${reference}`);
      return resolved;
    },
  );
}

/** A synthesized `aws_iam_policy_document` as IAM JSON, its references resolved. */
function toIamPolicy(document: any, known: Record<string, string>): IamPolicy {
  const each = (values: string[]) => values.map((value) => resolve(value, known));
  return {
    Version: '2012-10-17',
    Statement: document.statement.map((statement: any) => ({
      ...(statement.sid ? { Sid: statement.sid } : {}),
      Effect: statement.effect ?? 'Allow',
      Action: statement.actions,
      Resource: each(statement.resources ?? ['*']),
      ...(statement.principals
        ? {
            Principal: Object.fromEntries(
              statement.principals.map((principal: any) => [principal.type, each(principal.identifiers)]),
            ),
          }
        : {}),
      ...(statement.condition
        ? {
            Condition: statement.condition.reduce(
              (conditions: Record<string, Record<string, string[]>>, condition: any) => ({
                ...conditions,
                [condition.test]: { ...conditions[condition.test], [condition.variable]: each(condition.values) },
              }),
              {},
            ),
          }
        : {}),
    })),
  };
}

/** The policies of a synthesized stack that decide who reaches its token. */
export interface StackPolicies {
  /** The function role's identity policy (the execution policy). */
  readonly execution: IamPolicy;
  /** The key policy of the stack's key. */
  readonly key: IamPolicy;
}

/** The execution and key policies of a synthesized stack, as IAM JSON. */
export function stackPolicies(json: TerraformJson, functionName: string, parameterName = '/none'): StackPolicies {
  const known = references(functionName, parameterName);
  const [execution] = identityPolicies(json).filter((doc) =>
    doc.statement.some((statement: any) => statement.actions.includes('logs:PutLogEvents')),
  );
  return { execution: toIamPolicy(execution, known), key: toIamPolicy(keyPolicy(json), known) };
}

/** A request to evaluate, and the policies around it. */
export interface PermissionRequest {
  /** The caller: a role session, a role, a user, an account's root. */
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  /** The request's context keys, e.g. `kms:EncryptionContext:LambdaFunctionName`. */
  readonly context?: Record<string, string>;
  /** The caller's identity policies. */
  readonly identityPolicies: readonly IamPolicy[];
  /** The resource's policy: a key policy for KMS; SSM parameters have none. */
  readonly resourcePolicy?: IamPolicy;
}

function simulation(request: PermissionRequest, resourcePolicy: unknown): Simulation {
  const account = /:(\d{12}):/.exec(request.resource)?.[1] ?? ACCOUNT;
  return {
    request: {
      principal: request.principal,
      action: request.action,
      resource: { resource: request.resource, accountId: account },
      contextVariables: request.context ?? {},
    },
    identityPolicies: request.identityPolicies.map((policy, index) => ({ name: `identity-${index}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy,
  };
}

/** Whether AWS would allow the request, with the context exactly as given. */
export function isAllowed(request: PermissionRequest): boolean {
  const resourcePolicy = request.resourcePolicy
    ? createValidatedPolicy(request.resourcePolicy, () => [], { name: 'resource-policy' })
    : undefined;
  return runUnsafeSimulation(simulation(request, resourcePolicy), {}) === 'Allowed';
}

/** The simulator's checked entry point's answer, which drops the encryption context. */
export async function isAllowedByCheckedSimulation(request: PermissionRequest): Promise<boolean> {
  const result = (await runSimulation(simulation(request, request.resourcePolicy), {})) as {
    overallResult?: string;
  };
  return result.overallResult === 'Allowed';
}
