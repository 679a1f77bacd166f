import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/project-root';
import { projectBinary } from '../../tools/common/run-command';
import { freePort } from '../../tools/local/emulator';
import { inheritedEnvironment } from '../../tools/local/isolation';
import type { LocalRun } from '../../tools/local/run-record';
import { useDeadEndpoints } from './support/frozen-endpoint';

const endpoints = useDeadEndpoints();
const scratch = mkdtempSync(join(tmpdir(), 'local-scripts-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A local run's folder holding `record` as its run.json, as `npm start` leaves one. */
function runDirectoryWith(record: LocalRun): string {
  const directory = mkdtempSync(join(scratch, 'run-'));
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, 'run.json'), JSON.stringify(record));
  return directory;
}

/** Runs an npm script's entry with the local run in `runDirectory`. */
function script(entry: string, args: string[], runDirectory: string) {
  const run = spawnSync(projectBinary('tsx'), [`tools/scripts/${entry}.ts`, ...args], {
    cwd: PROJECT_ROOT,
    env: {
      ...inheritedEnvironment(process.env),
      LOCAL_RUN_DIRECTORY: runDirectory,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    encoding: 'utf8',
    // Far beyond the tools' own limits, so the tool is what gives up.
    timeout: 120_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('npm run invoke:local', () => {
  it('gives up on a frozen emulator, naming it and what to do', async () => {
    const directory = runDirectoryWith({
      endpoint: endpoints.frozen,
      emulatorPid: process.pid,
      upstreamPort: await freePort(),
      tokenDigest: '00',
    });
    expect(script('invoke-local', ['method1-sample'], directory)).toMatchObject({
      status: 1,
      stderr: `error: reading function method1-sample: no answer from AWS_ENDPOINT_URL ${endpoints.frozen} within 10 s (2 attempts): is the local run up? Start it with \`npm start\`\n`,
    });
  });

  it('exits 2 for an unknown stack, as every usage error does', () => {
    expect(script('invoke-local', ['method9-sample'], join(scratch, 'none'))).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(
        /^error: usage: npm run invoke:local -- <method1-sample\|method2-sample\|method3-sample>/,
      ),
    });
  });
});

describe('npm run local:down', () => {
  it('says there was nothing to stop when there is no local run', () => {
    expect(script('local-down', [], join(scratch, 'never-started'))).toEqual({
      status: 0,
      stdout: 'No local run to stop.\n',
      stderr: '',
    });
  });

  it('says only files were removed when the emulator had already gone, and signals nobody else', async () => {
    const directory = runDirectoryWith({
      endpoint: endpoints.closed,
      // Not an emulator: this test's own process, which must survive.
      emulatorPid: process.pid,
      upstreamPort: await freePort(),
      tokenDigest: '00',
    });
    expect(script('local-down', [], directory)).toMatchObject({
      status: 0,
      stdout: `No emulator was running; the files of the last local run (${directory}) were removed.\n`,
    });
    expect(existsSync(directory)).toBe(false);
  });
});
