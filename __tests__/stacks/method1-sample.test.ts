import { describe, expect, it } from 'vitest';
import { ENV, SECRET_PLACEHOLDER } from '../../functions/shared/contract';
import { assetHashSerializer } from '../support/asset-hash-serializer';
import {
  resources,
  single,
  policyGranting,
  statementGranting,
  synthStack,
  dataSources,
  functionBinding,
  keyPolicy,
} from '../support/synth';

const FUNCTION_BINDING = functionBinding('method1-sample', 'kms:Decrypt', /^\$\{aws_kms_key\.[\w-]+\.arn\}$/, {
  test: 'StringEquals',
  variable: 'kms:EncryptionContext:LambdaFunctionName',
  values: ['method1-sample'],
});

// The bundle's content hash is in the asset path; masking it keeps a handler edit from failing
// the snapshot. The archive test below still checks that the path carries a hash.
expect.addSnapshotSerializer(assetHashSerializer);

describe('method1-sample stack (defaults)', () => {
  const { json, text, warnings } = synthStack('method1-sample');

  it('matches its snapshot', () => {
    expect(text).toMatchSnapshot();
  });

  it('creates a KMS key for the function with a 7-day deletion window and rotation on', () => {
    expect(single(json, 'aws_kms_key')).toMatchObject({
      description: 'KMS key for method1-sample function',
      deletion_window_in_days: 7,
      enable_key_rotation: true,
    });
  });

  it('names the key alias after the function', () => {
    expect(single(json, 'aws_kms_alias').name).toBe('alias/method1-sample');
  });

  it('lets only Lambda assume the execution role', () => {
    const trust = dataSources(json, 'aws_iam_policy_document').find((doc) =>
      doc.statement.some((s: any) => s.actions.includes('sts:AssumeRole')),
    );
    expect(trust.statement).toEqual([
      {
        effect: 'Allow',
        actions: ['sts:AssumeRole'],
        principals: [{ type: 'Service', identifiers: ['lambda.amazonaws.com'] }],
      },
    ]);
    expect(single(json, 'aws_iam_role').name).toBe('method1-sample-lambda-execution');
  });

  it('allows writing logs only to its own log group', () => {
    const statement = statementGranting(json, 'logs:PutLogEvents');
    expect(statement.actions).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
    expect(statement.resources).toEqual([expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.[\w-]+\.arn\}:\*$/)]);
  });

  it('allows kms:Decrypt only on its key and only for ciphertext bound to the function name', () => {
    const statement = statementGranting(json, 'kms:Decrypt');
    expect(statement.actions).toEqual(['kms:Decrypt']);
    expect(statement.resources).toEqual([expect.stringMatching(/^\$\{aws_kms_key\.[\w-]+\.arn\}$/)]);
    expect(statement.condition).toEqual([
      { test: 'StringEquals', variable: 'kms:EncryptionContext:LambdaFunctionName', values: ['method1-sample'] },
    ]);
  });

  it('binds decrypt to this function in its own policy, so another function given the role cannot use it', () => {
    expect(policyGranting(json, 'kms:Decrypt').statement).toEqual(expect.arrayContaining(FUNCTION_BINDING));
  });

  it('names the key in the function environment, so the function decrypts with it and the secret CLI encrypts under it', () => {
    expect(single(json, 'aws_lambda_function').environment.variables[ENV.kmsKeyArn]).toMatch(
      /^\$\{aws_kms_key\.[\w-]+\.arn\}$/,
    );
  });

  it('lets the function role decrypt in the key policy under the same encryption context as its own policy', () => {
    expect(keyPolicy(json).statement).toContainEqual({
      sid: 'FunctionDecrypt',
      effect: 'Allow',
      principals: [{ type: 'AWS', identifiers: [expect.stringMatching(/^\$\{aws_iam_role\.[\w-]+\.arn\}$/)] }],
      actions: ['kms:Decrypt'],
      resources: ['*'],
      condition: statementGranting(json, 'kms:Decrypt').condition,
    });
  });

  it('lets the writers, by default the account, encrypt with the function context and nothing more', () => {
    expect(keyPolicy(json).statement).toContainEqual({
      sid: 'SecretWriterEncrypt',
      effect: 'Allow',
      principals: [
        {
          type: 'AWS',
          identifiers: [expect.stringMatching(/:iam::\$\{data\.aws_caller_identity\.[\w-]+\.account_id\}:root$/)],
        },
      ],
      actions: ['kms:Encrypt'],
      resources: ['*'],
      condition: [
        { test: 'StringEquals', variable: 'kms:EncryptionContext:LambdaFunctionName', values: ['method1-sample'] },
      ],
    });
  });

  it('names the writers given in secretWriterArns instead of the account', () => {
    const writer = 'arn:aws:iam::123456789012:role/token-writer';
    const statement = keyPolicy(synthStack('method1-sample', { secretWriterArns: [writer] }).json).statement.find(
      (s: any) => s.sid === 'SecretWriterEncrypt',
    );
    expect(statement.principals).toEqual([{ type: 'AWS', identifiers: [writer] }]);
  });

  it('grants nothing but logs and decrypt', () => {
    const execution = dataSources(json, 'aws_iam_policy_document').find((doc) =>
      doc.statement.some((s: any) => s.actions.includes('kms:Decrypt')),
    );
    const allowed = execution.statement.filter((s: any) => s.effect === 'Allow');
    expect(allowed.flatMap((s: any) => s.actions)).toEqual([
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'kms:Decrypt',
    ]);
  });

  it('attaches the execution policy to the role', () => {
    expect(single(json, 'aws_iam_policy').name).toBe('method1-sample-lambda-execution');
    expect(single(json, 'aws_iam_role_policy_attachment')).toMatchObject({
      role: expect.stringMatching(/^\$\{aws_iam_role\.[\w-]+\.name\}$/),
      policy_arn: expect.stringMatching(/^\$\{aws_iam_policy\.[\w-]+\.arn\}$/),
    });
  });

  it('creates the log group /aws/lambda/method1-sample with 30-day retention', () => {
    expect(single(json, 'aws_cloudwatch_log_group')).toEqual({
      name: '/aws/lambda/method1-sample',
      retention_in_days: 30,
    });
  });

  it('creates the function after its log group and policy attachment', () => {
    const fn = single(json, 'aws_lambda_function');
    expect(fn.depends_on).toEqual([
      expect.stringMatching(/^aws_cloudwatch_log_group\./),
      expect.stringMatching(/^aws_iam_role_policy_attachment\./),
    ]);
  });

  it('runs the bundled handler on nodejs22.x', () => {
    expect(single(json, 'aws_lambda_function')).toMatchObject({
      function_name: 'method1-sample',
      handler: 'index.handler',
      runtime: 'nodejs22.x',
      timeout: 10,
      role: expect.stringMatching(/^\$\{aws_iam_role\.[\w-]+\.arn\}$/),
    });
  });

  it('holds a placeholder, not a secret, in ENCRYPTED_API_TOKEN', () => {
    const variables = single(json, 'aws_lambda_function').environment.variables;
    expect(variables[ENV.encryptedApiToken]).toBe(SECRET_PLACEHOLDER);
  });

  it('never reverts or diffs the out-of-band ENCRYPTED_API_TOKEN, and only that key', () => {
    expect(single(json, 'aws_lambda_function').lifecycle).toEqual({
      ignore_changes: ['environment[0].variables["ENCRYPTED_API_TOKEN"]'],
    });
  });

  it('passes the target URL, upstream timeout and cache TTL to the function', () => {
    expect(single(json, 'aws_lambda_function').environment.variables).toMatchObject({
      [ENV.targetUrl]: 'https://example.com',
      [ENV.upstreamTimeoutMs]: '5000',
      [ENV.secretCacheTtlSeconds]: '300',
    });
  });

  it('does not encrypt the token in Terraform', () => {
    expect(dataSources(json, 'aws_kms_ciphertext')).toEqual([]);
    expect(json.variable).toBeUndefined();
  });

  it('zips the bundle with archive_file, as the article does', () => {
    const archive = dataSources(json, 'archive_file');
    expect(archive).toEqual([
      {
        type: 'zip',
        source_dir: expect.stringMatching(/^assets\/[\w-]+\/[0-9A-F]{32}$/),
        output_path: 'dist/method1-sample.zip',
        // Lambda needs its code world-readable, whatever the umask of whoever synthesized it.
        output_file_mode: '0644',
      },
    ]);
    expect(single(json, 'aws_lambda_function')).toMatchObject({
      filename: expect.stringMatching(/^\$\{data\.archive_file\.[\w-]+\.output_path\}$/),
      source_code_hash: expect.stringMatching(/^\$\{data\.archive_file\.[\w-]+\.output_base64sha256\}$/),
    });
  });

  it('creates an AWS_IAM function URL and no public permission', () => {
    expect(single(json, 'aws_lambda_function_url').authorization_type).toBe('AWS_IAM');
    expect(resources(json, 'aws_lambda_permission')).toEqual([]);
  });

  it('uses the configured region', () => {
    expect(json.provider?.aws).toEqual([{ region: 'ap-northeast-1' }]);
  });

  it('outputs the function name and URL, the log group and the key', () => {
    expect(Object.keys(json.output ?? {}).sort()).toEqual([
      'function_name',
      'function_url',
      'kms_alias',
      'kms_key_arn',
      'log_group_name',
    ]);
  });

  it('warns about nothing', () => {
    expect(warnings).toEqual([]);
  });
});

describe('method1-sample stack with method1SecretDelivery=terraform (the article)', () => {
  const { json, warnings } = synthStack('method1-sample', { method1SecretDelivery: 'terraform' });

  it('encrypts a sensitive variable with the key and the function-name encryption context', () => {
    expect(json.variable?.api_token).toMatchObject({ type: 'string', sensitive: true });
    expect(dataSources(json, 'aws_kms_ciphertext')).toEqual([
      {
        key_id: expect.stringMatching(/^\$\{aws_kms_key\.[\w-]+\.key_id\}$/),
        plaintext: '${var.api_token}',
        context: { LambdaFunctionName: 'method1-sample' },
      },
    ]);
  });

  it('puts the ciphertext in ENCRYPTED_API_TOKEN and manages it in Terraform', () => {
    const fn = single(json, 'aws_lambda_function');
    expect(fn.environment.variables[ENV.encryptedApiToken]).toMatch(
      /^\$\{data\.aws_kms_ciphertext\.[\w-]+\.ciphertext_blob\}$/,
    );
    expect(fn.lifecycle).toBeUndefined();
  });

  it('warns that the plaintext will be stored in state', () => {
    expect(warnings).toEqual([expect.stringContaining('stores the plaintext token in the Terraform state')]);
  });
});
