/**
 * Method 3's construct on its own, in a bare stack with a plain deployment target: what it gives
 * the function, what its props default to, the policies it writes, and that every condition key
 * of them, the secret's resource policy included, is one AWS evaluates where it is used. The
 * policies are proven by evaluation in secrets-manager-secret-permissions.test.ts.
 */
import { Testing, TerraformStack } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { ENV, PARAMETERS_EXTENSION } from '../../functions/shared/contract';
import { handlerEntry } from '../../lib/handlers';
import { SecretKey } from '../../lib/secret-key';
import {
  DEFAULT_RECOVERY_WINDOW_DAYS,
  KEY_VALIDATION_VERSION_ID,
  RecoveryWindowError,
  SecretsManagerSecret,
  secretArnPattern,
  type SecretsManagerSecretProps,
} from '../../lib/secrets-manager-secret';
import { UrlFunction } from '../../lib/url-function';
import { assertValidConditionKeys, conditionedStatements, conditionKeyProblems } from '../support/condition-keys';
import { secretPolicyDocument } from '../support/effective-permissions';
import { TEST_TARGET } from './support/target';

type Json = {
  resource: Record<string, Record<string, any>>;
  data: Record<string, Record<string, any>>;
};

const LAYER = 'arn:aws:lambda:ap-northeast-1:133490724326:layer:AWS-Parameters-and-Secrets-Lambda-Extension:100';
const ARN_PATTERN = 'arn:aws:secretsmanager:ap-northeast-1:111122223333:secret:app/token-??????';
const SECRET_ARN = /^\$\{aws_secretsmanager_secret\.[\w-]+\.arn\}$/;
const KEY_ARN = /^\$\{aws_kms_key\.[\w-]+\.arn\}$/;
const ROLE_ARN = /^\$\{aws_iam_role\.[\w-]+\.arn\}$/;

/** A stack with a key, the secret and a function that reads it, as Terraform JSON. */
function sm(props: Partial<SecretsManagerSecretProps> = {}): { json: Json; secret: SecretsManagerSecret } {
  const stack = new TerraformStack(Testing.app(), 'test');
  const key = new SecretKey(stack, 'secret-key', { functionName: 'fn', target: TEST_TARGET });
  const secret = new SecretsManagerSecret(stack, 'secret', { key, secretName: 'app/token', ...props });
  new UrlFunction(stack, 'function', { functionName: 'fn', secret });
  return { json: JSON.parse(Testing.synth(stack)) as Json, secret };
}

const only = (block: Record<string, any> | undefined) => {
  const values = Object.values(block ?? {});
  expect(values).toHaveLength(1);
  return values[0];
};

/** The statements of the policy document whose id starts with `prefix`, by sid. */
function statementsOf(json: Json, prefix: string): Record<string, any> {
  const [, document] = Object.entries(json.data.aws_iam_policy_document).find(([id]) => id.startsWith(prefix)) ?? [];
  return Object.fromEntries((document?.statement ?? []).map((statement: any) => [statement.sid, statement]));
}
const keyStatements = (json: Json) => statementsOf(json, 'secret-key');
const roleStatements = (json: Json) => statementsOf(json, 'function_execution');

const defaults = sm();

