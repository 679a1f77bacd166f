import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/nodejs-bundle';
import { STACK_NAMES } from '../../lib/stack-names';
import { dataSources, resources, synthStack } from '../support/synth';

const EVERY_OPTION_VARIANT = [
  {},
  { packaging: 'asset' },
  { functionUrlAuthType: 'NONE' },
  { method1SecretDelivery: 'terraform' },
  { method2SecretDelivery: 'out-of-band' },
];

describe.each(STACK_NAMES)('%s security rules', (name) => {
  describe.each(EVERY_OPTION_VARIANT)('with %o', (overrides) => {
    const { json, text } = synthStack(name, overrides);

    it('contains no absolute path of this machine', () => {
      expect(text).not.toContain(PROJECT_ROOT);
      expect(text).not.toContain(tmpdir());
      expect(text).not.toMatch(/"\/(home|root|tmp|Users|work)\//);
    });

    it('grants no wildcard action or resource', () => {
      for (const doc of dataSources(json, 'aws_iam_policy_document')) {
        for (const statement of doc.statement) {
          expect(statement.actions.some((action: string) => action.includes('*'))).toBe(false);
          expect(statement.resources ?? []).not.toContain('*');
        }
      }
    });

    it('never grants an unconditioned public lambda:InvokeFunction', () => {
      for (const permission of resources(json, 'aws_lambda_permission')) {
        expect(permission.action).not.toBe('lambda:InvokeFunction');
      }
    });

    it('puts no readable value in the parameter, only the variable or the placeholder write-only', () => {
      for (const parameter of resources(json, 'aws_ssm_parameter')) {
        expect(parameter.value).toBeUndefined();
        expect(['${var.api_token}', 'provisioned-out-of-band']).toContain(parameter.value_wo);
      }
    });
  });
});
