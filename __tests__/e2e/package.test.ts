/**
 * The building blocks as a user gets them (docs/constructs.md): `npm pack` of this project, the
 * tarball installed with npm into a scratch cdktf app outside the repository, the page's
 * `main.ts` type-checked against the installed types, compiled and run there as `cdktf synth`
 * runs an app. The page cannot show code that the package does not compile, ship or synthesize.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENCRYPTION_CONTEXT_KEY, ENV, SECRET_PLACEHOLDER } from '../../functions/shared/contract';
import { PROJECT_ROOT } from '../../lib/project-root';
import { run } from '../../tools/common/run-command';
import { conditionKeyProblems } from '../support/condition-keys';
import { identityPolicies, resources, single, type TerraformJson } from '../support/synth';

const PAGE = 'docs/constructs.md';
const manifest = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
/** The page's app: its one TypeScript block, which names its file on its first line. */
const example = /^```ts\n\/\/ main\.ts\n([\s\S]*?)^```$/m.exec(readFileSync(join(PROJECT_ROOT, PAGE), 'utf8'))?.[1];

const TIMEOUT = 300_000;
const env = {
  ...process.env,
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
};
let scratch: string;
let packed: string[];
let stacks: Record<string, TerraformJson>;
let outdir: string;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'lambda-secrets-package-'));
  // `npm pack` runs `prepack`, which compiles lib/ and functions/ into dist/.
  const pack = await run('npm', ['pack', '--json', '--pack-destination', scratch], { env, timeoutMs: TIMEOUT });
  const [report] = JSON.parse(pack.output.slice(pack.output.indexOf('['))) as {
    filename: string;
    files: { path: string }[];
  }[];
  packed = report.files.map((file) => file.path);
  const app = join(scratch, 'app');
  const pinned = (name: string) => manifest.dependencies[name] ?? manifest.devDependencies[name];
  // The app's own package.json: the tarball, and the cdktf packages its main.ts imports, at the
  // versions the package depends on, so that npm installs one copy of each.
  mkdirSync(app);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({
      name: 'scratch-app',
      private: true,
      dependencies: {
        [manifest.name]: `file:${join(scratch, report.filename)}`,
        cdktf: pinned('cdktf'),
        constructs: pinned('constructs'),
        '@cdktf/provider-aws': pinned('@cdktf/provider-aws'),
      },
      devDependencies: { typescript: pinned('typescript'), '@types/node': pinned('@types/node') },
    }),
  );
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: app, env, timeoutMs: TIMEOUT });
  writeFileSync(join(app, 'main.ts'), example ?? '');
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'commonjs', strict: true, skipLibCheck: true, types: ['node'] },
      files: ['main.ts'],
    }),
  );
  await run(join(app, 'node_modules', '.bin', 'tsc'), ['-p', '.'], { cwd: app, env, timeoutMs: TIMEOUT });
  outdir = join(app, 'cdktf.out');
  await run(process.execPath, ['main.js'], { cwd: app, env: { ...env, CDKTF_OUTDIR: outdir }, timeoutMs: TIMEOUT });
  stacks = Object.fromEntries(
    readdirSync(join(outdir, 'stacks')).map((stack) => [
      stack,
      JSON.parse(readFileSync(join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8')) as TerraformJson,
    ]),
  );
}, TIMEOUT);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** The function `name` of the example's stack, with the policies of its role. */
function functionNamed(name: string) {
  const json = stacks['my-app'];
  return resources(json, 'aws_lambda_function').find((fn) => fn.function_name === name);
}

describe(`the package, installed from its tarball into an app outside the repository (${PAGE})`, () => {
  it('shows the app in one block', () => {
    expect(example).toContain("from 'lambda-secrets-cdktf'");
  });

  it('ships the compiled building blocks with their types, and the handler sources they bundle', () => {
    expect(packed).toEqual(
      expect.arrayContaining([
        'dist/lib/index.js',
        'dist/lib/index.d.ts',
        'dist/functions/shared/index.d.ts',
        'functions/method1-sample/index.ts',
        'functions/method2-sample/extension.ts',
        'functions/shared/handler.ts',
      ]),
    );
  });

  it('ships nothing of the sample, the tools or the tests', () => {
    expect(packed.filter((path) => /^(stacks|tools|__tests__|docs)\/|^main\.ts$/.test(path))).toEqual([]);
  });

  it('synthesizes the example: one stack with both functions', () => {
    expect([
      Object.keys(stacks),
      resources(stacks['my-app'], 'aws_lambda_function').map((fn) => fn.function_name),
    ]).toEqual([['my-app'], ['notifier', 'reporter']]);
  });

  it('bundles the shipped handlers into the app’s own folder, with no path of this machine in the output', () => {
    // Left out: cdktf's own default local backend, an absolute path to the app's state file.
    const { terraform, ...configuration } = stacks['my-app'];
    const text = JSON.stringify({ ...configuration, terraform: { ...terraform, backend: undefined } });
    expect([text.includes(scratch), text.includes(PROJECT_ROOT)]).toEqual([false, false]);
    const assets = readdirSync(join(outdir, 'stacks', 'my-app', 'assets'));
    expect(assets).toHaveLength(2);
    const bundles = assets.flatMap((asset) => {
      const folder = join(outdir, 'stacks', 'my-app', 'assets', asset);
      const [hash] = readdirSync(folder);
      return [statSync(join(folder, hash, 'index.js')).size];
    });
    expect(bundles.every((size) => size > 10_000)).toBe(true);
  });

  it('starts Method 1’s function with the placeholder, which Terraform never reverts', () => {
    const fn = functionNamed('notifier');
    expect(fn.environment.variables).toMatchObject({
      [ENV.encryptedApiToken]: SECRET_PLACEHOLDER,
      [ENV.targetUrl]: 'https://api.example.org/hooks',
    });
    expect(fn.lifecycle.ignore_changes).toEqual([`environment[0].variables["${ENV.encryptedApiToken}"]`]);
  });

  it('gives Method 2’s function the parameter’s name and creates the SecureString under its key', () => {
    expect(functionNamed('reporter').environment.variables[ENV.apiTokenParameterName]).toBe(
      '/my-app/reporter/api-token',
    );
    expect(single(stacks['my-app'], 'aws_ssm_parameter')).toMatchObject({
      name: '/my-app/reporter/api-token',
      type: 'SecureString',
    });
  });

  it('binds each role to its function in the role’s own policy', () => {
    const denials = identityPolicies(stacks['my-app'])
      .flatMap((policy) => policy.statement)
      .filter((statement: any) => statement.effect === 'Deny')
      .map((statement: any) => statement.sid);
    expect(denials.sort()).toEqual(['NoOtherKey', 'NoOtherKey', 'OnlyFromThisFunction', 'OnlyFromThisFunction']);
  });

  it('lets Method 1’s key decrypt only ciphertext made for its function', () => {
    const documents = Object.entries(stacks['my-app'].data?.aws_iam_policy_document ?? {});
    const notifierKeyPolicy = documents.find(([name]) => name.startsWith('notifier-key_'))?.[1];
    const decrypt = notifierKeyPolicy.statement.find((statement: any) => statement.sid === 'FunctionDecrypt');
    expect(decrypt.condition).toEqual([
      { test: 'StringEquals', variable: `kms:EncryptionContext:${ENCRYPTION_CONTEXT_KEY}`, values: ['notifier'] },
    ]);
  });

  it('uses every condition key only where AWS evaluates it', () => {
    expect(conditionKeyProblems('my-app', stacks['my-app'])).toEqual([]);
  });
});
