/**
 * The help text, the README and the pages in docs/ say what the code does: each list they share
 * with the code (methods, options and their defaults, npm scripts, the secret CLI's IAM actions,
 * the layout) is checked against the code's own list, so that they cannot drift apart. The
 * option docs are also generated (`npm run docs:options`): a stale one fails here. Links and the
 * npm scripts the Markdown files mention are checked in markdown.test.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS, MAX_UPSTREAM_TIMEOUT_MS, OPTIONS, optionEnvName } from '../../stacks/config';
import { isDeliveredOutOfBand, METHODS } from '../../stacks/methods';
import { withHelpStacksSection } from '../../stacks/methods-docs';
import {
  CONFIGURATION_PAGE,
  configurationPage,
  withHelpOptionsTable,
  withReadmeOptionsTable,
} from '../../stacks/options/docs';
import { PROJECT_ROOT } from '../../lib/project-root';
import { permissionsText, USAGE } from '../../tools/secret/cli';
import { NPM_SCRIPTS, USER_SCRIPTS } from '../support/npm-scripts';

const read = (file: string) => readFileSync(join(PROJECT_ROOT, file), 'utf8');
const help = read('help');
const readme = read('README.md');
const page = read(CONFIGURATION_PAGE);
/** The pages in docs/, relative to the project root. */
const docsPages = readdirSync(join(PROJECT_ROOT, 'docs'))
  .filter((file) => file.endsWith('.md'))
  .map((file) => `docs/${file}`);
/** Each option with its default as the docs write it: a list or the empty string as JSON, anything else as it prints. */
const options = Object.entries(DEFAULT_OPTIONS).map(([option, value]) => [
  option,
  Array.isArray(value) || value === '' ? JSON.stringify(value) : String(value),
]);

/** The text of the section under `## <title>` of `text` (`file`'s), up to the next section. */
function section(file: string, text: string, title: string): string {
  const start = text.indexOf(`\n## ${title}\n`);
  expect(start, `${file} section "${title}"`).toBeGreaterThanOrEqual(0);
  const end = text.indexOf('\n## ', start + 1);
  return text.slice(start, end < 0 ? undefined : end);
}

/** The text of the README section under `## <title>`, up to the next section. */
function readmeSection(title: string): string {
  return section('README.md', readme, title);
}

/** A table row that starts with a command alone in its first cell, as a command table's rows do. */
const COMMAND_ROW = /^\| `(?:npm|npx) [^`]*`(?: \/ `[^`]*`)* \|/m;

/** How a user runs an npm script. */
function npmCommand(script: string): string {
  return ['start', 'test'].includes(script) ? `npm ${script}` : `npm run ${script}`;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('help', () => {
  it.each(METHODS)('describes $stackName with its registry summary', ({ stackName, summary }) => {
    expect(help).toMatch(new RegExp(`^  ${escape(stackName)} +${escape(summary)}$`, 'm'));
  });

  it('holds the list of stacks `npm run docs:options` writes from the registry', () => {
    expect(help, 'stale: run npm run docs:options').toBe(withHelpStacksSection(help));
  });

  it.each(options)('lists the option %s with its default %o', (option, value) => {
    expect(help).toMatch(new RegExp(`^  ${option} .* ${escape(value)}$`, 'm'));
  });

  it('gives upstreamTimeoutMs the range synthesis accepts', () => {
    expect(help).toMatch(new RegExp(`^  upstreamTimeoutMs .*\\(1 to ${MAX_UPSTREAM_TIMEOUT_MS}\\)`, 'm'));
  });
});

describe('the option docs, generated from the option schema', () => {
  it('help holds the option table `npm run docs:options` writes', () => {
    expect(help, 'stale: run npm run docs:options').toBe(withHelpOptionsTable(help));
  });

  it(`${CONFIGURATION_PAGE} is the page \`npm run docs:options\` writes`, () => {
    expect(page, 'stale: run npm run docs:options').toBe(configurationPage());
  });

  it.each(options)('the page gives the option %s its variable and its default %o', (option, value) => {
    const variable = optionEnvName(option as keyof typeof DEFAULT_OPTIONS);
    expect(page).toMatch(
      new RegExp(`^\\| \`${option}\` \\| \`${variable}\` \\|[^|]*\\| \`${escape(value)}\` \\|`, 'm'),
    );
  });

  it.each(Object.entries(OPTIONS))('the page names the stacks %s applies to', (option, { stacks }) => {
    const row = page.split('\n').find((line) => line.startsWith(`| \`${option}\` |`));
    const cells = row?.split(' | ');
    expect(cells?.[4]).toBe(stacks === 'all' ? 'all' : stacks.map((stack) => `\`${stack}\``).join(', '));
  });
});

describe('README', () => {
  it('links the configuration page from its Configuration section', () => {
    expect(readmeSection('Configuration')).toContain(`](${CONFIGURATION_PAGE})`);
  });

  it('holds the option table the option schema writes (npm run docs:options)', () => {
    expect(readme, 'run npm run docs:options').toBe(withReadmeOptionsTable(readme));
  });

  it('finds a stale option table (the check can fail)', () => {
    const stale = withReadmeOptionsTable(readme).replace(
      '| `region` | `ap-northeast-1` |',
      '| `region` | `us-east-1` |',
    );
    expect(withReadmeOptionsTable(stale)).not.toBe(stale);
  });

  it('leaves the commands to help, which it points at, and holds no command table of its own', () => {
    expect(readmeSection('Commands')).toContain('`npm run help`');
    expect(readmeSection('Commands')).toContain('](help)');
    expect(readme).not.toMatch(COMMAND_ROW);
  });
});

describe('the one list of commands, help', () => {
  it.each(USER_SCRIPTS)('shows how to run the npm script %s', (script) => {
    expect(help).toContain(`  ${npmCommand(script)}`);
  });

  it('names no npm script that package.json lacks', () => {
    const named = [...help.matchAll(/^ {2}npm (?:run )?([\w:-]+)/gm)].map(([, script]) => script);
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((script) => !NPM_SCRIPTS.includes(script))).toEqual([]);
  });

  it('the check finds a command table, and not a row that names a command in its text', () => {
    expect('| `npm run lint` | ESLint |').toMatch(COMMAND_ROW);
    expect('| `npm run invoke:local -- <stack>` / `npm run local:down` | again / stop |').toMatch(COMMAND_ROW);
    expect('| `npm start`: both stacks deployed | median of 3 |').not.toMatch(COMMAND_ROW);
  });

  it.each(['README.md', 'SECURITY.md', 'MIGRATING.md', ...docsPages])(
    'is the only command table: %s has none',
    (file) => {
      expect(read(file)).not.toMatch(COMMAND_ROW);
    },
  );
});

