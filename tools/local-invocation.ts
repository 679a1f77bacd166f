import type { StackName } from '../lib/stack-names';
import type { LocalDeployment } from './local-deployment';
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

/** Invokes a deployed function and reports what the upstream saw meanwhile. */
export async function invokeWithUpstream(
  deployment: LocalDeployment,
  upstream: Upstream,
  stack: StackName,
): Promise<InvocationSummary> {
  const before = upstream.authorized.length;
  const invocation = await deployment.invoke(stack);
  const upstreamSawToken = upstream.authorized.slice(before).includes(true);
  return {
    stack,
    statusCode: invocation.statusCode,
    body: invocation.body,
    upstreamSawToken,
    durationMs: invocation.durationMs,
    ok: invocation.statusCode === 200 && upstreamSawToken,
  };
}

/** Prints the summary as an aligned table. */
export function printSummary(results: readonly InvocationSummary[]): void {
  const rows = [
    ['stack', 'status', 'body', 'upstream saw the token', 'time'],
    ...results.map((r) => [r.stack, String(r.statusCode), r.body, r.upstreamSawToken ? 'yes' : 'no', `${r.durationMs} ms`]),
  ];
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  for (const row of rows) {
    process.stdout.write(`${row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd()}\n`);
  }
}
