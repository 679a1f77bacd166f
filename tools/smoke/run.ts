/**
 * The smoke run (`npm run smoke`): the sample stacks deployed once to a real account, in a stage
 * of their own, beside a stand-in upstream that accepts only a fresh random token; both functions
 * called through their function URLs, a verdict per stack, then everything destroyed.
 *
 * When AWS_ENDPOINT_URL points at a local emulator (moto server on a loopback address), the same
 * orchestration runs there, which is how the test suite runs it. What differs on the emulator,
 * and nothing else:
 * - the children get the emulator's endpoint and dummy credentials instead of yours (as `npm start`);
 * - the stacks are synthesized with `packaging=asset`, which the local runner needs;
 * - function URLs are not served there: the functions' target is the local upstream
 *   (tools/local/upstream.ts, accepting only the smoke token) instead of the deployed stand-in,
 *   and each function is invoked by the local runner (tools/local/artifact.ts) with a function
 *   URL event instead of a SigV4-signed HTTPS request;
 * - GetAccountSettings is not implemented there, so the concurrency is reported as unknown.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RootConstruct } from 'constructs';
import { GetFunctionUrlConfigCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { STSClient } from '@aws-sdk/client-sts';
import { optionEnvName, readOptions, type SampleOptions } from '../../stacks/config';
import { isDeliveredOutOfBand, METHODS, STACK_NAMES, stagedStackName, STAGE_PATTERN } from '../../stacks/methods';
import { PROJECT_ROOT } from '../../lib/project-root';
import { AWS_CLIENT_LIMITS } from '../common/aws';
import { CDKTF_JSON, cdktfContext } from '../common/cdktf-json';
import { step } from '../common/cli';
import { ToolError } from '../common/errors';
import { projectBinary, run, type CommandResult } from '../common/run-command';
import { invokeDeployed } from '../local/artifact';
import { emulatorClientConfig, emulatorEnvironment } from '../local/emulator';
import { inheritedEnvironment } from '../local/isolation';
import { functionLogLines, observed } from '../local/summary';
import {
  cdktfDeploy,
  cdktfDestroy,
  requireTerraform,
  stackDirectory,
  writeTerraformCliConfig,
} from '../local/terraform';
import { startUpstream, tokenDigest, type Upstream } from '../local/upstream';
import { executionsReserved, formatAccount, readAccount, type AccountReport } from './account';
import { postSigned, postUnsigned, type UrlAnswer } from './signed-request';
import { UPSTREAM_ANSWERS } from './upstream-handler';
import { UPSTREAM_DIGEST_VARIABLE, upstreamStackName } from './upstream-stack';

/** The cdktf app of the stand-in upstream (the sample stacks' app is cdktf.json's). */
export const UPSTREAM_APP = 'node --import tsx tools/scripts/smoke-app.ts';

/** Milliseconds to wait for a new function URL to answer from the function rather than with a 403 of its own. */
const URL_PROPAGATION_MS = 120_000;
/** Milliseconds the secret CLI may take for one command (its AWS calls and Lambda's update wait). */
const SECRET_CLI_TIMEOUT_MS = 5 * 60_000;

/** How a smoke run is asked for. */
export interface SmokeSettings {
  /** The user's environment: AWS credentials and region, or AWS_ENDPOINT_URL of a local emulator. */
  readonly env: NodeJS.ProcessEnv;
  /** Where the run's report goes (stdout). */
  readonly print: (text: string) => void;
  /** Leave everything deployed (`--keep`); `npm run smoke -- --destroy <stage>` removes it later. */
  readonly keep?: boolean;
  /** @default `smoke` and five random lowercase letters */
  readonly stage?: string;
  /** @default `.local/smoke/<stage>` */
  readonly directory?: string;
  /** @default 32 random bytes, base64url */
  readonly createToken?: () => string;
}

/** A stack's verdict. */
export interface Verdict {
  readonly stack: string;
  readonly passed: boolean;
  readonly statusCode: number;
  readonly body: string;
  /** Why it passed or failed, in words. */
  readonly detail: string;
}

