/**
 * The example of docs/constructs.md ("Use it in your own cdktf app"), run as written: each of its
 * TypeScript blocks is saved under the file name its first line gives, importing the building
 * blocks from `lib/` as the page says to copy them; the construct is synthesized with
 * `Testing.synthScope` and the app's `main.ts` is run. The page cannot show code that no longer
 * compiles or grants.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import type { Construct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENCRYPTION_CONTEXT_KEY, ENV, SECRET_PLACEHOLDER } from '../../functions/shared/contract';
import { PROJECT_ROOT } from '../../lib/project-root';
import { conditionKeyProblems } from '../support/condition-keys';
import { keyPolicy, single, statementGranting, type TerraformJson } from '../support/synth';

const PAGE = 'docs/constructs.md';
const TITLE = 'Use it in your own cdktf app';
const page = readFileSync(join(PROJECT_ROOT, PAGE), 'utf8');

/** The TypeScript blocks of the page, by the file name each one's first line gives (`// main.ts`). */
function exampleFiles(): Map<string, string> {
  return new Map(
    [...page.matchAll(/^```ts\n\/\/ ([\w.-]+\.ts)\n([\s\S]*?)^```$/gm)].map(([, file, code]) => [file, code]),
  );
}

type NotifierClass = new (scope: Construct, id: string, props: Record<string, string>) => Construct;

const files = exampleFiles();
let directory: string;
let construct: TerraformJson;
let app: TerraformJson;

beforeAll(async () => {
  // Inside the project, so that the example's packages resolve from its node_modules; .local/ is git-ignored.
  mkdirSync(join(PROJECT_ROOT, '.local'), { recursive: true });
  directory = mkdtempSync(join(PROJECT_ROOT, '.local', 'readme-example-'));
  // As the page says: lib/ and functions/ copied beside the app, and nothing else.
  for (const folder of ['lib', 'functions'])
    cpSync(join(PROJECT_ROOT, folder), join(directory, folder), { recursive: true });
  for (const [file, code] of files) writeFileSync(join(directory, file), code);
  const { NotifierFunction } = (await import(join(directory, 'notifier.ts'))) as { NotifierFunction: NotifierClass };
  construct = JSON.parse(
    Testing.synthScope((scope) => {
      new NotifierFunction(scope, 'notifier', {
        functionName: 'notifier',
        targetUrl: 'https://api.example.org/hooks',
        accountRootArn: 'arn:aws:iam::123456789012:root',
      });
    }),
  ) as TerraformJson;
  // main.ts synthesizes when it is loaded, into CDKTF_OUTDIR as under `cdktf synth`.
  process.env.CDKTF_OUTDIR = join(directory, 'cdktf.out');
  try {
    await import(join(directory, 'main.ts'));
  } finally {
    delete process.env.CDKTF_OUTDIR;
  }
  app = JSON.parse(
    readFileSync(join(directory, 'cdktf.out', 'stacks', 'notifier', 'cdk.tf.json'), 'utf8'),
  ) as TerraformJson;
}, 120_000);

afterAll(() => {
  if (directory) rmSync(directory, { recursive: true, force: true });
});

describe(`${PAGE}, "${TITLE}"`, () => {
  it('is the page of that title', () => {
    expect(page.split('\n')[0]).toBe(`# ${TITLE}`);
  });

  it('shows the construct and the app that uses it, each in a block that names its file', () => {
    expect([...files.keys()]).toEqual(['notifier.ts', 'main.ts']);
  });

  it('synthesizes a function that starts with the placeholder, which Terraform never reverts', () => {
    const fn = single(construct, 'aws_lambda_function');
    expect(fn).toMatchObject({ function_name: 'notifier', runtime: 'nodejs22.x' });
    expect(fn.environment.variables[ENV.encryptedApiToken]).toBe(SECRET_PLACEHOLDER);
    expect(fn.lifecycle.ignore_changes).toEqual([`environment[0].variables["${ENV.encryptedApiToken}"]`]);
  });

  it('names its key in the environment, which the handler decrypts with and requires at init', () => {
    expect(single(construct, 'aws_lambda_function').environment.variables[ENV.kmsKeyArn]).toMatch(
      /^\$\{aws_kms_key\.[\w-]+\.arn\}$/,
    );
  });

  it('uses every condition key only where AWS evaluates it', () => {
    expect(conditionKeyProblems('notifier', construct)).toEqual([]);
  });

  it('reserves no concurrency, so it deploys in an account whose quota is still 10', () => {
    expect(single(construct, 'aws_lambda_function')).not.toHaveProperty('reserved_concurrent_executions');
  });

  it("lets the function's role decrypt only ciphertext made for that function", () => {
    expect(statementGranting(construct, 'kms:Decrypt').condition).toEqual([
      { test: 'StringEquals', variable: `kms:EncryptionContext:${ENCRYPTION_CONTEXT_KEY}`, values: ['notifier'] },
    ]);
  });

  it('gives the account a key it administers and encrypts for the function with, but never decrypts with', () => {
    const accountStatements = keyPolicy(construct).statement.filter((statement: any) =>
      statement.principals.some((principal: any) => principal.identifiers.includes('arn:aws:iam::123456789012:root')),
    );
    const actions = accountStatements.flatMap((statement: any) => statement.actions);
    expect(actions).toContain('kms:Encrypt');
    expect(actions).not.toContain('kms:Decrypt');
  });

  it('runs as an app: main.ts synthesizes the stack with its provider and the function', () => {
    expect(app.provider?.aws).toEqual([{ region: 'eu-west-1' }]);
    expect(single(app, 'aws_lambda_function').function_name).toBe('notifier');
  });
});
