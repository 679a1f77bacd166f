/** Loading a Lambda entry as a new execution environment does: its environment stubbed, its modules afresh. */
import { join } from 'node:path';
import { vi } from 'vitest';
import { PROJECT_ROOT } from '../../../lib/project-root';

type Errors = typeof import('../../../functions/shared/errors');

/** Imported by name at run time, so that each fresh module graph gets its own classes. */
const ERRORS = '../../../functions/shared/errors';

/** What an entry module exports: the handler every entry builds alike. */
export type Entry = typeof import('../../../functions/method1-sample/index');

/** Sets each of `variables` in `process.env` until `vi.unstubAllEnvs()`; undefined unsets it. */
export function stubEnv(variables: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(variables)) {
    vi.stubEnv(name, value);
  }
}

/**
 * Loads the entry at `path` (from the project root, without its extension) afresh, as a new
 * execution environment would, with the ConfigurationError class of the same fresh module graph
 * so that `instanceof` holds.
 */
export async function loadFresh(
  path: string,
): Promise<{ entry: Promise<Entry>; ConfigurationError: Errors['ConfigurationError'] }> {
  vi.resetModules();
  const { ConfigurationError } = (await import(ERRORS)) as Errors;
  return { entry: import(join(PROJECT_ROOT, path)) as Promise<Entry>, ConfigurationError };
}