/** What a smoke run did. */
export interface SmokeResult {
  readonly stage: string;
  /** The stacks' region. */
  readonly region: string;
  readonly directory: string;
  readonly verdicts: readonly Verdict[];
  /** Whether every sample stack has a verdict, and every verdict passed. */
  readonly passed: boolean;
  /** Whether all three stacks were destroyed (false with `keep`). */
  readonly destroyed: boolean;
  /** Everything the children printed (cdktf, Terraform, the secret CLI), which the report leaves out. */
  readonly childOutput: readonly string[];
}

/** Where the run deploys: AWS, or the local emulator that AWS_ENDPOINT_URL names. */
export interface Target {
  readonly endpoint: string | undefined;
  readonly onEmulator: boolean;
}

/** An AWS_ENDPOINT_URL on this machine: the local emulator. */
const LOCAL_ENDPOINT = /^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?\/?$/;

/** Where `env` sends the run: AWS, or the local emulator of AWS_ENDPOINT_URL; any other endpoint is refused. */
export function smokeTarget(env: NodeJS.ProcessEnv): Target {
  const endpoint = env.AWS_ENDPOINT_URL || undefined;
  if (endpoint === undefined) return { endpoint, onEmulator: false };
  if (!LOCAL_ENDPOINT.test(endpoint)) {
    throw new ToolError(
      `AWS_ENDPOINT_URL is ${endpoint}, neither AWS nor a local emulator (http://127.0.0.1:<port>): unset it to smoke-test AWS`,
    );
  }
  return { endpoint, onEmulator: true };
}

/** A fresh stage: `smoke` and five random lowercase letters. */
export function randomStage(): string {
  return `smoke${[...randomBytes(5)].map((byte) => String.fromCharCode(97 + (byte % 26))).join('')}`;
}

/**
 * The option variables the smoke run sets over yours, for its own reading of the options and for
 * every child (cdktf, Terraform, the secret CLI): they win over cdktf.json's context and your shell.
 *
 * `secretWriterArns` and `terraformRunnerArns` are forced empty. The smoke stage is yours alone:
 * you deploy it and you provision its token, so the defaults are the ones that fit (writers: the
 * account, that is whoever its IAM policies allow; Terraform runner: the identity that deploys).
 * Your lists, made for your own stages, may not name you: Method 2's parameter create or Method
 * 1's `secret set` would then fail with an AccessDenied that says nothing of the option.
 */
export function smokeOptionEnvironment(stage: string, onEmulator: boolean): Record<string, string> {
  return {
    [optionEnvName('stage')]: stage,
    [optionEnvName('secretWriterArns')]: '',
    [optionEnvName('terraformRunnerArns')]: '',
    // Its stage is random and gone at the end: a secret kept for recovery would linger, named, for 7 days.
    [optionEnvName('method3RecoveryDays')]: '0',
    // The local runner runs the zip that cdktf synthesized; with `archive` Terraform would zip it.
    ...(onEmulator ? { [optionEnvName('packaging')]: 'asset' } : {}),
  };
}

/**
 * The options the stacks are synthesized with: cdktf.json's context, then `env`, as `readOptions`
 * reads them for the app.
 * @param cdktfJson @default the project's
 */
export function optionsFor(env: NodeJS.ProcessEnv, cdktfJson = CDKTF_JSON): SampleOptions {
  const root = new RootConstruct();
  for (const [key, value] of Object.entries(cdktfContext(cdktfJson))) root.node.setContext(key, value);
  return readOptions(root, env);
}

/**
 * What a smoke run does, step by step: {@link SmokeContext} does it on AWS or the emulator, and
 * the unit tests give {@link runSmokeWith} a stand-in to prove what the orchestration does
 * around it (a failing verdict, a failing step: everything is destroyed all the same).
 */
