/**
 * The parent side of the local Lambda runner: starts one execution environment (runtime.ts) in
 * a child Node.js process with exactly the environment given, sends it requests and reads its
 * results (protocol.ts). The local invoker (`invoke:local`, `npm start`, the e2e tests, the smoke
 * run) and the benchmark both run handlers through it.
 *
 * The child runs a plain CommonJS script compiled from runtime.ts by esbuild, not the TypeScript
 * through tsx: a cold start then costs what a bundle's own load costs, plus a few kilobytes of
 * runner, and no loader (tsx would add its own start-up, tens of milliseconds, to every cold
 * start the benchmark times). The script is cached in `.local/lambda-runner/`, named after the
 * sources it was compiled from, so esbuild is loaded only when they change; a tool that only
 * invokes (invoke:local) otherwise never loads it.
 *
 * The child runs on the Node.js major of the functions' Lambda runtime (LAMBDA_RUNTIME,
 * `nodejs22.x` → Node.js 22), not on the tools' own: a pinned release installed once into
 * `.local/node/` (node-binary.ts), the same binary for every handler, the benchmark's too. When
 * it cannot be had, starting a process fails with what to do; it never falls back to the tools'
 * Node.js, which would hide the difference between the local run and Lambda.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { esbuildTarget, LAMBDA_RUNTIME } from '../../../lib/lambda-runtime';
import { PROJECT_ROOT } from '../../../lib/project-root';
import { CommandFailedError, ToolError } from '../../common/errors';
import { nodeBinary, nodeMajorOf } from '../node-binary';
import {
  decodeResult,
  encodeArguments,
  encodeLine,
  lineSplitter,
  RESULT_FD,
  type ContextFields,
  type InvokeResult,
} from './protocol';

/** The folder of the runner's sources, relative to the project root. */
const SOURCE_FOLDER = 'tools/local/lambda-runner';
/** Every file compiled into the child's script; the build refuses to read any other. */
const CHILD_SOURCES = ['protocol.ts', 'runtime.ts'] as const;
/** The generated entry that calls runtime.ts's `main`. */
const ENTRY_NAME = 'lambda-runner-entry.ts';
/** Changes the script's name when the build itself changes (options, esbuild's output). */
const BUILD_VERSION = 1;

/** The runner's child script could not be compiled. */
export class RunnerBuildError extends ToolError {
  override name = 'RunnerBuildError';
}

let compiledScript: string | undefined;

/**
 * The path of the child's compiled script, compiling it first if its sources changed since the
 * last build. The name is the hash of the sources, so concurrent processes write the same file
 * (each atomically) and a stale script is never run.
 * @throws RunnerBuildError when esbuild fails or the script would read a file beyond {@link CHILD_SOURCES}
 */
export function runnerScript(): string {
  if (compiledScript && existsSync(compiledScript)) return compiledScript;
  const sourceFolder = join(PROJECT_ROOT, SOURCE_FOLDER);
  const hash = createHash('sha256').update(`build ${BUILD_VERSION}\n`);
  for (const source of CHILD_SOURCES) hash.update(`${source}\n`).update(readFileSync(join(sourceFolder, source)));
  const script = join(PROJECT_ROOT, '.local', 'lambda-runner', `runner-${hash.digest('hex').slice(0, 16)}.cjs`);
  if (!existsSync(script)) writeAtomically(script, compile(sourceFolder));
  compiledScript = script;
  return script;
}

function compile(sourceFolder: string): string {
  // Loaded here, not at the top: a tool that finds the script built never loads esbuild.
  const { buildSync } = createRequire(__filename)('esbuild') as typeof import('esbuild');
  let result;
  try {
    result = buildSync({
      stdin: {
        contents: "import { main } from './runtime';\nmain();\n",
        resolveDir: sourceFolder,
        sourcefile: ENTRY_NAME,
        loader: 'ts',
      },
      absWorkingDir: PROJECT_ROOT,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      // The Node.js that runs it: the functions' Lambda runtime's.
      target: esbuildTarget(LAMBDA_RUNTIME),
      metafile: true,
      write: false,
      logLevel: 'silent',
      legalComments: 'none',
    });
  } catch (error) {
    throw new RunnerBuildError(`compiling the Lambda runner failed: ${String(error)}`, { cause: error });
  }
  const allowed = new Set(CHILD_SOURCES.map((source) => join(SOURCE_FOLDER, source)));
  const outside = Object.keys(result.metafile.inputs).filter(
    (input) => !input.endsWith(ENTRY_NAME) && !allowed.has(input),
  );
  if (outside.length > 0) {
    throw new RunnerBuildError(
      `the Lambda runner may import only Node's modules and ${CHILD_SOURCES.join(', ')}, not ${outside.join(', ')}`,
    );
  }
  return result.outputFiles[0].text;
}

function writeAtomically(file: string, content: string): void {
  mkdirSync(join(file, '..'), { recursive: true });
  const staging = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(staging, content, { mode: 0o644 });
  renameSync(staging, file);
}

/**
 * The Node.js binary every runner process runs on: the release of LAMBDA_RUNTIME's major,
 * installed into `.local/node/` on first use.
 * @throws NodeBinaryError when it cannot be installed, saying what to do
 */
