/**
 * The local Lambda runner (tools/local/lambda-runner/): its protocol, the execution environment
 * in process (context, warm state, init errors, a handler that throws, the timeout), and the
 * same through a real child process, as `invoke:local` and the benchmark start it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { LAMBDA_RUNTIME } from '../../lib/lambda-runtime';
import { PROJECT_ROOT } from '../../lib/project-root';
import { lambdaNodeBinary, runnerScript, startLambdaProcess } from '../../tools/local/lambda-runner/process';
import {
  decodeArguments,
  decodeRequest,
  decodeResult,
  encodeArguments,
  encodeLine,
  lineSplitter,
  ProtocolError,
  type InvokeRequest,
  type InvokeResult,
} from '../../tools/local/lambda-runner/protocol';
import {
  createExecutionEnvironment,
  describeError,
  encodeResult,
  loadHandler,
  serve,
  type LambdaContext,
  type LambdaHandler,
} from '../../tools/local/lambda-runner/runtime';
import { NODE_RELEASES } from '../../tools/local/node-binary';

const directory = mkdtempSync(join(tmpdir(), 'lambda-runner-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** A handler module in its own folder, as an unpacked deployment package. */
function packageOf(source: string, file = 'index.js'): string {
  const folder = mkdtempSync(join(directory, 'package-'));
  writeFileSync(join(folder, file), source);
  return folder;
}

const request = (overrides: Partial<InvokeRequest> = {}): InvokeRequest => ({
  id: 1,
  event: { rawPath: '/' },
  context: { functionName: 'fn' },
  ...overrides,
});

describe('protocol', () => {
  it('passes the arguments through the command line and back', () => {
    const args = { modulePath: '/task/index', exportName: 'handler', timeoutMs: 10_000 };
    expect(decodeArguments(encodeArguments(args))).toEqual(args);
  });

  it.each([[['/task/index', 'handler']], [['/task/index', 'handler', '0']], [['', 'handler', '10']]])(
    'refuses the arguments %j',
    (argv) => {
      expect(() => decodeArguments(argv)).toThrow(ProtocolError);
    },
  );

  it('writes one JSON document per line and reads it back', () => {
    const line = encodeLine(request({ calls: 3, parallel: true }));
    expect(line.endsWith('\n') && !line.slice(0, -1).includes('\n')).toBe(true);
    expect(decodeRequest(line.trim())).toEqual(request({ calls: 3, parallel: true }));
  });

  it.each([
    ['not JSON', 'event'],
    ['an array', '[1]'],
    ['a request without an event', '{"id":1,"context":{"functionName":"fn"}}'],
    ['a request without a function name', '{"id":1,"event":{},"context":{}}'],
    ['a request for no calls', '{"id":1,"event":{},"context":{"functionName":"fn"},"calls":0}'],
  ])('refuses %s as a request', (_what, line) => {
    expect(() => decodeRequest(line)).toThrow(ProtocolError);
  });

  it('reads a result and refuses one without timings', () => {
    const result: InvokeResult = {
      id: 2,
      elapsedMs: 1.5,
      calls: [{ awsRequestId: 'r', durationMs: 1, endedAt: 40, outcome: { kind: 'timeout' } }],
    };
    expect(decodeResult(encodeLine(result))).toEqual(result);
    expect(() => decodeResult('{"id":2,"elapsedMs":1,"calls":[{"outcome":{"kind":"timeout"}}]}')).toThrow(
      ProtocolError,
    );
  });

  it('splits chunks into lines, keeping a partial line and a split character for the next chunk', () => {
    const split = lineSplitter();
    const bytes = Buffer.from('{"a":"é"}\n{"b":1}\n{"c"');
    const cut = bytes.indexOf(0xa9); // inside "é"
    expect(split(bytes.subarray(0, cut))).toEqual([]);
    expect(split(bytes.subarray(cut))).toEqual(['{"a":"é"}', '{"b":1}']);
    expect(split(':2}\n')).toEqual(['{"c":2}']);
  });
});

