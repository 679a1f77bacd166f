import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Construct } from 'constructs';
import { AssetType, Fn, TerraformAsset, TerraformStack } from 'cdktf';
import { DataArchiveFile } from '@cdktf/provider-archive/lib/data-archive-file';
import { ArchiveProvider } from '@cdktf/provider-archive/lib/provider';
import { buildSync, version, type BuildOptions } from 'esbuild';
import { esbuildTarget, LAMBDA_RUNTIME, type NodejsRuntime } from './lambda-runtime';

/**
 * How a bundle becomes the function's zip: `archive`, by the archive provider's `archive_file`
 * when Terraform plans; `asset`, by cdktf at synth.
 */
export type Packaging = 'archive' | 'asset';

/** Properties of a {@link NodejsBundle}. */
export interface NodejsBundleProps {
  /**
   * The handler's source file, relative to `root` (`functions/my-handler.ts`) or absolute (a
   * shipped handler's, {@link handlerEntry}); its imports resolve from its own folder.
   */
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
  /**
   * The project whose packages the bundle takes and that keeps the bundle cache
   * (`.local/bundles`); the zip holds paths relative to it, never absolute ones.
   * @default the folder the app runs in: the folder of `cdktf.json` under `cdktf synth`
   */
  readonly root?: string;
}

/** The bundle file's name inside the zip. */
export const BUNDLE_FILE = 'index.js';
/** The Lambda handler setting that points at the bundle's `handler` export. */
export const BUNDLE_HANDLER = 'index.handler';

// Zip entries carry file times: fixing them makes the zip, and so source_code_hash, identical
// on every machine and every synth, which keeps a fresh synth from showing a code diff.
const FIXED_MTIME = new Date('2000-01-01T00:00:00Z');

// Lambda runs the code as another user than the one that owns the files, so every file of a
// deployment package must be readable by others: an index.js that is rw------- fails every
// invocation with Runtime.ImportModuleError. A file takes its mode from the umask of the process
// that writes it, 077 on hardened machines and in some CI images, so the bundle's file and
// folder get theirs explicitly, and each zip entry carries the file's mode (packaging=asset: the
// zip cdktf writes copies it from the file) or the archive provider's `output_file_mode`.
/** The mode of the bundle's file, and of each entry of its zip. */
export const BUNDLE_FILE_MODE = 0o644;
/** The mode of the bundle's folder. */
export const BUNDLE_DIRECTORY_MODE = 0o755;
/** {@link BUNDLE_FILE_MODE} as the archive provider's `output_file_mode` takes it: "0644". */
const ZIP_ENTRY_MODE = BUNDLE_FILE_MODE.toString(8).padStart(4, '0');

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
    const directory = bundle(props.entry, props.runtime, props.root);
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
        outputFileMode: ZIP_ENTRY_MODE,
      });
      this.filename = archive.outputPath;
      this.sourceCodeHash = archive.outputBase64Sha256;
    }
  }
}

/**
 * What a bundle was built from, kept beside the bundles under a digest of the build options:
 * the bundle's folder and a digest of everything that decides its content.
 */
interface Manifest {
  /** The bundle's folder name under the bundles folder: its content digest. */
  readonly bundle: string;
  /** A digest per {@link Witness}, as {@link witness} computes it. */
  readonly witnesses: Readonly<Record<string, string>>;
}

/**
 * Something whose change may change the bundle: `file:<path>`, a file's content (esbuild's
 * inputs; the package.json and tsconfig.json files that steer resolution and compilation;
 * npm's record of node_modules), or `dir:<path>`, the names in a source folder, where a new
 * file can take over an import without any input changing. Paths are relative to the root.
 */
type Witness = `file:${string}` | `dir:${string}`;

/** The digest of a file or folder that does not exist. */
const ABSENT = 'absent';

/** Files that steer how esbuild resolves and compiles the files of their folder and below. */
const CONFIG_FILES = ['package.json', 'tsconfig.json', 'jsconfig.json'];

/** npm's record of what is installed in node_modules, rewritten by every install. */
const INSTALLED_PACKAGES = 'node_modules/.package-lock.json';

// An input that changed while esbuild read it may be in the bundle in either version, so its
// digest could describe other bytes than the bundle holds: such a build is used but not
// recorded. "While" reaches back a little because some filesystems keep whole seconds.
const SETTLED_MS = 2000;

function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The current digest of `key` under `root`; throws if a file cannot be read. */
function witness(root: string, key: Witness): string {
  const path = join(root, key.slice(key.indexOf(':') + 1));
  if (!existsSync(path)) return ABSENT;
  return key.startsWith('dir:') ? sha256(readdirSync(path).sort().join('\n')) : sha256(readFileSync(path));
}

/**
 * What decides a bundle built from `inputs` (esbuild's metafile keys, relative to `root`): each
 * input, each folder of a source input up to the root (node_modules is covered by npm's record),
 * and the configuration files of those folders and the root.
 */
function witnessesOf(inputs: readonly string[]): Witness[] {
  const files = inputs.filter((input) => input !== '<stdin>');
  const folders = new Set<string>();
  for (const file of files) {
    if (file.split('/').includes('node_modules')) continue;
    for (let folder = dirname(file); folder !== '.'; folder = dirname(folder)) folders.add(folder);
  }
  return [
    ...files.map((file): Witness => `file:${file}`),
    ...[...folders].map((folder): Witness => `dir:${folder}`),
    ...['.', ...folders].flatMap((folder) => CONFIG_FILES.map((name): Witness => `file:${join(folder, name)}`)),
    `file:${INSTALLED_PACKAGES}`,
  ];
}

