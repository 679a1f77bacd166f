/**
 * A deployed function run locally: its configuration read back, its zip checked and run in a
 * child Node.js process by the local Lambda runner (tools/local/lambda-runner/).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetFunctionCommand, LambdaClient, type FunctionConfiguration } from '@aws-sdk/client-lambda';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import AdmZip from 'adm-zip';
import { PARAMETERS_EXTENSION } from '../../functions/shared/contract';
import { FUNCTION_TIMEOUT_SECONDS } from '../../stacks/config';
import { isAwsError, unreachableReason } from '../common/aws';
import { ToolError } from '../common/errors';
import { EXTENSION_LAYER_NAMES } from '../../lib/parameters-extension';
import { emulatorClientConfig } from './emulator';
import { functionUrlEvent } from './function-url-event';
import { startLambdaProcess, type LambdaProcess } from './lambda-runner/process';
import { startExtensionStandIn } from './parameters-extension-stand-in';
import { stackDirectory } from './terraform';

/** What the emulator says is deployed. */
export interface DeployedFunction {
  readonly name: string;
  readonly handler: string;
  readonly runtime: string;
  readonly codeSha256: string;
  readonly environment: Readonly<Record<string, string>>;
  /** Layer version ARNs. */
  readonly layers: readonly string[];
  /** The function timeout, in seconds, when Lambda says. */
  readonly timeoutSeconds?: number;
}

/** The deployed code is not the artifact this machine synthesized. */
export class ArtifactMismatchError extends ToolError {
  override name = 'ArtifactMismatchError';
}

/** What an invocation answered and printed. */
export interface Invocation {
  readonly statusCode: number;
  readonly body: string;
  /** Everything the function wrote to stdout and stderr. */
  readonly output: string;
  /** True when the handler threw or never answered: a function URL then answers 502. */
  readonly functionError: boolean;
  readonly durationMs: number;
}

/**
 * Reads a function's configuration back from the (emulated) Lambda API.
 * @param endpoint the emulator's endpoint, named when it does not answer
 */
export async function readDeployedFunction(
  lambda: LambdaClient,
  name: string,
  endpoint?: string,
): Promise<DeployedFunction> {
  let config: FunctionConfiguration | undefined;
  try {
    ({ Configuration: config } = await lambda.send(new GetFunctionCommand({ FunctionName: name })));
  } catch (error) {
    const unreachable = unreachableReason(error, endpoint);
    if (unreachable) throw new ToolError(`reading function ${name}: ${unreachable}`, { cause: error });
    const problem = isAwsError(error, 'ResourceNotFoundException')
      ? `function ${name} is not deployed`
      : `reading function ${name} failed: ${error instanceof Error ? error.message : String(error)}`;
    throw new ToolError(`${problem}; is the local run up? Start one with \`npm start\``, { cause: error });
  }
  if (!config?.Handler || !config.Runtime || !config.CodeSha256) {
    throw new ToolError(`Lambda returned no handler, runtime or code hash for ${name}`);
  }
  return {
    name,
    handler: config.Handler,
    runtime: config.Runtime,
    codeSha256: config.CodeSha256,
    environment: config.Environment?.Variables ?? {},
    layers: (config.Layers ?? []).flatMap((layer) => (layer.Arn ? [layer.Arn] : [])),
    ...(config.Timeout !== undefined && { timeoutSeconds: config.Timeout }),
  };
}

/** The part of a synthesized stack's Terraform JSON that locates its function's zip. */
interface SynthesizedStack {
  readonly resource: { readonly aws_lambda_function: Record<string, { readonly filename: string }> };
}

/** What the handler resolved to, as the child process reports it; anything, if the handler misbehaved. */
interface HandlerAnswer {
  readonly statusCode?: unknown;
  readonly body?: unknown;
}

/** The zip that `cdktf synth` wrote for a stack's function (asset packaging). */
export function localArtifact(outdir: string, stack: string): string {
  const directory = stackDirectory(outdir, stack);
  const json = JSON.parse(readFileSync(join(directory, 'cdk.tf.json'), 'utf8')) as SynthesizedStack;
  const [fn] = Object.values(json.resource.aws_lambda_function);
  if (fn.filename.includes('${')) {
    throw new ToolError(`${stack} was synthesized with packaging=archive; local invocation needs packaging=asset`);
  }
  return join(directory, fn.filename);
}

