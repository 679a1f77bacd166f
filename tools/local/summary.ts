/** Invocations of the local deployment as `npm start` and `invoke:local` report them: what the upstream saw, and a summary table. */
import type { StackName } from '../../stacks/methods';
import type { LocalDeployment } from './deployment';
import type { Upstream } from './upstream';

/** One line of the local run's summary. */
export interface InvocationSummary {
  /** The stack's name in its stage. */
  readonly stack: string;
  readonly statusCode: number;
  readonly body: string;
  /** Whether the upstream received exactly the expected token during this invocation. */
  readonly upstreamSawToken: boolean;
  readonly durationMs: number;
  readonly ok: boolean;
  /** The structured lines the function logged, as CloudWatch Logs would show them; never the token. */
  readonly logLines: readonly string[];
}

/** What the upstream received during an invocation. */
export interface UpstreamObservation {
  /** Requests the upstream received during the invocation. */
  readonly upstreamCalls: number;
  /** Whether one of them carried exactly the expected token. */
  readonly upstreamSawToken: boolean;
}

/** An invocation of a deployed function, with what the upstream received meanwhile. */
export type ObservedInvocation = Awaited<ReturnType<LocalDeployment['invoke']>> & UpstreamObservation;

/** Runs `invoke` and notes what the upstream received meanwhile. */
export async function observed<T>(upstream: Upstream, invoke: () => Promise<T>): Promise<T & UpstreamObservation> {
  const before = upstream.authorized.length;
  const invocation = await invoke();
  const calls = upstream.authorized.slice(before);
  return { ...invocation, upstreamCalls: calls.length, upstreamSawToken: calls.includes(true) };
}

/**
 * Invokes a deployed function, cold, and notes what the upstream received meanwhile.
 * @param functionName run under another name than the deployed one (see LocalDeployment.invoke)
 */
export function invokeObserved(
  deployment: LocalDeployment,
  upstream: Upstream,
  stack: StackName,
  functionName?: string,
): Promise<ObservedInvocation> {
  return observed(upstream, () => deployment.invoke(stack, functionName));
}

/** Invokes a deployed function for the summary: it passed if it answered 200 and the upstream saw the token. */
export async function invokeWithUpstream(
  deployment: LocalDeployment,
  upstream: Upstream,
  stack: StackName,
): Promise<InvocationSummary> {
  const { statusCode, body, upstreamSawToken, durationMs, output } = await invokeObserved(deployment, upstream, stack);
  const ok = statusCode === 200 && upstreamSawToken;
  return {
    stack: deployment.name(stack),
    statusCode,
    body,
    upstreamSawToken,
    durationMs,
    ok,
    logLines: functionLogLines(output),
  };
}

/** The lines of a function's output that are JSON objects: its own log lines and the runtime's error lines. */
export function functionLogLines(output: string): string[] {
  return output.split('\n').filter((line) => {
    try {
      return typeof JSON.parse(line) === 'object';
    } catch {
      return false;
    }
  });
}

/**
 * The summary as an aligned table, then what each function that did not pass logged: the reason
 * a Lambda user would find in CloudWatch Logs, e.g. a KMS error or the command that provisions
 * the token.
 */
export function formatSummary(results: readonly InvocationSummary[]): string {
  const rows = [
    ['stack', 'status', 'body', 'upstream saw the token', 'time'],
    ...results.map((r) => [
      r.stack,
      String(r.statusCode),
      r.body,
      r.upstreamSawToken ? 'yes' : 'no',
      `${r.durationMs} ms`,
    ]),
  ];
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  const table = rows.map(
    (row) =>
      `${row
        .map((cell, column) => cell.padEnd(widths[column]))
        .join('  ')
        .trimEnd()}\n`,
  );
  const reasons = results
    .filter((result) => !result.ok)
    .map((result) =>
      result.logLines.length > 0
        ? `${result.stack} logged:\n${result.logLines.map((line) => `  ${line}\n`).join('')}`
        : `${result.stack} logged nothing\n`,
    );
  return [...table, ...reasons].join('');
}

/** Prints {@link formatSummary}. */
export function printSummary(results: readonly InvocationSummary[]): void {
  process.stdout.write(formatSummary(results));
}
