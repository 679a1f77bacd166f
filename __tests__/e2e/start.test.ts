/**
 * `npm start` as a user runs it: from a hostile shell, and failing without losing the local run
 * it was to replace. Its local run lives in a folder of its own (LOCAL_RUN_DIRECTORY), so a
 * developer's own `npm start` is left alone.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetFunctionConfigurationCommand,
  LambdaClient,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '../../functions/shared/contract';
import { DEFAULT_OPTIONS } from '../../stacks/config';
import { PROJECT_ROOT } from '../../lib/project-root';
import { projectBinary } from '../../tools/common/run-command';
import { emulatorClientConfig, freePort, isRunning, requireMoto } from '../../tools/local/emulator';
import { inheritedEnvironment } from '../../tools/local/isolation';
import type { LocalRun } from '../../tools/local/run-record';
import { requireTerraform } from '../../tools/local/terraform';

const scratch = mkdtempSync(join(tmpdir(), 'lambda-secrets-start-'));
const runDirectory = join(scratch, 'run');
const runFile = join(runDirectory, 'run.json');

/** A shell whose every AWS, Terraform and option variable would break the local run if it reached it. */
const HOSTILE_SHELL = {
  AWS_PROFILE: 'no-such-profile',
  AWS_REGION: 'eu-west-3',
  AWS_DEFAULT_REGION: 'eu-west-3',
  AWS_CONFIG_FILE: join(scratch, 'no-such-config'),
  AWS_SHARED_CREDENTIALS_FILE: join(scratch, 'no-such-credentials'),
  AWS_ENDPOINT_URL: 'http://127.0.0.1:1',
  TF_CLI_ARGS: '-input=false',
  TF_VAR_api_token: 'a-token-from-the-shell',
  TF_VAR_api_token_version: '7',
  LAMBDA_SECRETS_PACKAGING: 'archive',
  LAMBDA_SECRETS_TARGETURL: 'https://elsewhere.example/',
};

/** Runs an npm script's entry as a user's shell would, with the local run in {@link runDirectory}. */
function script(entry: string, args: string[] = [], env: NodeJS.ProcessEnv = {}) {
  const run = spawnSync(projectBinary('tsx'), [`tools/scripts/${entry}.ts`, ...args], {
    cwd: PROJECT_ROOT,
    env: {
      ...process.env,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      LOCAL_RUN_DIRECTORY: runDirectory,
      ...env,
    },
    encoding: 'utf8',
    timeout: 600_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

let started: ReturnType<typeof script>;

beforeAll(() => {
  // Missing tools fail the suite with what to install; these tests never skip.
  requireMoto();
  requireTerraform(inheritedEnvironment(process.env));
  started = script('start', [], HOSTILE_SHELL);
}, 600_000);

afterAll(() => {
  script('local-down');
  rmSync(scratch, { recursive: true, force: true });
});

describe('npm start from a hostile shell', () => {
  it('deploys and invokes both stacks all the same: nothing in the shell reaches the local run', () => {
    expect(started).toMatchObject({ status: 0 });
    expect(started.stdout).toMatch(/^method1-sample +200 +Succeeded +yes /m);
    expect(started.stdout).toMatch(/^method2-sample +200 +Succeeded +yes /m);
  });
});

describe('a start that fails keeps the local run it was to replace', () => {
  it('without terraform on PATH: says what to install, and the running emulator and its record stay', () => {
    const record = readFileSync(runFile, 'utf8');
    const bin = mkdtempSync(join(scratch, 'bin-'));
    symlinkSync(process.execPath, join(bin, 'node'));
    expect(script('start', [], { PATH: bin })).toMatchObject({
      status: 1,
      stderr: expect.stringMatching(/^error: terraform is not installed or not on PATH/),
    });
    expect(readFileSync(runFile, 'utf8')).toBe(record);
    expect(isRunning((JSON.parse(record) as LocalRun).emulatorPid)).toBe(true);
  });

  it('with MOTO_PORT held by another program: names the port and its holder, and the local run stays', async () => {
    const record = readFileSync(runFile, 'utf8');
    const holder: Server = createServer((_request, response) => response.writeHead(404).end());
    const port = await freePort();
    await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
    try {
      expect(script('start', [], { MOTO_PORT: String(port) })).toMatchObject({
        status: 1,
        stderr: expect.stringContaining(
          `error: port ${port} on 127.0.0.1 (MOTO_PORT) is in use by pid ${process.pid} (`,
        ),
      });
    } finally {
      holder.closeAllConnections();
      await new Promise((resolve) => holder.close(resolve));
    }
    expect(readFileSync(runFile, 'utf8')).toBe(record);
    expect(script('invoke-local', ['method2-sample'])).toMatchObject({ status: 0 });
  });
});

describe('npm run invoke:local when a function does not answer 200', () => {
  it("prints the function's own reason, as CloudWatch Logs would show it", async () => {
    const { endpoint } = JSON.parse(readFileSync(runFile, 'utf8')) as LocalRun;
    const lambda = new LambdaClient(emulatorClientConfig(endpoint, DEFAULT_OPTIONS.region));
    try {
      const { Environment } = await lambda.send(
        new GetFunctionConfigurationCommand({ FunctionName: 'method1-sample' }),
      );
      await lambda.send(
        new UpdateFunctionConfigurationCommand({
          FunctionName: 'method1-sample',
          Environment: { Variables: { ...Environment?.Variables, [ENV.encryptedApiToken]: 'not base64!' } },
        }),
      );
      await waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 60 }, { FunctionName: 'method1-sample' });
    } finally {
      lambda.destroy();
    }
    const invoked = script('invoke-local', ['method1-sample']);
    expect(invoked.status).toBe(1);
    expect(invoked.stdout).toContain('method1-sample logged:');
    expect(invoked.stdout).toContain('"errorMessage":"ENCRYPTED_API_TOKEN must be base64-encoded KMS ciphertext"');
  });
});
