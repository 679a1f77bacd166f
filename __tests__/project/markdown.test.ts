/**
 * The Markdown files stay alive: the README stays short, every relative link in the README,
 * docs/, SECURITY.md and MIGRATING.md reaches a file and, with `#anchor`, a heading of that file
 * (as GitHub makes its anchors), and every `npm run <script>` they or `help` mention is a script
 * of package.json, each of which is documented somewhere. Each check is also shown failing on a
 * text made to fail it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/project-root';
import { NPM_SCRIPTS, USER_SCRIPTS } from '../support/npm-scripts';

/** The longest the README may be, in lines: what a newcomer reads in five minutes. */
const README_MAX_LINES = 200;

const read = (file: string) => readFileSync(join(PROJECT_ROOT, file), 'utf8');
const MARKDOWN_FILES = [
  'README.md',
  'SECURITY.md',
  'MIGRATING.md',
  ...readdirSync(join(PROJECT_ROOT, 'docs'))
    .filter((file) => file.endsWith('.md'))
    .map((file) => `docs/${file}`),
];

/** The lines of a text, without its trailing newline. */
function lineCount(text: string): number {
  return text.replace(/\n$/, '').split('\n').length;
}

/** The text without its fenced code blocks and inline code spans, where nothing is a link. */
function prose(markdown: string): string {
  return markdown.replace(/^ *```[\s\S]*?^ *```$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's anchor for a heading: lower case, punctuation dropped but `-` and `_`, each space a `-`. */
export function githubSlug(heading: string): string {
  const text = heading
    .replace(/`([^`]*)`/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_]{1,2}([^*_]+)[*_]{1,2}/g, '$1');
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors of a Markdown text's headings, a repeated one numbered as GitHub numbers it (`-1`, `-2`). */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const [, heading] of markdown.replace(/^ *```[\s\S]*?^ *```$/gm, '').matchAll(/^#{1,6} +(.+?) *#*$/gm)) {
    const slug = githubSlug(heading);
    const count = seen.get(slug) ?? 0;
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
    seen.set(slug, count + 1);
  }
  return anchors;
}

/** The targets of a Markdown text's inline links and images that are neither URLs nor mail addresses. */
export function relativeLinks(markdown: string): string[] {
  return [...prose(markdown).matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?: "[^"]*")?\)/g)]
    .map(([, target]) => target)
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

/**
 * The relative links of `file` (relative to the project root, holding `markdown`) that reach no
 * file, or no heading of it, each with why. `readFile` gives a linked Markdown file's text.
 */
export function brokenLinks(file: string, markdown: string, readFile: (path: string) => string | undefined): string[] {
  return relativeLinks(markdown).flatMap((target) => {
    const [path, anchor] = target.split('#', 2);
    const resolved = path === '' ? file : normalize(join(dirname(file), decodeURIComponent(path)));
    const text = path === '' ? markdown : readFile(resolved);
    if (text === undefined) return [`${target}: no file ${resolved}`];
    if (anchor === undefined || anchor === '') return [];
    return headingAnchors(text).has(anchor) ? [] : [`${target}: no heading #${anchor} in ${resolved}`];
  });
}

/** The npm scripts a text runs: `npm start`, `npm test`, `npm run <script>` (across a line break too). */
export function scriptsMentioned(text: string): string[] {
  return [...text.matchAll(/\bnpm(?:\s+run)?\s+([a-z](?:[\w-]|:(?=[\w-]))*)/g)]
    .filter(([whole, script]) => /\brun\s/.test(whole) || ['start', 'test'].includes(script))
    .map(([, script]) => script);
}

/** A project file's text, or undefined when there is no such file (a folder counts as found). */
function projectFile(path: string): string | undefined {
  const absolute = join(PROJECT_ROOT, path);
  if (relative(PROJECT_ROOT, absolute).startsWith('..') || !existsSync(absolute)) return undefined;
  return statSync(absolute).isDirectory() ? '' : readFileSync(absolute, 'utf8');
}

describe('README.md', () => {
  it(`is at most ${README_MAX_LINES} lines`, () => {
    expect(lineCount(read('README.md'))).toBeLessThanOrEqual(README_MAX_LINES);
  });

  it('the check fails on a longer text', () => {
    expect(lineCount('line\n'.repeat(README_MAX_LINES + 1))).toBeGreaterThan(README_MAX_LINES);
    expect(lineCount('line\n'.repeat(README_MAX_LINES))).toBe(README_MAX_LINES);
  });
});

describe.each(MARKDOWN_FILES)('%s', (file) => {
  const markdown = read(file);

  it('links only files and headings that exist', () => {
    expect(brokenLinks(file, markdown, projectFile)).toEqual([]);
  });

  it('runs only npm scripts that package.json holds', () => {
    expect(scriptsMentioned(markdown).filter((script) => !NPM_SCRIPTS.includes(script))).toEqual([]);
  });
});

describe('the npm scripts', () => {
  const documented = new Set([...MARKDOWN_FILES.map(read), read('help')].flatMap(scriptsMentioned));

  it('help runs only npm scripts that package.json holds', () => {
    expect(scriptsMentioned(read('help')).filter((script) => !NPM_SCRIPTS.includes(script))).toEqual([]);
  });

  it.each(USER_SCRIPTS)('%s is documented', (script) => {
    expect(documented.has(script)).toBe(true);
  });
});

describe('the checks, on texts made to fail them', () => {
  const files: Record<string, string> = {
    'docs/page.md': '# A page\n\n## Deploy to real AWS\n\n## Leave cdktf: the HCL\n\n## Step\n\n## Step\n',
  };
  const readFile = (path: string) => files[path];

  it('makes the anchors GitHub makes', () => {
    expect(githubSlug("Method 1's token: the secret CLI")).toBe('method-1s-token-the-secret-cli');
    expect(githubSlug('Quick start (no AWS account needed)')).toBe('quick-start-no-aws-account-needed');
    expect(githubSlug('`npm run bench` — the table')).toBe('npm-run-bench--the-table');
    expect([...headingAnchors(files['docs/page.md'])]).toEqual([
      'a-page',
      'deploy-to-real-aws',
      'leave-cdktf-the-hcl',
      'step',
      'step-1',
    ]);
  });

  it('finds a link to a missing file, a missing heading, and a missing heading of the same file', () => {
    const text = [
      '[ok](page.md#leave-cdktf-the-hcl) [ok](#step-1) [ok](https://example.com/missing.md)',
      '[gone](gone.md) [gone](page.md#nowhere) [gone](#nowhere) ![gone](../img.png)',
      '`[code](gone.md)`',
      '```',
      '[code](gone.md)',
      '```',
    ].join('\n');
    expect(brokenLinks('docs/other.md', `# Other\n\n## Step\n\n## Step\n\n${text}\n`, readFile)).toEqual([
      'gone.md: no file docs/gone.md',
      'page.md#nowhere: no heading #nowhere in docs/page.md',
      '#nowhere: no heading #nowhere in docs/other.md',
      '../img.png: no file img.png',
    ]);
  });

  it('finds the npm scripts a text runs, and only those', () => {
    expect(
      scriptsMentioned('`npm start`, `npm test`, `npm run\nsynth:hcl`, `npm run secret -- set`, npm run bench: it'),
    ).toEqual(['start', 'test', 'synth:hcl', 'secret', 'bench']);
    expect(scriptsMentioned('`npm ci`, `npm install`, npm runs it, `npm run nonesuch`')).toEqual(['nonesuch']);
  });
});