describe('execution environment', () => {
  /** An environment around `handler`, its runtime's log lines collected. */
  function environmentOf(handler: LambdaHandler | Promise<LambdaHandler>, timeoutMs = 10_000) {
    const logged: string[] = [];
    const environment = createExecutionEnvironment(Promise.resolve(handler), {
      timeoutMs,
      log: (line) => logged.push(line),
    });
    return { environment, logged };
  }

  it("gives each call Lambda's context: its own request id, the function's name, and the time left", async () => {
    const seen: LambdaContext[] = [];
    const remaining: number[] = [];
    const { environment } = environmentOf(async (_event, context) => {
      seen.push(context);
      remaining.push(context.getRemainingTimeInMillis());
      await new Promise((resolve) => setTimeout(resolve, 30));
      remaining.push(context.getRemainingTimeInMillis());
      return { statusCode: 200 };
    }, 2000);
    const { calls } = await environment.invoke(request({ calls: 2, context: { functionName: 'method1-sample' } }));
    expect(seen.map((context) => context.awsRequestId)).toEqual(calls.map((call) => call.awsRequestId));
    expect(new Set(calls.map((call) => call.awsRequestId)).size).toBe(2);
    expect(seen[0]).toMatchObject({
      functionName: 'method1-sample',
      functionVersion: '$LATEST',
      memoryLimitInMB: '128',
      logGroupName: '/aws/lambda/method1-sample',
    });
    expect(seen[0].invokedFunctionArn).toMatch(/^arn:aws:lambda:[^:]+:\d{12}:function:method1-sample$/);
    expect(remaining[0]).toBeLessThanOrEqual(2000);
    // Generous: the first line of the handler may start late on a loaded machine.
    expect(remaining[0]).toBeGreaterThan(1000);
    // The clock runs: 30 ms later, less is left.
    expect(remaining[1]).toBeLessThanOrEqual(remaining[0] - 25);
  });

  it('passes the event and answers with the response', async () => {
    const { environment } = environmentOf((event) => ({ statusCode: 200, body: JSON.stringify(event) }));
    const { id, calls } = await environment.invoke(request({ id: 7 }));
    expect(id).toBe(7);
    expect(calls[0].outcome).toEqual({ kind: 'response', response: { statusCode: 200, body: '{"rawPath":"/"}' } });
  });

  it('keeps what the handler holds between calls, as a warm environment does', async () => {
    let initialized = 0;
    const { environment } = environmentOf(
      Promise.resolve().then(() => {
        initialized += 1;
        let calls = 0;
        return () => ({ statusCode: 200, body: String((calls += 1)) });
      }),
    );
    await environment.invoke(request());
    const { calls } = await environment.invoke(request({ calls: 2 }));
    expect(calls.map((call) => (call.outcome as { response: { body: string } }).response.body)).toEqual(['2', '3']);
    expect(initialized).toBe(1);
  });

  it('logs an init error once, by type and message, and answers every call with it', async () => {
    const logged: string[] = [];
    const failure = Object.assign(new Error('TARGET_URL is required'), { name: 'ConfigurationError' });
    const environment = createExecutionEnvironment(Promise.reject(failure), {
      timeoutMs: 1000,
      log: (line) => logged.push(line),
    });
    const first = await environment.invoke(request({ calls: 2 }));
    const second = await environment.invoke(request());
    const error = { errorType: 'ConfigurationError', errorMessage: 'TARGET_URL is required' };
    expect([...first.calls, ...second.calls].map((call) => call.outcome)).toEqual(
      Array(3).fill({ kind: 'error', phase: 'init', error }),
    );
    expect(logged).toEqual([JSON.stringify(error)]);
  });

  it('logs a handler that throws, or rejects, without a stack, and answers an error', async () => {
    let call = 0;
    const { environment, logged } = environmentOf(() => {
      call += 1;
      if (call === 1) throw new TypeError('sync');
      return Promise.reject(new RangeError('async'));
    });
    const { calls } = await environment.invoke(request({ calls: 2 }));
    expect(calls.map((entry) => entry.outcome)).toEqual([
      { kind: 'error', phase: 'invoke', error: { errorType: 'TypeError', errorMessage: 'sync' } },
      { kind: 'error', phase: 'invoke', error: { errorType: 'RangeError', errorMessage: 'async' } },
    ]);
    expect(logged).toEqual([
      '{"errorType":"TypeError","errorMessage":"sync"}',
      '{"errorType":"RangeError","errorMessage":"async"}',
    ]);
  });

  it('ends a call that outlives the function timeout as a timeout, and logs it', async () => {
    const { environment, logged } = environmentOf(() => new Promise(() => {}), 50);
    const { calls } = await environment.invoke(request());
    expect(calls[0].outcome).toEqual({ kind: 'timeout' });
    expect(calls[0].durationMs).toBeGreaterThanOrEqual(45);
    expect(logged).toEqual([`${calls[0].awsRequestId} Task timed out after 0.05 seconds`]);
  });

  it('makes parallel calls at once, and sequential ones one after the other', async () => {
    let running = 0;
    let most = 0;
    const { environment } = environmentOf(async () => {
      most = Math.max(most, (running += 1));
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
      return { statusCode: 200 };
    });
    await environment.invoke(request({ calls: 5 }));
    const sequential = most;
    await environment.invoke(request({ calls: 5, parallel: true }));
    expect([sequential, most]).toEqual([1, 5]);
  });

  it('answers a response that JSON cannot hold with the error Lambda reports', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const line = encodeResult({
      id: 1,
      elapsedMs: 1,
      calls: [{ awsRequestId: 'r', durationMs: 1, endedAt: 1, outcome: { kind: 'response', response: cyclic } }],
    });
    expect(decodeResult(line).calls[0].outcome).toMatchObject({
      kind: 'error',
      error: { errorType: 'Runtime.ResponseSerializationError' },
    });
  });

  it('describes what is thrown that is not an Error as text', () => {
    expect(describeError('boom')).toEqual({ errorType: 'Error', errorMessage: 'boom' });
  });
});

