/**
 * What every command-line entry shares: printed steps, one way to end, and the environment set
 * before the entry's work starts.
 */
import { UsageError } from './errors';

/**
 * The AWS SDK's reminder that it will need a newer Node.js ("NodeVersionSupportWarning: The AWS
 * SDK for JavaScript (v3) versions published after ... will require node >=22"), which it
 * prints once per process on a Node.js older than that (engines allows 20.6), is turned off for
 * the tools' process and, through the environment, for the children it starts: it says nothing
 * about the project, and a user's output must not carry it. The SDK reads the variable when
 * a client is first constructed, which is after this module, imported by every entry that
 * runs (runMain), has been loaded. The functions run on their Lambda runtime's Node.js, where
 * the SDK has nothing to remind.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** Where a command's report goes: stdout unless told otherwise. */
export type Writer = (text: string) => void;

const toStdout: Writer = (text) => {
  process.stdout.write(text);
};

/**
 * Runs one step of a command, printing it and its duration.
 * @param write where the lines go; @default stdout
 */
export async function step<T>(label: string, action: () => T | Promise<T>, write: Writer = toStdout): Promise<T> {
  write(`▶ ${label}\n`);
  const startedAt = performance.now();
  const seconds = () => ((performance.now() - startedAt) / 1000).toFixed(1);
  try {
    const result = await action();
    write(`✓ ${label} (${seconds()} s)\n`);
    return result;
  } catch (error) {
    write(`✗ ${label} (${seconds()} s)\n`);
    throw error;
  }
}

/** The exit status of a command that failed with `error`: 2 for a malformed command line, 1 otherwise. */
export function exitStatusOf(error: unknown): number {
  return error instanceof UsageError ? 2 : 1;
}

/**
 * Runs an entry's main and ends the process the one way every entry does: by setting
 * `process.exitCode`, so that pending output is flushed. A failure prints `error: <message>`
 * on stderr, never a stack trace.
 */
export function runMain(main: () => Promise<number>): void {
  main().then(
    (status) => {
      process.exitCode = status;
    },
    (error: unknown) => {
      process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = exitStatusOf(error);
    },
  );
}
