/**
 * Runs a handler bundle as Lambda would: in a fresh Node.js process with exactly the
 * environment given, the module loaded once and its `handler` export called with a function
 * URL event. Each way of calling it answers one of the benchmark's questions: how long from
 * process start to the first response (cold), how long each warm invocation takes, and what
 * many concurrent cold calls do.
 */
import { spawn } from 'node:child_process';
import { FUNCTION_TIMEOUT_SECONDS } from '../../lib/config';
import { ToolError } from '../common/errors';
import { functionUrlEvent } from '../local/function-url-event';

/** A handler bundle failed to load, answered nothing, or its process outlived its limit. */
export class HandlerRunError extends ToolError {
  override name = 'HandlerRunError';
}

/** Milliseconds a handler process may live before it is stopped. */
const PROCESS_LIMIT_MS = 120_000;

// Runs in the child, as plain JavaScript: a bundle is what Lambda runs, so nothing here may
// need a TypeScript loader, which would be timed as part of the cold start. Reports go to fd 3,
// one JSON line each, so that the function's own stdout and stderr stay apart. A call that has
// not answered when the function timeout passes counts as status 0, as Lambda would stop it.
const RUNNER = `
const [modulePath, mode, countText, eventJson, timeoutText] = process.argv.slice(1);
const count = Number(countText);
const timeoutMs = Number(timeoutText);
const event = JSON.parse(eventJson);
const report = (message) => require('node:fs').writeSync(3, JSON.stringify(message) + '\\n');
let requests = 0;
function invoke(handler) {
  const deadline = Date.now() + timeoutMs;
  const context = {
    awsRequestId: 'bench-' + (requests += 1),
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME || 'bench',
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
  let timer;
  const timeout = new Promise((resolve) => (timer = setTimeout(() => resolve(0), timeoutMs)));
  const answer = Promise.resolve()
    .then(() => handler(event, context))
    .then((result) => (typeof result?.statusCode === 'number' ? result.statusCode : 502), () => 502);
  return Promise.race([answer, timeout]).finally(() => clearTimeout(timer));
}
(async () => {
  const { handler } = require(modulePath);
  if (mode === 'cold') {
    report({ statuses: [await invoke(handler)] });
  } else if (mode === 'warm') {
    report({ statuses: [await invoke(handler)] });
    await new Promise((resolve) => process.stdin.once('data', resolve));
    const statuses = [];
    const durations = [];
    for (let index = 0; index < count; index += 1) {
      const startedAt = performance.now();
      statuses.push(await invoke(handler));
      durations.push(performance.now() - startedAt);
    }
    report({ statuses, durations });
  } else {
    const startedAt = performance.now();
    const statuses = await Promise.all(Array.from({ length: count }, () => invoke(handler)));
    report({ statuses, durations: [performance.now() - startedAt] });
  }
  process.exit(0);
})().catch((error) => {
  console.error(JSON.stringify({ errorType: error?.name ?? 'Error', errorMessage: String(error?.message ?? error) }));
  process.exit(1);
});
`;

/** How to call the handler: once, warm after a first call, or many calls at once. */
export type RunMode = 'cold' | 'warm' | 'concurrent';

/** What one run of a handler process reported. */
export interface HandlerRun {
  /** Milliseconds from spawning the process to its first report (for `cold`: the first response). */
  readonly firstReportMs: number;
  /** The status of each call (0: no answer within the function timeout); for `warm`, the warm calls only. */
  readonly statuses: readonly number[];
  /** `warm`: milliseconds of each warm call; `concurrent`: of all calls, from the first sent to the last answered. */
  readonly durations: readonly number[];
}

interface Report {
  readonly statuses: number[];
  readonly durations?: number[];
}

/**
 * Runs `bundleFile`'s handler in a fresh process with exactly `environment`.
 * @param options.count warm calls after the first (`warm`), or calls at once (`concurrent`)
 * @param options.beforeWarmCalls for `warm`: called once the first call has answered and
 *   before the warm calls start, e.g. to note the store's call count
 * @throws HandlerRunError when the process fails, reports nothing, or outlives its limit
 */
export function runHandler(
  bundleFile: string,
  mode: RunMode,
  environment: Readonly<Record<string, string>>,
  options: { readonly count?: number; readonly beforeWarmCalls?: () => void } = {},
): Promise<HandlerRun> {
  const event = JSON.stringify(functionUrlEvent(environment.AWS_LAMBDA_FUNCTION_NAME ?? 'bench'));
  const args = [
    '-e',
    RUNNER,
    bundleFile,
    mode,
    String(options.count ?? 1),
    event,
    String(FUNCTION_TIMEOUT_SECONDS * 1000),
  ];
  return new Promise((resolve, reject) => {
    const startedAt = performance.now();
    const child = spawn(process.execPath, args, { env: { ...environment }, stdio: ['pipe', 'pipe', 'pipe', 'pipe'] });
    // A child that died before reading its go-ahead makes the write fail; its exit code says why.
    child.stdin?.on('error', () => {});
    let firstReportMs: number | undefined;
    const reports: Report[] = [];
    let pending = '';
    let output = '';
    const keepTail = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout?.on('data', keepTail);
    child.stderr?.on('data', keepTail);
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => {
      firstReportMs ??= performance.now() - startedAt;
      pending += chunk.toString('utf8');
      for (let newline = pending.indexOf('\n'); newline >= 0; newline = pending.indexOf('\n')) {
        reports.push(JSON.parse(pending.slice(0, newline)) as Report);
        pending = pending.slice(newline + 1);
        if (mode === 'warm' && reports.length === 1) {
          options.beforeWarmCalls?.();
          child.stdin?.write('go\n');
        }
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), PROCESS_LIMIT_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new HandlerRunError(`node could not start: ${error.message}`, { cause: error }));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const last = reports.at(-1);
      const expected = mode === 'warm' ? 2 : 1;
      if (code !== 0 || reports.length !== expected || !last || firstReportMs === undefined) {
        const how = signal ? `was stopped (${signal})` : `exited with ${code}`;
        reject(
          new HandlerRunError(
            `the ${mode} run of ${bundleFile} ${how} after ${reports.length} reports:\n${output.trim()}`,
          ),
        );
        return;
      }
      resolve({ firstReportMs, statuses: last.statuses, durations: last.durations ?? [] });
    });
  });
}