describe('loadHandler', () => {
  it('loads a CommonJS handler and an ES module one, as Lambda does', async () => {
    const cjs = await loadHandler(join(packageOf('exports.handler = () => "cjs";'), 'index'), 'handler');
    const esm = await loadHandler(
      join(packageOf('export const handler = () => "esm";', 'index.mjs'), 'index'),
      'handler',
    );
    expect([cjs({}, {} as LambdaContext), esm({}, {} as LambdaContext)]).toEqual(['cjs', 'esm']);
  });

  it("names a missing module and a missing export as Lambda's runtime does", async () => {
    const folder = packageOf('exports.other = () => 1;');
    await expect(loadHandler(join(folder, 'absent'), 'handler')).rejects.toMatchObject({
      name: 'Runtime.ImportModuleError',
    });
    await expect(loadHandler(join(folder, 'index'), 'handler')).rejects.toMatchObject({
      name: 'Runtime.HandlerNotFound',
    });
  });
});

describe('serve', () => {
  it('answers each request line as soon as it is done, and ends when the input ends', async () => {
    const environment = createExecutionEnvironment(
      Promise.resolve(async (event: unknown) => {
        await new Promise((resolve) => setTimeout(resolve, (event as { wait: number }).wait));
        return { statusCode: 200 };
      }),
      { timeoutMs: 1000 },
    );
    const input = new PassThrough();
    const written: number[] = [];
    const served = serve(environment, input, (line) => written.push(decodeResult(line).id));
    input.write(encodeLine(request({ id: 1, event: { wait: 40 } })));
    input.write(encodeLine(request({ id: 2, event: { wait: 1 } })));
    input.end();
    await served;
    // The second answered first, and the end waited for the first.
    expect(written).toEqual([2, 1]);
  });

  it('refuses a line that is not a request', async () => {
    const environment = createExecutionEnvironment(
      Promise.resolve(() => ({})),
      { timeoutMs: 1000 },
    );
    const input = new PassThrough();
    const served = serve(environment, input, () => {});
    input.write('hello\n');
    await expect(served).rejects.toThrow(ProtocolError);
  });
});

