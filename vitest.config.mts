import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['__tests__/**/*.test.ts'],
    // The local Lambda runner's Node.js (the Lambda runtime's major), installed once before any file.
    globalSetup: ['__tests__/support/lambda-node.ts'],
    // Three files at a time, even on 2 cores (vitest's default would be one): a file that waits
    // (two wait 20 s on a frozen endpoint, every deploy on the provider's pauses) leaves a core
    // idle otherwise (docs/testing.md, "Suite time").
    maxWorkers: 3,
    // A test that asserts nothing cannot fail: vitest fails it instead of passing it.
    expect: { requireAssertions: true },
    // Synthesis bundles both handlers with esbuild; give it room on 2-core machines.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