export interface SmokeSteps {
  readonly target: Target;
  readonly stage: string;
  readonly directory: string;
  readonly options: SampleOptions;
  readonly sampleStacks: readonly string[];
  readonly upstreamStack: string;
  readonly childOutput: readonly string[];
  /** Who and where: STS GetCallerIdentity, Lambda GetAccountSettings. */
  account(): Promise<AccountReport>;
  /** Deploys the stand-in upstream, which accepts only the token of SHA-256 `digest`. */
  deployUpstream(digest: string): Promise<void>;
  /** A deployed function's URL, as Lambda tells it. */
  functionUrl(name: string): Promise<string>;
  /** On the emulator: the local upstream the functions call, accepting only the token of SHA-256 `digest`. */
  startLocalUpstream(digest: string): Promise<Upstream>;
  /** Waits until `url` refuses another token than the smoke token with 401. */
  waitForRefusal(url: string): Promise<void>;
  deploySamples(targetUrl: string, token: string): Promise<void>;
  /** Provisions the token of each stack whose token is delivered out of band. */
  provisionOutOfBand(token: string): Promise<void>;
  /** Calls a sample function and judges its answer. */
  invoke(stack: string, localUpstream: Upstream | undefined): Promise<Verdict>;
  /** Destroys whatever the run synthesized; resolves to the failures, none when all was destroyed. */
  destroyAll(token: string): Promise<readonly unknown[]>;
  close(): void;
}

/** The secret CLI's arguments that set `stack`'s token in `region`, the stacks' region. */
export function secretSetArguments(stack: string, region: string): string[] {
  return ['tools/scripts/secret.ts', 'set', stack, '--region', region];
}

/** Everything a run needs, derived once from its settings, and its steps on AWS or the emulator. */
class SmokeContext implements SmokeSteps {
  readonly target: Target;
  readonly stage: string;
  readonly directory: string;
  readonly options: SampleOptions;
  /** The environment of every child: cdktf, Terraform, the secret CLI. */
  readonly env: NodeJS.ProcessEnv;
  readonly lambda: LambdaClient;
  readonly sts: STSClient;
  readonly sampleStacks: readonly string[];
  readonly upstreamStack: string;
  readonly childOutput: string[] = [];

  constructor(readonly settings: Pick<SmokeSettings, 'env' | 'print' | 'stage' | 'directory'>) {
    this.target = smokeTarget(settings.env);
    this.stage = settings.stage ?? randomStage();
    if (!STAGE_PATTERN.test(this.stage)) {
      throw new ToolError(
        `the stage must be a lowercase letter then up to 11 lowercase letters or digits, not ${this.stage}`,
      );
    }
    this.directory = settings.directory ?? join(PROJECT_ROOT, '.local', 'smoke', this.stage);
    const { onEmulator, endpoint } = this.target;
    // The emulator gets what `npm start` gives it: nothing of your shell's AWS, Terraform or stack
    // settings. AWS gets your shell, less any TF_VAR_* (the smoke sets the one token variable).
    const shell = onEmulator
      ? inheritedEnvironment(settings.env)
      : Object.fromEntries(Object.entries(settings.env).filter(([name]) => !name.startsWith('TF_VAR_')));
    const optionEnv = smokeOptionEnvironment(this.stage, onEmulator);
    this.options = optionsFor({ ...shell, ...optionEnv });
    const { region } = this.options;
    // cdktf makes its output folder but not its parent, where the stack's local state goes.
    for (const app of ['samples', 'upstream']) mkdirSync(join(this.directory, app), { recursive: true });
    const cliConfig = writeTerraformCliConfig(join(this.directory, 'terraform.rc'));
    this.env = {
      ...shell,
      ...(onEmulator && endpoint
        ? emulatorEnvironment(endpoint, region)
        : { AWS_REGION: region, AWS_DEFAULT_REGION: region }),
      ...optionEnv,
      // As in LocalDeployment: with the machine's provider mirror there is nothing to cache.
      ...(cliConfig ? { TF_CLI_CONFIG_FILE: cliConfig, CDKTF_DISABLE_PLUGIN_CACHE_ENV: 'true' } : {}),
      TF_IN_AUTOMATION: '1',
      CHECKPOINT_DISABLE: '1',
    };
    const clientConfig =
      onEmulator && endpoint ? emulatorClientConfig(endpoint, region) : { ...AWS_CLIENT_LIMITS, region };
    this.lambda = new LambdaClient(clientConfig);
    this.sts = new STSClient(clientConfig);
    this.sampleStacks = STACK_NAMES.map((stack) => stagedStackName(stack, this.stage));
    this.upstreamStack = upstreamStackName(this.stage);
  }

