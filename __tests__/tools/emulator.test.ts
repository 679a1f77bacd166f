import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { requestedEmulatorPort, startEmulator, stopEmulator } from '../../tools/local/emulator';
import { InvalidEnvironmentVariableError } from '../../tools/common/errors';

describe('requestedEmulatorPort', () => {
  it('leaves the port to the system when MOTO_PORT is unset', () => {
    expect(requestedEmulatorPort({})).toBeUndefined();
  });

  it('leaves the port to the system when MOTO_PORT is empty', () => {
    expect(requestedEmulatorPort({ MOTO_PORT: '' })).toBeUndefined();
  });

  it('returns the port MOTO_PORT names', () => {
    expect(requestedEmulatorPort({ MOTO_PORT: '5055' })).toBe(5055);
  });

  it.each(['abc', '0', '65536', '50.5', '-1', ' 5055'])('rejects MOTO_PORT=%j, naming the variable', (value) => {
    expect(() => requestedEmulatorPort({ MOTO_PORT: value })).toThrow(
      expect.objectContaining({
        constructor: InvalidEnvironmentVariableError,
        variable: 'MOTO_PORT',
        message: expect.stringContaining('MOTO_PORT must be a TCP port from 1 to 65535'),
      }),
    );
  });
});

describe('stopEmulator', () => {
  const directory = mkdtempSync(join(tmpdir(), 'lambda-secrets-emulator-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  const isAlive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  it('stops a running emulator and returns once its port is free', async () => {
    const emulator = await startEmulator({ logFile: join(directory, 'emulator.log') });
    await expect(stopEmulator(emulator.pid)).resolves.toBe(true);
    expect(isAlive(emulator.pid)).toBe(false);
    await expect(fetch(`${emulator.endpoint}/moto-api/`)).rejects.toThrow();
  });

  it('hands over the pid as soon as the process exists, so a caller can record it before waiting', async () => {
    let spawned: { endpoint: string; pid: number } | undefined;
    const emulator = await startEmulator({ logFile: join(directory, 'emulator.log'), onSpawn: (e) => (spawned = e) });
    await stopEmulator(emulator.pid);
    expect(spawned).toEqual(emulator);
  });

  it('leaves alone a process that is not moto_server, as when a stale pid was reused', async () => {
    const other = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    try {
      await expect(stopEmulator(other.pid!)).resolves.toBe(false);
      expect(isAlive(other.pid!)).toBe(true);
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('reports nothing to stop for a process that is gone', async () => {
    const gone = spawn('true');
    await new Promise((resolve) => gone.once('exit', resolve));
    await expect(stopEmulator(gone.pid!)).resolves.toBe(false);
  });
});