describe('SecretsManagerSecret: the container', () => {
  it('keeps a destroyed secret recoverable for 7 days when not told otherwise', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const key = new SecretKey(stack, 'secret-key', { functionName: 'fn', target: TEST_TARGET });
    new SecretsManagerSecret(stack, 'secret', { key, secretName: 'app/token' });
    const json = JSON.parse(Testing.synth(stack)) as Json;
    expect([
      only(json.resource.aws_secretsmanager_secret).recovery_window_in_days,
      new RecoveryWindowError(3).name,
    ]).toEqual([7, 'RecoveryWindowError']);
  });

  it('creates the secret under the function’s key, named, tagged out-of-band, recoverable for 7 days', () => {
    expect(only(defaults.json.resource.aws_secretsmanager_secret)).toEqual({
      name: 'app/token',
      description: 'API token of the fn function',
      kms_key_id: expect.stringMatching(KEY_ARN),
      recovery_window_in_days: 7,
      tags: { SecretDelivery: 'out-of-band' },
    });
    expect(DEFAULT_RECOVERY_WINDOW_DAYS).toBe(7);
  });

  it('never manages a value: no secret version, no value argument, no data source that reads one', () => {
    expect(defaults.json.resource.aws_secretsmanager_secret_version).toBeUndefined();
    expect(defaults.json.data.aws_secretsmanager_secret_version).toBeUndefined();
    expect(JSON.stringify(defaults.json)).not.toMatch(/secret_string|secret_binary/);
  });

  it.each([0, 7, 30])('accepts a recovery window of %i days', (days) => {
    expect(only(sm({ recoveryWindowInDays: days }).json.resource.aws_secretsmanager_secret)).toMatchObject({
      recovery_window_in_days: days,
    });
  });

  it.each([-1, 1, 6, 31, 7.5])('refuses a recovery window of %d days, which Secrets Manager would', (days) => {
    expect(() => sm({ recoveryWindowInDays: days })).toThrow(RecoveryWindowError);
    expect(() => sm({ recoveryWindowInDays: days })).toThrow(
      `recoveryWindowInDays ${days} is not one Secrets Manager accepts: give 0 (delete at once) or 7 to 30 days.`,
    );
  });
});

describe('SecretsManagerSecret: what the function gets', () => {
  it('names the secret by its ARN and the key by its ARN, never the value; the whole SecretString by default', () => {
    const variables = only(defaults.json.resource.aws_lambda_function).environment.variables;
    expect(variables).toEqual({
      [ENV.kmsKeyArn]: expect.stringMatching(KEY_ARN),
      [ENV.apiTokenSecretId]: expect.stringMatching(SECRET_ARN),
    });
    expect(defaults.secret.externallyManagedEnvironment).toEqual([]);
  });

  it('names the JSON field when given one, and none when given an empty one', () => {
    const variables = (props: Partial<SecretsManagerSecretProps>) =>
      only(sm(props).json.resource.aws_lambda_function).environment.variables;
    expect(variables({ jsonField: 'apiToken' })[ENV.apiTokenSecretJsonField]).toBe('apiToken');
    expect(variables({ jsonField: '' })).not.toHaveProperty(ENV.apiTokenSecretJsonField);
  });

  it('reads with the SDK by default, and through the extension when given its layer', () => {
    expect([defaults.secret.handlerEntry, defaults.secret.layers]).toEqual([handlerEntry('secretsManager'), []]);
    const { json, secret } = sm({ extensionLayerArn: LAYER });
    const fn = only(json.resource.aws_lambda_function);
    expect([secret.handlerEntry, fn.layers]).toEqual([handlerEntry('secretsManagerExtension'), [LAYER]]);
  });

  it('configures the extension for Secrets Manager: its port, its cache off, a timeout on its calls', () => {
    const variables = only(sm({ extensionLayerArn: LAYER }).json.resource.aws_lambda_function).environment.variables;
    expect(variables).toMatchObject({
      [PARAMETERS_EXTENSION.httpPortVariable]: '2773',
      [PARAMETERS_EXTENSION.cacheEnabledVariable]: 'FALSE',
      [PARAMETERS_EXTENSION.secretsManagerTtlVariable]: '0',
      [PARAMETERS_EXTENSION.secretsManagerTimeoutVariable]: expect.stringMatching(/^[1-9]\d*$/),
    });
  });
});

