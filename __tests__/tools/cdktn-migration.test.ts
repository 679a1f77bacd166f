/**
 * The parts of `npm run migration:check` that decide its verdict: how the copy is migrated, and
 * which differences between cdktf's and cdktn's output a migration explains. The check itself
 * installs CDK Terrain and Node.js 22 from the npm registry, so it runs in `.ci/run`, not here.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CDKTN_DEV_PACKAGES,
  CDKTN_PACKAGES,
  compareOutputs,
  describeDifference,
  MigrationCheckError,
  migratedPackageJson,
  swapImports,
} from '../../tools/exit/cdktn';

describe('swapImports', () => {
  it('swaps cdktf for cdktn', () => {
    expect(swapImports("import { App, Testing } from 'cdktf';")).toBe("import { App, Testing } from 'cdktn';");
  });

  it('swaps a provider module for its CDK Terrain namesake, path kept', () => {
    expect(swapImports("import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';")).toBe(
      "import { KmsKey } from '@cdktn/provider-aws/lib/kms-key';",
    );
  });

  it('swaps an import that spans lines', () => {
    expect(swapImports("import {\n  DataAwsIamPolicyDocument,\n} from '@cdktf/provider-aws/lib/x';")).toContain(
      "from '@cdktn/provider-aws/lib/x';",
    );
  });

  it('leaves other modules and the word cdktf in text alone', () => {
    const source = "import { Construct } from 'constructs';\n// cdktf's default backend\nconst file = 'cdktf.json';";
    expect(swapImports(source)).toBe(source);
  });
});

describe('migratedPackageJson', () => {
  const project = {
    name: 'app',
    dependencies: {
      '@aws-sdk/client-kms': '3.1.0',
      '@cdktf/provider-archive': '11.0.1',
      '@cdktf/provider-aws': '20.1.0',
      cdktf: '0.21.0',
      constructs: '10.4.2',
    },
    devDependencies: { 'cdktf-cli': '0.21.0', esbuild: '0.28.2', tsx: '4.23.15', vitest: '4.1.12' },
  };

  it("replaces cdktf, constructs and the prebuilt providers with CDK Terrain's, leaving AWS's to cdktn get", () => {
    expect(migratedPackageJson(project).dependencies).toEqual({
      ...CDKTN_PACKAGES,
      '@aws-sdk/client-kms': '3.1.0',
      '@cdktn/provider-archive': '14.0.1',
    });
  });

  it('keeps only the development tools synthesis needs, plus cdktn-cli (Node.js 22 comes from .local/node/)', () => {
    expect(migratedPackageJson(project).devDependencies).toEqual({
      ...CDKTN_DEV_PACKAGES,
      esbuild: '0.28.2',
      tsx: '4.23.15',
    });
  });

  it('refuses a cdktf provider without a pinned CDK Terrain release, naming it', () => {
    expect(() => migratedPackageJson({ dependencies: { '@cdktf/provider-random': '12.0.0' } })).toThrow(
      new MigrationCheckError(
        'no CDK Terrain release of @cdktf/provider-random is pinned: add @cdktn/provider-random to CDKTN_PROVIDERS',
      ),
    );
  });
});

describe('compareOutputs', () => {
  let scratch: string;
  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'lambda-secrets-cdktn-unit-'));
  });
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  /** Writes `files` (relative path → content) under `scratch/<side>` and returns that folder. */
  function output(side: string, files: Record<string, unknown>): string {
    const root = join(scratch, side);
    for (const [file, content] of Object.entries(files)) {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), typeof content === 'string' ? content : JSON.stringify(content));
    }
    return root;
  }

  function stack(cdk: string, aws: { source: string; version: string }, extra: Record<string, unknown> = {}) {
    return {
      '//': { metadata: { version: cdk } },
      terraform: { required_providers: { aws } },
      resource: { aws_kms_key: { key: { enable_key_rotation: true, ...extra } } },
    };
  }

  it("accepts the CDK's version stamp and an equal provider source", () => {
    const differences = compareOutputs(
      output('cdktf', { 'stacks/s/cdk.tf.json': stack('0.21.0', { source: 'aws', version: '5.100.0' }) }),
      output('cdktn', { 'stacks/s/cdk.tf.json': stack('0.24.0', { source: 'hashicorp/aws', version: '5.100.0' }) }),
    );
    expect(differences.map(describeDifference)).toEqual([
      'stacks/s/cdk.tf.json: //.metadata.version: "0.21.0" → "0.24.0"',
      'stacks/s/cdk.tf.json: terraform.required_providers.aws.source: "aws" → "hashicorp/aws"',
    ]);
    expect(differences.every((difference) => difference.expected)).toBe(true);
  });

  it('flags a change of the AWS provider version, which changes what the stacks deploy', () => {
    const differences = compareOutputs(
      output('cdktf', { 'stacks/s/cdk.tf.json': stack('0.21.0', { source: 'aws', version: '5.100.0' }) }),
      output('cdktn', { 'stacks/s/cdk.tf.json': stack('0.21.0', { source: 'aws', version: '6.66.0' }) }),
    );
    expect(differences.map((difference) => [difference.path, difference.expected])).toEqual([
      ['terraform.required_providers.aws.version', false],
    ]);
  });

  it('flags a changed resource argument', () => {
    const aws = { source: 'aws', version: '5.100.0' };
    const [difference] = compareOutputs(
      output('cdktf', { 'stacks/s/cdk.tf.json': stack('0.21.0', aws) }),
      output('cdktn', { 'stacks/s/cdk.tf.json': stack('0.21.0', aws, { enable_key_rotation: false }) }),
    );
    expect(difference).toMatchObject({ path: 'resource.aws_kms_key.key.enable_key_rotation', expected: false });
  });

  it('flags another provider source', () => {
    const [difference] = compareOutputs(
      output('cdktf', { 'stacks/s/cdk.tf.json': stack('0.21.0', { source: 'aws', version: '5.100.0' }) }),
      output('cdktn', { 'stacks/s/cdk.tf.json': stack('0.21.0', { source: 'example/aws', version: '5.100.0' }) }),
    );
    expect(difference).toMatchObject({ path: 'terraform.required_providers.aws.source', expected: false });
  });

  it('flags an asset whose bytes differ, and a file on one side only', () => {
    const differences = compareOutputs(
      output('cdktf', { 'stacks/s/assets/a/archive.zip': 'one', 'stacks/s/assets/b/archive.zip': 'b' }),
      output('cdktn', { 'stacks/s/assets/a/archive.zip': 'two' }),
    );
    expect(differences.map(({ file, expected }) => [file, expected])).toEqual([
      ['stacks/s/assets/a/archive.zip', false],
      ['stacks/s/assets/b/archive.zip', false],
    ]);
  });
});
