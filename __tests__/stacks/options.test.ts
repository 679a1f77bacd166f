import { describe, expect, it } from 'vitest';
import { ENV } from '../../functions/shared/contract';
import { EnvironmentTooLargeError } from '../../lib/lambda-environment';
import { STACK_NAMES } from '../../stacks/methods';
import { dataSources, resources, single, synthStack } from '../support/synth';

/** A public URL, with the cap on concurrent executions that one requires. */
const PUBLIC_URL = { functionUrlAuthType: 'NONE', reservedConcurrency: 10 };

describe.each(STACK_NAMES)('%s options', (name) => {
  it('sets the region on the provider', () => {
    const { json } = synthStack(name, { region: 'eu-west-1' });
    expect(json.provider?.aws).toEqual([{ region: 'eu-west-1' }]);
  });

  it('warns about a region it does not know, naming it', () => {
    expect(synthStack(name, { region: 'zz-fake-9' }).warnings).toContainEqual(
      expect.stringContaining('Region "zz-fake-9" is not one this project knows'),
    );
  });

  it('does not warn about a known region', () => {
    expect(synthStack(name, { region: 'eu-west-1' }).warnings.filter((warning) => warning.includes('Region'))).toEqual(
      [],
    );
  });

  it('passes targetUrl to the function', () => {
    const { json } = synthStack(name, { targetUrl: 'http://127.0.0.1:8080/hook' });
    expect(single(json, 'aws_lambda_function').environment.variables[ENV.targetUrl]).toBe('http://127.0.0.1:8080/hook');
  });

  it('sets logRetentionDays on the log group', () => {
    const { json } = synthStack(name, { logRetentionDays: 365 });
    expect(single(json, 'aws_cloudwatch_log_group').retention_in_days).toBe(365);
  });

  it('passes upstreamTimeoutMs and secretCacheTtlSeconds to the function', () => {
    const { json } = synthStack(name, { upstreamTimeoutMs: 2500, secretCacheTtlSeconds: 60 });
    expect(single(json, 'aws_lambda_function').environment.variables).toMatchObject({
      [ENV.upstreamTimeoutMs]: '2500',
      [ENV.secretCacheTtlSeconds]: '60',
    });
  });

  it('reserves nothing by default, which deploys in an account whose concurrency quota is still 10', () => {
    expect(single(synthStack(name).json, 'aws_lambda_function')).not.toHaveProperty('reserved_concurrent_executions');
  });

  it('passes reservedConcurrency to the function', () => {
    const { json } = synthStack(name, { reservedConcurrency: 3 });
    expect(single(json, 'aws_lambda_function').reserved_concurrent_executions).toBe(3);
  });

  it('with packaging=asset, zips at synth and needs no archive provider', () => {
    const { json } = synthStack(name, { packaging: 'asset' });
    expect(dataSources(json, 'archive_file')).toEqual([]);
    expect(json.terraform.required_providers.archive).toBeUndefined();
    expect(single(json, 'aws_lambda_function')).toMatchObject({
      filename: expect.stringMatching(/^assets\/[\w-]+\/[0-9A-F]{32}\/archive\.zip$/),
      source_code_hash: expect.stringMatching(
        /^\$\{filebase64sha256\("assets\/[\w-]+\/[0-9A-F]{32}\/archive\.zip"\)\}$/,
      ),
    });
  });

  it('with functionUrlAuthType=NONE, grants public InvokeFunctionUrl for NONE auth only', () => {
    const { json } = synthStack(name, PUBLIC_URL);
    expect(single(json, 'aws_lambda_function_url').authorization_type).toBe('NONE');
    expect(resources(json, 'aws_lambda_permission')).toEqual([
      {
        statement_id: 'AllowPublicFunctionUrlInvoke',
        action: 'lambda:InvokeFunctionUrl',
        function_name: expect.stringMatching(/^\$\{aws_lambda_function\.[\w-]+\.function_name\}$/),
        principal: '*',
        function_url_auth_type: 'NONE',
        depends_on: [expect.stringMatching(/^aws_lambda_function_url\.[\w-]+$/)],
      },
    ]);
  });

  it('with functionUrlAuthType=NONE, adds the lambda:InvokeFunction AWS requires, conditioned on the URL, through CloudFormation', () => {
    const stack = single(synthStack(name, PUBLIC_URL).json, 'aws_cloudformation_stack');
    expect(stack.name).toBe(`${name}-public-url-invoke-function`);
    expect(JSON.parse(stack.template_body).Resources).toEqual({
      InvokeViaFunctionUrl: {
        Type: 'AWS::Lambda::Permission',
        Properties: {
          Action: 'lambda:InvokeFunction',
          FunctionName: name,
          Principal: '*',
          InvokedViaFunctionUrl: true,
        },
      },
    });
  });

  it('with functionUrlAuthType=NONE, warns that anyone can call the function', () => {
    expect(synthStack(name, PUBLIC_URL).warnings).toEqual([
      expect.stringContaining('anyone on the internet can call it'),
    ]);
  });

  it('with AWS_IAM, adds no CloudFormation stack', () => {
    expect(resources(synthStack(name).json, 'aws_cloudformation_stack')).toEqual([]);
  });

  it('rejects an environment over the 4 KB quota, with the size in the message', () => {
    const targetUrl = `https://example.com/${'a'.repeat(4100)}`;
    expect(() => synthStack(name, { targetUrl })).toThrow(EnvironmentTooLargeError);
    expect(() => synthStack(name, { targetUrl })).toThrow(/is \d{4} bytes; Lambda allows at most 4096 bytes/);
    expect(() => synthStack(name, { targetUrl })).toThrow(/Largest variables: TARGET_URL \(4120 bytes\)/);
  });

  it('runs the function on x86_64 by default', () => {
    expect(single(synthStack(name).json, 'aws_lambda_function').architectures).toEqual(['x86_64']);
  });

  it('runs the function on arm64 with architecture=arm64', () => {
    const { json } = synthStack(name, { architecture: 'arm64' });
    expect(single(json, 'aws_lambda_function').architectures).toEqual(['arm64']);
  });

  describe('with stage=dev', () => {
    const { json, text } = synthStack(name, { stage: 'dev' });
    const staged = `${name}-dev`;

    it('names the function, its role, policy, log group and key alias after the stack and stage', () => {
      expect([
        single(json, 'aws_lambda_function').function_name,
        single(json, 'aws_iam_role').name,
        single(json, 'aws_iam_policy').name,
        single(json, 'aws_cloudwatch_log_group').name,
        single(json, 'aws_kms_alias').name,
      ]).toEqual([
        staged,
        `${staged}-lambda-execution`,
        `${staged}-lambda-execution`,
        `/aws/lambda/${staged}`,
        `alias/${staged}`,
      ]);
    });

    it('keeps its state apart', () => {
      expect(json.terraform.backend.local.path).toBe(`../../../terraform.${staged}.tfstate`);
    });

    it('leaves no name of the default stage behind', () => {
      expect(text.match(new RegExp(`${name}(?!-dev)[^a-z0-9-]`, 'g')) ?? []).toEqual([]);
    });
  });

  it('requires Terraform >= 1.11, which knows ephemeral variables and write-only arguments', () => {
    expect(synthStack(name).json.terraform.required_version).toBe('>= 1.11');
  });

  it('sets no account precondition on the key while no principal ARN is given', () => {
    const preconditions = single(synthStack(name).json, 'aws_kms_key').lifecycle?.precondition ?? [];
    expect(preconditions.map((p: any) => p.error_message)).not.toContainEqual(
      expect.stringContaining('another account'),
    );
  });

  it("refuses at plan time a writer of another account than the caller's (a precondition on the key)", () => {
    const { json } = synthStack(name, { secretWriterArns: ['arn:aws:iam::111122223333:role/token-writer'] });
    expect(single(json, 'aws_kms_key').lifecycle.precondition).toContainEqual({
      condition: expect.stringMatching(/^\$\{\(?data\.aws_caller_identity\.[\w-]+\.account_id == "111122223333"\)?\}$/),
      error_message: expect.stringContaining('a key policy must not trust another account'),
    });
  });

  describe('with backend=s3', () => {
    const backendOf = (overrides: Record<string, string>) =>
      synthStack(name, { backend: 's3', stateBucket: 'team-tfstate', ...overrides }).json.terraform.backend;

    it("keeps the state in the bucket under the stack's own key, locked by Terraform's lock file and encrypted", () => {
      expect(backendOf({})).toEqual({
        s3: {
          bucket: 'team-tfstate',
          key: `lambda-secrets-cdktf/${name}.tfstate`,
          region: 'ap-northeast-1',
          encrypt: true,
          use_lockfile: true,
        },
      });
    });

    it('encrypts the state objects with stateKmsKeyId when given', () => {
      expect(backendOf({ stateKmsKeyId: 'alias/tfstate' }).s3.kms_key_id).toBe('alias/tfstate');
    });

    it('gives each stage its own key', () => {
      expect(backendOf({ stage: 'prod' }).s3.key).toBe(`lambda-secrets-cdktf/${name}-prod.tfstate`);
    });

    it('takes the key prefix and the bucket region from the options', () => {
      expect(backendOf({ stateKeyPrefix: 'apps/lambda', stateRegion: 'us-east-1' }).s3).toMatchObject({
        key: `apps/lambda/${name}.tfstate`,
        region: 'us-east-1',
      });
    });
  });
});
