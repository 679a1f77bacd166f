/**
 * The two method constructs on their own, in a bare stack with a plain deployment target: what
 * each gives the function, and what its props default to. The policies they make are proven
 * by evaluation in __tests__/stacks/effective-permissions.test.ts.
 */
import { Testing, TerraformStack } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { ENV, SECRET_PLACEHOLDER } from '../../functions/shared/contract';
import { handlerEntry } from '../../lib/handlers';
import { KmsEnvironmentSecret } from '../../lib/kms-environment-secret';
import { SecretKey } from '../../lib/secret-key';
import { SsmParameterSecret, type SsmParameterSecretProps } from '../../lib/ssm-parameter-secret';
import { UrlFunction } from '../../lib/url-function';
import { TEST_TARGET } from './support/target';

type Json = {
  resource: Record<string, Record<string, any>>;
  data: Record<string, Record<string, any>>;
};

/** A stack with a key, `attach`'s secret and a function that reads it, as Terraform JSON. */
function synthWith<Secret extends KmsEnvironmentSecret | SsmParameterSecret>(
  attach: (stack: TerraformStack, key: SecretKey) => Secret,
): { json: Json; secret: Secret } {
  const stack = new TerraformStack(Testing.app(), 'test');
  const key = new SecretKey(stack, 'secret-key', { functionName: 'fn', target: TEST_TARGET });
  const secret = attach(stack, key);
  new UrlFunction(stack, 'function', { functionName: 'fn', secret });
  return { json: JSON.parse(Testing.synth(stack)) as Json, secret };
}

const only = (block: Record<string, any> | undefined) => Object.values(block ?? {})[0];
/** The key policy's statements, by sid. */
const keyStatements = (json: Json) =>
  Object.fromEntries(
    (
      Object.entries(json.data.aws_iam_policy_document).find(([name]) => name.startsWith('secret-key'))?.[1]
        .statement as { sid: string; principals: { identifiers: string[] }[] }[]
    ).map((statement) => [statement.sid, statement]),
  );

const kms = (props: Partial<ConstructorParameters<typeof KmsEnvironmentSecret>[2]> = {}) =>
  synthWith((stack, key) => new KmsEnvironmentSecret(stack, 'secret', { key, ...props }));
const ssm = (props: Partial<SsmParameterSecretProps> = {}) =>
  synthWith(
    (stack, key) =>
      new SsmParameterSecret(stack, 'secret', {
        key,
        parameterName: '/app/token',
        ...props,
      }),
  );

describe('KmsEnvironmentSecret', () => {
  it('leaves a placeholder for a writer outside Terraform, which Terraform then leaves alone', () => {
    const fn = only(kms().json.resource.aws_lambda_function);
    expect([fn.environment.variables[ENV.encryptedApiToken], fn.lifecycle]).toEqual([
      SECRET_PLACEHOLDER,
      { ignore_changes: [`environment[0].variables["${ENV.encryptedApiToken}"]`] },
    ]);
  });

  it('names its key in the environment, for the decrypt and for writers', () => {
    expect(only(kms().json.resource.aws_lambda_function).environment.variables[ENV.kmsKeyArn]).toMatch(
      /^\$\{aws_kms_key\.[\w-]+\.arn\}$/,
    );
  });

  it('lets the account write by default, and only the writers given', () => {
    const principals = (json: Json) => keyStatements(json).SecretWriterEncrypt.principals[0].identifiers;
    expect(principals(kms().json)).toEqual(['arn:aws:iam::111122223333:root']);
    expect(principals(kms({ writerArns: ['arn:aws:iam::111122223333:role/ci'] }).json)).toEqual([
      'arn:aws:iam::111122223333:role/ci',
    ]);
  });

  it('has Terraform encrypt a token it is given, with the function’s context, and manages the variable', () => {
    const { json } = kms({ terraformToken: 'from-a-variable' });
    expect(only(json.data.aws_kms_ciphertext)).toMatchObject({
      plaintext: 'from-a-variable',
      context: { LambdaFunctionName: 'fn' },
    });
    expect(only(json.resource.aws_lambda_function).lifecycle).toBeUndefined();
  });

  it('runs the shipped KMS handler', () => {
    expect(kms().secret.handlerEntry).toBe(handlerEntry('kmsEnvironment'));
  });
});

describe('SsmParameterSecret', () => {
  it('creates the SecureString under the key, with a placeholder written once, tagged out-of-band', () => {
    expect(only(ssm().json.resource.aws_ssm_parameter)).toMatchObject({
      name: '/app/token',
      type: 'SecureString',
      value_wo: SECRET_PLACEHOLDER,
      value_wo_version: 1,
      tags: { SecretDelivery: 'out-of-band' },
    });
  });

  it('writes a write-only token at its version, tagged write-only', () => {
    expect(only(ssm({ writeOnlyToken: { value: 'v', version: 3 } }).json.resource.aws_ssm_parameter)).toMatchObject({
      value_wo: 'v',
      value_wo_version: 3,
      tags: { SecretDelivery: 'write-only' },
    });
  });

  it('lets the deploying identity run Terraform by default, and has Terraform refuse the root user', () => {
    const { json } = ssm();
    expect(keyStatements(json).TerraformThroughSsm.principals[0].identifiers).toEqual([TEST_TARGET.deployerArn]);
    expect(only(json.resource.aws_kms_key).lifecycle.precondition).toHaveLength(1);
  });

  it('trusts the runners given instead, with no check on the deploying identity', () => {
    const { json } = ssm({ terraformRunnerArns: ['arn:aws:iam::111122223333:role/tf'] });
    expect(keyStatements(json).TerraformThroughSsm.principals[0].identifiers).toEqual([
      'arn:aws:iam::111122223333:role/tf',
    ]);
    expect(only(json.resource.aws_kms_key).lifecycle).toBeUndefined();
  });

  it('gives the function the parameter’s name, never its value', () => {
    const variables = only(ssm().json.resource.aws_lambda_function).environment.variables;
    expect(variables[ENV.apiTokenParameterName]).toBe('/app/token');
  });

  it('reads with the SDK by default, and through the extension when given its layer', () => {
    const layer = 'arn:aws:lambda:ap-northeast-1:133490724326:layer:AWS-Parameters-and-Secrets-Lambda-Extension:100';
    const { json, secret } = ssm({ extensionLayerArn: layer });
    expect([ssm().secret.handlerEntry, secret.handlerEntry, only(json.resource.aws_lambda_function).layers]).toEqual([
      handlerEntry('ssmParameter'),
      handlerEntry('ssmParameterExtension'),
      [layer],
    ]);
  });
});
