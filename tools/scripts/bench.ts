/**
 * `npm run bench`: measures what the README promises, side by side in one run (absolute times
 * are noisy on small machines): the local run against its 90 s target, the synthesis of both
 * stacks, and the size of each deployment package. Prints a Markdown table for the README.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseWholeNumber } from '../../functions/shared/whole-number';
import { optionEnvName } from '../../lib/config';
import { STACK_NAMES } from '../../lib/methods';
import { runMain } from '../common/cli';
import { InvalidEnvironmentVariableError } from '../common/errors';
import { projectBinary, run } from '../common/run-command';
import { stopLocalRun } from '../local/run-record';

/** Milliseconds one measured command may take before the benchmark gives up on it. */
const RUN_TIMEOUT_MS = 15 * 60_000;

/** The README's target for `npm start`: both stacks deployed and invoked. */
const LOCAL_RUN_TARGET_SECONDS = 90;

interface Row {
  readonly measure: string;
  readonly values: readonly number[];
  readonly unit: 's' | 'KiB';
  readonly target?: string;
}

async function seconds(action: () => Promise<unknown>): Promise<number> {
  const startedAt = performance.now();
  await action();
  return (performance.now() - startedAt) / 1000;
}

/** The duration `npm start` printed for one of its steps. */
function stepSeconds(output: string, label: string): number {
  const match = new RegExp(`✓ ${label}[^\\n]*\\(([\\d.]+) s\\)`).exec(output);
  if (!match) throw new Error(`npm start printed no finished step "${label}"`);
  return Number(match[1]);
}

function zipsUnder(directory: string): string[] {
  return readdirSync(directory, { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.zip'))
    .map((path) => join(directory, path));
}

function runCount(env: NodeJS.ProcessEnv): number {
  const value = env.BENCH_RUNS ?? '3';
  const runs = parseWholeNumber(value);
  if (runs === undefined || runs < 1) {
    throw new InvalidEnvironmentVariableError('BENCH_RUNS', `a positive integer (got ${JSON.stringify(value)})`);
  }
  return runs;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function printTable(rows: readonly Row[]): void {
  const format = (value: number, unit: Row['unit']) => `${value.toFixed(unit === 's' ? 1 : 0)} ${unit}`;
  process.stdout.write('| measure | runs | min | median | max | target |\n| --- | --- | --- | --- | --- | --- |\n');
  for (const { measure, values, unit, target } of rows) {
    const cells = [Math.min(...values), median(values), Math.max(...values)].map((value) => format(value, unit));
    process.stdout.write(`| ${measure} | ${values.length} | ${cells.join(' | ')} | ${target ?? ''} |\n`);
  }
}

runMain(async () => {
  const runs = runCount(process.env);
  const localRun: number[] = [];
  const deploy: number[] = [];
  const synth: number[] = [];
  const packageSizes = new Map<string, number[]>(STACK_NAMES.map((stack) => [stack, []]));
  try {
    for (let index = 0; index < runs; index += 1) {
      process.stdout.write(`run ${index + 1} of ${runs}\n`);
      let output = '';
      localRun.push(
        await seconds(
          async () =>
            ({ output } = await run(projectBinary('tsx'), ['tools/scripts/start.ts'], {
              env: process.env,
              timeoutMs: RUN_TIMEOUT_MS,
            })),
        ),
      );
      deploy.push(stepSeconds(output, 'Deploy'));

      const outdir = mkdtempSync(join(tmpdir(), 'lambda-secrets-bench-'));
      try {
        // Asset packaging: the zips are made at synth, so they can be measured here.
        const env = { ...process.env, [optionEnvName('packaging')]: 'asset' };
        synth.push(
          await seconds(() =>
            run(projectBinary('cdktf'), ['synth', '--output', outdir], { env, timeoutMs: RUN_TIMEOUT_MS }),
          ),
        );
        for (const stack of STACK_NAMES) {
          const [zip] = zipsUnder(join(outdir, 'stacks', stack));
          packageSizes.get(stack)!.push(statSync(zip).size / 1024);
        }
      } finally {
        rmSync(outdir, { recursive: true, force: true });
      }
    }
  } finally {
    await stopLocalRun();
  }
  printTable([
    {
      measure: '`npm start`: both stacks deployed and invoked',
      values: localRun,
      unit: 's',
      target: `≤ ${LOCAL_RUN_TARGET_SECONDS} s`,
    },
    { measure: '… of which `cdktf deploy`', values: deploy, unit: 's' },
    { measure: '`cdktf synth` of both stacks (with bundling)', values: synth, unit: 's' },
    ...STACK_NAMES.map((stack): Row => ({
      measure: `${stack} deployment package (zip)`,
      values: packageSizes.get(stack)!,
      unit: 'KiB',
    })),
  ]);
  return localRun.every((value) => value <= LOCAL_RUN_TARGET_SECONDS) ? 0 : 1;
});