  get samplesOutdir(): string {
    return join(this.directory, 'samples', 'cdktf.out');
  }

  get upstreamOutdir(): string {
    return join(this.directory, 'upstream', 'cdktf.out');
  }

  /** Keeps a child's output for the result and in `<directory>/<name>.log`, never in the report. */
  record(name: string, result: CommandResult): CommandResult {
    this.childOutput.push(result.output);
    writeFileSync(join(this.directory, `${name}.log`), result.output);
    return result;
  }

  account(): Promise<AccountReport> {
    return readAccount(this, this.options.region, this.target.onEmulator);
  }

  /** The stand-in's deploy and destroy: its own app, its own output folder and state. */
  async deployUpstream(digest: string): Promise<void> {
    // cdktfDeploy passes its stack arguments through to cdktf, so `--app` rides along with them.
    const result = await cdktfDeploy([this.upstreamStack, '--app', UPSTREAM_APP], this.upstreamOutdir, {
      ...this.env,
      [UPSTREAM_DIGEST_VARIABLE]: digest,
    });
    this.record('deploy-upstream', result);
  }

  destroyUpstream(): Promise<CommandResult> {
    return cdktfDestroy([this.upstreamStack, '--app', UPSTREAM_APP], this.upstreamOutdir, this.env);
  }

  async deploySamples(targetUrl: string, token: string): Promise<void> {
    const env = this.#samplesEnvironment(targetUrl, token);
    this.record('deploy-samples', await cdktfDeploy(this.sampleStacks, this.samplesOutdir, env));
  }

  startLocalUpstream(digest: string): Promise<Upstream> {
    return startUpstream(digest);
  }

  waitForRefusal(url: string): Promise<void> {
    return waitForRefusal(url, this.target.onEmulator ? 5_000 : URL_PROPAGATION_MS);
  }

  invoke(stack: string, localUpstream: Upstream | undefined): Promise<Verdict> {
    return localUpstream ? invokeOnEmulator(this, localUpstream, stack) : invokeOnAws(this, stack);
  }

  destroySamples(token: string): Promise<CommandResult> {
    // Method 2's api_token is a required variable even for a destroy, which writes nothing with it.
    return cdktfDestroy(this.sampleStacks, this.samplesOutdir, this.#samplesEnvironment(undefined, token));
  }

  #samplesEnvironment(targetUrl: string | undefined, token: string): NodeJS.ProcessEnv {
    return {
      ...this.env,
      ...(targetUrl ? { [optionEnvName('targetUrl')]: targetUrl } : {}),
      TF_VAR_api_token: token,
    };
  }

  /**
   * `npm run secret -- set <stack> --region <region>` with the token on stdin, for each stack whose
   * token is delivered out of band, in the stacks' region whatever the CLI would find on its own;
   * for all of them at once, as their stores are independent.
   * @throws the first stack's failure, once every run has ended
   */
  async provisionOutOfBand(token: string): Promise<void> {
    const stacks = METHODS.filter((m) => isDeliveredOutOfBand(m, this.options)).map((method) =>
      stagedStackName(method.stackName, this.stage),
    );
    const runs = await Promise.allSettled(
      stacks.map(async (stack) => {
        const result = await run(projectBinary('tsx'), secretSetArguments(stack, this.options.region), {
          env: this.env,
          timeoutMs: SECRET_CLI_TIMEOUT_MS,
          onTimeout: this.target.onEmulator ? `check that ${this.target.endpoint} answers` : 'check the network',
          input: token,
        });
        this.record(`secret-set-${stack}`, result);
      }),
    );
    const failed = runs.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
  }

