import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateKeyCommand,
  DecryptCommand,
  EncryptCommand,
  GetPublicKeyCommand,
  KMSClient,
  SignCommand,
  VerifyCommand,
} from '@aws-sdk/client-kms';
import {
  assertPortAvailable,
  emulatorClientConfig,
  freePort,
  isRunning,
  requestedEmulatorPort,
  startEmulator,
  stopEmulator,
  type Emulator,
} from '../../tools/local/emulator';
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

describe('startEmulator', () => {
  const directory = mkdtempSync(join(tmpdir(), 'lambda-secrets-emulator-'));
  let emulator: Emulator;
  let kms: KMSClient;

  beforeAll(async () => {
    emulator = await startEmulator({ logFile: join(directory, 'emulator.log') });
    kms = new KMSClient(emulatorClientConfig(emulator.endpoint, 'ap-northeast-1'));
  });

  afterAll(async () => {
    kms?.destroy();
    if (emulator) await stopEmulator(emulator.pid);
    rmSync(directory, { recursive: true, force: true });
  });

  it('starts a moto that answers with HTTP/1.0, closing each connection, so no answer is lost on a reused one', async () => {
    const version = await new Promise<string>((resolve, reject) => {
      get(`${emulator.endpoint}/moto-api/`, (response) => {
        response.resume();
        resolve(response.httpVersion);
      }).once('error', reject);
    });
    expect(version).toBe('1.0');
  });

  // Its sitecustomize.py makes a key's RSA key on first use instead of at CreateKey: both kinds still work.
  it('encrypts and decrypts with a symmetric key', async () => {
    const { KeyMetadata } = await kms.send(new CreateKeyCommand({}));
    const { CiphertextBlob } = await kms.send(
      new EncryptCommand({ KeyId: KeyMetadata!.KeyId, Plaintext: Buffer.from('plaintext') }),
    );
    const { Plaintext } = await kms.send(new DecryptCommand({ CiphertextBlob }));
    expect(Buffer.from(Plaintext!).toString('utf8')).toBe('plaintext');
  });

  it('signs with an asymmetric key, and verifies the signature with it', async () => {
    const { KeyMetadata } = await kms.send(new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' }));
    const message = {
      KeyId: KeyMetadata!.KeyId,
      Message: Buffer.from('message'),
      SigningAlgorithm: 'RSASSA_PSS_SHA_256',
    } as const;
    const { Signature } = await kms.send(new SignCommand(message));
    const { SignatureValid } = await kms.send(new VerifyCommand({ ...message, Signature }));
    const { PublicKey } = await kms.send(new GetPublicKeyCommand({ KeyId: KeyMetadata!.KeyId }));
    expect([SignatureValid, PublicKey?.length]).toEqual([true, expect.any(Number)]);
  });
});

describe('stopEmulator', () => {
  const directory = mkdtempSync(join(tmpdir(), 'lambda-secrets-emulator-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('stops a running emulator and returns once its port is free', async () => {
    const emulator = await startEmulator({ logFile: join(directory, 'emulator.log') });
    await expect(stopEmulator(emulator.pid)).resolves.toBe(true);
    expect(isRunning(emulator.pid)).toBe(false);
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
      expect(isRunning(other.pid!)).toBe(true);
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

describe('a port the emulator is asked to use', () => {
  const directory = mkdtempSync(join(tmpdir(), 'lambda-secrets-port-'));
  let holder: Server;
  let port: number;

  beforeAll(async () => {
    holder = createServer((_request, response) => response.writeHead(404).end());
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    port = (holder.address() as AddressInfo).port;
  });

  afterAll(async () => {
    holder.closeAllConnections();
    await new Promise((resolve) => holder.close(resolve));
    rmSync(directory, { recursive: true, force: true });
  });

  it('is refused when another program holds it, naming the port and the program', async () => {
    await expect(assertPortAvailable(port)).rejects.toThrow(
      `port ${port} on 127.0.0.1 (MOTO_PORT) is in use by pid ${process.pid} (`,
    );
  });

  it('is accepted when the one holding it is the emulator about to be replaced', async () => {
    await expect(assertPortAvailable(port, process.pid)).resolves.toBeUndefined();
  });

  it('is accepted when free', async () => {
    await expect(assertPortAvailable(await freePort())).resolves.toBeUndefined();
  });

  it("makes a failed start quote the emulator's own reason from its log", async () => {
    await expect(startEmulator({ port, logFile: join(directory, 'moto.log') })).rejects.toThrow(
      /exited with code 1 before answering .*\n(.*\n)*.*Port \d+ is in use by another program/,
    );
  });
});

describe('an emulator whose port another server answers on', () => {
  it('is not taken for the one started: the start fails naming the server that answered', async () => {
    // Answers like a moto server, so only the check of who listens can tell them apart.
    const impostor = createServer((_request, response) => response.writeHead(200).end('{}'));
    await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve));
    const directory = mkdtempSync(join(tmpdir(), 'lambda-secrets-impostor-'));
    try {
      const { port } = impostor.address() as AddressInfo;
      await expect(startEmulator({ port, logFile: join(directory, 'moto.log') })).rejects.toThrow(
        new RegExp(`answered by pid ${process.pid} \\(.*\\), not by the moto_server started for it`),
      );
    } finally {
      impostor.closeAllConnections();
      await new Promise((resolve) => impostor.close(resolve));
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
