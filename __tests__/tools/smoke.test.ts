/**
 * The smoke run's parts that need no account: the stand-in upstream (its handler and its stack),
 * SigV4 signing, the account report and its warnings, the stage and the target. The whole run is
 * in __tests__/e2e/smoke.test.ts, against the emulator.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseOptions } from '../../stacks/config';
import { STACK_NAMES, STAGE_PATTERN, stagedStackName } from '../../stacks/methods';
import { PROJECT_ROOT } from '../../lib/project-root';
import { step } from '../../tools/common/cli';
import { projectBinary } from '../../tools/common/run-command';
import { tokenDigest, type Upstream } from '../../tools/local/upstream';
import { executionsReserved, formatAccount, type AccountReport } from '../../tools/smoke/account';
import {
  formatVerdicts,
  optionsFor,
  randomStage,
  runSmokeWith,
  secretSetArguments,
  smokeExitStatus,
  smokeOptionEnvironment,
  smokeTarget,
  waitForRefusal,
  type SmokeSteps,
  type Verdict,
} from '../../tools/smoke/run';
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

  it('signs a function URL request for lambda in the region, with the session token and the payload hash', async () => {
    const { headers, body } = await signedRequest('https://abc.lambda-url.ap-northeast-1.on.aws/', {
      region: 'ap-northeast-1',
      credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret', sessionToken: 'session' },
      signingDate: new Date('2026-01-02T03:04:05Z'),
    });
    expect(headers).toMatchObject({
      host: 'abc.lambda-url.ap-northeast-1.on.aws',
      'x-amz-date': '20260102T030405Z',
      'x-amz-security-token': 'session',
      // A function URL takes the body's SHA-256 from this header; a POST without it is refused.
      'x-amz-content-sha256': createHash('sha256').update(body, 'utf8').digest('hex'),
    });
    const [, signedHeaders] = /, SignedHeaders=([^,]*), /.exec(headers.authorization) ?? [];
    expect(signedHeaders).toBe('content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token');
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKID\/20260102\/ap-northeast-1\/lambda\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/,
    );
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
    expect(executionsReserved({ reservedConcurrency: 10 })).toBe(10 * STACK_NAMES.length);
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

describe('the options of the smoke stage', () => {
  let directory: string;
  const writer = 'arn:aws:iam::111122223333:role/someone-else';
  /** A cdktf.json whose context is `context`. */
  const cdktfJson = (context: Record<string, unknown>) => {
    const file = join(directory, 'cdktf.json');
    writeFileSync(file, JSON.stringify({ language: 'typescript', context }));
    return file;
  };

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'smoke-options-'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('force secretWriterArns and terraformRunnerArns empty, over cdktf.json and the shell: the caller writes and deploys', () => {
    const file = cdktfJson({ secretWriterArns: [writer], terraformRunnerArns: [writer], region: 'eu-west-1' });
    const shell = { LAMBDA_SECRETS_SECRET_WRITER_ARNS: writer, LAMBDA_SECRETS_TERRAFORM_RUNNER_ARNS: writer };
    // The control: without the smoke stage's variables, the lists are the user's.
    expect(optionsFor(shell, file)).toMatchObject({ secretWriterArns: [writer], terraformRunnerArns: [writer] });
    const options = optionsFor({ ...shell, ...smokeOptionEnvironment('smoketest', false) }, file);
    expect(options).toMatchObject({
      stage: 'smoketest',
      secretWriterArns: [],
      terraformRunnerArns: [],
      region: 'eu-west-1',
    });
  });

  it("delete Method 3's secret at once on destroy, over the user's recovery window: the stage is gone", () => {
    const options = optionsFor(
      { ...smokeOptionEnvironment('smoketest', false) },
      cdktfJson({ method3RecoveryDays: 30 }),
    );
    expect(options.method3RecoveryDays).toBe(0);
  });

  it('are synthesized with packaging=asset on the emulator only', () => {
    expect(smokeOptionEnvironment('smoketest', true)).toHaveProperty('LAMBDA_SECRETS_PACKAGING', 'asset');
    expect(smokeOptionEnvironment('smoketest', false)).not.toHaveProperty('LAMBDA_SECRETS_PACKAGING');
  });

  it('hold no context without a cdktf.json', () => {
    expect(optionsFor({}, join(directory, 'missing.json')).secretWriterArns).toEqual([]);
  });

  it("give the secret CLI the stacks' region", () => {
    expect(secretSetArguments('method1-sample-smoketest', 'eu-west-1')).toEqual([
      'tools/scripts/secret.ts',
      'set',
      'method1-sample-smoketest',
      '--region',
      'eu-west-1',
    ]);
  });
});

