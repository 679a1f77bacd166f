import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** The end-to-end files, the slowest first (docs/testing.md, "Suite time"). */
const END_TO_END_ORDER = JSON.parse(
  readFileSync(new URL('./__tests__/e2e/start-order.json', import.meta.url), 'utf8'),
) as string[];

/**
 * Starts the end-to-end files first, the slowest of them first, then the rest as vitest orders
 * them (the longest of the last run first, else the largest). Left to vitest, a fresh clone,
 * which has no durations of a last run, would start the files by size, and the smoke run's file,
 * small but one long chain of deploys, would start late and end the suite long after the others.
 */
class EndToEndFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (spec: TestSpecification) => {
      const index = END_TO_END_ORDER.indexOf(relative(spec.project.config.root, spec.moduleId));
      return index === -1 ? END_TO_END_ORDER.length : index;
    };
    // Array.prototype.sort is stable: the other files keep vitest's order.
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  test: {
    include: ['__tests__/**/*.test.ts'],
    // The local Lambda runner's Node.js (the Lambda runtime's major), installed once before any file.
    globalSetup: ['__tests__/support/lambda-node.ts'],
    // Three files at a time, even on 2 cores (vitest's default would be one): a file that waits
    // (two wait 20 s on a frozen endpoint, every deploy on the provider's pauses) leaves a core
    // idle otherwise (docs/testing.md, "Suite time").
    maxWorkers: 3,
    sequence: { sequencer: EndToEndFirstSequencer },
    // A test that asserts nothing cannot fail: vitest fails it instead of passing it.
    expect: { requireAssertions: true },
    // Synthesis bundles both handlers with esbuild; give it room on 2-core machines.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