describe('SecretsManagerSecret: the role’s own policy', () => {
  const statements = roleStatements(defaults.json);
  const forThisSecret = {
    test: 'StringEquals',
    variable: 'kms:EncryptionContext:SecretARN',
    values: [expect.stringMatching(SECRET_ARN)],
  };

  it('reads this secret’s value, and nothing else of Secrets Manager', () => {
    expect(statements.ReadOwnSecret).toEqual({
      sid: 'ReadOwnSecret',
      effect: 'Allow',
      actions: ['secretsmanager:GetSecretValue'],
      resources: [expect.stringMatching(SECRET_ARN)],
    });
  });

  it('decrypts with its key only through Secrets Manager, for this secret', () => {
    expect(statements.DecryptThroughSecretsManager).toEqual({
      sid: 'DecryptThroughSecretsManager',
      effect: 'Allow',
      actions: ['kms:Decrypt'],
      resources: [expect.stringMatching(KEY_ARN)],
      condition: [
        { test: 'StringEquals', variable: 'kms:ViaService', values: ['secretsmanager.ap-northeast-1.amazonaws.com'] },
        forThisSecret,
      ],
    });
  });

  it('binds the read to the function, and the secret’s context to its key', () => {
    expect([statements.OnlyFromThisFunction, statements.NoOtherKey]).toEqual([
      {
        sid: 'OnlyFromThisFunction',
        effect: 'Deny',
        actions: ['secretsmanager:GetSecretValue'],
        resources: [expect.stringMatching(SECRET_ARN)],
        condition: [
          {
            test: 'ArnNotEquals',
            variable: 'lambda:SourceFunctionArn',
            values: ['arn:aws:lambda:ap-northeast-1:111122223333:function:fn'],
          },
        ],
      },
      {
        sid: 'NoOtherKey',
        effect: 'Deny',
        actions: ['kms:Decrypt'],
        not_resources: [expect.stringMatching(KEY_ARN)],
        condition: [forThisSecret],
      },
    ]);
  });
});

describe('SecretsManagerSecret: the key policy', () => {
  const through = [
    { test: 'StringEquals', variable: 'kms:ViaService', values: ['secretsmanager.ap-northeast-1.amazonaws.com'] },
    { test: 'StringLike', variable: 'kms:EncryptionContext:SecretARN', values: [ARN_PATTERN] },
  ];

  it('matches the secret’s ARN, whose last 6 characters Secrets Manager chooses, with a wildcard for them only', () => {
    expect(secretArnPattern(TEST_TARGET, 'app/token')).toBe(ARN_PATTERN);
  });

  it('lets the function’s role decrypt only through Secrets Manager, for this secret', () => {
    expect(keyStatements(defaults.json).FunctionDecryptThroughSecretsManager).toEqual({
      sid: 'FunctionDecryptThroughSecretsManager',
      effect: 'Allow',
      principals: [{ type: 'AWS', identifiers: [expect.stringMatching(ROLE_ARN)] }],
      actions: ['kms:Decrypt'],
      resources: ['*'],
      condition: through,
    });
  });

  it('lets writers only generate data keys through Secrets Manager for this secret: the account by default, or those given', () => {
    const writer = (json: Json) => keyStatements(json).SecretWriterEncryptThroughSecretsManager;
    expect(writer(defaults.json)).toEqual({
      sid: 'SecretWriterEncryptThroughSecretsManager',
      effect: 'Allow',
      principals: [{ type: 'AWS', identifiers: ['arn:aws:iam::111122223333:root'] }],
      actions: ['kms:GenerateDataKey'],
      resources: ['*'],
      condition: through,
    });
    expect(writer(sm({ writerArns: ['arn:aws:iam::111122223333:role/ci'] }).json).principals).toEqual([
      { type: 'AWS', identifiers: ['arn:aws:iam::111122223333:role/ci'] },
    ]);
  });

  it('lets whoever runs Terraform pass Secrets Manager’s key check only: the deploying identity by default, or those given', () => {
    const runner = (json: Json) => keyStatements(json).TerraformKeyValidationThroughSecretsManager;
    expect(runner(defaults.json)).toEqual({
      sid: 'TerraformKeyValidationThroughSecretsManager',
      effect: 'Allow',
      principals: [{ type: 'AWS', identifiers: [TEST_TARGET.deployerArn] }],
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: ['*'],
      condition: [
        ...through,
        {
          test: 'StringEquals',
          variable: 'kms:EncryptionContext:SecretVersionId',
          values: ['RequestToValidateKeyAccess'],
        },
      ],
    });
    expect(KEY_VALIDATION_VERSION_ID).toBe('RequestToValidateKeyAccess');
    expect(runner(sm({ terraformRunnerArns: ['arn:aws:iam::111122223333:role/tf'] }).json).principals).toEqual([
      { type: 'AWS', identifiers: ['arn:aws:iam::111122223333:role/tf'] },
    ]);
  });

  it('grants nothing else: the account administers the key, and no one else uses it', () => {
    expect(Object.keys(keyStatements(defaults.json))).toEqual([
      'KeyAdministration',
      'FunctionDecryptThroughSecretsManager',
      'SecretWriterEncryptThroughSecretsManager',
      'TerraformKeyValidationThroughSecretsManager',
    ]);
  });
});

