/**
 * The method3-sample stack as the sample synthesizes it: the construct's own rules are in
 * __tests__/lib/secrets-manager-secret.test.ts, and who can read the token is evaluated in
 * __tests__/lib/secrets-manager-secret-permissions.test.ts; here, what the sample's options make of it.
 */
import { describe, expect, it } from 'vitest';
import { ENV } from '../../functions/shared/contract';
import { assetHashSerializer } from '../support/asset-hash-serializer';
import { functionBinding, policyGranting, resources, single, synthStack } from '../support/synth';

// The bundle's content hash is in the asset path; masking it keeps a handler edit from failing the snapshot.
expect.addSnapshotSerializer(assetHashSerializer);

const SECRET_ARN = /^\$\{aws_secretsmanager_secret\.[\w-]+\.arn\}$/;

describe('method3-sample stack (defaults)', () => {
  const { json, text, warnings } = synthStack('method3-sample');

  it('matches its snapshot', () => {
    expect(text).toMatchSnapshot();
  });

  it('creates the secret under the stack’s key, named as the article names its parameter', () => {
    expect(single(json, 'aws_secretsmanager_secret')).toMatchObject({
      name: 'sample-app/lambda/sample-api-token',
      kms_key_id: expect.stringMatching(/^\$\{aws_kms_key\.[\w-]+\.arn\}$/),
      recovery_window_in_days: 7,
    });
  });

  it('never holds the value: no secret version, no variable for a token', () => {
    expect([resources(json, 'aws_secretsmanager_secret_version'), json.variable]).toEqual([[], undefined]);
  });

  it('gives the function the secret’s ARN and the key’s, and no JSON field by default', () => {
    const variables = single(json, 'aws_lambda_function').environment.variables;
    expect(variables[ENV.apiTokenSecretId]).toMatch(SECRET_ARN);
    expect(variables[ENV.kmsKeyArn]).toMatch(/^\$\{aws_kms_key\.[\w-]+\.arn\}$/);
    expect(variables).not.toHaveProperty(ENV.apiTokenSecretJsonField);
  });

  it('binds the read to the function in the role’s own policy', () => {
    expect(policyGranting(json, 'secretsmanager:GetSecretValue').statement).toEqual(
      expect.arrayContaining(
        functionBinding('method3-sample', 'secretsmanager:GetSecretValue', SECRET_ARN, {
          test: 'StringEquals',
          variable: 'kms:EncryptionContext:SecretARN',
          values: [expect.stringMatching(SECRET_ARN)],
        }),
      ),
    );
  });

  it('outputs the secret’s ARN', () => {
    expect(json.output?.api_token_secret_arn.value).toMatch(SECRET_ARN);
  });

  it('warns about nothing', () => {
    expect(warnings).toEqual([]);
  });
});

describe('method3-sample stack with options', () => {
  it('passes method3JsonField to the function', () => {
    const { json } = synthStack('method3-sample', { method3JsonField: 'token' });
    expect(single(json, 'aws_lambda_function').environment.variables[ENV.apiTokenSecretJsonField]).toBe('token');
  });

  it('deletes the secret at once with method3RecoveryDays=0', () => {
    const { json } = synthStack('method3-sample', { method3RecoveryDays: '0' });
    expect(single(json, 'aws_secretsmanager_secret').recovery_window_in_days).toBe(0);
  });

  it('reads through the extension with method3Reader=extension, Method 2’s reader left alone', () => {
    const { json } = synthStack('method3-sample', { method3Reader: 'extension' });
    expect(single(json, 'aws_lambda_function').layers).toEqual([
      expect.stringMatching(/:layer:AWS-Parameters-and-Secrets-Lambda-Extension:\d+$/),
    ]);
    expect(
      single(synthStack('method2-sample', { method3Reader: 'extension' }).json, 'aws_lambda_function').layers,
    ).toBeUndefined();
  });

  it('names the secret after its stage', () => {
    const { json } = synthStack('method3-sample', { stage: 'dev' });
    expect(single(json, 'aws_secretsmanager_secret').name).toBe('sample-app/dev/lambda/sample-api-token');
  });
});