/**
 * The digests of what decided a bundle built from `inputs` (esbuild's metafile keys) at
 * `startedAt`, or undefined if an input changed during the build or has gone since: the bundle
 * is used, but recording it could serve it for inputs it was not built from.
 */
function settledWitnesses(
  inputs: readonly string[],
  root: string,
  startedAt: number,
): Manifest['witnesses'] | undefined {
  try {
    const settled = inputs.every(
      (input) => input === '<stdin>' || statSync(join(root, input)).mtimeMs < startedAt - SETTLED_MS,
    );
    return settled ? Object.fromEntries(witnessesOf(inputs).map((key) => [key, witness(root, key)])) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether `directory` holds exactly a bundle whose content matches its name, with the fixed
 * times that make its zip reproducible and the modes that let Lambda read it: anything else in
 * it would be deployed too. A bundle written under a strict umask before the modes were set
 * explicitly fails here, so it is rebuilt rather than deployed unreadable.
 */
function isIntact(directory: string): boolean {
  const file = join(directory, BUNDLE_FILE);
  try {
    const fileStat = statSync(file);
    const directoryStat = statSync(directory);
    return (
      readdirSync(directory).join('/') === BUNDLE_FILE &&
      sha256(readFileSync(file)).startsWith(basename(directory)) &&
      fileStat.mtimeMs === FIXED_MTIME.getTime() &&
      directoryStat.mtimeMs === FIXED_MTIME.getTime() &&
      (fileStat.mode & 0o777) === BUNDLE_FILE_MODE &&
      (directoryStat.mode & 0o777) === BUNDLE_DIRECTORY_MODE
    );
  } catch {
    return false;
  }
}

/** The bundle folder `manifestFile` records, if it is intact and nothing it was built from changed. */
function recordedBundle(manifestFile: string, root: string, bundles: string): string | undefined {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest;
    const witnesses = Object.entries(manifest.witnesses);
    const current =
      witnesses.length > 0 && witnesses.every(([key, digest]) => witness(root, key as Witness) === digest);
    if (!current || !/^[0-9a-f]{32}$/.test(manifest.bundle)) return undefined;
  } catch {
    // No manifest yet, an unreadable one, or a recorded file that can no longer be read.
    return undefined;
  }
  const directory = join(bundles, manifest.bundle);
  return isIntact(directory) ? directory : undefined;
}

/** Writes `content` to `file` in one step, so that no reader ever sees half of it. */
function writeAtomically(file: string, content: string | Uint8Array): void {
  mkdirSync(dirname(file), { recursive: true });
  const staging = `${file}.${process.pid}`;
  writeFileSync(staging, content, { mode: 0o644 });
  renameSync(staging, file);
}

/**
 * Stores `code` in a folder named after its digest and returns the folder: concurrent synths
 * of the same code write the same bytes, and a damaged folder is replaced, never deployed.
 */
function store(code: Uint8Array, bundles: string): string {
  const directory = join(bundles, sha256(code).slice(0, 32));
  if (isIntact(directory)) return directory;
  // Checked again: another synth may have renamed its intact bundle into place meanwhile, and
  // may be copying it into its output right now.
  if (existsSync(directory) && !isIntact(directory)) rmSync(directory, { recursive: true, force: true });
  const staging = `${directory}.${process.pid}`;
  mkdirSync(staging, { recursive: true });
  const file = join(staging, BUNDLE_FILE);
  writeFileSync(file, code);
  // The modes given at creation pass through the umask; chmod does not.
  chmodSync(file, BUNDLE_FILE_MODE);
  chmodSync(staging, BUNDLE_DIRECTORY_MODE);
  utimesSync(file, FIXED_MTIME, FIXED_MTIME);
  utimesSync(staging, FIXED_MTIME, FIXED_MTIME);
  try {
    renameSync(staging, directory);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (!isIntact(directory)) throw error;
  }
  return directory;
}

/**
 * Bundles `entry` (relative to `root`) for `runtime` into a folder under `root`'s
 * `.local/bundles` and returns the folder. The folder is named after the bundle's content, and
 * TerraformAsset copies it into the stack's output, so its absolute path never reaches the
 * synthesized JSON. A bundle is reused while nothing it was built from has changed: the build
 * options, the content of every file esbuild read, the configuration files and folder listings
 * that steer resolution, and the installed packages; any change, or a damaged bundle, means a
 * new build. Not the OS temp dir: on a shared machine another user could plant a bundle or a
 * manifest there, and it would be deployed.
 *
 * @param root - The project that holds the bundles, and `entry` unless it is absolute.
 */
export function bundle(entry: string, runtime: NodejsRuntime, root: string = process.cwd()): string {
  const options = {
    ...BUNDLE_OPTIONS,
    target: esbuildTarget(runtime),
    absWorkingDir: root,
    entryPoints: [entry],
    outfile: BUNDLE_FILE,
    write: false,
    metafile: true,
  } satisfies BuildOptions;
  const bundles = join(root, '.local', 'bundles');
  const manifestFile = join(bundles, 'manifests', `${sha256(JSON.stringify({ esbuild: version, options }))}.json`);
  const recorded = recordedBundle(manifestFile, root, bundles);
  if (recorded) return recorded;

  const startedAt = Date.now();
  const result = buildSync(options);
  const directory = store(result.outputFiles[0].contents, bundles);
  const witnesses = settledWitnesses(Object.keys(result.metafile.inputs), root, startedAt);
  if (witnesses) writeAtomically(manifestFile, JSON.stringify({ bundle: basename(directory), witnesses }));
  return directory;
}
