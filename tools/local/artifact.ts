/** A deployed function run locally: its configuration read back, its zip checked and run in a child Node.js process. */
import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetFunctionCommand, LambdaClient, type FunctionConfiguration } from '@aws-sdk/client-lambda';
import AdmZip from 'adm-zip';
import { FUNCTION_TIMEOUT_SECONDS } from '../../lib/config';
import { isAwsError, unreachableReason } from '../common/aws';
import { CommandFailedError, ToolError } from '../common/errors';
import { functionUrlEvent } from './function-url-event';
import { stackDirectory } from './terraform';

/** What the emulator says is deployed. */
export interface DeployedFunction {
  readonly name: string;
  readonly handler: string;
  readonly runtime: string;
  readonly codeSha256: string;
  readonly environment: Readonly<Record<string, string>>;
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

// Runs in the child: loads the handler as Lambda would, answers on fd 3 so the function's own
// stdout and stderr stay apart from the result.
// A handler that throws, at init or per call, is logged as Lambda logs it (its errorType and
// errorMessage; no stack here) and answers nothing, which a function URL turns into a 502.
const RUNNER = `
const [modulePath, exportName] = process.argv.slice(1);
let input = '';
process.stdin.setEncoding('utf8').on('data', (c) => (input += c)).on('end', async () => {
  try {
    const { event, context } = JSON.parse(input);
    const result = await require(modulePath)[exportName](event, context);
    require('node:fs').writeSync(3, JSON.stringify(result ?? null));
  } catch (error) {
    console.error(JSON.stringify({ errorType: error?.name ?? 'Error', errorMessage: String(error?.message ?? error) }));
    process.exitCode = 1;
  }
});
`;

/**
 * Runs a Lambda zip's handler in a separate Node.js process with exactly `environment`, sends
 * it one function URL event and returns what a function URL would answer.
 */
export async function invokeArtifact(options: {
  readonly zipFile: string;
  readonly handler: string;
  readonly functionName: string;
  readonly environment: Readonly<Record<string, string>>;
}): Promise<Invocation> {
  const directory = mkdtempSync(join(tmpdir(), 'lambda-invoke-'));
  try {
    new AdmZip(options.zipFile).extractAllTo(directory, true);
    const dot = options.handler.lastIndexOf('.');
    const modulePath = join(directory, options.handler.slice(0, dot));
    const startedAt = performance.now();
    const child = spawn(process.execPath, ['-e', RUNNER, modulePath, options.handler.slice(dot + 1)], {
      cwd: directory,
      env: { ...options.environment },
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    });
    const output: Buffer[] = [];
    const result: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk));
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => result.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), (FUNCTION_TIMEOUT_SECONDS + 5) * 1000);
    try {
      child.stdin?.end(
        JSON.stringify({
          event: functionUrlEvent(options.functionName),
          context: { awsRequestId: randomUUID(), functionName: options.functionName },
        }),
      );
      await new Promise<void>((resolve, reject) => {
        child.once('error', (error) =>
          reject(new CommandFailedError(`node could not start: ${error.message}`, { cause: error })),
        );
        child.once('close', () => resolve());
      });
    } finally {
      clearTimeout(timer);
    }
    const durationMs = Math.round(performance.now() - startedAt);
    const answer =
      result.length > 0 ? (JSON.parse(Buffer.concat(result).toString('utf8')) as HandlerAnswer | null) : undefined;
    const text = Buffer.concat(output).toString('utf8');
    if (typeof answer?.statusCode !== 'number') {
      return { statusCode: 502, body: 'Internal Server Error', output: text, functionError: true, durationMs };
    }
    const body = typeof answer.body === 'string' ? answer.body : '';
    return { statusCode: answer.statusCode, body, output: text, functionError: false, durationMs };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/**
 * Invokes a deployed function locally: reads its configuration back, checks that the deployed
 * code is the local artifact, and runs that artifact with the deployed environment plus what
 * Lambda itself sets (function name, region) and the caller's endpoint and credentials.
 * @param functionName run under another name than the deployed one (Lambda's
 *   AWS_LAMBDA_FUNCTION_NAME), e.g. to prove a ciphertext is bound to its function
 */
export async function invokeDeployed(options: {
  readonly lambda: LambdaClient;
  readonly stack: string;
  readonly outdir: string;
  readonly awsEnvironment: Readonly<Record<string, string>>;
  readonly functionName?: string;
}): Promise<Invocation & { deployed: DeployedFunction }> {
  const deployed = await readDeployedFunction(options.lambda, options.stack, options.awsEnvironment.AWS_ENDPOINT_URL);
  const zipFile = localArtifact(options.outdir, options.stack);
  const localSha = codeSha256(zipFile);
  if (localSha !== deployed.codeSha256) {
    throw new ArtifactMismatchError(
      `${options.stack}: deployed code (sha256 ${deployed.codeSha256}) is not the local artifact (${localSha}); run the deploy again`,
    );
  }
  const functionName = options.functionName ?? deployed.name;
  const invocation = await invokeArtifact({
    zipFile,
    handler: deployed.handler,
    functionName,
    environment: { ...deployed.environment, AWS_LAMBDA_FUNCTION_NAME: functionName, ...options.awsEnvironment },
  });
  return { ...invocation, deployed };
}