describe('SecretsManagerSecret: the secret’s resource policy', () => {
  it('is its own resource, with AWS’s public-policy block on, and not the secret’s policy argument', () => {
    expect(only(defaults.json.resource.aws_secretsmanager_secret_policy)).toEqual({
      secret_arn: expect.stringMatching(SECRET_ARN),
      policy: expect.stringMatching(/^\$\{data\.aws_iam_policy_document\.[\w-]+\.json\}$/),
      block_public_policy: true,
    });
    expect(only(defaults.json.resource.aws_secretsmanager_secret)).not.toHaveProperty('policy');
    expect(defaults.secret.resourcePolicy).toBeDefined();
  });

  it('denies the value to every principal but the function’s role, with a key resource policies see', () => {
    expect(secretPolicyDocument(defaults.json as any).statement).toEqual([
      {
        sid: 'OnlyTheFunctionReads',
        effect: 'Deny',
        principals: [{ type: '*', identifiers: ['*'] }],
        actions: ['secretsmanager:GetSecretValue'],
        resources: ['*'],
        condition: [{ test: 'ArnNotEquals', variable: 'aws:PrincipalArn', values: [expect.stringMatching(ROLE_ARN)] }],
      },
    ]);
  });
});

describe('condition keys of the secret’s policies', () => {
  it('are each one AWS evaluates where it is used, the secret’s resource policy included', () => {
    for (const props of [{}, { extensionLayerArn: LAYER, jsonField: 'token' }]) {
      expect(conditionKeyProblems('fn', sm(props).json as any)).toEqual([]);
    }
  });

  it("walks the secret's resource policy as a resource policy, beside the key, trust and execution policies", () => {
    const policies = new Set(conditionedStatements(defaults.json as any).map(({ policy }) => policy));
    expect([...policies]).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/\(resource policy, aws_secretsmanager_secret_policy\.[\w-]+\.policy\)$/),
        expect.stringMatching(/\(resource policy, aws_kms_key\.[\w-]+\.policy\)$/),
        expect.stringMatching(/\(resource policy, aws_iam_role\.[\w-]+\.assume_role_policy\)$/),
        expect.stringMatching(/\(identity policy, aws_iam_policy\.[\w-]+\.policy\)$/),
      ]),
    );
    expect(policies.size).toBe(4);
  });

  it('fails, naming the secret policy, when lambda:SourceFunctionArn is put into it', () => {
    const mutated = structuredClone(defaults.json);
    const binding = roleStatements(mutated).OnlyFromThisFunction;
    secretPolicyDocument(mutated).statement[0].condition.push({
      test: 'ArnNotEquals',
      variable: 'lambda:SourceFunctionArn',
      values: binding.condition[0].values,
    });
    expect(conditionKeyProblems('fn', mutated as any)).toEqual([
      expect.objectContaining({
        policy: expect.stringMatching(/aws_secretsmanager_secret_policy\.[\w-]+\.policy/),
        sid: 'OnlyTheFunctionReads',
        action: 'secretsmanager:GetSecretValue',
        key: 'lambda:SourceFunctionArn',
        reason: expect.stringContaining('identity-based policies only'),
      }),
    ]);
    expect(() => assertValidConditionKeys('fn', mutated as any)).toThrow(
      /aws_secretsmanager_secret_policy.*statement OnlyTheFunctionReads, secretsmanager:GetSecretValue, lambda:SourceFunctionArn/,
    );
  });

  it("reads a secret policy written as JSON in the secret's own policy argument too", () => {
    const policy = {
      Statement: [
        {
          Sid: 'Json',
          Effect: 'Deny',
          Principal: '*',
          Action: 'secretsmanager:GetSecretValue',
          Resource: '*',
          Condition: { ArnNotEquals: { 'lambda:SourceFunctionArn': 'arn' } },
        },
      ],
    };
    const json = { resource: { aws_secretsmanager_secret: { s: { name: 'n', policy: JSON.stringify(policy) } } } };
    expect(conditionKeyProblems('fn', json)).toEqual([
      expect.objectContaining({
        policy: 'aws_secretsmanager_secret.s.policy (resource policy)',
        sid: 'Json',
        key: 'lambda:SourceFunctionArn',
      }),
    ]);
  });
});
