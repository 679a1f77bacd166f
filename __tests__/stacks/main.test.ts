import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/project-root';
import { projectBinary } from '../../tools/common/run-command';

const outdir = mkdtempSync(join(tmpdir(), 'main-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/** Runs the app as `cdktf synth` does (its `app` command), with `env` added to a clean environment. */
function synthApp(env: Record<string, string>) {
  const run = spawnSync(projectBinary('tsx'), ['main.ts'], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, CDKTF_OUTDIR: outdir, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: run.status, stderr: run.stderr };
}

/** Runs `cdktf synth` as a user would. */
function cdktfSynth(env: Record<string, string>) {
  const run = spawnSync(projectBinary('cdktf'), ['synth', '--output', outdir], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, CHECKPOINT_DISABLE: '1', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: run.status, output: run.stdout + run.stderr };
}

describe('main.ts, the app', () => {
  it('reports an invalid option as one line naming where it was set, without a stack trace', () => {
    expect(synthApp({ LAMBDA_SECRETS_PACKAGING: 'zip' })).toEqual({
      status: 1,
      stderr:
        'error: Invalid option "packaging" (set in LAMBDA_SECRETS_PACKAGING): expected one of "archive", "asset", got "zip"\n',
    });
  });

  it('reports an environment over 4 KB as one line naming the largest variable', () => {
    const run = synthApp({ LAMBDA_SECRETS_TARGET_URL: `https://example.com/${'a'.repeat(4100)}` });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /^error: Environment of function "method1-sample" is \d+ bytes.*TARGET_URL \(4120 bytes\)[^\n]*\n$/,
    );
  });

  it('refuses a misspelt option variable under `cdktf synth`, naming the right one, instead of using the default target', () => {
    const run = cdktfSynth({ LAMBDA_SECRETS_TARGETURL: 'https://api.mine.example/' });
    expect(run.status).not.toBe(0);
    expect(run.output).toContain(
      'error: Unknown option LAMBDA_SECRETS_TARGETURL in the environment: did you mean LAMBDA_SECRETS_TARGET_URL?',
    );
    expect(run.output).not.toMatch(/\n\s+at .*\.ts:\d+/);
  });
});
