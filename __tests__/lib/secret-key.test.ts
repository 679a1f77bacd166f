import { Testing, TerraformStack } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { KEY_ADMINISTRATION_ACTIONS, SecretKey } from '../../lib/secret-key';

const ROOT = 'arn:aws:iam::111122223333:root';
const ROLE = 'arn:aws:iam::111122223333:role/fn';

/** A SecretKey for `fn` in an empty stack, with `uses` allowed, as Terraform JSON. */
function synthKey(uses: Parameters<SecretKey['allow']>[0] = []) {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test');
  new SecretKey(stack, 'secret-key', { functionName: 'fn', accountRootArn: ROOT }).allow(uses);
  return JSON.parse(Testing.synth(stack)) as {
    resource: Record<string, Record<string, any>>;
    data: Record<string, Record<string, any>>;
  };
}

const only = (block: Record<string, any> | undefined) => Object.values(block ?? {})[0];

describe('SecretKey', () => {
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
