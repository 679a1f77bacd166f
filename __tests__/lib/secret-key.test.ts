import { Testing, TerraformStack } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { KEY_ADMINISTRATION_ACTIONS, SecretKey } from '../../lib/secret-key';
import { keyAliasName } from '../../lib/secret-names';
import { TEST_TARGET } from './support/target';

const ROOT = 'arn:aws:iam::111122223333:root';
const ROLE = 'arn:aws:iam::111122223333:role/fn';

/** A SecretKey for `fn` in an empty stack, with `uses` allowed, as Terraform JSON. */
function synthKey(uses: Parameters<SecretKey['allow']>[0] = [], configure?: (key: SecretKey) => void) {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test');
  const key = new SecretKey(stack, 'secret-key', { functionName: 'fn', target: TEST_TARGET });
  key.allow(uses);
  configure?.(key);
  return JSON.parse(Testing.synth(stack)) as {
    resource: Record<string, Record<string, any>>;
    data: Record<string, Record<string, any>>;
  };
}

const only = (block: Record<string, any> | undefined) => Object.values(block ?? {})[0];

describe('SecretKey', () => {
  it('names the alias of a function’s key after the function, as the article does', () => {
    expect(keyAliasName('method1-sample')).toBe('alias/method1-sample');
  });

  it('adds each check Terraform makes before it creates or changes the key, in order', () => {
    const check = (n: number) => ({ condition: `\${${n} > 0}`, errorMessage: `check ${n}` });
    const json = synthKey([], (key) => {
      key.require(check(1));
      key.require(check(2));
    });
    expect(only(json.resource.aws_kms_key).lifecycle).toEqual({
      precondition: [
        { condition: '${1 > 0}', error_message: 'check 1' },
        { condition: '${2 > 0}', error_message: 'check 2' },
      ],
    });
  });

  it('creates a key for the function, deleted 7 days after it is scheduled, with rotation on', () => {
    expect(only(synthKey().resource.aws_kms_key)).toMatchObject({
      description: 'KMS key for fn function',
      deletion_window_in_days: 7,
      enable_key_rotation: true,
    });
  });

  it('names its alias after the function and points it at the key', () => {
    expect(only(synthKey().resource.aws_kms_alias)).toEqual({
      name: 'alias/fn',
      target_key_id: expect.stringMatching(/^\$\{aws_kms_key\.[\w-]+\.key_id\}$/),
    });
  });

  it("sets the key's policy to the document allow writes", () => {
    expect(only(synthKey().resource.aws_kms_key).policy).toMatch(/^\$\{data\.aws_iam_policy_document\.[\w-]+\.json\}$/);
  });

  it('lets the account administer the key, first, and then whatever allow adds', () => {
    const use = {
      sid: 'Use',
      effect: 'Allow',
      principals: [{ type: 'AWS', identifiers: [ROLE] }],
      actions: ['kms:Decrypt'],
      resources: ['*'],
    };
    expect(only(synthKey([use]).data.aws_iam_policy_document).statement).toEqual([
      {
        sid: 'KeyAdministration',
        effect: 'Allow',
        principals: [{ type: 'AWS', identifiers: [ROOT] }],
        actions: [...KEY_ADMINISTRATION_ACTIONS],
        resources: ['*'],
      },
      {
        sid: 'Use',
        effect: 'Allow',
        principals: [{ type: 'AWS', identifiers: [ROLE] }],
        actions: ['kms:Decrypt'],
        resources: ['*'],
      },
    ]);
  });

  it('lets the administrator neither use the key nor grant its use', () => {
    const usesOrGrants = KEY_ADMINISTRATION_ACTIONS.filter((action) =>
      /^kms:(Decrypt|Encrypt|ReEncrypt|GenerateDataKey|CreateGrant)/.test(action),
    );
    expect(usesOrGrants).toEqual([]);
  });
});
