/**
 * One measurement each: a handler run in a fresh process against a fake store, and what the
 * store and the handler's answers say about it. Every run but the stalled one must answer 200
 * throughout; a figure from a handler that failed would measure its failure instead.
 */
import { ToolError } from '../common/errors';
import { stallFirstRequest, startFakeStore, type FakeStore } from './fake-store';
import { runHandler } from './runner';
import type { Stage, Subject } from './subjects';

/** A handler answered something else than 200 where the measurement needs it to succeed. */
export class HandlerFailedError extends ToolError {
  override name = 'HandlerFailedError';
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

/** Milliseconds from starting the handler's process to its first response. */
export async function coldStartMs(subject: Subject, store: FakeStore): Promise<number> {
  const run = await runHandler(subject.bundle.file, 'cold', subject.environment(store.endpoint));
  expectSuccess(subject, 'cold calls', run.statuses);
  return run.firstReportMs;
}

/** What `count` warm invocations cost: calls to the store, and milliseconds each. */
export interface WarmCalls {
  readonly storeCalls: number;
  readonly durations: readonly number[];
}

/** Invokes the handler once, then `count` times more in the same process, one after another. */
export async function warmCalls(subject: Subject, store: FakeStore, count: number): Promise<WarmCalls> {
  let before = 0;
  const run = await runHandler(subject.bundle.file, 'warm', subject.environment(store.endpoint), {
    count,
    beforeWarmCalls: () => {
      before = store.calls();
    },
  });
  expectSuccess(subject, 'warm calls', run.statuses);
  return { storeCalls: store.calls() - before, durations: run.durations };
}

/** What `count` concurrent calls to a fresh process did. */
export interface ConcurrentCalls {
  readonly storeCalls: number;
  readonly statuses: readonly number[];
  /** From the first call sent to the last answered. */
  readonly seconds: number;
}

async function concurrentRun(subject: Subject, store: FakeStore, count: number): Promise<ConcurrentCalls> {
  const before = store.calls();
  const run = await runHandler(subject.bundle.file, 'concurrent', subject.environment(store.endpoint), { count });
  return { storeCalls: store.calls() - before, statuses: run.statuses, seconds: run.durations[0] / 1000 };
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