describe('docs/deploy-to-aws.md', () => {
  const page = read('docs/deploy-to-aws.md');

  it("lists exactly the secret CLI's IAM actions, as its usage text does", () => {
    expect(page).toContain(permissionsText());
    expect(USAGE).toContain(permissionsText());
  });
});

describe('docs/layout.md', () => {
  const layout = read('docs/layout.md');

  it.each(['tools', '__tests__', 'functions'])('names every folder of %s/', (folder) => {
    const folders = readdirSync(join(PROJECT_ROOT, folder), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith('__'))
      .map((entry) => `${folder}/${entry.name}/`);
    expect(folders.length).toBeGreaterThan(0);
    expect(folders.filter((path) => !layout.includes(path))).toEqual([]);
  });
});

describe('npm run synth:hcl', () => {
  const [command, ...args] = (JSON.parse(read('package.json')).scripts['synth:hcl'] as string).split(' ');
  const output = args[args.indexOf('--output') + 1];

  it('writes HCL outside cdktf.out, where a cdk.tf beside cdk.tf.json would break the next diff and deploy', () => {
    expect([command, ...args.slice(0, 2)]).toEqual(['cdktf', 'synth', '--hcl']);
    expect(output).toBeDefined();
    expect(output.replace(/\/$/, '')).not.toBe(JSON.parse(read('cdktf.json')).output ?? 'cdktf.out');
  });

  it('writes to a folder git ignores', () => {
    expect(read('.gitignore').split('\n')).toContain(`${output.replace(/\/$/, '')}/`);
  });
});

/** The shell blocks of a text, each as its lines. */
function shellBlocks(text: string): string[][] {
  return [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map(([, block]) => block.split('\n').map((line) => line.trim()));
}

describe("README's first deploy to AWS", () => {
  const blocks = shellBlocks(readmeSection('Deploy to AWS'));

  it('exports the credentials the AWS CLI resolves before curl signs with them (empty with a profile or SSO)', () => {
    const signing = blocks.find((lines) => lines.some((line) => line.startsWith('curl --aws-sigv4')));
    expect(signing).toBeDefined();
    const exported = signing!.findIndex((line) => line.includes('aws configure export-credentials --format env'));
    const signed = signing!.findIndex((line) => line.startsWith('curl --aws-sigv4'));
    expect(exported).toBeGreaterThanOrEqual(0);
    expect(exported).toBeLessThan(signed);
  });
});

describe("docs/teams-and-state.md's stages side by side", () => {
  const blocks = shellBlocks(
    section('docs/teams-and-state.md', read('docs/teams-and-state.md'), 'State in S3, stages side by side'),
  );

  it("reads each stage's own Method 2 token right before its deploy, and forgets it after", () => {
    const team = blocks.find((lines) => lines.some((line) => /cdktf deploy method2-sample-\w+/.test(line)));
    expect(team).toBeDefined();
    const deploys = team!.flatMap((line, index) => (/cdktf deploy method2-sample-\w+/.test(line) ? [index] : []));
    expect(deploys.length).toBeGreaterThanOrEqual(2);
    for (const index of deploys) {
      expect(team![index - 1], `before: ${team![index]}`).toMatch(/read -rs TF_VAR_api_token/);
      expect(team![index + 1], `after: ${team![index]}`).toBe('unset TF_VAR_api_token');
    }
  });

  /** The stacks whose token the secret CLI writes under the default options: method1-sample and method3-sample. */
  const outOfBand = METHODS.filter((method) => isDeliveredOutOfBand(method, DEFAULT_OPTIONS)).map(
    ({ stackName }) => stackName,
  );

  it.each(outOfBand)("gives each stage's %s its own token with the secret CLI after its deploy", (stackName) => {
    const deploy = new RegExp(`cdktf deploy ${stackName}-(\\w+)`);
    const team = blocks.find((lines) => lines.some((line) => deploy.test(line)));
    expect(team, `no block deploys ${stackName}`).toBeDefined();
    const stages = team!.flatMap((line) => deploy.exec(line)?.[1] ?? []);
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) {
      const deployed = team!.findIndex((line) => line.includes(`cdktf deploy ${stackName}-${stage}`));
      expect(team![deployed + 1]).toMatch(new RegExp(`^npm run secret -- set ${stackName}-${stage}\\b`));
    }
  });

  it('takes the stacks whose token the secret CLI writes from the registry', () => {
    expect(outOfBand).toEqual(['method1-sample', 'method3-sample']);
  });
});
