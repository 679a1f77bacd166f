/** The record of the local run (`.local/run/run.json`): how later commands find its emulator and upstream. */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PROJECT_ROOT } from '../../lib/project-root';
import { ToolError } from '../common/errors';
import { stopEmulator } from './emulator';

/**
 * Everything `npm start` leaves on disk: cdktf.out, state, logs; `npm run local:down` removes
 * it. `LOCAL_RUN_DIRECTORY` moves it, so that a second run (a test, say) leaves yours alone.
 */
export const RUN_DIRECTORY = process.env.LOCAL_RUN_DIRECTORY
  ? resolve(process.env.LOCAL_RUN_DIRECTORY)
  : join(PROJECT_ROOT, '.local', 'run');
const RUN_FILE = join(RUN_DIRECTORY, 'run.json');

/** What later commands need to find a local run again. No token: only its digest. */
export interface LocalRun {
  readonly endpoint: string;
  readonly emulatorPid: number;
  readonly upstreamPort: number;
  readonly tokenDigest: string;
}

/** Records the run for `invoke:local` and `local:down`. */
export function writeLocalRun(run: LocalRun): void {
  mkdirSync(RUN_DIRECTORY, { recursive: true });
  writeFileSync(RUN_FILE, `${JSON.stringify(run, null, 2)}\n`);
}

/** @throws ToolError when there is no local run, or its record is unreadable */
export function readLocalRun(): LocalRun {
  const run = findLocalRun();
  if (!run) throw new ToolError('No local run found: start one with `npm start`');
  return run;
}

/**
 * The record of the local run, if there is one.
 * @throws UnreadableLocalRunError when its record is damaged
 */
export function findLocalRun(): LocalRun | undefined {
  if (!existsSync(RUN_FILE)) return undefined;
  let run: Partial<LocalRun>;
  try {
    run = JSON.parse(readFileSync(RUN_FILE, 'utf8')) as Partial<LocalRun>;
  } catch (error) {
    throw new UnreadableLocalRunError({ cause: error });
  }
  const complete =
    typeof run?.endpoint === 'string' &&
    Number.isInteger(run.emulatorPid) &&
    Number.isInteger(run.upstreamPort) &&
    typeof run.tokenDigest === 'string';
  if (!complete) throw new UnreadableLocalRunError();
  return run as LocalRun;
}

/** The record of the local run is damaged, so its emulator cannot be found. */
export class UnreadableLocalRunError extends ToolError {
  override name = 'UnreadableLocalRunError';

  constructor(options?: { cause?: unknown }) {
    super(
      `${RUN_FILE} is not a record of a local run; stop moto_server yourself if it still runs, then delete ${RUN_DIRECTORY}`,
      options,
    );
  }
}

/** What {@link stopLocalRun} found. */
export type StoppedLocalRun = 'stopped' | 'files-only' | 'none';

/**
 * Stops the emulator of the local run, waiting until it has exited, and removes the run's
 * files; the emulator holds every resource in memory, so the Terraform state must go with it.
 * @returns `stopped` when an emulator was running, `files-only` when only files were left
 *   (the emulator had already gone), `none` when there was no local run
 */
export async function stopLocalRun(): Promise<StoppedLocalRun> {
  if (!existsSync(RUN_DIRECTORY)) return 'none';
  const run = findLocalRun();
  const stopped = run !== undefined && (await stopEmulator(run.emulatorPid));
  rmSync(RUN_DIRECTORY, { recursive: true, force: true });
  return stopped ? 'stopped' : 'files-only';
}
