import { describe, expect, it } from 'vitest';
import { single, synthStack } from '../support/synth';

const WRITER = 'arn:aws:iam::111122223333:role/token-writer';

describe('SampleStack', () => {
  it('warns about a region it does not know, and what the provider will do', () => {
    expect(synthStack('method1-sample', { region: 'zz-fake-9' }).warnings).toEqual([
      'Region "zz-fake-9" is not one this project knows (stacks/aws-regions.ts): check its spelling; ' +
        'the AWS provider will refuse a region it does not know when it plans.',
    ]);
  });

  it('has Terraform refuse to create the key when the principals it trusts belong to another account', () => {
    const { json } = synthStack('method1-sample', { secretWriterArns: [WRITER] });
    expect(single(json, 'aws_kms_key').lifecycle.precondition).toEqual([
      {
        condition: expect.stringMatching(/^\$\{\(data\.aws_caller_identity\.[\w-]+\.account_id == "111122223333"\)\}$/),
        error_message:
          'secretWriterArns and terraformRunnerArns name principals of account 111122223333, but the ' +
          'credentials deploy to another account: a key policy must not trust another account.',
      },
    ]);
  });

  it("resolves the deploying identity's role from the caller's session", () => {
    const { json } = synthStack('method2-sample');
    expect(Object.values(json.data?.aws_iam_session_context ?? {})).toEqual([
      { arn: expect.stringMatching(/^\$\{data\.aws_caller_identity\.[\w-]+\.arn\}$/) },
    ]);
  });

  it.each([
    ['function_name', /^\$\{aws_lambda_function\.[\w-]+\.function_name\}$/],
    ['function_url', /^\$\{aws_lambda_function_url\.[\w-]+\.function_url\}$/],
    ['log_group_name', /^\$\{aws_cloudwatch_log_group\.[\w-]+\.name\}$/],
    ['kms_key_arn', /^\$\{aws_kms_key\.[\w-]+\.arn\}$/],
    ['kms_alias', /^\$\{aws_kms_alias\.[\w-]+\.name\}$/],
  ])('publishes the output %s', (name, value) => {
    expect(synthStack('method1-sample').json.output?.[name]).toEqual({ value: expect.stringMatching(value) });
  });
});
