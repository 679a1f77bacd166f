/**
 * The child side of the local Lambda runner: one execution environment. It loads the handler
 * once, as Lambda's init does (an init error is logged once and answers every call), then serves
 * the parent's requests (protocol.ts) with Lambda's context: a request id per call, the function's
 * name and ARN, and the time left before the function timeout. A handler that throws is logged as
 * Lambda logs it, by type and message and without a stack; a call that outlives the timeout ends
 * as `timeout` and the parent decides whether the environment ends with it.
 *
 * It runs as a plain JavaScript file that process.ts compiles from this one (see
 * {@link runnerScript}), never through a TypeScript loader, whose start-up a cold start would
 * otherwise include. So this file imports nothing but Node's own modules and protocol.ts.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import {
  decodeArguments,
  decodeRequest,
  encodeLine,
  RESULT_FD,
  type CallOutcome,
  type CallResult,
  type ContextFields,
  type ErrorReport,
  type InvokeRequest,
  type InvokeResult,
} from './protocol';

/** Lambda's context object, without the callback-era `done`, `fail` and `succeed`. */
export type LambdaContext = Omit<Context, 'done' | 'fail' | 'succeed'>;

/** A handler as Lambda calls it: async, or returning its response. */
export type LambdaHandler = (event: unknown, context: LambdaContext) => unknown;

/** An error as Lambda reports it: its name as the type, its message; anything thrown that is not an Error, as text. */
export function describeError(error: unknown): ErrorReport {
  if (error instanceof Error) return { errorType: error.name, errorMessage: error.message };
  return { errorType: 'Error', errorMessage: String(error) };
}

/** The module files Lambda's Node.js runtime tries for a handler, in its order. */
const MODULE_EXTENSIONS = ['.js', '.mjs', '.cjs'] as const;

/** An error that Lambda's runtime itself raises at init, named as it names them. */
function runtimeError(errorType: string, errorMessage: string): Error {
  return Object.assign(new Error(errorMessage), { name: errorType });
}

/**
 * Loads `exportName` of the module at `modulePath` (without extension) as Lambda's init does:
 * CommonJS with `require`, an ES module (`.mjs`) with `import()`. The module's top-level code
 * runs now, before the returned promise settles.
 * @throws (rejects) the module's own init error, `Runtime.ImportModuleError` for a missing module,
 *   `Runtime.HandlerNotFound` for a missing export
 */
export async function loadHandler(modulePath: string, exportName: string): Promise<LambdaHandler> {
  const extension = MODULE_EXTENSIONS.find((candidate) => existsSync(modulePath + candidate));
  if (!extension) {
    throw runtimeError('Runtime.ImportModuleError', `Error: Cannot find module '${modulePath}'`);
  }
  const file = modulePath + extension;
  const exports: unknown = extension === '.mjs' ? await import(pathToFileURL(file).href) : createRequire(file)(file);
  const handler = (exports as Record<string, unknown> | undefined)?.[exportName];
  if (typeof handler !== 'function') {
    throw runtimeError('Runtime.HandlerNotFound', `${file}.${exportName} is undefined or not exported`);
  }
  return handler as LambdaHandler;
}

/** What an execution environment needs beyond its handler. */
export interface EnvironmentOptions {
  /** Each call's time before it ends as `timeout`. */
  readonly timeoutMs: number;
  /**
   * Where the runtime's own lines go (errors, timeouts), as Lambda writes them to the function's log.
   * @default console.error
   */
  readonly log?: (line: string) => void;
}

/** One execution environment: its handler loaded (or failed to), serving requests. */
export interface ExecutionEnvironment {
  invoke(request: InvokeRequest): Promise<InvokeResult>;
}

/** This environment's log stream name, as Lambda names one: date, version, a random id. */
function logStreamName(version: string): string {
  const date = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  return `${date}/[${version}]${randomBytes(16).toString('hex')}`;
}

/**
 * Lambda's context for one call.
 * @param deadline `Date.now()` at which the function timeout passes
 */
