/** Runs the child processes of the tools (Terraform, cdktf, the secret CLI) and collects what they print. */
import { spawn, type ChildProcess } from 'node:child_process';
import { basename, join } from 'node:path';
import { PROJECT_ROOT } from '../../lib/project-root';
import { CommandFailedError } from './errors';

/** A command that the project's own dependencies install, e.g. `cdktf` or `tsx`. */
export function projectBinary(name: 'cdktf' | 'tsx'): string {
  return join(PROJECT_ROOT, 'node_modules', '.bin', name);
}

/** What a finished child process printed. */
export interface CommandResult {
  readonly code: number;
  readonly output: string;
}

/** How to run a command; every command has a time limit. */
export interface RunOptions {
  /** Its environment, exactly: nothing is added. */
  readonly env: NodeJS.ProcessEnv;
  /** Milliseconds it may take; then it is stopped with everything it started. */
  readonly timeoutMs: number;
  /** What to check when it does not finish in time, e.g. whether the emulator still answers. */
  readonly onTimeout?: string;
  /** @default the project root */
  readonly cwd?: string;
  /** Exit codes that are not a failure. @default [0] */
  readonly allowedCodes?: readonly number[];
  /** Written to its stdin (e.g. a token, which must never be an argument). */
  readonly input?: string;
}

/** Children still running, stopped with this process when it is interrupted. */
const running = new Set<ChildProcess>();

/**
 * Runs a command in a process group of its own, collecting stdout and stderr together. When it
 * outlives `timeoutMs`, the whole group is killed (cdktf's Terraform and its providers too), so
 * nothing it started is left hanging.
 * @throws CommandFailedError with the output's tail for an exit code not allowed, or when it
 *   ran out of time
 */
export function run(command: string, args: readonly string[], options: RunOptions): Promise<CommandResult> {
  const shown = [basename(command), ...args].join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? PROJECT_ROOT,
      env: options.env,
      detached: true,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    stopWithThisProcess(child);
    // A child that exits without reading its input makes the write fail with EPIPE; its exit
    // code tells what happened, so that error must not crash this process.
    child.stdin?.on('error', () => {});
    child.stdin?.end(options.input);
    const chunks: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => chunks.push(chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      running.delete(child);
      reject(new CommandFailedError(`${command} could not start: ${error.message}`, { cause: error }));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      running.delete(child);
      const output = Buffer.concat(chunks).toString('utf8');
      const tail = lastLinesAndErrors(output);
      if (timedOut) {
        const advice = options.onTimeout ? ` ${options.onTimeout}.` : '';
        reject(
          new CommandFailedError(
            `\`${shown}\` did not finish within ${options.timeoutMs / 1000} s and was stopped.${advice} Its last output:\n${tail}`,
          ),
        );
      } else if ((options.allowedCodes ?? [0]).includes(code ?? -1)) {
        resolve({ code: code ?? -1, output });
      } else {
        reject(new CommandFailedError(`\`${shown}\` exited with ${code}:\n${tail}`));
      }
    });
  });
}

function killGroup(child: ChildProcess): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/**
 * A child in its own process group does not get the terminal's Ctrl-C; this process passes
 * it on, so an interrupted tool leaves no Terraform behind.
 */
function stopWithThisProcess(child: ChildProcess): void {
  if (!forwardingSignals) {
    forwardingSignals = true;
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        for (const other of running) killGroup(other);
        process.exit(signal === 'SIGINT' ? 130 : 143);
      });
    }
  }
  running.add(child);
}

let forwardingSignals = false;

/**
 * The end of a command's output, after the lines that report an error wherever they stand:
 * cdktf prints a failed stack's error early and then goes on with the others.
 */
function lastLinesAndErrors(output: string): string {
  const lines = output.trim().split('\n');
  const last = lines.slice(-25);
  const errors = lines
    .slice(0, -25)
    .filter((line) => /\bError\b/.test(line))
    .slice(0, 10);
  return [...errors, ...(errors.length > 0 ? ['…'] : []), ...last].join('\n');
}
