import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Construct } from 'constructs';
import { AssetType, Fn, TerraformAsset, TerraformStack } from 'cdktf';
import { DataArchiveFile } from '@cdktf/provider-archive/lib/data-archive-file';
import { ArchiveProvider } from '@cdktf/provider-archive/lib/provider';
import { buildSync } from 'esbuild';
import type { Packaging } from './config';
import { esbuildTarget, type NodejsRuntime } from './lambda-runtime';
import { PROJECT_ROOT } from './project-root';

/** Properties of a {@link NodejsBundle}. */
export interface NodejsBundleProps {
  /** Entry file relative to the project root, e.g. `functions/method1-sample/index.ts`. */
  readonly entry: string;
  /** Name of the deployment package; the zip of the `archive` packaging is `dist/<name>.zip`. */
  readonly name: string;
  /** The Lambda runtime that runs the bundle; the bundle is compiled for its Node.js version. */
  readonly runtime: NodejsRuntime;
  /**
   * How the bundle becomes a zip.
   * @default 'archive'
   */
  readonly packaging?: Packaging;
}

/** Where bundles are built, one folder per content digest; ignored by git. */
const BUNDLES_DIRECTORY = join(PROJECT_ROOT, '.local', 'bundles');

/** The bundle file's name inside the zip. */
export const BUNDLE_FILE = 'index.js';
/** The Lambda handler setting that points at the bundle's `handler` export. */
export const BUNDLE_HANDLER = 'index.handler';

// Zip entries carry file times: fixing them makes the zip, and so source_code_hash, identical
// on every machine and every synth, which keeps a fresh synth from showing a code diff.
const FIXED_MTIME = new Date('2000-01-01T00:00:00Z');

/**
 * A Node.js handler bundled by esbuild at synth (one CommonJS file, the AWS SDK included so the
 * code that was tested is the code that runs), and zipped for `aws_lambda_function`.
 */
export class NodejsBundle extends Construct {
  /** Path of the zip, relative to the stack's Terraform working directory. */
  readonly filename: string;
  /** Base64 SHA-256 of the zip, for `source_code_hash`. */
  readonly sourceCodeHash: string;

  constructor(scope: Construct, id: string, props: NodejsBundleProps) {
    super(scope, id);
    const directory = bundle(props.entry, props.runtime);
    if ((props.packaging ?? 'archive') === 'asset') {
      const asset = new TerraformAsset(this, 'asset', { path: directory, type: AssetType.ARCHIVE });
      this.filename = asset.path;
      this.sourceCodeHash = Fn.filebase64sha256(asset.path);
    } else {
      const asset = new TerraformAsset(this, 'asset', { path: directory, type: AssetType.DIRECTORY });
      const stack = TerraformStack.of(this);
      if (!stack.node.tryFindChild('archive')) new ArchiveProvider(stack, 'archive');
      const archive = new DataArchiveFile(this, 'zip', {
        type: 'zip',
        sourceDir: asset.path,
        outputPath: `dist/${props.name}.zip`,
      });
      this.filename = archive.outputPath;
      this.sourceCodeHash = archive.outputBase64Sha256;
    }
  }
}

/**
 * Bundles `entry` into a content-addressed folder under the project's `.local/bundles`:
 * concurrent synths of the same code write the same bytes, and the absolute path never reaches
 * the synthesized JSON because TerraformAsset copies the folder into the stack's output. Not
 * the OS temp dir: on a shared machine another user could plant a folder there under the
 * next digest, and it would be deployed.
 */
function bundle(entry: string, runtime: NodejsRuntime): string {
  const result = buildSync({
    absWorkingDir: PROJECT_ROOT,
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: esbuildTarget(runtime),
    format: 'cjs',
    minify: true,
    legalComments: 'none',
    write: false,
    outfile: BUNDLE_FILE,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  const digest = createHash('sha256').update(code).digest('hex').slice(0, 32);
  const directory = join(BUNDLES_DIRECTORY, digest);
  if (!existsSync(directory)) {
    const staging = `${directory}.${process.pid}`;
    mkdirSync(staging, { recursive: true });
    const file = join(staging, BUNDLE_FILE);
    writeFileSync(file, code, { mode: 0o644 });
    utimesSync(file, FIXED_MTIME, FIXED_MTIME);
    utimesSync(staging, FIXED_MTIME, FIXED_MTIME);
    try {
      renameSync(staging, directory);
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      if (!existsSync(directory)) throw error;
    }
  }
  return directory;
}
