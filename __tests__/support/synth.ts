import { Testing } from 'cdktf';
import { expect } from 'vitest';
import { parseOptions, SampleOptions } from '../../stacks/config';
import type { SampleStack } from '../../stacks/sample-stack';
import type { StackName } from '../../stacks/methods';
import { STACK_CLASSES } from '../../stacks';
import { assertValidConditionKeys } from './condition-keys';

/** A synthesized stack: its Terraform JSON, parsed, and the warnings synthesis attached. */
export interface Synthesized {
  readonly json: TerraformJson;
  readonly text: string;
  readonly warnings: string[];
}

/** The parts of Terraform JSON the tests read. */
export interface TerraformJson {
  readonly resource: Record<string, Record<string, any>>;
  readonly data?: Record<string, Record<string, any>>;
  readonly variable?: Record<string, any>;
  readonly output?: Record<string, any>;
  readonly provider?: Record<string, any[]>;
  readonly terraform?: any;
}

/**
 * Builds one stack in a test app with the given option values and returns its Terraform JSON.
 * Fails when a policy of the stack uses a condition key where AWS does not evaluate it (see
 * condition-keys.ts), so that every stack any test synthesizes is held to that rule.
 */
export function synthStack(
  name: StackName,
  overrides: Partial<Record<keyof SampleOptions, unknown>> = {},
): Synthesized {
  const app = Testing.app();
  const stack: SampleStack = new STACK_CLASSES[name](app, parseOptions(overrides));
  const text = Testing.synth(stack);
  const warnings = stack.node
    .findAll()
    .flatMap((construct) => construct.node.metadata)
    .filter((entry) => entry.type === '@cdktf/warn')
    .map((entry) => String(entry.data));
  const json = JSON.parse(text) as TerraformJson;
  assertValidConditionKeys(stack.node.id, json);
  return { json, text, warnings };
}

/** Every resource of one type in the stack. */
export function resources(json: TerraformJson, type: string): any[] {
  return Object.values(json.resource[type] ?? {});
}

/** The only resource of one type in the stack; fails when there is not exactly one. */
export function single(json: TerraformJson, type: string): any {
  const found = resources(json, type);
  if (found.length !== 1) throw new Error(`expected exactly one ${type}, found ${found.length}`);
  return found[0];
}

/** Every data source of one type in the stack. */
export function dataSources(json: TerraformJson, type: string): any[] {
  return Object.values(json.data?.[type] ?? {});
}

/** The policy document data source of the key policy, the one `aws_kms_key.policy` refers to. */
export function keyPolicy(json: TerraformJson): any {
  const reference = /^\$\{data\.aws_iam_policy_document\.([\w-]+)\.json\}$/.exec(
    single(json, 'aws_kms_key').policy ?? '',
  );
  if (!reference) throw new Error('the key has no policy document of its own');
  return json.data?.aws_iam_policy_document?.[reference[1]];
}

/** The identity policy documents: those whose statements name no principal (not the trust or key policy). */
export function identityPolicies(json: TerraformJson): any[] {
  return dataSources(json, 'aws_iam_policy_document').filter((doc) => doc.statement.every((s: any) => !s.principals));
}

/** The identity policy document whose statements include `action`. */
export function policyGranting(json: TerraformJson, action: string): any {
  const found = identityPolicies(json).filter((doc) => doc.statement.some((s: any) => s.actions.includes(action)));
  if (found.length !== 1) throw new Error(`expected one policy document granting ${action}, found ${found.length}`);
  return found[0];
}

/** The statement allowing `action`. */
export function statementGranting(json: TerraformJson, action: string): any {
  return policyGranting(json, action).statement.find((s: any) => s.effect !== 'Deny' && s.actions.includes(action));
}

/**
 * The Deny statements of a role's own policy that bind its secret to its function: `action` on
 * `resource` only from the function's ARN (built from its name, the region, the caller's
 * account and the partition), and no decrypt of a ciphertext bound to the secret (`secretContext`)
 * under any key but the stack's.
 */
export function functionBinding(
  functionName: string,
  action: string,
  resource: RegExp,
  secretContext: object,
  region = 'ap-northeast-1',
) {
  return [
    {
      sid: 'OnlyFromThisFunction',
      effect: 'Deny',
      actions: [action],
      resources: [expect.stringMatching(resource)],
      condition: [
        {
          test: 'ArnNotEquals',
          variable: 'lambda:SourceFunctionArn',
          values: [
            expect.stringMatching(
              new RegExp(
                `^arn:\\$\\{data\\.aws_partition\\.[\\w-]+\\.partition\\}:lambda:${region}:\\$\\{data\\.aws_caller_identity\\.[\\w-]+\\.account_id\\}:function:${functionName}$`,
              ),
            ),
          ],
        },
      ],
    },
    {
      sid: 'NoOtherKey',
      effect: 'Deny',
      actions: ['kms:Decrypt'],
      not_resources: [expect.stringMatching(/^\$\{aws_kms_key\.[\w-]+\.arn\}$/)],
      condition: [secretContext],
    },
  ];
}
