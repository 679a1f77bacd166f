/**
 * The bundles the benchmark runs and weighs: this project's deployment packages as `cdktf synth`
 * wrote them, and the handlers it is compared with, built with the project's own esbuild options
 * and zipped the way cdktf zips an asset, so that only the code differs.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import AdmZip from 'adm-zip';
import { archiveSync } from 'cdktf/lib/private/fs';
import { buildSync, type BuildOptions } from 'esbuild';
import { BUNDLE_FILE, BUNDLE_OPTIONS } from '../../lib/nodejs-bundle';
import { PROJECT_ROOT } from '../../lib/project-root';

/** A handler bundle ready to run, and its sizes. */
export interface Bundle {
  /** The bundle's JavaScript file, whose `handler` export is the handler. */
  readonly file: string;
  /** Bytes of the deployment package (zip). */
  readonly zipBytes: number;
  /** Bytes of the bundle gzipped: what the zip would be without its own overhead. */
  readonly gzipBytes: number;
}

function sized(file: string, zipFile: string): Bundle {
  return { file, zipBytes: statSync(zipFile).size, gzipBytes: gzipSync(readFileSync(file), { level: 9 }).length };
}

/** A deployment package that `cdktf synth` wrote, unpacked into `directory` to be run. */
export function deploymentBundle(zipFile: string, directory: string): Bundle {
  new AdmZip(zipFile).extractAllTo(directory, true);
  return sized(join(directory, BUNDLE_FILE), zipFile);
}

/**
 * Builds the handler that `factory`, exported by `module` (relative to the project root), makes
 * from the environment, with the esbuild options the stacks use, into `directory`, and zips it
 * as cdktf zips an asset. The entry is generated: it calls the factory with `process.env` when
 * loaded, as this project's entries do, while the module itself stays importable.
 */
export function buildBundle(module: string, factory: string, directory: string): Bundle {
  return bundleInto(directory, {
    stdin: {
      contents: `import { ${factory} } from './${module}';\nexport const handler = ${factory}(process.env);\n`,
      resolveDir: PROJECT_ROOT,
      sourcefile: `${factory}-entry.ts`,
      loader: 'ts',
    },
  });
}

/**
 * Builds a Lambda entry of this project (relative to the project root, e.g.
 * `functions/method2-sample/extension.ts`) into `directory` as the stacks build it (the same
 * esbuild options, the entry itself), and zips it as cdktf zips an asset: the deployment
 * package that a stack using that entry would synthesize.
 */
export function buildEntryBundle(entry: string, directory: string): Bundle {
  return bundleInto(directory, { entryPoints: [entry] });
}

function bundleInto(directory: string, input: Pick<BuildOptions, 'stdin' | 'entryPoints'>): Bundle {
  const result = buildSync({
    ...BUNDLE_OPTIONS,
    ...input,
    absWorkingDir: PROJECT_ROOT,
    write: false,
    outfile: BUNDLE_FILE,
  });
  const content = join(directory, 'content');
  mkdirSync(content, { recursive: true });
  const file = join(content, BUNDLE_FILE);
  writeFileSync(file, result.outputFiles[0].contents);
  const zipFile = join(directory, 'package.zip');
  archiveSync(content, zipFile);
  return sized(file, zipFile);
}