describe('a step', () => {
  it('prints through the writer it is given, on success and failure', async () => {
    const lines: string[] = [];
    await expect(
      step(
        'one',
        () => 1,
        (text) => lines.push(text),
      ),
    ).resolves.toBe(1);
    await expect(
      step(
        'two',
        () => Promise.reject(new Error('no')),
        (text) => lines.push(text),
      ),
    ).rejects.toThrow('no');
    expect(lines.map((line) => line.replace(/\(\d+\.\d s\)/, '(s)'))).toEqual([
      '▶ one\n',
      '✓ one (s)\n',
      '▶ two\n',
      '✗ two (s)\n',
    ]);
  });
});

describe('the stand-in check', () => {
  it('keeps the cause when the upstream never answers', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const error = await waitForRefusal(`http://127.0.0.1:${port}/`, 0).then(
      () => undefined,
      (reason: unknown) => reason as Error,
    );
    expect(error?.message).toMatch(/did not answer 401 to another token within 0 s/);
    expect(error?.cause).toBeInstanceOf(Error);
  });
});

describe('the orchestration', () => {
  const stage = 'smoketest';
  const sampleStacks = STACK_NAMES.map((stack) => stagedStackName(stack, stage));
  const upstreamStack = `smoke-upstream-${stage}`;

  /**
   * Steps that deploy nothing and record what was called, in order. `verdict` decides each call;
   * `overrides` replace any step.
   */
  function fakeSteps(overrides: Partial<SmokeSteps> = {}, verdict = (stack: string) => stack !== sampleStacks[1]) {
    const calls: string[] = [];
    const tokens = { deployed: '', destroyed: '', digest: '' };
    const localUpstream: Upstream = {
      url: 'http://127.0.0.1:1/',
      close: () => {
        calls.push('close upstream');
        return Promise.resolve();
      },
    } as unknown as Upstream;
    const steps: SmokeSteps = {
      target: { endpoint: 'http://127.0.0.1:5000', onEmulator: true },
      stage,
      directory: join(tmpdir(), `smoke-fake-${randomBytes(4).toString('hex')}`),
      options: parseOptions({ stage }),
      sampleStacks,
      upstreamStack,
      childOutput: [],
      account: () =>
        Promise.resolve({
          account: '111122223333',
          arn: 'arn:aws:iam::111122223333:user/me',
          region: 'ap-northeast-1',
          concurrency: { known: false, reason: 'fake' },
        }),
      deployUpstream: (digest) => {
        calls.push('deploy upstream');
        tokens.digest = digest;
        return Promise.resolve();
      },
      functionUrl: () => Promise.resolve('https://stand-in.example/'),
      startLocalUpstream: () => Promise.resolve(localUpstream),
      waitForRefusal: () => Promise.resolve(),
      deploySamples: (_url, token) => {
        calls.push('deploy samples');
        tokens.deployed = token;
        return Promise.resolve();
      },
      provisionOutOfBand: () => Promise.resolve(),
      invoke: (stack): Promise<Verdict> => {
        calls.push(`invoke ${stack}`);
        const passed = verdict(stack);
        return Promise.resolve({
          stack,
          passed,
          statusCode: passed ? 200 : 502,
          body: passed ? 'Succeeded' : 'Failed',
          detail: passed ? 'the local upstream received exactly the token' : 'the upstream did not receive the token',
        });
      },
      destroyAll: (token) => {
        calls.push('destroy');
        tokens.destroyed = token;
        return Promise.resolve([]);
      },
      close: () => {
        calls.push('close clients');
      },
      ...overrides,
    };
    return { steps, calls, tokens };
  }

  async function run(steps: SmokeSteps, keep = false) {
    let printed = '';
    const result = await runSmokeWith(steps, {
      print: (text) => {
        printed += text;
      },
      keep,
      createToken: () => 'the-smoke-token',
    });
    return { result, printed, status: smokeExitStatus(result, keep) };
  }

  it('passes, destroys everything and exits 0 when every verdict passes (the control)', async () => {
    const { steps, calls } = fakeSteps({}, () => true);
    const { result, status, printed } = await run(steps);
    expect(result).toMatchObject({ passed: true, destroyed: true });
    expect(status).toBe(0);
    expect(calls.at(-3)).toBe('destroy');
    expect(printed).toContain(`PASSED: ${STACK_NAMES.length} of ${STACK_NAMES.length} stacks, all destroyed.`);
  });

  it('destroys everything, with the token it deployed with, and exits 1 when a verdict fails', async () => {
    const { steps, calls, tokens } = fakeSteps();
    const { result, status, printed } = await run(steps);
    expect(result.verdicts.map((v) => v.passed)).toEqual([true, false, true]);
    expect(result).toMatchObject({ passed: false, destroyed: true });
    expect(status).toBe(1);
    expect(calls).toEqual([
      'deploy upstream',
      'deploy samples',
      ...sampleStacks.map((stack) => `invoke ${stack}`),
      'destroy',
      'close upstream',
      'close clients',
    ]);
    expect(tokens.destroyed).toBe(tokens.deployed);
    expect(tokens.digest).toBe(tokenDigest(tokens.deployed));
    expect(printed).toMatch(/^✓ Destroy smoke-upstream-smoketest, method1-sample-smoketest, method2-sample-smoketest/m);
    expect(printed).toContain(`FAILED: ${STACK_NAMES.length - 1} of ${STACK_NAMES.length} stacks, all destroyed.`);
  });

  it('exits 1 when every stack passed but the destroy failed, and says how to retry', async () => {
    const { steps } = fakeSteps({ destroyAll: () => Promise.resolve([new Error('Terraform said no')]) }, () => true);
    const { result, status, printed } = await run(steps);
    expect(result).toMatchObject({ passed: true, destroyed: false });
    expect(status).toBe(1);
    expect(printed).toContain('  Terraform said no\n');
    expect(printed).toContain('retry with `npm run smoke -- --destroy smoketest`');
  });

  it('destroys before it closes the local upstream, so a close that fails skips nothing', async () => {
    const { steps, calls } = fakeSteps(
      {
        startLocalUpstream: () =>
          Promise.resolve({
            url: 'http://127.0.0.1:1/',
            close: () => {
              calls.push('close upstream');
              return Promise.reject(new Error('close failed'));
            },
          } as unknown as Upstream),
      },
      () => true,
    );
    const { result, printed } = await run(steps);
    expect(result.destroyed).toBe(true);
    expect(calls.slice(-3)).toEqual(['destroy', 'close upstream', 'close clients']);
    expect(printed).toContain('the local upstream did not close: close failed');
  });

  it('destroys what it deployed when a step fails, and rethrows that failure', async () => {
    const { steps, calls } = fakeSteps({ deploySamples: () => Promise.reject(new Error('apply failed')) });
    await expect(run(steps)).rejects.toThrow('apply failed');
    expect(calls).toEqual(['deploy upstream', 'destroy', 'close upstream', 'close clients']);
  });

  it('destroys nothing with keep, and exits 0 when both passed', async () => {
    const { steps, calls } = fakeSteps({}, () => true);
    const { result, status } = await run(steps, true);
    expect(calls).not.toContain('destroy');
    expect(result.destroyed).toBe(false);
    expect(status).toBe(0);
  });
});