export function lambdaContext(fields: ContextFields, awsRequestId: string, deadline: number): LambdaContext {
  const functionVersion = fields.functionVersion ?? '$LATEST';
  const region = process.env.AWS_REGION ?? 'us-east-1';
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: fields.functionName,
    functionVersion,
    invokedFunctionArn:
      fields.invokedFunctionArn ?? `arn:aws:lambda:${region}:000000000000:function:${fields.functionName}`,
    memoryLimitInMB: String(fields.memoryLimitInMB ?? 128),
    awsRequestId,
    logGroupName: `/aws/lambda/${fields.functionName}`,
    logStreamName: logStreamName(functionVersion),
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

/**
 * An execution environment around `init`, the handler being loaded. An init error is logged once,
 * now, and every call answers it.
 */
export function createExecutionEnvironment(
  init: Promise<LambdaHandler>,
  options: EnvironmentOptions,
): ExecutionEnvironment {
  const { timeoutMs } = options;
  const log = options.log ?? ((line: string) => console.error(line));
  const logError = (report: ErrorReport) => log(JSON.stringify(report));
  const loaded = init.then(
    (handler) => ({ handler }),
    (error: unknown) => {
      const report = describeError(error);
      logError(report);
      return { initError: report };
    },
  );

  async function call(handler: LambdaHandler, request: InvokeRequest): Promise<CallResult> {
    const awsRequestId = randomUUID();
    const startedAt = performance.now();
    const context = lambdaContext(request.context, awsRequestId, Date.now() + timeoutMs);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<CallOutcome>((resolve) => {
      timer = setTimeout(() => resolve({ kind: 'timeout' }), timeoutMs);
    });
    const answered = Promise.resolve()
      .then(() => handler(request.event, context))
      .then(
        (response): CallOutcome => ({ kind: 'response', response }),
        (error: unknown): CallOutcome => {
          const report = describeError(error);
          logError(report);
          return { kind: 'error', phase: 'invoke', error: report };
        },
      );
    const outcome = await Promise.race([answered, timedOut]);
    const endedAt = performance.now();
    clearTimeout(timer);
    if (outcome.kind === 'timeout')
      log(`${awsRequestId} Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`);
    return { awsRequestId, durationMs: endedAt - startedAt, endedAt, outcome };
  }

  return {
    async invoke(request) {
      const state = await loaded;
      const count = request.calls ?? 1;
      const startedAt = performance.now();
      let calls: CallResult[];
      if ('initError' in state) {
        const outcome: CallOutcome = { kind: 'error', phase: 'init', error: state.initError };
        const endedAt = performance.now();
        calls = Array.from({ length: count }, () => ({ awsRequestId: randomUUID(), durationMs: 0, endedAt, outcome }));
      } else if (request.parallel) {
        calls = await Promise.all(Array.from({ length: count }, () => call(state.handler, request)));
      } else {
        calls = [];
        for (let index = 0; index < count; index += 1) calls.push(await call(state.handler, request));
      }
      return { id: request.id, calls, elapsedMs: performance.now() - startedAt };
    },
  };
}

/**
 * A result as a line, even when a response cannot be written as JSON (a BigInt, a cycle): that
 * call then ends as the error Lambda's runtime reports for it.
 */
export function encodeResult(result: InvokeResult): string {
  try {
    return encodeLine(result);
  } catch {
    const calls = result.calls.map((call): CallResult => {
      try {
        JSON.stringify(call);
        return call;
      } catch (error) {
        const errorMessage = `the response cannot be written as JSON: ${describeError(error).errorMessage}`;
        return {
          ...call,
          outcome: {
            kind: 'error',
            phase: 'invoke',
            error: { errorType: 'Runtime.ResponseSerializationError', errorMessage },
          },
        };
      }
    });
    return encodeLine({ ...result, calls });
  }
}

/**
 * Serves one request per line of `input`, each answered through `write` as soon as it is done,
 * until `input` ends and the calls it asked for have answered.
 * @throws (rejects) ProtocolError for a line that is not a request: the parent is broken
 */
export function serve(
  environment: ExecutionEnvironment,
  input: Readable,
  write: (line: string) => void,
): Promise<void> {
  const pending = new Set<Promise<void>>();
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input, crlfDelay: Infinity });
    lines.on('line', (line) => {
      let request: InvokeRequest;
      try {
        request = decodeRequest(line);
      } catch (error) {
        lines.close();
        reject(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      const answered = environment.invoke(request).then((result) => write(encodeResult(result)));
      pending.add(answered);
      void answered.finally(() => pending.delete(answered));
    });
    lines.once('close', () => {
      void Promise.all(pending).then(() => resolve(), reject);
    });
  });
}

/**
 * The child's entry: one execution environment for the handler named on the command line,
 * answering on {@link RESULT_FD}. It ends when the parent closes its stdin, and with status 2
 * when the parent breaks the protocol.
 */
export function main(): void {
  const { modulePath, exportName, timeoutMs } = decodeArguments(process.argv.slice(2));
  const environment = createExecutionEnvironment(loadHandler(modulePath, exportName), { timeoutMs });
  serve(environment, process.stdin, (line) => writeSync(RESULT_FD, line)).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`lambda runner: ${describeError(error).errorMessage}`);
      process.exit(2);
    },
  );
}