export function lambdaNodeBinary(): Promise<string> {
  return nodeBinary(nodeMajorOf(LAMBDA_RUNTIME));
}

/** What to run: a handler of an unpacked deployment package. */
export interface LambdaProcessOptions {
  /** The unpacked package, Lambda's task root: the process's working folder. */
  readonly directory: string;
  /** Lambda's handler setting, `<module>.<export>`, e.g. `index.handler`. */
  readonly handler: string;
  /** The process's whole environment: nothing else is inherited. */
  readonly environment: Readonly<Record<string, string>>;
  /** The function timeout, given to each call. */
  readonly timeoutMs: number;
  /**
   * Bytes of the function's output kept; older output is dropped.
   * @default all of it
   */
  readonly outputLimit?: number;
}

/** A request as the parent makes it; the id is the process's to give. */
export interface Invocation {
  readonly event: unknown;
  readonly context: ContextFields;
  /** @default 1 */
  readonly calls?: number;
  /** @default false */
  readonly parallel?: boolean;
}

/** A running execution environment. */
export interface LambdaProcess {
  /**
   * Sends one request; resolves with its result, or undefined when the process ended first
   * (killed, crashed, or stopped at a timeout).
   */
  invoke(invocation: Invocation): Promise<InvokeResult | undefined>;
  /** Everything the function wrote to stdout and stderr since `from` (a value of {@link outputLength}). */
  output(from?: number): string;
  /** How much output there is so far, to read what comes after it. */
  outputLength(): number;
  /** Settles when the process has ended; rejects when it could not start. */
  readonly exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>;
  /** Ends the process at once, as Lambda ends an environment, and waits for it. */
  close(): Promise<void>;
}

/**
 * Starts `options.handler` in a fresh process on the Lambda runtime's Node.js
 * ({@link lambdaNodeBinary}), once that binary is at hand (the first call in a project installs
 * it). Its init (loading the module) starts at once; requests sent before it ends wait for it,
 * as Lambda's first invocation does.
 * @throws ToolError for a handler setting that is not `<module>.<export>`
 * @throws NodeBinaryError when the runtime's Node.js cannot be installed
 */
export async function startLambdaProcess(options: LambdaProcessOptions): Promise<LambdaProcess> {
  const dot = options.handler.lastIndexOf('.');
  if (dot <= 0 || dot === options.handler.length - 1) {
    throw new ToolError(`handler ${JSON.stringify(options.handler)} is not <module>.<export>`);
  }
  const args = encodeArguments({
    modulePath: join(options.directory, options.handler.slice(0, dot)),
    exportName: options.handler.slice(dot + 1),
    timeoutMs: options.timeoutMs,
  });
  const node = await lambdaNodeBinary();
  const child = spawn(node, [runnerScript(), ...args], {
    cwd: options.directory,
    env: { ...options.environment },
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
  });
  // A child that died before reading a request makes the write fail; its exit says why.
  child.stdin?.on('error', () => {});

  let output = '';
  let dropped = 0;
  const keeper = () => {
    // A character's bytes may be split between two chunks: each stream keeps its own decoder.
    const decoder = new StringDecoder('utf8');
    return (chunk: Buffer) => keep(decoder.write(chunk));
  };
  const keep = (text: string) => {
    output += text;
    if (options.outputLimit !== undefined && output.length > options.outputLimit) {
      dropped += output.length - options.outputLimit;
      output = output.slice(-options.outputLimit);
    }
  };
  child.stdout?.on('data', keeper());
  child.stderr?.on('data', keeper());

  const waiting = new Map<number, (result: InvokeResult | undefined) => void>();
  let protocolError: Error | undefined;
  const split = lineSplitter();
  (child.stdio[RESULT_FD] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => {
    for (const line of split(chunk)) {
      let result: InvokeResult;
      try {
        result = decodeResult(line);
      } catch (error) {
        protocolError = error as Error;
        child.kill('SIGKILL');
        return;
      }
      waiting.get(result.id)?.(result);
      waiting.delete(result.id);
    }
  });

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', (error) =>
      reject(new CommandFailedError(`node could not start: ${error.message}`, { cause: error })),
    );
    child.once('close', (code, signal) => {
      // An environment that ended answers nothing more.
      for (const answer of waiting.values()) answer(undefined);
      waiting.clear();
      resolve({ code, signal });
    });
  });
  exited.catch(() => {});
  let ended = false;
  void exited.finally(() => (ended = true)).catch(() => {});
  let nextId = 1;

  return {
    invoke(invocation) {
      if (protocolError) return Promise.reject(protocolError);
      if (ended) return Promise.resolve(undefined);
      const id = nextId;
      nextId += 1;
      const answered = new Promise<InvokeResult | undefined>((resolve) => waiting.set(id, resolve));
      child.stdin?.write(encodeLine({ id, ...invocation }));
      return answered.then((result) => {
        if (protocolError) throw protocolError;
        return result;
      });
    },
    output: (from = 0) => output.slice(Math.max(0, from - dropped)),
    outputLength: () => dropped + output.length,
    exited,
    async close() {
      child.stdin?.end();
      child.kill('SIGKILL');
      await exited.catch(() => {});
    },
  };
}
