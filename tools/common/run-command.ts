/** Runs the child processes of the local run (Terraform, cdktf, the secret CLI) and collects what they print. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
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

/**
 * Runs a command, collecting stdout and stderr together.
 * @param allowedCodes exit codes that are not a failure
 * @param input written to its stdin (e.g. a token, which must never be an argument)
 * @throws CommandFailedError with the output's tail for any other exit code
 */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env: NodeJS.ProcessEnv; allowedCodes?: readonly number[]; input?: string },
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? PROJECT_ROOT,
      env: options.env,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    // A child that exits without reading its input makes the write fail with EPIPE; its exit
    // code tells what happened, so that error must not crash this process.
    child.stdin?.on('error', () => {});
    child.stdin?.end(options.input);
    const chunks: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', (error) =>
      reject(new CommandFailedError(`${command} could not start: ${error.message}`, { cause: error })),
    );
    child.on('close', (code) => {
      const output = Buffer.concat(chunks).toString('utf8');
      if ((options.allowedCodes ?? [0]).includes(code ?? -1)) {
        resolve({ code: code ?? -1, output });
      } else {
        const tail = output.trim().split('\n').slice(-25).join('\n');
        reject(new CommandFailedError(`${command} ${args.join(' ')} exited with ${code}:\n${tail}`));
      }
    });
  });
}
