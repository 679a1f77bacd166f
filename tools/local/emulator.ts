/** The local AWS emulator: moto server on 127.0.0.1, started for a local run and stopped safely. */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { devNull } from 'node:os';
import { delimiter, join } from 'node:path';
import { parseWholeNumber } from '../../functions/shared/whole-number';
import { PROJECT_ROOT } from '../../lib/project-root';
import { AWS_CLIENT_LIMITS } from '../common/aws';
import { CommandFailedError, InvalidEnvironmentVariableError, MissingToolError, ToolError } from '../common/errors';
import { emulatorProcessEnvironment } from './isolation';

/** The folder whose sitecustomize.py the emulator's Python loads first. */
const EMULATOR_PYTHON_PATH = join(PROJECT_ROOT, 'tools', 'local', 'emulator-python');

/** How to get the emulator, for error messages. */
const MOTO_INSTALL = 'pip install "moto[server]"';

/** A running moto server on 127.0.0.1. */
export interface Emulator {
  /** `http://127.0.0.1:<port>`: the value of AWS_ENDPOINT_URL. */
  readonly endpoint: string;
  /** Process id, so another command can stop it later. */
  readonly pid: number;
}

/** Milliseconds `moto_server --help` may take: Python's start, nothing more. */
const PROBE_TIMEOUT_MS = 30_000;

/** @throws MissingToolError when `moto_server` cannot be run */
export function requireMoto(): void {
  const probe = spawnSync('moto_server', ['--help'], {
    stdio: 'ignore',
    env: emulatorProcessEnvironment(process.env),
    timeout: PROBE_TIMEOUT_MS,
  });
  if (probe.error || probe.status !== 0) throw new MissingToolError('moto_server', MOTO_INSTALL);
}

/** The port the emulator was asked to use is taken by another program. */
export class PortInUseError extends ToolError {
  override name = 'PortInUseError';

  /**
   * @param port the port
   * @param holder the program listening on it, as far as this machine tells
   */
  constructor(
    readonly port: number,
    holder: string,
  ) {
    super(`port ${port} on 127.0.0.1 (MOTO_PORT) is in use by ${holder}: stop it, or choose another MOTO_PORT`);
  }
}

/**
 * Checks that the emulator can listen on `port`.
 * @param ownPid an emulator of ours that holds the port and is about to be stopped, which is fine
 * @throws PortInUseError naming the program that holds it
 */
export async function assertPortAvailable(port: number, ownPid?: number): Promise<void> {
  const server = createServer();
  const free = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
  if (free) return;
  const holder = listenerOf(port);
  if (holder !== undefined && holder.pid === ownPid) return;
  throw new PortInUseError(port, holder ? `pid ${holder.pid} (${holder.command})` : 'another program');
}

/** The process listening on a TCP port, found through /proc (Linux); undefined elsewhere or when hidden. */
function listenerOf(port: number): { pid: number; command: string } | undefined {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address is ADDR:PORT in hex; state 0A is LISTEN; field 9 is the socket's inode.
      if (fields[1]?.endsWith(`:${hexPort}`) && fields[3] === '0A') inodes.add(fields[9]);
    }
  }
  if (inodes.size === 0 || !existsSync('/proc')) return undefined;
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let descriptors: string[];
    try {
      descriptors = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue; // another user's process, or gone
    }
    for (const descriptor of descriptors) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${entry}/fd/${descriptor}`);
      } catch {
        continue;
      }
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode && inodes.has(inode)) {
        const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
        return { pid: Number(entry), command };
      }
    }
  }
  return undefined;
}

/**
 * The port the user asked the emulator to listen on, from `MOTO_PORT`.
 * @returns the port, or undefined when the variable is unset or empty (then a free port is used)
 * @throws InvalidEnvironmentVariableError when it is not a port number
 */
export function requestedEmulatorPort(env: NodeJS.ProcessEnv): number | undefined {
  const value = env.MOTO_PORT;
  if (value === undefined || value === '') return undefined;
  const port = parseWholeNumber(value);
  if (port === undefined || port < 1 || port > 65535) {
    throw new InvalidEnvironmentVariableError('MOTO_PORT', `a TCP port from 1 to 65535 (got ${JSON.stringify(value)})`);
  }
  return port;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts moto server on 127.0.0.1, detached so it outlives this process (a later
 * `invoke:local` or `secret` command uses it), and waits until it answers.
 * @param port the port, or a free one
 * @param logFile where the server's output goes
 * @param onSpawn called as soon as the process exists, before it answers: the moment to record
 *   its pid, so that it can be stopped even if this process is interrupted while waiting
 */
export async function startEmulator(options: {
  port?: number;
  logFile: string;
  onSpawn?: (emulator: Emulator) => void;
}): Promise<Emulator> {
  requireMoto();
  if (options.port !== undefined) return startEmulatorOn(options.port, options);
  // A port found free can be taken by another program before moto binds it (two test files
  // starting emulators at once): then another free port is tried.
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startEmulatorOn(await freePort(), options);
    } catch (error) {
      if (!(error instanceof PortTakenMeanwhileError) || attempt === 3) throw error;
    }
  }
}

/** The free port chosen for moto was taken by another program before moto could bind it. */
class PortTakenMeanwhileError extends ToolError {
  override name = 'PortTakenMeanwhileError';
}

async function startEmulatorOn(
  port: number,
  options: { logFile: string; onSpawn?: (emulator: Emulator) => void },
): Promise<Emulator> {
  const log = openSync(options.logFile, 'a');
  const env = emulatorProcessEnvironment(process.env);
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    detached: true,
    stdio: ['ignore', log, log],
    // Its sitecustomize.py makes moto answer with HTTP/1.0: see the file for why.
    env: { ...env, PYTHONPATH: [EMULATOR_PYTHON_PATH, env.PYTHONPATH].filter(Boolean).join(delimiter) },
  });
  closeSync(log);
  child.unref();
  const emulator = { endpoint: `http://127.0.0.1:${port}`, pid: child.pid as number };
  try {
    options.onSpawn?.(emulator);
    await waitUntilReady(emulator.endpoint, child, options.logFile);
  } catch (error) {
    await stopEmulator(emulator.pid);
    throw error;
  }
  return emulator;
}

