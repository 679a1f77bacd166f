import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ENV, SECRET_PLACEHOLDER } from '../../functions/shared/contract';
import type { SampleOptions } from '../../lib/config';
import { METHODS, type MethodDefinition } from '../../lib/methods';
import { PROJECT_ROOT } from '../../lib/project-root';
import { dataSources, resources, single, synthStack } from '../support/synth';

/** The values of each option that changes what a stack grants or where its secret goes. */
const SECURITY_RELEVANT_VALUES = {
  packaging: ['archive', 'asset'],
  functionUrlAuthType: ['AWS_IAM', 'NONE'],
  method1SecretDelivery: ['out-of-band', 'terraform'],
  method2SecretDelivery: ['write-only', 'out-of-band'],
} as const satisfies Partial<Record<keyof SampleOptions, readonly string[]>>;

/** Every combination of the options that matter to `method`: its own delivery option, packaging and URL auth. */
function combinationsFor(method: MethodDefinition): Partial<Record<keyof SampleOptions, string>>[] {
  const options = ['packaging', 'functionUrlAuthType', method.deliveryOption] as const;
  return options.reduce<Partial<Record<keyof SampleOptions, string>>[]>(
    (combinations, option) =>
      combinations.flatMap((combination) =>
        SECURITY_RELEVANT_VALUES[option].map((value) => ({ ...combination, [option]: value })),
      ),
    [{}],
  );
}

describe.each(METHODS)('$stackName security rules', (method) => {
  const combinations = combinationsFor(method);

  it('covers every combination of packaging, URL auth and its secret delivery', () => {
    expect(combinations).toHaveLength(8);
  });

  describe.each(combinations)('with %o', (overrides) => {
    const { json, text } = synthStack(method.stackName, overrides);

    it('contains no absolute path of this machine', () => {
      expect(text).not.toContain(PROJECT_ROOT);
      expect(text).not.toContain(tmpdir());
      expect(text).not.toMatch(/"\/(home|root|tmp|Users|work)\//);
    });

    it('grants no wildcard action or resource in any policy statement', () => {
      const statements = dataSources(json, 'aws_iam_policy_document').flatMap((doc) => doc.statement);
      // trust, execution: the rule below must have something to hold for.
      expect(statements.length).toBeGreaterThanOrEqual(3);
      const wildcards = statements.filter(
        (statement) =>
          statement.actions.some((action: string) => action.includes('*')) ||
          (statement.resources ?? []).some((resource: string) => resource === '*'),
      );
      expect(wildcards).toEqual([]);
    });

    it('makes the URL public only with auth type NONE, and never through an unconditioned lambda:InvokeFunction', () => {
      const publicGrants = resources(json, 'aws_lambda_permission').filter(
        (permission) => permission.principal === '*',
      );
      const expected =
        overrides.functionUrlAuthType === 'NONE'
          ? [expect.objectContaining({ action: 'lambda:InvokeFunctionUrl', function_url_auth_type: 'NONE' })]
          : [];
      expect(publicGrants).toEqual(expected);
    });

    it('limits how many executions run at once', () => {
      expect(single(json, 'aws_lambda_function').reserved_concurrent_executions).toBeGreaterThan(0);
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
  return resources(json, 'aws_ssm_parameter').map((parameter) => ({
    value: parameter.value,
    value_wo: parameter.value_wo,
  }));
}

/** What {@link secretValuesIn} must find under `overrides`: nothing that could be the token itself. */
function expectedSecretValue(
  method: MethodDefinition,
  overrides: Partial<Record<keyof SampleOptions, string>>,
): unknown {
  const outOfBand = overrides[method.deliveryOption] === 'out-of-band';
  if (method.secretStore === 'function-environment') {
    return outOfBand
      ? SECRET_PLACEHOLDER
      : expect.stringMatching(/^\$\{data\.aws_kms_ciphertext\.[\w-]+\.ciphertext_blob\}$/);
  }
  return { value: undefined, value_wo: outOfBand ? SECRET_PLACEHOLDER : '${var.api_token}' };
}
