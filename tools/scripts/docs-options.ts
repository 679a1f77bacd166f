/**
 * `npm run docs:options`: writes the documentation that the option schema
 * (stacks/options/schema.ts) and the method registry (stacks/methods.ts) derive: help's list of
 * stacks, help's and the README's option tables and docs/configuration.md, and says which file
 * changed. A test fails while any of them differs from what they derive.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  CONFIGURATION_PAGE,
  configurationPage,
  withHelpOptionsTable,
  withReadmeOptionsTable,
} from '../../stacks/options/docs';
import { PROJECT_ROOT } from '../../lib/project-root';
import { withHelpStacksSection } from '../../stacks/methods-docs';

/** Writes `text` to `file` (relative to the project root) unless it already holds it; true if written. */
function update(file: string, text: string): boolean {
  const path = join(PROJECT_ROOT, file);
  let current: string | undefined;
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === text) return false;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return true;
}

const read = (file: string) => readFileSync(join(PROJECT_ROOT, file), 'utf8');
for (const [file, text] of [
  ['help', withHelpStacksSection(withHelpOptionsTable(read('help')))],
  ['README.md', withReadmeOptionsTable(read('README.md'))],
  [CONFIGURATION_PAGE, configurationPage()],
] as const) {
  process.stdout.write(`${file}: ${update(file, text) ? 'written' : 'up to date'}\n`);
}
