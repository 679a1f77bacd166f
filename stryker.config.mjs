// Mutation testing (npm run test:mutation): Stryker changes the code under test one small edit at a
// time (a flipped comparison, a dropped regex anchor, an emptied string) and reruns the tests that
// cover that code; a change that no test notices survives. Scores and the accepted survivors are in
// docs/testing.md ("Mutation testing").
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  // The project's vitest settings over the tests of the mutated code only (see that file).
  vitest: { configFile: 'stryker.vitest.config.mjs' },
  // The handler library, and the code that writes the stacks' policies.
  mutate: [
    'functions/shared/**/*.ts',
    'lib/function-secret.ts',
    'lib/kms-environment-secret.ts',
    'lib/secret-key.ts',
    'lib/secrets-manager-secret.ts',
    'lib/ssm-parameter-secret.ts',
    'lib/url-function.ts',
    'stacks/sample-stack.ts',
    'stacks/method1-sample.ts',
    'stacks/method2-sample.ts',
    'stacks/method3-sample.ts',
  ],
  // Not copied into the sandbox: what local runs, synthesis and Terraform leave behind.
  ignorePatterns: ['.local', 'cdktf.out', 'cdktf.out.hcl', 'dist', '.terraform', '*.tfstate*', 'coverage'],
  // Each mutant runs only the tests that executed its code.
  coverageAnalysis: 'perTest',
  concurrency: 2,
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  // Below 90% the run fails; see docs/testing.md for what each survivor means.
  thresholds: { high: 95, low: 90, break: 90 },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
