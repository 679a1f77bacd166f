import { describe, expect, it } from 'vitest';
import { ENV, SECRET_PLACEHOLDER } from '../../functions/shared/contract';
import { assetHashSerializer } from '../support/asset-hash-serializer';
import {
  dataSources,
  resources,
  single,
  policyGranting,
  statementGranting,
  synthStack,
  functionBinding,
  keyPolicy,
} from '../support/synth';

const FUNCTION_BINDING = functionBinding(
  'method2-sample',
  'ssm:GetParameter',
  /^\$\{aws_ssm_parameter\.[\w-]+\.arn\}$/,
  {
    test: 'StringEquals',
    variable: 'kms:EncryptionContext:PARAMETER_ARN',
    values: [expect.stringMatching(/:parameter\/sample-app\/lambda\/sample-api-token$/)],
  },
);

// The bundle's content hash is in the asset path; masking it keeps a handler edit from failing
// the snapshot. method1-sample.test.ts and options.test.ts check that the path carries one.
expect.addSnapshotSerializer(assetHashSerializer);

describe('method2-sample stack (defaults)', () => {
  const { json, text, warnings } = synthStack('method2-sample');

  it('matches its snapshot', () => {
    expect(text).toMatchSnapshot();
  });

  it('creates a KMS key with rotation and the alias alias/method2-sample', () => {
    expect(single(json, 'aws_kms_key')).toMatchObject({
      description: 'KMS key for method2-sample function',
      deletion_window_in_days: 7,
      enable_key_rotation: true,
    });
    expect(single(json, 'aws_kms_alias').name).toBe('alias/method2-sample');
  });

  it('stores the token as a SecureString encrypted with the key', () => {
    expect(single(json, 'aws_ssm_parameter')).toMatchObject({
      name: '/sample-app/lambda/sample-api-token',
      type: 'SecureString',
      key_id: expect.stringMatching(/^\$\{aws_kms_key\.[\w-]+\.key_id\}$/),
    });
  });

  it('writes the value write-only from an ephemeral variable, so it is in neither state nor plan', () => {
    const parameter = single(json, 'aws_ssm_parameter');
    expect(parameter.value).toBeUndefined();
    expect(parameter.value_wo).toBe('${var.api_token}');
    expect(parameter.value_wo_version).toBe('${var.api_token_version}');
    expect(json.variable?.api_token).toMatchObject({
      type: 'string',
      sensitive: true,
      ephemeral: true,
      nullable: false,
    });
    expect(json.variable?.api_token_version).toMatchObject({ type: 'number', default: 1 });
  });

  it('puts only the parameter name in the environment', () => {
    const variables = single(json, 'aws_lambda_function').environment.variables;
    expect(variables).toEqual({
      [ENV.apiTokenParameterName]: '/sample-app/lambda/sample-api-token',
      [ENV.kmsKeyArn]: expect.stringMatching(/^\$\{aws_kms_key\.[\w-]+\.arn\}$/),
      [ENV.targetUrl]: 'https://example.com',
      [ENV.upstreamTimeoutMs]: '5000',
      [ENV.secretCacheTtlSeconds]: '300',
    });
    expect(single(json, 'aws_lambda_function').lifecycle).toBeUndefined();
  });

  it('allows exactly ssm:GetParameter on that parameter (not GetParameter*)', () => {
    const statement = statementGranting(json, 'ssm:GetParameter');
    expect(statement.actions).toEqual(['ssm:GetParameter']);
    expect(statement.resources).toEqual([expect.stringMatching(/^\$\{aws_ssm_parameter\.[\w-]+\.arn\}$/)]);
  });

  it('tags the parameter with its delivery, which the secret CLI reads instead of decrypting', () => {
    expect(single(json, 'aws_ssm_parameter').tags).toEqual({ SecretDelivery: 'write-only' });
  });

  it('lets the function role, the writers and the Terraform runners use the key only through SSM for the parameter', () => {
    const throughSsm = statementGranting(json, 'kms:Decrypt').condition;
    const uses = keyPolicy(json).statement.filter((statement: any) => statement.sid !== 'KeyAdministration');
    expect(uses.map((statement: any) => [statement.sid, statement.actions])).toEqual([
      ['FunctionDecryptThroughSsm', ['kms:Decrypt']],
      ['SecretWriterEncryptThroughSsm', ['kms:Encrypt']],
      ['TerraformThroughSsm', ['kms:Decrypt', 'kms:Encrypt']],
    ]);
    expect(uses.map((statement: any) => statement.condition)).toEqual([throughSsm, throughSsm, throughSsm]);
  });

  it('lets by default only the identity that runs Terraform (the role behind its session) refresh the parameter', () => {
    const statement = keyPolicy(json).statement.find((s: any) => s.sid === 'TerraformThroughSsm');
    expect(statement.principals).toEqual([
      {
        type: 'AWS',
        identifiers: [expect.stringMatching(/^\$\{data\.aws_iam_session_context\.[\w-]+\.issuer_arn\}$/)],
      },
    ]);
    expect(dataSources(json, 'aws_iam_session_context')).toEqual([
      { arn: expect.stringMatching(/^\$\{data\.aws_caller_identity\.[\w-]+\.arn\}$/) },
    ]);
  });

  it("refuses at plan time the account's root user as the default runner, which a key policy reads as the whole account", () => {
    expect(single(json, 'aws_kms_key').lifecycle.precondition).toEqual([
      {
        condition: expect.stringMatching(
          /^\$\{!endswith\(data\.aws_iam_session_context\.[\w-]+\.issuer_arn, ":root"\)\}$/,
        ),
        error_message: expect.stringContaining("These credentials are the account's root user"),
      },
    ]);
  });

  it('needs no such check with terraformRunnerArns set', () => {
    const { json: named } = synthStack('method2-sample', {
      terraformRunnerArns: 'arn:aws:iam::123456789012:role/deploy',
    });
    const preconditions = single(named, 'aws_kms_key').lifecycle.precondition;
    expect(preconditions.map((p: any) => p.error_message)).toEqual([expect.stringContaining('another account')]);
  });

  it('names the Terraform runners given in terraformRunnerArns instead of the deploying identity', () => {
    const runner = 'arn:aws:iam::123456789012:role/deploy';
    const statement = keyPolicy(synthStack('method2-sample', { terraformRunnerArns: runner }).json).statement.find(
      (s: any) => s.sid === 'TerraformThroughSsm',
    );
    expect(statement.principals).toEqual([{ type: 'AWS', identifiers: [runner] }]);
  });

  it('binds GetParameter to this function in its own policy, so another function given the role cannot read the token', () => {
    expect(policyGranting(json, 'ssm:GetParameter').statement).toEqual(expect.arrayContaining(FUNCTION_BINDING));
  });

  it('leaves GetParameter itself unconditioned: the binding is the Deny, which no resource policy can outweigh', () => {
    expect(statementGranting(json, 'ssm:GetParameter').condition).toBeUndefined();
  });

  it('allows kms:Decrypt on its key only through SSM and only for that parameter', () => {
    const statement = statementGranting(json, 'kms:Decrypt');
    expect(statement.resources).toEqual([expect.stringMatching(/^\$\{aws_kms_key\.[\w-]+\.arn\}$/)]);
    expect(statement.condition).toEqual([
      {
        test: 'StringEquals',
        variable: 'kms:ViaService',
        values: [expect.stringMatching(/^ssm\.ap-northeast-1\.\$\{data\.aws_partition\.[\w-]+\.dns_suffix\}$/)],
      },
      {
        test: 'StringEquals',
        variable: 'kms:EncryptionContext:PARAMETER_ARN',
        // The parameter's ARN as SSM puts it in the encryption context, built from its parts.
        values: [
          expect.stringMatching(
            /^arn:\$\{data\.aws_partition\.[\w-]+\.partition\}:ssm:ap-northeast-1:\$\{data\.aws_caller_identity\.[\w-]+\.account_id\}:parameter\/sample-app\/lambda\/sample-api-token$/,
          ),
        ],
      },
    ]);
  });

  it('allows writing logs only to its own log group', () => {
    expect(statementGranting(json, 'logs:PutLogEvents').resources).toEqual([
      expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.[\w-]+\.arn\}:\*$/),
    ]);
  });

  it('creates role, policy, attachment, log group, function and URL named after the function', () => {
    expect(single(json, 'aws_iam_role').name).toBe('method2-sample-lambda-execution');
    expect(single(json, 'aws_iam_policy').name).toBe('method2-sample-lambda-execution');
    expect(resources(json, 'aws_iam_role_policy_attachment')).toHaveLength(1);
    expect(single(json, 'aws_cloudwatch_log_group').name).toBe('/aws/lambda/method2-sample');
    expect(single(json, 'aws_lambda_function')).toMatchObject({
      function_name: 'method2-sample',
      runtime: 'nodejs22.x',
    });
    expect(single(json, 'aws_lambda_function_url').authorization_type).toBe('AWS_IAM');
  });

  it('outputs the parameter name besides the function outputs', () => {
    expect(Object.keys(json.output ?? {})).toContain('api_token_parameter_name');
    expect(Object.keys(json.output ?? {})).toContain('function_url');
  });

  it('warns about nothing', () => {
    expect(warnings).toEqual([]);
  });

  it('does not use aws_kms_ciphertext', () => {
    expect(dataSources(json, 'aws_kms_ciphertext')).toEqual([]);
  });
});

