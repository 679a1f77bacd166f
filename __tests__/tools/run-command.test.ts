import { describe, expect, it } from 'vitest';
import { CommandFailedError } from '../../tools/common/errors';
import { run } from '../../tools/common/run-command';
import { isRunning } from '../../tools/local/emulator';

const env = { PATH: process.env.PATH };

async function gone(pid: number, withinMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (isRunning(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  return !isRunning(pid);
}

describe('run', () => {
  it('collects what a command prints and resolves with its exit code', async () => {
    await expect(run('sh', ['-c', 'echo out; echo err >&2'], { env, timeoutMs: 60_000 })).resolves.toEqual({
      code: 0,
      output: 'out\nerr\n',
    });
  });

  it('rejects an exit code that is not allowed, with the command and the output', async () => {
    await expect(run('sh', ['-c', 'echo broken; exit 3'], { env, timeoutMs: 60_000 })).rejects.toThrow(
      '`sh -c echo broken; exit 3` exited with 3:\nbroken',
    );
  });

  // The command sleeps far longer than its limit, so only the limit can end it.
  it('stops a command that outlives its limit, naming it, the limit and what to check', async () => {
    const failure = run('sleep', ['300'], { env, timeoutMs: 500, onTimeout: 'Check the emulator' });
    await expect(failure).rejects.toThrow(CommandFailedError);
    await expect(failure).rejects.toThrow(
      '`sleep 300` did not finish within 0.5 s and was stopped. Check the emulator.',
    );
  });

  it('stops everything the command started, as cdktf starts Terraform', async () => {
    const error: unknown = await run('sh', ['-c', 'sleep 300 & echo $!; wait'], { env, timeoutMs: 1_000 }).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(CommandFailedError);
    const grandchild = Number(/(\d+)\s*$/.exec((error as Error).message)?.[1]);
    expect(grandchild).toBeGreaterThan(0);
    await expect(gone(grandchild)).resolves.toBe(true);
  });
});
