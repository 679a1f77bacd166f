/**
 * How much a benchmark run measures, from its command line and BENCH_RUNS, and the order in
 * which it takes turns between handlers.
 */
import { parseWholeNumber } from '../../functions/shared/whole-number';
import { InvalidEnvironmentVariableError, UsageError } from '../common/errors';

/** What one `npm run bench` does. */
export interface BenchPlan {
  /** Rounds; each one measures every figure once, taking turns between the handlers. */
  readonly runs: number;
  /** Cold starts of each handler per round. */
  readonly coldStartsPerRun: number;
  /** Whether `npm start` is timed (it needs moto and Terraform, and takes most of the time). */
  readonly localRun: boolean;
  /** Whether `npm test`, the whole suite, is timed once, after the rounds (a few minutes more). */
  readonly suite: boolean;
  /** Whether the table in docs/benchmarks.md and the JSON file are rewritten; a quick run only prints. */
  readonly writeResults: boolean;
}

/** BENCH_RUNS when unset. */
export const DEFAULT_RUNS = 3;
/**
 * Cold starts of each handler per round: 20 × 3 rounds = 60 samples, which bring the 95% interval
 * of a cold-start ratio to about ±1.5% on 2 cores.
 */
const COLD_STARTS_PER_RUN = 20;

/** The usage line, for a malformed command line. */
export const BENCH_USAGE = 'usage: npm run bench [-- --quick]';

/**
 * The plan for `args` (after `npm run bench --`) and BENCH_RUNS. `--quick` makes one round
 * without the local run or the suite and with fewer cold starts, and writes nothing: a check,
 * not figures.
 * @throws UsageError for an unknown argument
 * @throws InvalidEnvironmentVariableError when BENCH_RUNS is not a positive integer
 */
export function benchPlan(args: readonly string[], env: NodeJS.ProcessEnv): BenchPlan {
  const unknown = args.find((arg) => arg !== '--quick');
  if (unknown !== undefined) throw new UsageError(`unknown argument ${JSON.stringify(unknown)}; ${BENCH_USAGE}`);
  if (args.includes('--quick')) {
    return { runs: 1, coldStartsPerRun: COLD_STARTS_PER_RUN / 2, localRun: false, suite: false, writeResults: false };
  }
  const value = env.BENCH_RUNS ?? String(DEFAULT_RUNS);
  const runs = parseWholeNumber(value);
  if (runs === undefined || runs < 1) {
    throw new InvalidEnvironmentVariableError('BENCH_RUNS', `a positive integer (got ${JSON.stringify(value)})`);
  }
  return { runs, coldStartsPerRun: COLD_STARTS_PER_RUN, localRun: true, suite: true, writeResults: true };
}

/**
 * `items` starting at position `turn` (modulo their number) and wrapping around: taking turns
 * in a different order each time, no handler always runs first, right after a build or a
 * synthesis has heated the machine, or always last.
 */
export function takingTurns<T>(items: readonly T[], turn: number): T[] {
  if (items.length === 0) return [];
  const start = turn % items.length;
  return [...items.slice(start), ...items.slice(0, start)];
}
