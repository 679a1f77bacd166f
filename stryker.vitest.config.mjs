// The vitest configuration of mutation testing (stryker.config.mjs): the project's own, over the
// tests of the mutated code only. A mutant of code that runs outside any test (a module-level
// value, or a stack that a test file synthesizes once for all its tests) is run against every
// test of this set that imports its file, so the end-to-end and tool tests, which take minutes
// and test other code, are left out.
import { defineConfig } from 'vitest/config';
import base from './vitest.config.mts';

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: [
      '__tests__/functions/**/*.test.ts',
      '__tests__/lib/{secret-key,url-function,method-secrets,secrets-manager-secret,secrets-manager-secret-permissions}.test.ts',
      '__tests__/stacks/{sample-stack,method1-sample,method2-sample,method3-sample,secret-delivery,security,effective-permissions,options}.test.ts',
    ],
  },
});
