/**
 * Node.js binaries of a pinned release per major version, for what must not run on the tools'
 * own Node.js: the local Lambda runner runs the functions on the Node.js of their Lambda runtime
 * (`nodejs22.x` → 22), and the CDK Terrain migration check runs cdktn-cli on 22.
 *
 * Each is the npm registry's `node` package (its install script fetches the official build for
 * this platform, `node-<os>-<arch>`, about 52 MB to download and 185 MB unpacked), installed
 * with the user's npm into a staging folder, checked (`node --version`), then moved into
 * `.local/node/<version>/` in one rename: a folder there is complete, concurrent processes each
 * finish or reuse one, and every later run reuses it without a download. Nothing falls back to
 * the tools' Node.js: a binary that cannot be had is an error that says what to do.
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { NodejsRuntime } from '../../lib/lambda-runtime';
import { PROJECT_ROOT } from '../../lib/project-root';
import { ToolError } from '../common/errors';
import { run } from '../common/run-command';

/**
 * The release of each major version that is installed: the latest when pinned. A Lambda
 * runtime's major must be here (a test holds it).
 */
export const NODE_RELEASES: Readonly<Record<number, string>> = {
  22: '22.23.3',
};

/** Where the binaries are kept, relative to the project root (gitignored, as all of `.local/`). */
export const NODE_CACHE_FOLDER = join('.local', 'node');

/** A download of about 52 MB: ample time on a slow line, and a hung registry still ends. */
const INSTALL_TIMEOUT_MS = 10 * 60_000;

/** A Node.js binary of a pinned release could not be installed or does not run. */
export class NodeBinaryError extends ToolError {
  override name = 'NodeBinaryError';
}

/** The Node.js major version of a Lambda runtime: `nodejs22.x` → 22. */
export function nodeMajorOf(runtime: NodejsRuntime): number {
  const major = /^nodejs(\d+)\.x$/.exec(runtime)?.[1];
  if (!major) throw new NodeBinaryError(`${runtime} is not a Lambda Node.js runtime (nodejs<major>.x)`);
  return Number(major);
}

/** The pinned release of `major`. @throws NodeBinaryError when none is pinned */
export function nodeRelease(major: number): string {
  const version = NODE_RELEASES[major];
  if (!version) {
    throw new NodeBinaryError(
      `no Node.js ${major} release is pinned: add one (e.g. ${major}.x.y from \`npm view node@${major} version\`) to NODE_RELEASES in tools/local/node-binary.ts`,
    );
  }
  return version;
}

/** Where to keep the binaries and how to run npm; the defaults are the project's. */
export interface NodeBinaryOptions {
  /** @default the project root: binaries go to its `.local/node/` */
  readonly root?: string;
  /** npm's environment. @default this process's */
  readonly env?: NodeJS.ProcessEnv;
}

/** The binary of `version` inside its installed folder. */
function binaryIn(folder: string): string {
  return join(folder, 'node_modules', 'node', 'bin', 'node');
}

const installing = new Map<string, Promise<string>>();

/**
 * The path of a Node.js binary of `major` (its {@link NODE_RELEASES} release), installing it
 * first if this project has none yet. Concurrent calls in one process share one install.
 * @throws NodeBinaryError when none is pinned, npm cannot install it, or it does not run as that release
 */
export async function nodeBinary(major: number, options: NodeBinaryOptions = {}): Promise<string> {
  const version = nodeRelease(major);
  const folder = join(options.root ?? PROJECT_ROOT, NODE_CACHE_FOLDER, version);
  const binary = binaryIn(folder);
  if (existsSync(binary)) return binary;
  let pending = installing.get(folder);
  if (!pending) {
    pending = install(version, folder, options.env ?? process.env).finally(() => installing.delete(folder));
    installing.set(folder, pending);
  }
  return pending;
}

async function install(version: string, folder: string, env: NodeJS.ProcessEnv): Promise<string> {
  const fromHere = relative(process.cwd(), folder);
  const shown = fromHere && !fromHere.startsWith('..') ? fromHere : folder;
  const staging = `${folder}.${process.pid}.${Date.now()}.tmp`;
  mkdirSync(staging, { recursive: true });
  try {
    writeFileSync(
      join(staging, 'package.json'),
      // The package's install script is what fetches the binary: allowed by name, as npm asks.
      `${JSON.stringify({ private: true, dependencies: { node: version }, allowScripts: { node: true } }, null, 2)}\n`,
    );
    try {
      await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--no-package-lock'], {
        cwd: staging,
        env,
        timeoutMs: INSTALL_TIMEOUT_MS,
      });
    } catch (error) {
      throw new NodeBinaryError(
        `could not install Node.js ${version} (the npm registry's node package) into ${shown}: ` +
          `${(error as Error).message}\nCheck that npm reaches its registry (\`npm view node@${version} version\`), ` +
          `then run the command again; nothing runs on the tools' own Node.js ${process.version} instead.`,
        { cause: error },
      );
    }
    const reported = (
      await run(binaryIn(staging), ['--version'], { cwd: staging, env, timeoutMs: 30_000 }).catch((error: Error) => ({
        output: error.message,
      }))
    ).output.trim();
    if (reported !== `v${version}`) {
      throw new NodeBinaryError(
        `the node package installed for Node.js ${version} answers ${JSON.stringify(reported)} to --version; ` +
          `remove ${shown}* and run the command again`,
      );
    }
    try {
      renameSync(staging, folder);
    } catch (error) {
      // Another process finished the same install first: its folder is as good.
      if (!existsSync(binaryIn(folder))) throw error;
    }
    return binaryIn(folder);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