describe('method2-sample stack with method2SecretDelivery=out-of-band', () => {
  const { json } = synthStack('method2-sample', { method2SecretDelivery: 'out-of-band' });

  it('writes the placeholder once, at a fixed version, so Terraform never reverts the token', () => {
    const parameter = single(json, 'aws_ssm_parameter');
    expect(parameter).toMatchObject({ value_wo: SECRET_PLACEHOLDER, value_wo_version: 1 });
  });

  it('leaves `value` unset, which the provider would refresh into the state with the token', () => {
    const parameter = single(json, 'aws_ssm_parameter');
    expect(parameter.value).toBeUndefined();
    expect(parameter.lifecycle).toBeUndefined();
  });

  it('declares no token variable', () => {
    expect(json.variable).toBeUndefined();
  });
});

describe('method2-sample stack with method2Reader=extension', () => {
  const LAYER = 'arn:aws:lambda:ap-northeast-1:133490724326:layer:AWS-Parameters-and-Secrets-Lambda-Extension:100';
  const { json } = synthStack('method2-sample', { method2Reader: 'extension' });
  const fn = single(json, 'aws_lambda_function');

  it("adds AWS's Parameters and Secrets extension layer", () => {
    expect(fn.layers).toEqual([LAYER]);
  });

  it('adds the arm64 layer when the function runs on arm64', () => {
    const arm = single(
      synthStack('method2-sample', { method2Reader: 'extension', architecture: 'arm64' }).json,
      'aws_lambda_function',
    );
    expect(arm.layers).toEqual([LAYER.replace('Extension:', 'Extension-Arm64:')]);
  });

  it("sets the extension's port, a timeout on its SSM calls within the fetch budget, and its cache off", () => {
    expect(fn.environment.variables).toMatchObject({
      PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: '2773',
      PARAMETERS_SECRETS_EXTENSION_CACHE_ENABLED: 'FALSE',
      SSM_PARAMETER_STORE_TTL: '0',
      SSM_PARAMETER_STORE_TIMEOUT_MILLIS: '2500',
    });
  });

  it('still names the parameter for the function, and keeps the same secret access', () => {
    const sdk = synthStack('method2-sample').json;
    expect(fn.environment.variables[ENV.apiTokenParameterName]).toBe('/sample-app/lambda/sample-api-token');
    expect(dataSources(json, 'aws_iam_policy_document')).toEqual(dataSources(sdk, 'aws_iam_policy_document'));
  });
});

describe('method2-sample stack with the SDK reader', () => {
  it('adds no layer and no extension settings', () => {
    const fn = single(synthStack('method2-sample').json, 'aws_lambda_function');
    expect([
      fn.layers,
      Object.keys(fn.environment.variables).filter((name) => name.includes('PARAMETER_STORE')),
    ]).toEqual([undefined, []]);
  });
});

describe('method2-sample stack with stage=dev', () => {
  const { json } = synthStack('method2-sample', { stage: 'dev' });

  it("puts the parameter under the stage's path and names it to the function", () => {
    const name = '/sample-app/dev/lambda/sample-api-token';
    expect([
      single(json, 'aws_ssm_parameter').name,
      single(json, 'aws_lambda_function').environment.variables[ENV.apiTokenParameterName],
    ]).toEqual([name, name]);
  });

  it("binds the key to the stage's parameter", () => {
    expect(JSON.stringify(keyPolicy(json))).toContain(':parameter/sample-app/dev/lambda/sample-api-token');
  });
});
