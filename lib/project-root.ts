import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The nearest folder at or above `folder` that holds a package.json. */
function packageRootOf(folder: string): string {
  for (let at = folder; ; at = dirname(at)) {
    if (existsSync(join(at, 'package.json'))) return at;
    if (dirname(at) === at) throw new Error(`No package.json at or above ${folder}`);
  }
}

/**
 * The root of the package that holds this module: the project, in its repository; the installed
 * package under node_modules, where the compiled module sits a level deeper (`dist/lib/`). The
 * handler sources the constructs bundle are found from it. In a module of its own so that a
 * tool needing only this path loads neither cdktf nor esbuild.
 */
export const PROJECT_ROOT = packageRootOf(__dirname);
