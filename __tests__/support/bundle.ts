/** A handler of this project bundled as the stacks bundle every handler, to look at what it holds. */
import * as esbuild from 'esbuild';
import { BUNDLE_FILE, BUNDLE_OPTIONS } from '../../lib/nodejs-bundle';
import { PROJECT_ROOT } from '../../lib/project-root';

/** A bundle's inputs (esbuild's metafile keys, relative to the project root) and its code. */
export interface ProjectBundle {
  readonly inputs: string[];
  readonly code: string;
}

const built = new Map<string, ProjectBundle>();

/** Bundles `entry` (relative to the project root) with {@link BUNDLE_OPTIONS}, once per entry in a test file. */
export function buildProjectEntry(entry: string): ProjectBundle {
  const cached = built.get(entry);
  if (cached) return cached;
  const result = esbuild.buildSync({
    ...BUNDLE_OPTIONS,
    absWorkingDir: PROJECT_ROOT,
    entryPoints: [entry],
    outfile: BUNDLE_FILE,
    write: false,
    metafile: true,
  });
  const bundle = { inputs: Object.keys(result.metafile.inputs), code: result.outputFiles[0].text };
  built.set(entry, bundle);
  return bundle;
}
