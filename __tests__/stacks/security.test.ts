import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ENV, SECRET_PLACEHOLDER } from '../../functions/shared/contract';
import type { SampleOptions } from '../../stacks/config';
import { METHODS, type MethodDefinition, type StackName } from '../../stacks/methods';
import { PROJECT_ROOT } from '../../lib/project-root';
import { dataSources, keyPolicy, resources, single, synthStack } from '../support/synth';

/** The values of each option that changes what a stack grants or where its secret goes. */
const SECURITY_RELEVANT_VALUES = {
  packaging: ['archive', 'asset'],
  functionUrlAuthType: ['AWS_IAM', 'NONE'],
  method1SecretDelivery: ['out-of-band', 'terraform'],
  method2SecretDelivery: ['write-only', 'out-of-band'],
} as const satisfies Partial<Record<keyof SampleOptions, readonly string[]>>;

/** A public URL needs a cap on concurrent executions; the options refuse one without. */
const PUBLIC_URL_CONCURRENCY = '10';

/**
 * Every combination of the options that matter to `method`: its own delivery option if it has
 * one, packaging and URL auth (a public one with the concurrency cap it requires).
 */
function combinationsFor(method: MethodDefinition): Partial<Record<keyof SampleOptions, string>>[] {
  const options: (keyof typeof SECURITY_RELEVANT_VALUES)[] = [
    'packaging',
    'functionUrlAuthType',
    ...(method.deliveryOption ? [method.deliveryOption] : []),
  ];
  return options
    .reduce<Partial<Record<keyof SampleOptions, string>>[]>(
      (combinations, option) =>
        combinations.flatMap((combination) =>
          SECURITY_RELEVANT_VALUES[option].map((value) => ({ ...combination, [option]: value })),
        ),
      [{}],
    )
    .map((combination) =>
      combination.functionUrlAuthType === 'NONE'
        ? { ...combination, reservedConcurrency: PUBLIC_URL_CONCURRENCY }
        : combination,
    );
}

