/**
 * The smoke run's parts that need no account: the stand-in upstream (its handler and its stack),
 * SigV4 signing, the account report and its warnings, the stage and the target. The whole run is
 * in __tests__/e2e/smoke.test.ts, against the emulator.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Testing } from 'cdktf';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { parseOptions } from '../../lib/config';
import { STAGE_PATTERN } from '../../lib/methods';
import { tokenDigest } from '../../tools/local/upstream';
import { executionsReserved, formatAccount, type AccountReport } from '../../tools/smoke/account';
import { formatVerdicts, randomStage, smokeTarget } from '../../tools/smoke/run';
import { NodeSha256, signedRequest } from '../../tools/smoke/signed-request';
import { createUpstreamHandler, EXPECTED_TOKEN_SHA256 } from '../../tools/smoke/upstream-handler';
import { SmokeUpstreamStack, UPSTREAM_ENTRY, upstreamStackName } from '../../tools/smoke/upstream-stack';

const token = randomBytes(32).toString('base64url');

function event(authorization?: string): LambdaFunctionURLEvent {
  return { headers: authorization === undefined ? {} : { authorization } } as unknown as LambdaFunctionURLEvent;
}

describe('the stand-in upstream handler', () => {
  const handler = createUpstreamHandler({ [EXPECTED_TOKEN_SHA256]: tokenDigest(token) });

  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  afterAll(() => log.mockRestore());

  it('answers 200 to the token whose SHA-256 it holds, and logs that, not the token', async () => {
    log.mockClear();
    await expect(handler(event(`Bearer ${token}`))).resolves.toMatchObject({ statusCode: 200, body: 'ok' });
    expect(log.mock.calls).toEqual([['{"level":"info","message":"smoke upstream request","authorized":true}']]);
  });

  it.each([
    ['another token', `Bearer ${token}x`],
    ['the digest itself', `Bearer ${tokenDigest(token)}`],
    ['no Bearer', token],
    ['no header', undefined],
  ])('answers 401 to %s', async (_case, authorization) => {
    await expect(handler(event(authorization))).resolves.toMatchObject({ statusCode: 401, body: 'unauthorized' });
  });

  it('takes the digest the smoke run computes (tools/local/upstream.ts): SHA-256 of the UTF-8 token, hex', () => {
    expect(tokenDigest(token)).toBe(createHash('sha256').update(token, 'utf8').digest('hex'));
  });

  it('fails at its first request, naming the variable, without a well-formed digest', async () => {
    await expect(createUpstreamHandler({})(event(`Bearer ${token}`))).rejects.toThrow(EXPECTED_TOKEN_SHA256);
    await expect(createUpstreamHandler({ [EXPECTED_TOKEN_SHA256]: token })(event(`Bearer ${token}`))).rejects.toThrow(
      EXPECTED_TOKEN_SHA256,
    );
  });
});

describe('the stand-in upstream stack', () => {
  const digest = tokenDigest(token);
  const stage = 'smoketest';
  const stack = new SmokeUpstreamStack(Testing.app(), {
    options: parseOptions({ stage, packaging: 'asset' }),
    tokenDigest: digest,
  });
  const text = Testing.synth(stack);
  const json = JSON.parse(text);
  const one = (type: string) => {
    const found = Object.values(json.resource[type] ?? {});
    expect(found).toHaveLength(1);
    return found[0] as any;
  };

  it('is a function behind a public URL (auth NONE), named after the stage', () => {
    expect(stack.node.id).toBe(upstreamStackName(stage));
    expect(one('aws_lambda_function')).toMatchObject({
      function_name: `smoke-upstream-${stage}`,
      runtime: 'nodejs22.x',
    });
    expect(one('aws_lambda_function_url')).toMatchObject({ authorization_type: 'NONE' });
    expect(UPSTREAM_ENTRY).toBe('tools/smoke/upstream-handler.ts');
  });

  it('holds both statements AWS requires of a public URL since October 2025, and no unconditioned InvokeFunction', () => {
    expect(one('aws_lambda_permission')).toMatchObject({
      action: 'lambda:InvokeFunctionUrl',
      function_url_auth_type: 'NONE',
      principal: '*',
    });
    const template = JSON.parse(one('aws_cloudformation_stack').template_body);
    expect(template.Resources.InvokeViaFunctionUrl.Properties).toMatchObject({
      Action: 'lambda:InvokeFunction',
      Principal: '*',
      InvokedViaFunctionUrl: true,
    });
  });

  it("holds the token's SHA-256 in its environment, never the token", () => {
    expect(one('aws_lambda_function').environment.variables).toEqual({ [EXPECTED_TOKEN_SHA256]: digest });
    expect(text).not.toContain(token);
  });

  it('keeps its state apart from the sample stacks’', () => {
    expect(json.terraform.backend.local.path).toBe(`../../../terraform.smoke-upstream-${stage}.tfstate`);
  });
});

describe('SigV4 with node:crypto', () => {
  it("signs AWS's test suite request get-vanilla to the published signature", async () => {
    const signer = new SignatureV4({
      service: 'service',
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
      sha256: NodeSha256,
      // The suite's requests carry no payload hash header.
      applyChecksum: false,
    });
    const signed = await signer.sign(
      {
        method: 'GET',
        protocol: 'https:',
        hostname: 'example.amazonaws.com',
        path: '/',
        query: {},
        headers: { host: 'example.amazonaws.com' },
      },
      { signingDate: new Date('2015-08-30T12:36:00Z') },
    );
    expect(signed.headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, ' +
        'Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
  });

  it('signs a function URL request for lambda in the region, with the session token', async () => {
    const { headers } = await signedRequest('https://abc.lambda-url.ap-northeast-1.on.aws/', {
      region: 'ap-northeast-1',
      credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret', sessionToken: 'session' },
      signingDate: new Date('2026-01-02T03:04:05Z'),
    });
    expect(headers).toMatchObject({
      host: 'abc.lambda-url.ap-northeast-1.on.aws',
      'x-amz-date': '20260102T030405Z',
      'x-amz-security-token': 'session',
      authorization: expect.stringMatching(
        /^AWS4-HMAC-SHA256 Credential=AKID\/20260102\/ap-northeast-1\/lambda\/aws4_request, SignedHeaders=[^,]*host[^,]*, Signature=[0-9a-f]{64}$/,
      ),
    });
  });
});

describe('the account report', () => {
  const report = (unreserved: number, total = 1000): AccountReport => ({
    account: '111122223333',
    arn: 'arn:aws:iam::111122223333:user/me',
    region: 'ap-northeast-1',
    concurrency: { known: true, total, unreserved },
  });

  it('counts what the sample stacks reserve: the option for each stack, none when unreserved', () => {
    expect(executionsReserved({ reservedConcurrency: 10 })).toBe(20);
    expect(executionsReserved({ reservedConcurrency: 'unreserved' })).toBe(0);
  });

  it('says who, where and the concurrency, without a warning when the account holds the reservation', () => {
    const lines = formatAccount(report(1000), 20);
    expect(lines.join('\n')).toContain('1000 executions (ConcurrentExecutions), 1000 unreserved');
    expect(lines.join('\n')).toContain('ap-northeast-1');
    expect(lines.filter((line) => line.includes('warning'))).toEqual([]);
  });

  it('warns when fewer executions are unreserved than the stacks would reserve', () => {
    expect(formatAccount(report(10, 10), 20).at(-1)).toMatch(
      /^⚠ warning: 10 unreserved executions are fewer than the 20/,
    );
  });

  it("warns when the reservation would eat into AWS's unreserved minimum", () => {
    expect(formatAccount(report(110), 20).at(-1)).toMatch(/^⚠ warning: reserving 20 would leave 90/);
  });

  it('says unknown, and why, when the settings cannot be read', () => {
    const lines = formatAccount({ ...report(0), concurrency: { known: false, reason: 'the emulator …' } }, 20);
    expect(lines).toContain('  concurrency  unknown: the emulator …');
    expect(lines.filter((line) => line.includes('warning'))).toEqual([]);
  });
});

describe('the run', () => {
  it('deploys into a fresh stage that the stacks accept', () => {
    const stages = Array.from({ length: 20 }, randomStage);
    expect(stages.every((stage) => STAGE_PATTERN.test(stage) && /^smoke[a-z]{5}$/.test(stage))).toBe(true);
    expect(new Set(stages).size).toBeGreaterThan(1);
  });

  it('goes to AWS without AWS_ENDPOINT_URL, to the emulator with a local one, and nowhere else', () => {
    expect(smokeTarget({})).toEqual({ endpoint: undefined, onEmulator: false });
    expect(smokeTarget({ AWS_ENDPOINT_URL: 'http://127.0.0.1:5000' })).toEqual({
      endpoint: 'http://127.0.0.1:5000',
      onEmulator: true,
    });
    expect(() => smokeTarget({ AWS_ENDPOINT_URL: 'https://lambda.example.org' })).toThrow(
      /neither AWS nor a local emulator/,
    );
  });

  it('prints a verdict per stack', () => {
    expect(
      formatVerdicts([
        { stack: 'method1-sample-smokeab', passed: true, statusCode: 200, body: 'Succeeded', detail: 'ok' },
        { stack: 'method2-sample-smokeab', passed: false, statusCode: 502, body: 'Failed', detail: 'why' },
      ]),
    ).toBe('  PASS  method1-sample-smokeab  200 Succeeded: ok\n  FAIL  method2-sample-smokeab  502 Failed: why\n');
  });
});
