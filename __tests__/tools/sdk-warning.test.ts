/**
 * The AWS SDK's Node.js support reminder ("NodeVersionSupportWarning: The AWS SDK for
 * JavaScript (v3) ... will require node >=22") never reaches a tool's output, though engines
 * allows Node.js 20: the tools turn it off themselves (tools/common/cli.ts), whatever the
 * user's shell holds. On a Node.js the SDK would warn about, a control run shows the warning
 * is there to be caught.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/project-root';
import { projectBinary } from '../../tools/common/run-command';
import { emulatorEnvironment } from '../../tools/local/emulator';
import { inheritedEnvironment } from '../../tools/local/isolation';
import { CDKTF_JSON_VARIABLE } from '../../tools/secret/region';
import { useDeadEndpoints } from './support/frozen-endpoint';

const VARIABLE = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';
const WARNING = /NodeVersionSupportWarning|AWS SDK for JavaScript|no longer support Node\.js/;
/**
 * The SDK warns on a Node.js below 22, told by `process.version` (its client calls
 * `emitWarningIfUnsupportedVersion(process.version)`), so the children run with a preload that
 * reports Node.js 20: the warning is due on any Node.js that runs the tests, 22 and 24 in CI too.
 */
const OLD_NODE_PRELOAD = "Object.defineProperty(process, 'version', { value: 'v20.0.0' });\n";

const endpoints = useDeadEndpoints();

let directory: string;
beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'sdk-warning-'));
  writeFileSync(join(directory, 'cdktf.json'), JSON.stringify({ language: 'typescript', context: {} }));
  writeFileSync(join(directory, 'old-node.cjs'), OLD_NODE_PRELOAD);
});

/**
 * The user's shell as a local run inherits it, without the variable that turns the warning off,
 * on a Node.js that reports version 20.
 */
function shellWithoutTheSwitch(): NodeJS.ProcessEnv {
  const env = inheritedEnvironment(process.env);
  delete env[VARIABLE];
  return { ...env, NODE_OPTIONS: `--require ${join(directory, 'old-node.cjs')}` };
}
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe("the AWS SDK's Node.js support warning", () => {
  it('is printed on a Node.js that reports version 20 by a client made without the switch (the control)', () => {
    const run = spawnSync(
      process.execPath,
      ['-e', "new (require('@aws-sdk/client-lambda').LambdaClient)({ region: 'us-east-1' });"],
      { cwd: PROJECT_ROOT, env: shellWithoutTheSwitch(), encoding: 'utf8', timeout: 30_000 },
    );
    expect(run.stderr).toMatch(WARNING);
  });

  it('never reaches the output of a tool that calls AWS (npm run secret -- status)', () => {
    const run = spawnSync(projectBinary('tsx'), ['tools/scripts/secret.ts', 'status', 'method1-sample'], {
      cwd: PROJECT_ROOT,
      env: {
        ...shellWithoutTheSwitch(),
        ...emulatorEnvironment(endpoints.closed, 'ap-northeast-1'),
        [CDKTF_JSON_VARIABLE]: join(directory, 'cdktf.json'),
      },
      encoding: 'utf8',
      timeout: 120_000,
    });
    // It made a client and called AWS (refused), so the SDK had its chance to warn.
    expect(run.stderr).toContain('error: lambda:GetFunctionConfiguration on method1-sample: could not reach');
    expect(`${run.stdout}${run.stderr}`).not.toMatch(WARNING);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('is turned off by every tools/scripts entry that runs, through runMain', () => {
    // docs-options calls no AWS; smoke-app is started by the smoke run, whose environment it inherits.
    const entries = readdirSync(join(PROJECT_ROOT, 'tools', 'scripts')).filter(
      (file) => file.endsWith('.ts') && !['docs-options.ts', 'smoke-app.ts'].includes(file),
    );
    const without = entries.filter(
      (file) => !readFileSync(join(PROJECT_ROOT, 'tools', 'scripts', file), 'utf8').includes("from '../common/cli'"),
    );
    expect(entries.length).toBeGreaterThan(0);
    expect(without).toEqual([]);
  });
});
