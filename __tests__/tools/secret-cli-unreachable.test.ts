import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/project-root';
import { projectBinary } from '../../tools/common/run-command';
import { emulatorEnvironment } from '../../tools/local/emulator';
import { inheritedEnvironment } from '../../tools/local/isolation';
import { CDKTF_JSON_VARIABLE } from '../../tools/secret/region';
import { useDeadEndpoints } from './support/frozen-endpoint';

const endpoints = useDeadEndpoints();

/** A cdktf.json of no context in place of the project's, so that a user's context.region changes nothing here. */
let directory: string;
beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'secret-unreachable-'));
  writeFileSync(join(directory, 'cdktf.json'), JSON.stringify({ language: 'typescript', context: {} }));
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** `npm run secret -- status method1-sample` against `endpoint`. */
function statusAgainst(endpoint: string) {
  const run = spawnSync(projectBinary('tsx'), ['tools/scripts/secret.ts', 'status', 'method1-sample'], {
    cwd: PROJECT_ROOT,
    env: {
      ...inheritedEnvironment(process.env),
      ...emulatorEnvironment(endpoint, 'ap-northeast-1'),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      [CDKTF_JSON_VARIABLE]: join(directory, 'cdktf.json'),
    },
    encoding: 'utf8',
    // Far beyond the CLI's own limits (two attempts of 10 s), so the CLI is what gives up.
    timeout: 120_000,
  });
  return { status: run.status, stderr: run.stderr, signal: run.signal };
}

describe('the secret CLI against an endpoint that does not answer', () => {
  it.each([
    [
      'gives up on a frozen endpoint with a message that names it and says what to do',
      'frozen',
      'within 10 s (2 attempts)',
    ],
    ['suggests `npm start` when the local endpoint refuses connections', 'closed', '(ECONNREFUSED)'],
  ] as const)('%s', (_name, kind, problem) => {
    const endpoint = endpoints[kind];
    const reason =
      kind === 'frozen'
        ? `no answer from AWS_ENDPOINT_URL ${endpoint} ${problem}`
        : `could not reach AWS_ENDPOINT_URL ${endpoint} ${problem}`;
    expect(statusAgainst(endpoint)).toEqual({
      status: 1,
      signal: null,
      stderr: `error: lambda:GetFunctionConfiguration on method1-sample: ${reason}: is the local run up? Start it with \`npm start\`\n`,
    });
  });
});