  async functionUrl(name: string): Promise<string> {
    const { FunctionUrl } = await this.lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: name }));
    if (!FunctionUrl) throw new ToolError(`Lambda returned no function URL for ${name}`);
    return FunctionUrl;
  }

  /** Whether a stack's Terraform folder exists: a deploy got far enough to synthesize it. */
  synthesized(outdir: string, stack: string): boolean {
    return existsSync(stackDirectory(outdir, stack));
  }

  /** Destroys whatever the run synthesized, the stand-in and the sample stacks side by side. */
  async destroyAll(token: string): Promise<readonly unknown[]> {
    const samples = this.sampleStacks.some((stack) => this.synthesized(this.samplesOutdir, stack));
    const upstream = this.synthesized(this.upstreamOutdir, this.upstreamStack);
    const results = await Promise.allSettled([
      samples ? this.destroySamples(token).then((r) => this.record('destroy-samples', r)) : undefined,
      upstream ? this.destroyUpstream().then((r) => this.record('destroy-upstream', r)) : undefined,
    ]);
    return results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
  }

  close(): void {
    this.lambda.destroy();
    this.sts.destroy();
  }
}

/** Whether an answer is a function URL's own 403 (the function did not run): a new URL's permission is still propagating. */
function isUrlLayerForbidden(answer: UrlAnswer): boolean {
  return answer.statusCode === 403 && /"Message":\s*"Forbidden"/i.test(answer.body);
}

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Waits until the target answers a request with another token from the stand-in itself: 401.
 * @throws ToolError when it accepts another token, or never answers 401
 */
export async function waitForRefusal(url: string, patienceMs: number): Promise<void> {
  const deadline = Date.now() + patienceMs;
  let last: string;
  /** The last attempt's error, when it failed without an answer. */
  let lastError: unknown;
  for (;;) {
    try {
      const answer = await postUnsigned(url, `Bearer not-the-smoke-token-${randomBytes(8).toString('hex')}`);
      if (answer.statusCode === 401 && answer.body === UPSTREAM_ANSWERS.refused) return;
      if (answer.statusCode === 200)
        throw new ToolError(`the stand-in at ${url} accepted another token than the smoke token`);
      last = `${answer.statusCode} ${answer.body.slice(0, 100)}`;
      lastError = undefined;
    } catch (error) {
      if (error instanceof ToolError) throw error;
      last = error instanceof Error ? error.message : String(error);
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new ToolError(
        `the stand-in at ${url} did not answer 401 to another token within ${patienceMs / 1000} s (last: ${last})`,
        lastError === undefined ? undefined : { cause: lastError },
      );
    }
    await sleep(2000);
  }
}

/** Calls a sample function through its URL, signed, waiting out a new URL's 403 of its own. */
async function invokeOnAws(context: SmokeContext, stack: string): Promise<Verdict> {
  const url = await context.functionUrl(stack);
  const credentials = context.lambda.config.credentials;
  const deadline = Date.now() + URL_PROPAGATION_MS;
  let answer = await postSigned(url, { region: context.options.region, credentials });
  while (isUrlLayerForbidden(answer) && Date.now() < deadline) {
    await sleep(3000);
    answer = await postSigned(url, { region: context.options.region, credentials });
  }
  const passed = answer.statusCode === 200;
  return {
    stack,
    passed,
    statusCode: answer.statusCode,
    body: answer.body,
    detail: passed
      ? 'the stand-in accepted the token (it answers 200 to no other)'
      : isUrlLayerForbidden(answer)
        ? `the function URL refused your signed request: your identity needs lambda:InvokeFunctionUrl and lambda:InvokeFunction (via the URL) on ${stack}`
        : `see the function's log group /aws/lambda/${stack}`,
  };
}

/** Invokes a sample function with the local runner, and checks what the local upstream saw. */
async function invokeOnEmulator(context: SmokeContext, upstream: Upstream, stack: string): Promise<Verdict> {
  const { target, options } = context;
  const invocation = await observed(upstream, () =>
    invokeDeployed({
      lambda: context.lambda,
      stack,
      outdir: context.samplesOutdir,
      awsEnvironment: emulatorEnvironment(target.endpoint ?? '', options.region),
    }),
  );
  const passed = invocation.statusCode === 200 && invocation.upstreamSawToken;
  const logged = functionLogLines(invocation.output);
  return {
    stack,
    passed,
    statusCode: invocation.statusCode,
    body: invocation.body,
    detail: passed
      ? 'the local upstream received exactly the token'
      : `the upstream ${invocation.upstreamSawToken ? 'received' : 'did not receive'} the token; the function logged: ${logged.join(' ') || 'nothing'}`,
  };
}

