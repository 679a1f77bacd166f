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
 *
 * Which policy sees which key. The simulator evaluates every policy of a request against one
 * request context (its core, `authorize`, hands the same request to the identity, resource and
 * control policy analyses, and its package exports no way to give one of them another context).
 * AWS does not: `lambda:SourceFunctionArn`, which Lambda puts into the function role's
 * credentials, reaches identity policies only (see IDENTITY_POLICY_ONLY_KEYS in
 * condition-keys.ts, which cites the AWS Lambda guide). So before a resource policy (a key
 * policy) goes to the simulator, every condition on such a key is moved to a key no request
 * carries (`lambda:SourceFunctionArn:absent-from-resource-policies`): the simulator then
 * evaluates that condition as AWS does for a key absent from the context (`ArnEquals` never
 * holds, `ArnNotEquals`, `…IfExists` and `Null: true` do), with its own operator semantics, while
 * identity policies keep the key. A test proves it on a statement that requires the key.
 *
 * Secrets Manager. A secret's resource policy is the resource policy of a
 * `secretsmanager:GetSecretValue` request (`StackPolicies.secret`), and the `kms:Decrypt` that
 * Secrets Manager then makes with the caller's credentials is a KMS request under the key policy,
 * with `kms:ViaService` and the secret's encryption context. AWS supplies `aws:PrincipalArn` (for a
 * role session: its role's ARN) to every request, which the simulator does not derive from the
 * principal: {@link isAllowed} adds it unless a case gives it.
 */