/** Base64 SHA-256 of a file: Lambda's CodeSha256. */
export function codeSha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('base64');
}

/** A deployment package to run locally, as Lambda would run it. */
export interface FunctionPackage {
  readonly zipFile: string;
  /** Lambda's handler setting, `<module>.<export>`. */
  readonly handler: string;
  readonly functionName: string;
  /** The process's whole environment: nothing else is inherited. */
  readonly environment: Readonly<Record<string, string>>;
  /**
   * The function timeout, in seconds.
   * @default the stacks' FUNCTION_TIMEOUT_SECONDS
   */
  readonly timeoutSeconds?: number;
}

/**
 * One execution environment of a function, kept warm between invocations as Lambda keeps one:
 * what the handler cached at the first call (the token, its clients) is still there at the next.
 */
export interface WarmFunction {
  /** Sends one function URL event and returns what a function URL would answer. */
  invoke(): Promise<Invocation>;
  /** Ends the environment and removes its files. */
  close(): Promise<void>;
}

/** What a function URL answers when the function fails: the handler threw, timed out or never answered. */
const FUNCTION_ERROR = { statusCode: 502, body: 'Internal Server Error', functionError: true } as const;

/** Milliseconds past the function timeout after which a child that has not reported is stopped. */
const UNRESPONSIVE_GRACE_MS = 5000;

/**
 * Starts a Lambda zip's handler in a separate Node.js process (the local Lambda runner,
 * tools/local/lambda-runner/) with exactly `environment`, and keeps it for invocations until
 * closed. An invocation that outlasts the function timeout ends the environment, as Lambda ends
 * one that timed out.
 */
