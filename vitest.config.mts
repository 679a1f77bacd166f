import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['__tests__/**/*.test.ts'],
    // The local Lambda runner's Node.js (the Lambda runtime's major), installed once before any file.
    globalSetup: ['__tests__/support/lambda-node.ts'],
    // Two files at a time, even on 2 cores (vitest's default would be one): most of the slow
    // files wait on Terraform, the emulator or a timeout rather than on the CPU.
    maxWorkers: 2,
    // A test that asserts nothing cannot fail: vitest fails it instead of passing it.
    expect: { requireAssertions: true },
    // Synthesis bundles both handlers with esbuild; give it room on 2-core machines.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