import { createValidatedPolicy } from '@cloud-copilot/iam-policy';
import { runSimulation, runUnsafeSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { IDENTITY_POLICY_ONLY_KEYS } from './condition-keys';
import { identityPolicies, keyPolicy, type TerraformJson } from './synth';

/** The account the stacks are evaluated in. */
export const ACCOUNT = '111122223333';
/** Another account, whose principals must get nothing. */
export const OTHER_ACCOUNT = '444455556666';
export const REGION = 'ap-northeast-1';

/**
 * The identity that runs Terraform on the stacks unless told otherwise: the role behind the
 * deploying session, which `data.aws_iam_session_context.issuer_arn` resolves to.
 */
export const DEPLOYER = `arn:aws:iam::${ACCOUNT}:role/deploy`;

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

/**
 * The ARN of a Secrets Manager secret in {@link ACCOUNT}: its name, `-` and the 6 random
 * characters Secrets Manager appends (here a fixed `AbCdEf`).
 */
export function secretArn(name: string): string {
  return `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}-AbCdEf`;
}

/** `aws:PrincipalArn` of `principal`: a role session's role, or the principal itself. */
export function principalArnOf(principal: string): string {
  const session = /^arn:([\w-]+):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/.exec(principal);
  return session ? `arn:${session[1]}:iam::${session[2]}:role/${session[3]}` : principal;
}

/** An IAM policy document. */
export type IamPolicy = { Version: '2012-10-17'; Statement: Record<string, unknown>[] };

/** What the references of a synthesized stack resolve to, by `<type>.<attribute>`; `deployer` runs Terraform. */
function references(
  functionName: string,
  parameterName: string,
  deployer: string,
  secretName: string,
): Record<string, string> {
  const deployerName = deployer.slice(deployer.lastIndexOf('/') + 1);
  return {
    'data.aws_partition.partition': 'aws',
    'data.aws_partition.dns_suffix': 'amazonaws.com',
    'data.aws_caller_identity.account_id': ACCOUNT,
    'data.aws_caller_identity.arn': `arn:aws:sts::${ACCOUNT}:assumed-role/${deployerName}/terraform`,
    'data.aws_iam_session_context.issuer_arn': deployer,
    'aws_iam_role.arn': roleArn(functionName),
    'aws_kms_key.arn': keyArn(functionName),
    'aws_lambda_function.arn': functionArn(functionName),
    'aws_ssm_parameter.arn': parameterArn(parameterName),
    'aws_secretsmanager_secret.arn': secretArn(secretName),
    'aws_secretsmanager_secret.id': secretArn(secretName),
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
  // A principal of type "*" is everyone: `"Principal": "*"`, as the provider writes it.
  const principals = (list: any[]) =>
    list.some((principal: any) => principal.type === '*')
      ? '*'
      : Object.fromEntries(list.map((principal: any) => [principal.type, each(principal.identifiers)]));
  return {
    Version: '2012-10-17',
    Statement: document.statement.map((statement: any) => ({
      ...(statement.sid ? { Sid: statement.sid } : {}),
      Effect: statement.effect ?? 'Allow',
      ...(statement.not_actions ? { NotAction: statement.not_actions } : { Action: statement.actions }),
      ...(statement.not_resources
        ? { NotResource: each(statement.not_resources) }
        : { Resource: each(statement.resources ?? ['*']) }),
      ...(statement.principals ? { Principal: principals(statement.principals) } : {}),
      ...(statement.not_principals ? { NotPrincipal: principals(statement.not_principals) } : {}),
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
  /** The resource policy of the stack's Secrets Manager secret, if it has one. */
  readonly secret?: IamPolicy;
}

/** The policy document of the secret's resource policy (`aws_secretsmanager_secret_policy`, or the secret's `policy`), if any. */
export function secretPolicyDocument(json: TerraformJson): any {
  const holders = [
    ...Object.values(json.resource.aws_secretsmanager_secret_policy ?? {}),
    ...Object.values(json.resource.aws_secretsmanager_secret ?? {}),
  ];
  const policies = holders.map((holder) => holder.policy).filter((policy): policy is string => Boolean(policy));
  if (policies.length > 1) throw new Error(`expected one secret resource policy, found ${policies.length}`);
  if (policies.length === 0) return undefined;
  const reference = /^\$\{data\.aws_iam_policy_document\.([\w-]+)\.json\}$/.exec(policies[0]);
  if (!reference) throw new Error('the secret resource policy is not a policy document of the stack');
  return json.data?.aws_iam_policy_document?.[reference[1]];
}

/**
 * The execution, key and secret policies of a synthesized stack, as IAM JSON, for the function
 * `functionName`, Method 2's `parameterName`, deployed by `deployer`. A secret's ARN is
 * {@link secretArn} of its name.
 */
export function stackPolicies(
  json: TerraformJson,
  functionName: string,
  parameterName = '/none',
  deployer = DEPLOYER,
): StackPolicies {
  const secretName: string = Object.values(json.resource.aws_secretsmanager_secret ?? {})[0]?.name ?? '/none';
  const known = references(functionName, parameterName, deployer, secretName);
  const [execution] = identityPolicies(json).filter((doc) =>
    doc.statement.some((statement: any) => statement.actions.includes('logs:PutLogEvents')),
  );
  const secret = secretPolicyDocument(json);
  return {
    execution: toIamPolicy(execution, known),
    key: toIamPolicy(keyPolicy(json), known),
    ...(secret ? { secret: toIamPolicy(secret, known) } : {}),
  };
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
  /** The resource's policy: a key policy for KMS, a secret's policy for Secrets Manager; SSM parameters have none. */
  readonly resourcePolicy?: IamPolicy;
}

/** The suffix that moves an identity-policy-only key out of a resource policy's reach. */
const ABSENT_FROM_RESOURCE_POLICIES = ':absent-from-resource-policies';

/**
 * `policy` as AWS evaluates it as a resource policy: its conditions on keys AWS supplies to
 * identity policies only test a key no request carries, so they see that key absent.
 */
export function asResourcePolicy(policy: IamPolicy): IamPolicy {
  const identityOnly = new Set(IDENTITY_POLICY_ONLY_KEYS.map((key) => key.toLowerCase()));
  const rekey = (tests: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(tests).map(([key, values]) => [
        identityOnly.has(key.toLowerCase()) ? `${key}${ABSENT_FROM_RESOURCE_POLICIES}` : key,
        values,
      ]),
    );
  return {
    ...policy,
    Statement: policy.Statement.map((statement) =>
      statement.Condition
        ? {
            ...statement,
            Condition: Object.fromEntries(
              Object.entries(statement.Condition as Record<string, Record<string, unknown>>).map(
                ([operator, tests]) => [operator, rekey(tests)],
              ),
            ),
          }
        : statement,
    ),
  };
}

function simulation(request: PermissionRequest, resourcePolicy: unknown): Simulation {
  const account = /:(\d{12}):/.exec(request.resource)?.[1] ?? ACCOUNT;
  return {
    request: {
      principal: request.principal,
      action: request.action,
      resource: { resource: request.resource, accountId: account },
      contextVariables: { 'aws:PrincipalArn': principalArnOf(request.principal), ...request.context },
    },
    identityPolicies: request.identityPolicies.map((policy, index) => ({ name: `identity-${index}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy,
  };
}

/**
 * Whether AWS would allow the request: identity policies see the context exactly as given, the
 * resource policy sees it without the keys AWS supplies to identity policies only.
 */
export function isAllowed(request: PermissionRequest): boolean {
  const resourcePolicy = request.resourcePolicy
    ? createValidatedPolicy(asResourcePolicy(request.resourcePolicy), () => [], { name: 'resource-policy' })
    : undefined;
  return runUnsafeSimulation(simulation(request, resourcePolicy), {}) === 'Allowed';
}

/** The simulator's checked entry point's answer, which drops the encryption context. */
export async function isAllowedByCheckedSimulation(request: PermissionRequest): Promise<boolean> {
  const resourcePolicy = request.resourcePolicy && asResourcePolicy(request.resourcePolicy);
  const result = (await runSimulation(simulation(request, resourcePolicy), {})) as {
    overallResult?: string;
  };
  return result.overallResult === 'Allowed';
}
