import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../lib/project-root';

/** npm's lifecycle scripts, which npm runs itself (prepack before `npm pack`): nobody types them. */
const LIFECYCLE_SCRIPTS = new Set(['prepare', 'prepack', 'postpack', 'prepublishOnly', 'preinstall', 'postinstall']);

/** Every script of package.json. */
export const NPM_SCRIPTS = Object.keys(
  (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts,
);

/** The scripts a user runs, which the docs must show: all but npm's lifecycle scripts. */
export const USER_SCRIPTS = NPM_SCRIPTS.filter((script) => !LIFECYCLE_SCRIPTS.has(script));