/** The verdicts as lines. */
export function formatVerdicts(verdicts: readonly Verdict[]): string {
  const width = Math.max(...verdicts.map((v) => v.stack.length));
  return verdicts
    .map((v) => `  ${v.passed ? 'PASS' : 'FAIL'}  ${v.stack.padEnd(width)}  ${v.statusCode} ${v.body}: ${v.detail}\n`)
    .join('');
}

/**
 * The destroy step: every stack the run synthesized, the stand-in and the samples side by side.
 * @param token Method 2's api_token, a required variable even for a destroy, which writes nothing with it
 * @returns whether everything was destroyed; a failure is printed, never thrown
 */
async function destroyStep(steps: SmokeSteps, token: string, print: (text: string) => void): Promise<boolean> {
  return step(
    `Destroy ${[steps.upstreamStack, ...steps.sampleStacks].join(', ')}`,
    async () => {
      const failures = await steps.destroyAll(token).catch((error: unknown) => [error]);
      for (const failure of failures) print(`  ${failure instanceof Error ? failure.message : String(failure)}\n`);
      if (failures.length > 0) {
        const cause = failures.length === 1 ? failures[0] : new AggregateError(failures, 'destroy failed');
        throw new ToolError('destroy failed', { cause });
      }
    },
    print,
  ).then(
    () => true,
    () => false,
  );
}

/**
 * Runs the smoke test (see the module's comment). Destroys everything it deployed, whatever
 * happened, unless `keep`; the token never leaves memory but for the children that need it
 * (cdktf through TF_VAR_api_token, the secret CLI on stdin) and is never printed.
 */
export async function runSmoke(settings: SmokeSettings): Promise<SmokeResult> {
  requireTerraform(inheritedEnvironment(settings.env));
  return runSmokeWith(new SmokeContext(settings), settings);
}

