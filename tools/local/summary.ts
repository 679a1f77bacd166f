/** Invocations of the local deployment as `npm start` and `invoke:local` report them: what the upstream saw, and a summary table. */
import type { StackName } from '../../lib/methods';
import type { LocalDeployment } from './deployment';
import type { Upstream } from './upstream';

/** One line of the local run's summary. */
export interface InvocationSummary {
  readonly stack: StackName;
  readonly statusCode: number;
  readonly body: string;
  /** Whether the upstream received exactly the expected token during this invocation. */
  readonly upstreamSawToken: boolean;
  readonly durationMs: number;
  readonly ok: boolean;
}

/** An invocation of a deployed function, with what the upstream received meanwhile. */
export type ObservedInvocation = Awaited<ReturnType<LocalDeployment['invoke']>> & {
  /** Requests the upstream received during the invocation. */
  readonly upstreamCalls: number;
  /** Whether one of them carried exactly the expected token. */
  readonly upstreamSawToken: boolean;
};

/**
 * Invokes a deployed function and notes what the upstream received meanwhile.
 * @param functionName run under another name than the deployed one (see LocalDeployment.invoke)
 */
export async function invokeObserved(
  deployment: LocalDeployment,
  upstream: Upstream,
  stack: StackName,
  functionName?: string,
): Promise<ObservedInvocation> {
  const before = upstream.authorized.length;
  const invocation = await deployment.invoke(stack, functionName);
  const calls = upstream.authorized.slice(before);
  return { ...invocation, upstreamCalls: calls.length, upstreamSawToken: calls.includes(true) };
}

/** Invokes a deployed function for the summary: it passed if it answered 200 and the upstream saw the token. */
export async function invokeWithUpstream(
  deployment: LocalDeployment,
  upstream: Upstream,
  stack: StackName,
): Promise<InvocationSummary> {
  const { statusCode, body, upstreamSawToken, durationMs } = await invokeObserved(deployment, upstream, stack);
  return { stack, statusCode, body, upstreamSawToken, durationMs, ok: statusCode === 200 && upstreamSawToken };
}

/** Prints the summary as an aligned table. */
export function printSummary(results: readonly InvocationSummary[]): void {
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
  for (const row of rows) {
    process.stdout.write(
      `${row
        .map((cell, column) => cell.padEnd(widths[column]))
        .join('  ')
        .trimEnd()}\n`,
    );
  }
}
