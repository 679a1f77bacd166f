import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Construct } from 'constructs';
import { AssetType, Fn, TerraformAsset, TerraformStack } from 'cdktf';
import { DataArchiveFile } from '@cdktf/provider-archive/lib/data-archive-file';
import { ArchiveProvider } from '@cdktf/provider-archive/lib/provider';
import { buildSync, type BuildOptions } from 'esbuild';
import type { Packaging } from './config';
import { esbuildTarget, LAMBDA_RUNTIME, type NodejsRuntime } from './lambda-runtime';
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

// The AWS SDK's default credential chain reads the environment first, and Lambda always puts
// the function's credentials there (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN).
// Its other sources (shared config files with SSO and assumed roles, a credential process, a web
// identity token file, the container and instance metadata endpoints) are loaded with import()
// only when the environment holds no credentials, so in Lambda they never load. With the STS,
// SSO and sign-in clients they bring, they were a third of each bundle. Left out, they stay
// import() calls: a process started without credentials in its environment fails with "Cannot
// find package '@aws-sdk/credential-provider-ini'", which names the source it would have used.
const CREDENTIAL_SOURCES_BEYOND_THE_ENVIRONMENT = [
  '@aws-sdk/credential-provider-http',
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-web-identity',
  '@smithy/credential-provider-imds',
];

/**
 * The esbuild options every handler is bundled with, for the project's Lambda runtime; a bundle
 * for another runtime changes only `target`. Add `entryPoints` (or `stdin`), `absWorkingDir`,
 * `outfile` and `write`. Exported so that a handler built elsewhere (the benchmark's) is bundled
 * exactly as the stacks bundle theirs.
 */
export const BUNDLE_OPTIONS = {
  bundle: true,
  platform: 'node',
  target: esbuildTarget(LAMBDA_RUNTIME),
  format: 'cjs',
  // platform 'node' alone prefers `main`, the AWS SDK's CommonJS build: one file per package,
  // which esbuild cannot tree-shake, so every command and model of a client comes along, and
  // bowser (a browser detector) with them. `module` is the same code as ES modules, whose
  // unused exports esbuild drops; `main` stays the fallback for packages without one.
  mainFields: ['module', 'main'],
  external: CREDENTIAL_SOURCES_BEYOND_THE_ENVIRONMENT,
  minify: true,
  legalComments: 'none',
  logLevel: 'silent',
} satisfies BuildOptions;

/**
 * A Node.js handler bundled by esbuild at synth with {@link BUNDLE_OPTIONS} (one CommonJS file,
 * the AWS SDK included so the code that was tested is the code that runs, bar the credential
 * sources that Lambda never uses), and zipped for `aws_lambda_function`.
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
    ...BUNDLE_OPTIONS,
    target: esbuildTarget(runtime),
    absWorkingDir: PROJECT_ROOT,
    entryPoints: [entry],
    write: false,
    outfile: BUNDLE_FILE,
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