describe.each(METHODS)('$stackName security rules', (method: MethodDefinition & { stackName: StackName }) => {
  const combinations = combinationsFor(method);

  it('covers every combination of packaging, URL auth and its secret delivery', () => {
    expect(combinations).toHaveLength(method.deliveryOption ? 8 : 4);
  });

  describe.each(combinations)('with %o', (overrides) => {
    const { json, text } = synthStack(method.stackName, overrides);

    it('contains no absolute path of this machine', () => {
      expect(text).not.toContain(PROJECT_ROOT);
      expect(text).not.toContain(tmpdir());
      expect(text).not.toMatch(/"\/(home|root|tmp|Users|work)\//);
    });

    it('grants no wildcard action, and no wildcard resource outside a resource policy', () => {
      const resourcePolicies = resourcePolicyDocuments(json);
      const statements = dataSources(json, 'aws_iam_policy_document').flatMap((doc) =>
        doc.statement.map((statement: any) => ({ statement, inKeyPolicy: resourcePolicies.includes(doc) })),
      );
      // trust, execution and key policy: the rule below must have something to hold for.
      expect(statements.length).toBeGreaterThanOrEqual(5);
      const wildcards = statements.filter(
        ({ statement, inKeyPolicy }) =>
          statement.actions.some((action: string) => action.includes('*')) ||
          // In a key policy or a secret's, "*" is the key or the secret itself; anywhere else, and inside an ARN, it is too wide,
          // but for the streams of the function's own log group, which have no other ARN.
          (statement.resources ?? []).some(
            (resource: string) =>
              (resource === '*' && !inKeyPolicy) ||
              (/[:/]\*/.test(resource) && !/^\$\{aws_cloudwatch_log_group\.[\w-]+\.arn\}:\*$/.test(resource)),
          ),
      );
      expect(wildcards).toEqual([]);
    });

    it('uses no NotAction or NotPrincipal, NotResource only to widen a Deny, and a "*" principal only in a Deny', () => {
      const statements = dataSources(json, 'aws_iam_policy_document').flatMap((doc) => doc.statement);
      expect(statements.length).toBeGreaterThan(0);
      const loose = statements.filter(
        (statement: any) =>
          statement.not_actions ||
          (statement.not_resources && statement.effect !== 'Deny') ||
          statement.not_principals ||
          ((statement.principals ?? []).some((principal: any) => principal.identifiers.includes('*')) &&
            statement.effect !== 'Deny'),
      );
      expect(loose).toEqual([]);
    });

    it('gives the key a policy under which the account administers but never uses the key', () => {
      const account = keyPolicy(json).statement.filter((statement: any) =>
        statement.principals.some((principal: any) => principal.identifiers.some((id: string) => id.endsWith(':root'))),
      );
      const administration = account.find((statement: any) => statement.sid === 'KeyAdministration');
      expect(administration.actions).toContain('kms:PutKeyPolicy');
      expect(
        administration.actions.filter((action: string) => /Decrypt|Encrypt|GenerateDataKey|CreateGrant/.test(action)),
      ).toEqual([]);
    });

    it('lets only the function decrypt directly, and anyone else only through SSM for the parameter', () => {
      const decrypters = keyPolicy(json).statement.filter((statement: any) =>
        statement.actions.includes('kms:Decrypt'),
      );
      expect(decrypters.length).toBeGreaterThan(0);
      const unbound = decrypters.filter(
        (statement: any) =>
          !statement.principals[0].identifiers.every((id: string) => /^\$\{aws_iam_role\.[\w-]+\.arn\}$/.test(id)) &&
          !statement.condition?.some((condition: any) => condition.variable === 'kms:ViaService'),
      );
      expect(unbound).toEqual([]);
    });

    it('makes the URL public only with auth type NONE, and never through an unconditioned lambda:InvokeFunction', () => {
      const publicGrants = resources(json, 'aws_lambda_permission').filter(
        (permission) => permission.principal === '*',
      );
      const cloudFormationGrants = resources(json, 'aws_cloudformation_stack').flatMap((stack) =>
        Object.values<any>(JSON.parse(stack.template_body).Resources)
          .filter((resource) => resource.Type === 'AWS::Lambda::Permission')
          .map((resource) => resource.Properties),
      );
      const none = overrides.functionUrlAuthType === 'NONE';
      expect(publicGrants).toEqual(
        none ? [expect.objectContaining({ action: 'lambda:InvokeFunctionUrl', function_url_auth_type: 'NONE' })] : [],
      );
      expect(cloudFormationGrants).toEqual(
        none
          ? [expect.objectContaining({ Action: 'lambda:InvokeFunction', Principal: '*', InvokedViaFunctionUrl: true })]
          : [],
      );
    });

    it('rotates the key every year', () => {
      expect(single(json, 'aws_kms_key').enable_key_rotation).toBe(true);
    });

    it('keeps logs for a bounded time', () => {
      expect(single(json, 'aws_cloudwatch_log_group').retention_in_days).toBeGreaterThan(0);
    });

    it('runs on a Node.js runtime no older than nodejs22.x (nodejs20.x is deprecated since April 2026)', () => {
      const runtime = single(json, 'aws_lambda_function').runtime as string;
      expect(Number(/^nodejs(\d+)\.x$/.exec(runtime)?.[1])).toBeGreaterThanOrEqual(22);
    });

    it('sends the token to an https target', () => {
      expect(single(json, 'aws_lambda_function').environment.variables[ENV.targetUrl]).toMatch(/^https:\/\//);
    });

    it('limits how many executions run at once when the URL is public (CKV_AWS_115, accepted behind AWS_IAM)', () => {
      const reserved = single(json, 'aws_lambda_function').reserved_concurrent_executions;
      if (overrides.functionUrlAuthType === 'NONE') expect(reserved).toBeGreaterThan(0);
      else expect(reserved).toBeUndefined();
    });

    it('keeps the token out of the configuration: only the placeholder, a variable or its ciphertext', () => {
      expect(secretValuesIn(method, json)).toEqual([expectedSecretValue(method, overrides)]);
    });
  });
});

/** Where each method's configuration holds its secret: the function's variable, or the parameter's value. */
function secretValuesIn(method: MethodDefinition, json: ReturnType<typeof synthStack>['json']): unknown[] {
  if (method.secretStore === 'function-environment') {
    return [single(json, 'aws_lambda_function').environment.variables[ENV.encryptedApiToken]];
  }
  if (method.secretStore === 'secrets-manager') {
    return [
      ...resources(json, 'aws_secretsmanager_secret'),
      ...resources(json, 'aws_secretsmanager_secret_version'),
    ].map((secret) => ({ secret_string: secret.secret_string, secret_binary: secret.secret_binary }));
  }
  return resources(json, 'aws_ssm_parameter').map((parameter) => ({
    value: parameter.value,
    value_wo: parameter.value_wo,
  }));
}

/** The policy documents of resource policies: the key's, and the secret's (Method 3). */
function resourcePolicyDocuments(json: ReturnType<typeof synthStack>['json']): unknown[] {
  const referenced = [...resources(json, 'aws_kms_key'), ...resources(json, 'aws_secretsmanager_secret_policy')]
    .map((resource) => /^\$\{data\.aws_iam_policy_document\.([\w-]+)\.json\}$/.exec(resource.policy ?? '')?.[1])
    .filter((name): name is string => name !== undefined);
  return referenced.map((name) => json.data?.aws_iam_policy_document?.[name]);
}

/** What {@link secretValuesIn} must find under `overrides`: nothing that could be the token itself. */
function expectedSecretValue(
  method: MethodDefinition,
  overrides: Partial<Record<keyof SampleOptions, string>>,
): unknown {
  if (method.deliveryOption === undefined) return { secret_string: undefined, secret_binary: undefined };
  const outOfBand = overrides[method.deliveryOption] === 'out-of-band';
  if (method.secretStore === 'function-environment') {
    return outOfBand
      ? SECRET_PLACEHOLDER
      : expect.stringMatching(/^\$\{data\.aws_kms_ciphertext\.[\w-]+\.ciphertext_blob\}$/);
  }
  return { value: undefined, value_wo: outOfBand ? SECRET_PLACEHOLDER : '${var.api_token}' };
}
