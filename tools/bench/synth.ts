/**
 * Synthesis, timed two ways: the app alone, run as `cdktf.json` runs it, and the whole
 * `npx cdktf synth` that a user types. Both with the options' defaults, whatever the shell sets.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { optionEnvName } from '../../stacks/config';
import { PROJECT_ROOT } from '../../lib/project-root';
import { run } from '../common/run-command';
import { inheritedEnvironment } from '../local/isolation';

/** Milliseconds one synthesis may take before the benchmark gives up on it. */
const SYNTH_TIMEOUT_MS = 5 * 60_000;

interface CdktfJson {
  readonly app: string;
  readonly context?: Record<string, unknown>;
}

function cdktfJson(): CdktfJson {
  return JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdktf.json'), 'utf8')) as CdktfJson;
}

/** The command with which `cdktf synth` runs the app, from `cdktf.json`. */
export function appCommand(): string {
  return cdktfJson().app;
}

async function seconds(action: () => Promise<unknown>): Promise<number> {
  const startedAt = performance.now();
  await action();
  return (performance.now() - startedAt) / 1000;
}

/**
 * Seconds the app alone takes to synthesize into `outdir`: its command from `cdktf.json`,
 * through a shell and with the variables through which `cdktf synth` hands it the output
 * folder and the context, as the CLI runs it.
 */
export function timeAppSynth(outdir: string): Promise<number> {
  const { app, context = {} } = cdktfJson();
  const env = {
    ...inheritedEnvironment(process.env),
    CDKTF_OUTDIR: outdir,
    CDKTF_CONTEXT_JSON: JSON.stringify(context),
  };
  return seconds(() => run('/bin/sh', ['-c', app], { env, timeoutMs: SYNTH_TIMEOUT_MS }));
}

/** Seconds `npx cdktf synth` takes to synthesize every stack into `outdir`. */
export function timeCdktfSynth(outdir: string): Promise<number> {
  return seconds(() =>
    run('npx', ['cdktf', 'synth', '--output', outdir], {
      env: inheritedEnvironment(process.env),
      timeoutMs: SYNTH_TIMEOUT_MS,
    }),
  );
}

/**
 * Synthesizes every stack into `outdir` with `packaging=asset`, under which the synthesis itself
 * writes the deployment packages (zips) that the local run deploys and the benchmark runs.
 */
export async function synthesizeDeploymentPackages(outdir: string): Promise<void> {
  const env = { ...inheritedEnvironment(process.env), [optionEnvName('packaging')]: 'asset' };
  await run('npx', ['cdktf', 'synth', '--output', outdir], { env, timeoutMs: SYNTH_TIMEOUT_MS });
}
