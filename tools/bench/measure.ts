/**
 * One measurement each: a handler run in a fresh process against a fake store, and what the
 * store and the handler's answers say about it. Every run but the stalled one must answer 200
 * throughout; a figure from a handler that failed would measure its failure instead.
 *
 * Each handler runs in the local Lambda runner (tools/local/lambda-runner/), as `invoke:local`
 * runs the deployed ones: a fresh `node` process per run, loading the bundle once, with Lambda's
 * context and the function timeout. The runner is a small script compiled once to plain
 * JavaScript, not TypeScript behind a loader, so a cold start costs the bundle's own load and
 * first call plus the same few kilobytes of runner for every handler, the floor included.
 */
import { dirname } from 'node:path';
import { FUNCTION_TIMEOUT_SECONDS } from '../../stacks/config';
import { BUNDLE_HANDLER } from '../../lib/nodejs-bundle';
import { ToolError } from '../common/errors';
import { functionUrlEvent } from '../local/function-url-event';
import { runnerScript, startLambdaProcess, type LambdaProcess } from '../local/lambda-runner/process';
import type { CallResult, InvokeResult } from '../local/lambda-runner/protocol';
import { stallFirstRequest, startFakeStore, type FakeStore } from './fake-store';
import type { Stage, Subject } from './subjects';

/** A handler answered something else than 200 where the measurement needs it to succeed. */
export class HandlerFailedError extends ToolError {
  override name = 'HandlerFailedError';
}

/** A handler bundle failed to load, its process ended without answering, or it outlived its limit. */
export class HandlerRunError extends ToolError {
  override name = 'HandlerRunError';
}

/** Milliseconds a handler process may live before it is stopped. */
const PROCESS_LIMIT_MS = 120_000;

/**
 * The status a function URL would answer for one call: the handler's statusCode; 502 when it
 * threw or answered no statusCode; 0 when it did not answer within the function timeout.
 */
export function callStatus(call: CallResult): number {
  switch (call.outcome.kind) {
    case 'timeout':
      return 0;
    case 'error':
      return 502;
    case 'response': {
      const { response } = call.outcome;
      const statusCode = (response as { statusCode?: unknown } | null | undefined)?.statusCode;
      return typeof statusCode === 'number' ? statusCode : 502;
    }
  }
}

function expectSuccess(subject: Subject, what: string, statuses: readonly number[]): void {
  const failed = statuses.filter((status) => status !== 200);
  if (failed.length > 0) {
    throw new HandlerFailedError(
      `${subject.label} (${subject.bundle.file}) answered ${failed.length} of ${statuses.length} ${what} with ` +
        `${[...new Set(failed)].join(', ')} instead of 200 (0: no answer)`,
    );
  }
}

/** A run of `subject` in a fresh process with `environment`, ended when `use` settles. */
async function withProcess<T>(
  subject: Subject,
  environment: Readonly<Record<string, string>>,
  use: (invoke: (calls: number, parallel: boolean) => Promise<InvokeResult>) => Promise<T>,
): Promise<T> {
  const child: LambdaProcess = await startLambdaProcess({
    directory: dirname(subject.bundle.file),
    handler: BUNDLE_HANDLER,
    environment,
    timeoutMs: FUNCTION_TIMEOUT_SECONDS * 1000,
    outputLimit: 4000,
  });
  let stopped = false;
  const limit = setTimeout(() => {
    stopped = true;
    void child.close();
  }, PROCESS_LIMIT_MS);
  const event = functionUrlEvent(environment.AWS_LAMBDA_FUNCTION_NAME ?? 'bench');
  const context = { functionName: environment.AWS_LAMBDA_FUNCTION_NAME ?? 'bench' };
  const invoke = async (calls: number, parallel: boolean): Promise<InvokeResult> => {
    const result = await child.invoke({ event, context, calls, parallel });
    const failure = (how: string) =>
      new HandlerRunError(`${subject.label} (${subject.bundle.file}) ${how}:\n${child.output().trim()}`);
    if (!result) throw failure(stopped ? `outlived ${PROCESS_LIMIT_MS / 1000} s` : 'ended without answering');
    const init = result.calls.find((call) => call.outcome.kind === 'error' && call.outcome.phase === 'init');
    if (init) throw failure('failed at init');
    return result;
  };
  try {
    return await use(invoke);
  } finally {
    clearTimeout(limit);
    await child.close();
  }
}

/**
 * Milliseconds from the handler's process start to its first response, on the process's own
 * clock (see {@link CallResult.endedAt}): what the parent adds in reading the answer is the
 * parent's noise, not the handler's cost.
 */
export async function coldStartMs(subject: Subject, store: FakeStore): Promise<number> {
  // Compiled (or found) before the clock starts, so that no sample pays for it.
  runnerScript();
  return withProcess(subject, subject.environment(store.endpoint), async (invoke) => {
    const [call] = (await invoke(1, false)).calls;
    expectSuccess(subject, 'cold calls', [callStatus(call)]);
    return call.endedAt;
  });
}

/** What `count` warm invocations cost: calls to the store, and milliseconds each. */
export interface WarmCalls {
  readonly storeCalls: number;
  readonly durations: readonly number[];
}

/** Invokes the handler once, then `count` times more in the same process, one after another. */
export function warmCalls(subject: Subject, store: FakeStore, count: number): Promise<WarmCalls> {
  return withProcess(subject, subject.environment(store.endpoint), async (invoke) => {
    expectSuccess(subject, 'first calls', (await invoke(1, false)).calls.map(callStatus));
    const before = store.calls();
    const { calls } = await invoke(count, false);
    expectSuccess(subject, 'warm calls', calls.map(callStatus));
    return { storeCalls: store.calls() - before, durations: calls.map((call) => call.durationMs) };
  });
}

/** What `count` concurrent calls to a fresh process did. */
export interface ConcurrentCalls {
  readonly storeCalls: number;
  readonly statuses: readonly number[];
  /** From the first call sent to the last answered. */
  readonly seconds: number;
}

function concurrentRun(subject: Subject, store: FakeStore, count: number): Promise<ConcurrentCalls> {
  return withProcess(subject, subject.environment(store.endpoint), async (invoke) => {
    const before = store.calls();
    const { calls, elapsedMs } = await invoke(count, true);
    return { storeCalls: store.calls() - before, statuses: calls.map(callStatus), seconds: elapsedMs / 1000 };
  });
}

/** Sends `count` calls at once to a fresh process; all must succeed. */
export async function concurrentColdCalls(subject: Subject, store: FakeStore, count: number): Promise<ConcurrentCalls> {
  const calls = await concurrentRun(subject, store, count);
  expectSuccess(subject, 'concurrent cold calls', calls.statuses);
  return calls;
}

/**
 * Sends `count` calls at once to a fresh process whose store accepts the first request and
 * never answers it: how long until every call has answered, and with what.
 */
export async function stalledColdCalls(subject: Subject, stage: Stage, count: number): Promise<ConcurrentCalls> {
  const store = await startFakeStore({ ...stage, stall: stallFirstRequest });
  try {
    return await concurrentRun(subject, store, count);
  } finally {
    await store.close();
  }
}