export async function startWarmFunction(pkg: FunctionPackage): Promise<WarmFunction> {
  const directory = mkdtempSync(join(tmpdir(), 'lambda-invoke-'));
  const timeoutMs = (pkg.timeoutSeconds ?? FUNCTION_TIMEOUT_SECONDS) * 1000;
  let child: LambdaProcess;
  try {
    new AdmZip(pkg.zipFile).extractAllTo(directory, true);
  } catch (error) {
    rmSync(directory, { recursive: true, force: true });
    throw new ToolError(`${pkg.zipFile} is not a zip that can be run`, { cause: error });
  }
  try {
    child = await startLambdaProcess({ directory, handler: pkg.handler, environment: pkg.environment, timeoutMs });
  } catch (error) {
    rmSync(directory, { recursive: true, force: true });
    throw error;
  }
  let queue = Promise.resolve();

  async function invokeOnce(): Promise<Invocation> {
    const firstOutput = child.outputLength();
    const startedAt = performance.now();
    // The runner ends a call at the timeout; this only stops a child whose event loop is stuck.
    const timer = setTimeout(() => void child.close(), timeoutMs + UNRESPONSIVE_GRACE_MS);
    try {
      const result = await Promise.race([
        child.invoke({ event: functionUrlEvent(pkg.functionName), context: { functionName: pkg.functionName } }),
        child.exited.then(() => undefined),
      ]);
      const durationMs = Math.round(performance.now() - startedAt);
      const outcome = result?.calls[0]?.outcome;
      // Lambda ends an environment whose invocation timed out; the next one starts afresh.
      if (outcome?.kind === 'timeout') await child.close();
      // Lines logged just before the answer may still be in the pipe.
      await new Promise((resolve) => setImmediate(resolve));
      const output = child.output(firstOutput);
      const response = outcome?.kind === 'response' ? (outcome.response as HandlerAnswer | null) : undefined;
      if (typeof response?.statusCode !== 'number') return { ...FUNCTION_ERROR, output, durationMs };
      const body = typeof response.body === 'string' ? response.body : '';
      return { statusCode: response.statusCode, body, output, functionError: false, durationMs };
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    // One invocation at a time, as an execution environment serves them.
    invoke: () => {
      const invocation = queue.then(invokeOnce);
      queue = invocation.then(
        () => undefined,
        () => undefined,
      );
      return invocation;
    },
    close: async () => {
      await child.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** Where a deployed function is and what the local run gives it besides its own configuration. */
export interface DeployedFunctionTarget {
  readonly lambda: LambdaClient;
  readonly stack: string;
  readonly outdir: string;
  /** The emulator's endpoint, credentials and region, which the function's clients get. */
  readonly awsEnvironment: Readonly<Record<string, string>>;
  /**
   * Run under another name than the deployed one (Lambda's AWS_LAMBDA_FUNCTION_NAME), e.g. to
   * prove a ciphertext is bound to its function.
   * @default the deployed name
   */
  readonly functionName?: string;
}

/** A deployed function's warm execution environment, with what it runs. */
export interface DeployedEnvironment extends WarmFunction {
  readonly deployed: DeployedFunction;
  /**
   * Parameter requests that the stand-in for the Parameters and Secrets extension answered, for a
   * function with the extension's layer; undefined for one without.
   */
  readonly extensionRequests: () => number | undefined;
}

/**
 * Starts a deployed function locally: reads its configuration back, checks that the deployed
 * code is the local artifact, and runs that artifact with the deployed environment plus what
 * Lambda itself sets (function name, region, a session token) and the emulator's endpoint and
 * credentials. A function with the Parameters and Secrets extension's layer gets the local
 * stand-in for it (see parameters-extension-stand-in.ts) on a free port.
 */
export async function startDeployed(target: DeployedFunctionTarget): Promise<DeployedEnvironment> {
  const { awsEnvironment } = target;
  const deployed = await readDeployedFunction(target.lambda, target.stack, awsEnvironment.AWS_ENDPOINT_URL);
  const zipFile = localArtifact(target.outdir, target.stack);
  const localSha = codeSha256(zipFile);
  if (localSha !== deployed.codeSha256) {
    throw new ArtifactMismatchError(
      `${target.stack}: deployed code (sha256 ${deployed.codeSha256}) is not the local artifact (${localSha}); run the deploy again`,
    );
  }
  const clientConfig = emulatorClientConfig(awsEnvironment.AWS_ENDPOINT_URL, awsEnvironment.AWS_REGION);
  const ssm = new SSMClient(clientConfig);
  const secretsManager = new SecretsManagerClient(clientConfig);
  // The stand-in answers both of the extension's paths, as the layer does: parameters and secrets.
  const extension = hasExtensionLayer(deployed) ? await startExtensionStandIn(ssm, secretsManager) : undefined;
  const stopExtension = async () => {
    await extension?.close();
    ssm.destroy();
    secretsManager.destroy();
  };
  const functionName = target.functionName ?? deployed.name;
  let environment: WarmFunction;
  try {
    environment = await startWarmFunction({
      zipFile,
      handler: deployed.handler,
      functionName,
      timeoutSeconds: deployed.timeoutSeconds,
      environment: {
        ...deployed.environment,
        AWS_LAMBDA_FUNCTION_NAME: functionName,
        ...awsEnvironment,
        ...(extension && {
          [PARAMETERS_EXTENSION.httpPortVariable]: String(extension.port),
          AWS_SESSION_TOKEN: extension.sessionToken,
        }),
      },
    });
  } catch (error) {
    await stopExtension();
    throw error;
  }
  return {
    deployed,
    invoke: () => environment.invoke(),
    extensionRequests: () => extension?.served(),
    close: async () => {
      await environment.close();
      await stopExtension();
    },
  };
}

/** Whether the function has a layer named as AWS's Parameters and Secrets extension. */
function hasExtensionLayer(deployed: DeployedFunction): boolean {
  const names: readonly string[] = Object.values(EXTENSION_LAYER_NAMES);
  return deployed.layers.some((arn) => names.includes(arn.split(':')[6]));
}

/** Invokes a deployed function once, in a fresh execution environment (see {@link startDeployed}). */
export async function invokeDeployed(
  target: DeployedFunctionTarget,
): Promise<Invocation & Pick<DeployedEnvironment, 'deployed'> & { readonly extensionRequests?: number }> {
  const startedAt = performance.now();
  const environment = await startDeployed(target);
  try {
    const invocation = await environment.invoke();
    return {
      ...invocation,
      // From the process start: a cold invocation's time includes the init.
      durationMs: Math.round(performance.now() - startedAt),
      deployed: environment.deployed,
      extensionRequests: environment.extensionRequests(),
    };
  } finally {
    await environment.close();
  }
}