/** The orchestration of {@link runSmoke}, around `steps`. */
export async function runSmokeWith(
  steps: SmokeSteps,
  settings: Pick<SmokeSettings, 'print' | 'keep' | 'createToken'>,
): Promise<SmokeResult> {
  const { print } = settings;
  const { target, stage, directory } = steps;
  const verdicts: Verdict[] = [];
  print(
    target.onEmulator
      ? `Smoke run on the local emulator at ${target.endpoint} (stage ${stage}). What differs from AWS: the ` +
          'functions call the local upstream, are run by the local runner instead of through their URLs, and the ' +
          'emulator has no account settings.\n'
      : `Smoke run on AWS (stage ${stage}). Everything is destroyed at the end${settings.keep ? ' but for --keep' : ''}; ` +
          `if interrupted, run \`npm run smoke -- --destroy ${stage}\`.\n`,
  );
  let report: AccountReport;
  try {
    report = await step(
      'Who and where (STS GetCallerIdentity, Lambda GetAccountSettings)',
      () => steps.account(),
      print,
    );
  } catch (error) {
    steps.close();
    throw error;
  }
  for (const line of formatAccount(report, executionsReserved(steps.options))) print(`${line}\n`);

  // A fresh random token: printed nowhere, written nowhere; the stand-ins keep only its SHA-256.
  const token = (settings.createToken ?? (() => randomBytes(32).toString('base64url')))();
  const digest = tokenDigest(token);
  let localUpstream: Upstream | undefined;
  let destroyed = false;
  try {
    await step(
      `Deploy the stand-in upstream ${steps.upstreamStack} (public URL, accepts only the smoke token)`,
      () => steps.deployUpstream(digest),
      print,
    );
    const standInUrl = await steps.functionUrl(steps.upstreamStack);
    if (target.onEmulator) localUpstream = await steps.startLocalUpstream(digest);
    const targetUrl = localUpstream?.url ?? standInUrl;
    print(
      `  stand-in URL ${standInUrl}${localUpstream ? ` (not served by the emulator; the functions call ${targetUrl})` : ''}\n`,
    );
    await step('The upstream refuses another token (401)', () => steps.waitForRefusal(targetUrl), print);
    await step(
      `Deploy ${steps.sampleStacks.join(' and ')} (cdktf deploy; Method 2's token via TF_VAR_api_token)`,
      () => steps.deploySamples(targetUrl, token),
      print,
    );
    await step(
      'Provision the out-of-band tokens (npm run secret -- set <stack> --region <region>, token on stdin)',
      () => steps.provisionOutOfBand(token),
      print,
    );
    for (const stack of steps.sampleStacks) {
      const how = localUpstream ? 'with the local runner' : 'through its function URL, SigV4-signed';
      const upstream = localUpstream;
      const verdict = await step(
        `Call ${stack} ${how}`,
        async (): Promise<Verdict> => {
          try {
            return await steps.invoke(stack, upstream);
          } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            return { stack, passed: false, statusCode: 0, body: 'no answer', detail: message };
          }
        },
        print,
      );
      verdicts.push(verdict);
    }
    print(`Verdicts\n${formatVerdicts(verdicts)}`);
  } finally {
    // The destroy comes first: nothing that fails after it (the local upstream's close) may skip it.
    if (settings.keep) {
      print(
        `Kept (--keep): stage ${stage}, files in ${directory}. Remove it all with \`npm run smoke -- --destroy ${stage}\`.\n`,
      );
    } else {
      destroyed = await destroyStep(steps, token, print);
      if (!destroyed) {
        print(
          `Not everything was destroyed: the state is in ${directory}; retry with \`npm run smoke -- --destroy ${stage}\`.\n`,
        );
      }
    }
    await localUpstream?.close().catch((error: unknown) => {
      print(`  the local upstream did not close: ${error instanceof Error ? error.message : String(error)}\n`);
    });
    steps.close();
  }
  const passed = verdicts.length === steps.sampleStacks.length && verdicts.every((v) => v.passed);
  if (passed && destroyed) rmSync(directory, { recursive: true, force: true });
  print(
    `${passed ? 'PASSED' : 'FAILED'}: ${verdicts.filter((v) => v.passed).length} of ${steps.sampleStacks.length} stacks` +
      `${destroyed ? ', all destroyed' : ''}.\n`,
  );
  return {
    stage,
    region: steps.options.region,
    directory,
    verdicts,
    passed,
    destroyed,
    childOutput: steps.childOutput,
  };
}

/**
 * The exit status of `npm run smoke`: 0 only if every stack passed and everything was destroyed
 * (or kept, with `--keep`); 1 otherwise.
 */
export function smokeExitStatus(result: Pick<SmokeResult, 'passed' | 'destroyed'>, keep: boolean): number {
  return result.passed && (result.destroyed || keep) ? 0 : 1;
}

/**
 * `npm run smoke -- --destroy <stage>`: destroys what an earlier run left (with `--keep`, or
 * interrupted), from the state in its folder.
 * @returns whether everything was destroyed
 */
export async function destroySmoke(
  settings: Pick<SmokeSettings, 'env' | 'print' | 'directory'> & { stage: string },
): Promise<boolean> {
  requireTerraform(inheritedEnvironment(settings.env));
  const directory = settings.directory ?? join(PROJECT_ROOT, '.local', 'smoke', settings.stage);
  if (!existsSync(directory)) throw new ToolError(`no smoke run of stage ${settings.stage} in ${directory}`);
  const context = new SmokeContext({ ...settings, directory });
  try {
    // Any token will do: the destroy writes nothing with it.
    const destroyed = await destroyStep(context, randomBytes(32).toString('base64url'), settings.print);
    if (destroyed) rmSync(directory, { recursive: true, force: true });
    return destroyed;
  } finally {
    context.close();
  }
}
