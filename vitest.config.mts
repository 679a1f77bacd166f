import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** The files that take longest, in the order they start (docs/testing.md, "Suite time"). */
const LONGEST_FIRST = JSON.parse(
  readFileSync(new URL('./__tests__/start-order.json', import.meta.url), 'utf8'),
) as string[];

/**
 * Starts the files of __tests__/start-order.json first, in its order, then the rest as vitest
 * orders them (the longest of the last run first, else the largest). The list starts the smoke
 * run's file, one long chain of deploys, and the other end-to-end files, each a few deployments,
 * at once with the two that mostly wait (20 s each on a frozen endpoint), which cost no CPU time.
 * Left to vitest, a fresh clone, without durations of a last run, would start the files by size:
 * the small smoke file and the two that wait would start among the last and end the suite long
 * after the others.
 */
class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (spec: TestSpecification) => {
      const index = LONGEST_FIRST.indexOf(relative(spec.project.config.root, spec.moduleId));
      return index === -1 ? LONGEST_FIRST.length : index;
    };
    // Array.prototype.sort is stable: the other files keep vitest's order.
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

const ROOT = dirname(fileURLToPath(import.meta.url));

/** What a test file does that the next file in the same process would see. */
const LEAKS_INTO_THE_NEXT_FILE = /\bvi\.(?:mock|doMock|stubEnv|stubGlobal|resetModules|useFakeTimers)\b/;

/**
 * Whether a test file, or a module it imports by a relative path (e.g. `./support/sample-account`;
 * one level deep), mocks modules, stubs the environment or globals, or resets modules: such a file
 * runs in a module graph of its own, and every other file shares its process's modules with the
 * files run before it (docs/testing.md, "Suite time").
 */
function needsIsolation(file: string): boolean {
  const text = readFileSync(file, 'utf8');
  const imported = [...text.matchAll(/from '(\.{1,2}\/[^']+)'/g)]
    .map(([, path]) => resolve(dirname(file), `${path}.ts`))
    .filter((module) => existsSync(module));
  return [text, ...imported.map((module) => readFileSync(module, 'utf8'))].some((source) =>
    LEAKS_INTO_THE_NEXT_FILE.test(source),
  );
}

const TEST_FILES = readdirSync(join(ROOT, '__tests__'), { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.test.ts'))
  .map((file) => `__tests__/${file}`);
const ISOLATED_FILES = TEST_FILES.filter((file) => needsIsolation(join(ROOT, file)));

export default defineConfig({
  test: {
    // The local Lambda runner's Node.js (the Lambda runtime's major), installed once before any file.
    globalSetup: ['__tests__/support/lambda-node.ts'],
    // Four files at a time, even on 2 cores (vitest's default would be one): a file that waits
    // (two wait 20 s on a frozen endpoint, every deploy on the provider's pauses) leaves a core
    // idle otherwise (docs/testing.md, "Suite time").
    maxWorkers: 4,
    sequence: { sequencer: LongestFirstSequencer },
    // A test that asserts nothing cannot fail: vitest fails it instead of passing it.
    expect: { requireAssertions: true },
    // Synthesis bundles both handlers with esbuild; give it room on 2-core machines.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Loading the modules again for every file was almost half the unit files' CPU time (55 s of
    // CPU, 31 s without): only the files that would leak into the next one get a module graph
    // of their own; the others pass in any order in one process (docs/testing.md, "Suite time").
    projects: [
      { extends: true, test: { name: 'isolated', include: ISOLATED_FILES } },
      {
        extends: true,
        test: { name: 'shared', include: ['__tests__/**/*.test.ts'], exclude: ISOLATED_FILES, isolate: false },
      },
    ],
  },
});
