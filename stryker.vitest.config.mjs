// The vitest configuration of mutation testing (stryker.config.mjs): the project's own, over the
// tests of the mutated code only. A mutant of a module-level value runs every test of this set, so
// the end-to-end and tool tests, which take minutes and test other code, are left out; so are the
// stack tests that synthesize outside their `it` (Stryker cannot tell which test covers what they
// synthesize): the policy tests below synthesize inside each test.
import { defineConfig } from 'vitest/config';
import base from './vitest.config.mts';

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: [
      '__tests__/functions/**/*.test.ts',
      '__tests__/lib/{secret-key,url-function,sample-stack}.test.ts',
      '__tests__/stacks/sample-policies.test.ts',
    ],
  },
});
