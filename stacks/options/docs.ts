/**
 * The option documentation derived from {@link OPTIONS}: help's option table, the README's
 * and the configuration page, docs/configuration.md. `npm run docs:options` writes all three; a
 * test fails when a file differs from what these functions give.
 */
import type { OptionSpec } from './parsers';
import { OPTION_ENV_PREFIX, OPTION_NAMES, OPTIONS, optionEnvName, type OptionName } from './schema';

/** The configuration page, relative to the project root. */
export const CONFIGURATION_PAGE = 'docs/configuration.md';

/** The first line of help's option table, which the table replaces up to the next blank line. */
export const HELP_OPTIONS_HEADING = `Options (cdktf.json "context", or ${OPTION_ENV_PREFIX}<NAME> for one run; see ${CONFIGURATION_PAGE})`;

/** The help columns: name from column 2, doc from column 26, default from column 66. */
const HELP_NAME_WIDTH = 24;
const HELP_DOC_WIDTH = 40;
const NO_BREAK = '\u00a0';

const spec = (name: OptionName): OptionSpec<unknown> => OPTIONS[name];

/** A default as help and the page write it: a list or the empty string as JSON, anything else as it prints. */
export function formatDefault(value: unknown): string {
  return Array.isArray(value) || value === '' ? JSON.stringify(value) : String(value);
}

/** The stacks an option applies to, as a prefix of its help line ('' for all). */
function stacksPrefix(option: OptionSpec<unknown>): string {
  return option.stacks === 'all' ? '' : `${option.stacks.join(', ')}: `;
}

/** Greedy word wrap to lines of at most `width` characters (a longer word gets a line of its own). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + 1 + word.length <= width) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}

/** Help's option table: the heading, then each option's name, doc (wrapped) and default. */
export function helpOptionsTable(): string {
  const rows = OPTION_NAMES.flatMap((name) => {
    const option = spec(name);
    // The hint is kept on one line: a no-break space joins its words until the text is wrapped.
    const hint = option.hint ? ` (${option.hint.replace(/ /g, NO_BREAK)})` : '';
    const [first, ...rest] = wrap(`${stacksPrefix(option)}${option.doc}${hint}`, HELP_DOC_WIDTH - 1).map((line) =>
      line.replaceAll(NO_BREAK, ' '),
    );
    return [
      `  ${name.padEnd(HELP_NAME_WIDTH)}${first.padEnd(HELP_DOC_WIDTH)}${formatDefault(option.default)}`,
      ...rest.map((line) => `${' '.repeat(2 + HELP_NAME_WIDTH)}${line}`),
    ];
  });
  return [HELP_OPTIONS_HEADING, ...rows].join('\n');
}

/**
 * `help` with its option table replaced by {@link helpOptionsTable}: from the line that starts
 * as the heading does (`Options (`) up to the next blank line.
 * @throws Error when `help` has no such section
 */
export function withHelpOptionsTable(help: string): string {
  const lines = help.split('\n');
  const start = lines.findIndex((line) => line.startsWith('Options ('));
  if (start < 0) throw new Error('help has no "Options (" section for the option table');
  const end = lines.findIndex((line, index) => index > start && line.trim() === '');
  return [...lines.slice(0, start), helpOptionsTable(), ...lines.slice(end < 0 ? lines.length : end)].join('\n');
}

/** Where the README's option table starts and ends; `npm run docs:options` writes what is between. */
export const README_OPTIONS_MARKERS = [
  '<!-- option table: written by npm run docs:options -->',
  '<!-- end of option table -->',
] as const;

/** The README's option table: each option in one line, its default and its doc, in the schema's order. */
export function readmeOptionsTable(): string {
  return [
    '| option | default | what it sets |',
    '| --- | --- | --- |',
    ...OPTION_NAMES.map((name) => {
      const option = spec(name);
      return `| \`${name}\` | \`${formatDefault(option.default)}\` | ${cell(`${stacksPrefix(option)}${option.doc}`)} |`;
    }),
  ].join('\n');
}

/**
 * `readme` with its option table replaced by {@link readmeOptionsTable}, between the
 * {@link README_OPTIONS_MARKERS}.
 * @throws Error when `readme` lacks either marker
 */
export function withReadmeOptionsTable(readme: string): string {
  const [begin, end] = README_OPTIONS_MARKERS;
  const start = readme.indexOf(begin);
  const stop = readme.indexOf(end);
  if (start < 0 || stop < start) throw new Error(`README.md has no option table between "${begin}" and "${end}"`);
  return `${readme.slice(0, start + begin.length)}\n\n${readmeOptionsTable()}\n\n${readme.slice(stop)}`;
}

/** Text for a Markdown table cell: no line break, no bare `|`. */
function cell(text: string): string {
  return text.replace(/\n/g, ' ').replace(/\|/g, '\\|');
}

/** The configuration page, docs/configuration.md. */
export function configurationPage(): string {
  const header = [
    '<!-- Generated by `npm run docs:options` from stacks/options/schema.ts: edit the schema, not this page (a test fails when they differ). -->',
    '',
    '# Configuration',
    '',
    "Every option of the sample stacks, with the values it accepts, its default and the stacks it applies to. The defaults live in one place, the option schema (`stacks/options/schema.ts`); `cdktf.json`'s `context` starts empty and holds only what you change.",
    '',
    `Set an option in \`cdktf.json\` under \`context\` (\`"targetUrl": "https://api.example.org"\`), or for one run with its environment variable, which wins over the context (\`${optionEnvName('targetUrl')}=https://api.example.org npx cdktf deploy method1-sample\`). A list is a JSON array in \`cdktf.json\` and comma-separated in a variable.`,
    '',
    `A bad value stops synthesis with one line naming the option, where it was set (the variable or \`cdktf.json\`) and the values it accepts; so does a \`${OPTION_ENV_PREFIX}*\` variable or a context key that names no option but resembles one (\`${OPTION_ENV_PREFIX}TARGETURL\`, \`targetURL\`), naming the option meant rather than being ignored while the default applies. cdktf's own context keys are left alone.`,
    '',
    '| option | variable | values | default | stacks | |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  const rows = OPTION_NAMES.map((name) => {
    const option = spec(name);
    const stacks = option.stacks === 'all' ? 'all' : option.stacks.map((stack) => `\`${stack}\``).join(', ');
    const text = `${option.doc}.${option.details ? ` ${option.details}` : ''}`;
    return `| \`${name}\` | \`${optionEnvName(name)}\` | ${cell(option.values)} | \`${formatDefault(option.default)}\` | ${stacks} | ${cell(text)} |`;
  });
  return [...header, ...rows, ''].join('\n');
}