async function waitUntilReady(
  endpoint: string,
  child: ReturnType<typeof spawn>,
  logFile: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      const lastLines = readFileSync(logFile, 'utf8').trim().split('\n').slice(-3).join('\n');
      throw new CommandFailedError(
        `moto_server exited with code ${child.exitCode} before answering at ${endpoint}; the end of ${logFile}:\n${lastLines}`,
      );
    }
    let answered = false;
    try {
      const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1000) });
      await response.body?.cancel();
      answered = response.ok;
    } catch {
      // Not listening yet.
    }
    if (answered) {
      // Another emulator may be answering on this port, and this one about to exit for want of
      // it: sharing that one would mix two runs' resources.
      const holder = listenerOf(Number(new URL(endpoint).port));
      if (holder === undefined || holder.pid === child.pid) return;
      throw new PortTakenMeanwhileError(
        `${endpoint} is answered by pid ${holder.pid} (${holder.command}), not by the moto_server started for it`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new CommandFailedError(`moto_server did not answer at ${endpoint} within ${timeoutMs / 1000} s`);
}

/**
 * Stops the emulator started with {@link startEmulator} and waits until it has exited, so its
 * port is free again. `pid` usually comes from a file of an earlier run: if that process is
 * gone, or the number now belongs to a program other than moto_server, nothing is signalled.
 * @returns whether an emulator was running
 */
export async function stopEmulator(pid: number, timeoutMs = 10_000): Promise<boolean> {
  if (!isMotoServer(pid)) return false;
  // startEmulator made it a process group leader: signalling the group reaches any child too.
  signalGroup(pid, 'SIGTERM');
  if (!(await exited(pid, timeoutMs))) {
    signalGroup(pid, 'SIGKILL');
    if (!(await exited(pid, 2_000)))
      throw new CommandFailedError(`moto_server (pid ${pid}) did not exit after SIGKILL`);
  }
  return true;
}

async function exited(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isRunning(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

function isMotoServer(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || !isRunning(pid)) return false;
  // /proc on Linux; ps elsewhere (macOS).
  const commandLine = existsSync(`/proc/${pid}/cmdline`)
    ? readFileSync(`/proc/${pid}/cmdline`, 'utf8')
    : (spawnSync('ps', ['-p', String(pid), '-o', 'args='], { encoding: 'utf8' }).stdout ?? '');
  return commandLine.includes('moto_server');
}

/** Whether a process is running; a zombie, which has exited and only waits to be reaped, is not. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A zombie has exited and only waits to be reaped, which a container's init may never do.
  const stat = `/proc/${pid}/stat`;
  return !existsSync(stat) || readFileSync(stat, 'utf8').split(') ').at(-1)?.[0] !== 'Z';
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EPERM') {
      throw new CommandFailedError(`not allowed to stop moto_server (pid ${pid}): it belongs to another user`, {
        cause: error,
      });
    }
    if (code !== 'ESRCH') throw error;
  }
}

/** Dummy credentials: the emulator accepts any, and real AWS none of these. */
export const EMULATOR_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' } as const;

/** Configuration for an AWS SDK client that talks to the emulator, whatever the environment says. */
export function emulatorClientConfig(endpoint: string, region: string) {
  return { ...AWS_CLIENT_LIMITS, endpoint, region, credentials: EMULATOR_CREDENTIALS };
}

/**
 * The environment that points the AWS SDK, the Terraform AWS provider and the CLIs at the
 * emulator: the standard endpoint variable plus dummy credentials; nothing emulator-specific.
 */
export function emulatorEnvironment(endpoint: string, region: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    // An emulator answers at once or is broken: Terraform's and the SDK's retries would only
    // turn a broken one into a long wait.
    AWS_MAX_ATTEMPTS: '3',
    // No shared config or credentials file: a profile there could name other credentials or
    // endpoints, or tell a tool to ignore AWS_ENDPOINT_URL, and reach a real account.
    AWS_CONFIG_FILE: devNull,
    AWS_SHARED_CREDENTIALS_FILE: devNull,
  };
}