describe('tools/scripts/smoke.ts', () => {
  /** Runs the entry with `args`, as `npm run smoke -- <args>`. */
  function smoke(args: string[]) {
    const run = spawnSync(projectBinary('tsx'), ['tools/scripts/smoke.ts', ...args], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { status: run.status, stderr: run.stderr };
  }

  it('exits 1 when it cannot destroy what was asked', () => {
    expect(smoke(['--destroy', 'smokenothere'])).toMatchObject({
      status: 1,
      stderr: expect.stringMatching(/^error: no smoke run of stage smokenothere in /),
    });
  });

  it('exits 2 on an unknown argument', () => {
    expect(smoke(['--nope'])).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(/^error: unknown argument --nope/),
    });
  });

  it('is 0 only when every stack passed and all was destroyed, or kept on request', () => {
    expect(smokeExitStatus({ passed: true, destroyed: true }, false)).toBe(0);
    expect(smokeExitStatus({ passed: true, destroyed: false }, true)).toBe(0);
    expect(smokeExitStatus({ passed: true, destroyed: false }, false)).toBe(1);
    expect(smokeExitStatus({ passed: false, destroyed: true }, false)).toBe(1);
    expect(smokeExitStatus({ passed: false, destroyed: false }, true)).toBe(1);
  });
});
