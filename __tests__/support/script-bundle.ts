/**
 * A tool's entry bundled into one CommonJS file, for tests that start it dozens of times: `node`
 * on the bundle starts in about a third of the CPU time that `tsx` takes on the sources, which
 * compiles them first on every start. The bundle is built from the same sources by esbuild, as
 * tsx compiles them; the tests that must run the npm script's own command (`tsx`, e.g.
 * sdk-warning.test.ts and the end-to-end files) still do.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { afterAll, beforeAll } from 'vitest';
import { PROJECT_ROOT } from '../../lib/project-root';

/**
 * Bundles `entry` (relative to the project root) before the file's tests, into a folder under
 * the project's node_modules (the tools find the project root as the nearest package.json above
 * them), removed after them.
 * @returns the command line that runs it: `[node, bundle]`, valid once the file's beforeAll ran
 */
export function useScriptBundle(entry: string): () => readonly [string, string] {
  let directory: string | undefined;
  beforeAll(() => {
    const cache = join(PROJECT_ROOT, 'node_modules', '.cache');
    mkdirSync(cache, { recursive: true });
    directory = mkdtempSync(join(cache, 'script-bundle-'));
    esbuild.buildSync({
      absWorkingDir: PROJECT_ROOT,
      entryPoints: [entry],
      outfile: join(directory, 'script.cjs'),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      logLevel: 'error',
    });
  });
  afterAll(() => {
    if (directory) rmSync(directory, { recursive: true, force: true });
  });
  return () => {
    if (!directory) throw new Error(`${entry} is not bundled yet: call the command in a test or a hook`);
    return [process.execPath, join(directory, 'script.cjs')];
  };
}
