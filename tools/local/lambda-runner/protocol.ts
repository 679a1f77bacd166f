/**
 * What the local Lambda runner's parent and child say to each other. The child is one execution
 * environment (see runtime.ts); the parent (process.ts) starts it with {@link RunnerArguments}
 * on its command line, writes one {@link InvokeRequest} per line to its stdin, and reads one
 * {@link InvokeResult} per line from its fd 3, so that what the function itself prints on
 * stdout and stderr stays apart from the results. Every line is one JSON document.
 *
 * This file and runtime.ts are compiled into the child's script: they may import nothing but
 * Node's own modules.
 */
import { StringDecoder } from 'node:string_decoder';

/** What the child needs to load the handler, as its command-line arguments. */
export interface RunnerArguments {
  /** The handler module's path without extension, e.g. `/tmp/fn/index` for `index.handler`. */
  readonly modulePath: string;
  /** The handler's export, e.g. `handler`. */
  readonly exportName: string;
  /** The function timeout: each call gets this long, as Lambda gives it. */
  readonly timeoutMs: number;
}

/** The fd on which the child writes its results. */
export const RESULT_FD = 3;

/** The fields of Lambda's context object that the parent decides; the child fills in the rest. */
export interface ContextFields {
  readonly functionName: string;
  /** @default `$LATEST` */
  readonly functionVersion?: string;
  /** @default an ARN of the function in AWS_REGION and the emulator's account */
  readonly invokedFunctionArn?: string;
  /** @default 128 */
  readonly memoryLimitInMB?: number;
}

/** One line to the child: call the handler with `event`, once or `calls` times. */
export interface InvokeRequest {
  /** Echoed in the result, which answers this request. */
  readonly id: number;
  readonly event: unknown;
  readonly context: ContextFields;
  /**
   * How many calls, each with its own request id.
   * @default 1
   */
  readonly calls?: number;
  /**
   * Whether the calls are made at once (as concurrent requests that one environment would never
   * receive, to see what a handler shares) rather than one after the other.
   * @default false
   */
  readonly parallel?: boolean;
}

/** A handler's error as Lambda logs and reports it: no stack. */
export interface ErrorReport {
  readonly errorType: string;
  readonly errorMessage: string;
}

/**
 * How one call ended: with the handler's response; with an error, thrown by the handler or left
 * by its module's init (every call of an environment whose init failed answers that); or not
 * within the function timeout.
 */
export type CallOutcome =
  | { readonly kind: 'response'; readonly response: unknown }
  | { readonly kind: 'error'; readonly phase: 'init' | 'invoke'; readonly error: ErrorReport }
  | { readonly kind: 'timeout' };

/** One call of the handler. */
export interface CallResult {
  /** The request id the handler saw in its context. */
  readonly awsRequestId: string;
  /** Milliseconds from the call to its outcome, measured in the child. */
  readonly durationMs: number;
  /**
   * When the outcome came, in milliseconds on the child's `performance` clock, whose origin is
   * the process's start: for the first call, the cold start as the child itself measures it,
   * free of the parent's own delays in reading the answer.
   */
  readonly endedAt: number;
  readonly outcome: CallOutcome;
}

/** One line from the child: the answer to the request with the same id. */
export interface InvokeResult {
  readonly id: number;
  /** In the order they were made. */
  readonly calls: readonly CallResult[];
  /** Milliseconds from the first call to the last outcome, measured in the child. */
  readonly elapsedMs: number;
}

/** A line that is not what the protocol says it must be. */
export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

/** The child's command-line arguments for `args`. */
export function encodeArguments(args: RunnerArguments): string[] {
  return [args.modulePath, args.exportName, String(args.timeoutMs)];
}

/**
 * The arguments the parent encoded, from the child's `process.argv.slice(2)`.
 * @throws ProtocolError when they are not three, or the timeout is not a positive number
 */
export function decodeArguments(argv: readonly string[]): RunnerArguments {
  const [modulePath, exportName, timeoutText] = argv;
  const timeoutMs = Number(timeoutText);
  if (argv.length !== 3 || !modulePath || !exportName || !(timeoutMs > 0)) {
    throw new ProtocolError(`expected <module path> <export> <timeout ms>, got ${JSON.stringify(argv)}`);
  }
  return { modulePath, exportName, timeoutMs };
}

/** A message as one line. */
export function encodeLine(message: InvokeRequest | InvokeResult): string {
  return `${JSON.stringify(message)}\n`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseObject(line: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    value = undefined;
  }
  if (!isObject(value)) throw new ProtocolError(`not a JSON object: ${line.slice(0, 200)}`);
  return value;
}

/**
 * A request line, checked.
 * @throws ProtocolError when it is not a request
 */
export function decodeRequest(line: string): InvokeRequest {
  const value = parseObject(line);
  const { id, context, calls, parallel } = value;
  const valid =
    Number.isInteger(id) &&
    'event' in value &&
    isObject(context) &&
    typeof context.functionName === 'string' &&
    (calls === undefined || (Number.isInteger(calls) && (calls as number) >= 1)) &&
    (parallel === undefined || typeof parallel === 'boolean');
  if (!valid) throw new ProtocolError(`not an invoke request: ${line.slice(0, 200)}`);
  return value as unknown as InvokeRequest;
}

/**
 * A result line, checked as far as the parent relies on it.
 * @throws ProtocolError when it is not a result
 */
export function decodeResult(line: string): InvokeResult {
  const value = parseObject(line);
  const { id, calls, elapsedMs } = value;
  const valid =
    Number.isInteger(id) &&
    typeof elapsedMs === 'number' &&
    Array.isArray(calls) &&
    calls.every(
      (call) =>
        isObject(call) &&
        isObject(call.outcome) &&
        typeof call.durationMs === 'number' &&
        typeof call.endedAt === 'number',
    );
  if (!valid) throw new ProtocolError(`not an invoke result: ${line.slice(0, 200)}`);
  return value as unknown as InvokeResult;
}

/**
 * Splits a stream of chunks into lines: `push` a chunk, get the lines it completed. What follows
 * the last newline waits for the next chunk.
 */
export function lineSplitter(): (chunk: Buffer | string) => string[] {
  // A character's bytes may be split between two chunks: the decoder keeps the first part.
  const decoder = new StringDecoder('utf8');
  let pending = '';
  return (chunk) => {
    pending += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    return lines;
  };
}