describe('a runner process', () => {
  async function processOf(source: string, options: { timeoutMs?: number; environment?: Record<string, string> } = {}) {
    const child = await startLambdaProcess({
      directory: packageOf(source),
      handler: 'index.handler',
      environment: options.environment ?? {},
      timeoutMs: options.timeoutMs ?? 10_000,
    });
    onTestFinished(() => child.close());
    return child;
  }
  const invocation = { event: {}, context: { functionName: 'fn' } };

  it('runs a compiled script, not TypeScript behind a loader', () => {
    expect(runnerScript()).toMatch(/\.local\/lambda-runner\/runner-[0-9a-f]{16}\.cjs$/);
  });

  it(`runs the handler on the Node.js of ${LAMBDA_RUNTIME}, not on the tools' own`, async () => {
    const child = await processOf(
      'exports.handler = () => ({ statusCode: 200, body: JSON.stringify({ version: process.version, execPath: process.execPath }) });',
    );
    const result = await child.invoke(invocation);
    const { version, execPath } = JSON.parse(
      (result?.calls[0].outcome as { response: { body: string } }).response.body,
    ) as { version: string; execPath: string };
    const major = LAMBDA_RUNTIME.replace(/^nodejs(\d+)\.x$/, '$1');
    expect(version).toBe(`v${NODE_RELEASES[Number(major)]}`);
    expect(version.startsWith(`v${major}.`)).toBe(true);
    expect(execPath).toBe(await lambdaNodeBinary());
    expect(execPath.startsWith(join(PROJECT_ROOT, '.local', 'node'))).toBe(true);
  });

  it('keeps the module warm between requests and reports its output apart from the results', async () => {
    const child = await processOf(
      'let calls = 0; exports.handler = async () => { console.log("call"); return { statusCode: 200, body: String((calls += 1)) }; };',
    );
    const bodies = [];
    for (let index = 0; index < 2; index += 1) {
      const result = await child.invoke(invocation);
      bodies.push((result?.calls[0].outcome as { response: { body: string } }).response.body);
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect([bodies, child.output()]).toEqual([['1', '2'], 'call\ncall\n']);
  });

  it('starts with exactly the environment given, in the package folder, and times from the process start', async () => {
    const child = await processOf(
      'exports.handler = () => ({ statusCode: 200, body: JSON.stringify({ env: Object.keys(process.env), cwd: process.cwd(), name: process.env.AWS_LAMBDA_FUNCTION_NAME }) });',
      { environment: { AWS_LAMBDA_FUNCTION_NAME: 'fn' } },
    );
    const result = await child.invoke(invocation);
    const call = result!.calls[0];
    const body = JSON.parse((call.outcome as { response: { body: string } }).response.body) as {
      env: string[];
      cwd: string;
      name: string;
    };
    expect(body.env.filter((name) => !name.startsWith('NODE_') && name !== 'LANG')).toEqual([
      'AWS_LAMBDA_FUNCTION_NAME',
    ]);
    expect(body.name).toBe('fn');
    // The first call ends some time after the process started: the process's load is in it.
    expect(call.endedAt).toBeGreaterThan(call.durationMs);
  });

  it('answers every request after an init error, with the error logged once', async () => {
    const child = await processOf("throw Object.assign(new Error('bad config'), { name: 'ConfigurationError' });");
    const outcomes = [
      (await child.invoke(invocation))?.calls[0].outcome,
      (await child.invoke(invocation))?.calls[0].outcome,
    ];
    expect(outcomes).toEqual(
      Array(2).fill({
        kind: 'error',
        phase: 'init',
        error: { errorType: 'ConfigurationError', errorMessage: 'bad config' },
      }),
    );
    expect(child.output()).toBe('{"errorType":"ConfigurationError","errorMessage":"bad config"}\n');
  });

  it('answers nothing once the process has ended', async () => {
    const child = await processOf('exports.handler = () => process.exit(3);');
    expect(await child.invoke(invocation)).toBeUndefined();
    expect(await child.exited).toEqual({ code: 3, signal: null });
    expect(await child.invoke(invocation)).toBeUndefined();
  });

  it('refuses a handler setting without a module and an export', async () => {
    await expect(
      startLambdaProcess({ directory, handler: 'handler', environment: {}, timeoutMs: 1000 }),
    ).rejects.toThrow(/<module>\.<export>/);
  });
});
