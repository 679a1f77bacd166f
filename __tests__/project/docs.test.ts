/**
 * The help text, the README and the configuration page say what the code does: each list they
 * share with the code (methods, options and their defaults, npm scripts, the secret CLI's IAM
 * actions, the layout) is checked against the code's own list, so that they cannot drift apart.
 * The option docs are also generated (`npm run docs:options`): a stale one fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS, MAX_UPSTREAM_TIMEOUT_MS, OPTIONS, optionEnvName } from '../../lib/config';
import { METHODS } from '../../lib/methods';
import { CONFIGURATION_PAGE, configurationPage, withHelpOptionsTable } from '../../lib/options/docs';
import { PROJECT_ROOT } from '../../lib/project-root';
import { permissionsText, USAGE } from '../../tools/secret/cli';

const read = (file: string) => readFileSync(join(PROJECT_ROOT, file), 'utf8');
const help = read('help');
const readme = read('README.md');
const page = read(CONFIGURATION_PAGE);
const scripts = Object.keys(JSON.parse(read('package.json')).scripts as Record<string, string>);
/** Each option with its default as the docs write it: a list or the empty string as JSON, anything else as it prints. */
const options = Object.entries(DEFAULT_OPTIONS).map(([option, value]) => [
  option,
  Array.isArray(value) || value === '' ? JSON.stringify(value) : String(value),
]);

/** The text of the README section under `## <title>`, up to the next section. */
function readmeSection(title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  expect(start, `README section "${title}"`).toBeGreaterThanOrEqual(0);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

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

  it.each(options)('lists the option %s with its default %o', (option, value) => {
    expect(help).toMatch(new RegExp(`^  ${option} .* ${escape(value)}$`, 'm'));
  });

  it('gives upstreamTimeoutMs the range synthesis accepts', () => {
    expect(help).toMatch(new RegExp(`^  upstreamTimeoutMs .*\\(1 to ${MAX_UPSTREAM_TIMEOUT_MS}\\)`, 'm'));
  });

  it.each(scripts)('shows how to run the npm script %s', (script) => {
    expect(help).toContain(`  ${npmCommand(script)}`);
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
  it('links the configuration page from its Configuration section, which no longer restates the options', () => {
    const section = readmeSection('Configuration');
    expect(section).toContain(`](${CONFIGURATION_PAGE})`);
    expect(section).not.toMatch(/^\| `/m);
  });

  it.each(scripts)('lists the npm script %s under Commands', (script) => {
    expect(readmeSection('Commands')).toContain(`\`${npmCommand(script)}`);
  });

  it("lists exactly the secret CLI's IAM actions, as its usage text does", () => {
    expect(readme).toContain(permissionsText());
    expect(USAGE).toContain(permissionsText());
  });

  it.each(['tools', '__tests__', 'functions'])('names every folder of %s/ in the Layout section', (folder) => {
    const folders = readdirSync(join(PROJECT_ROOT, folder), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith('__'))
      .map((entry) => `${folder}/${entry.name}/`);
    expect(folders.length).toBeGreaterThan(0);
    expect(folders.filter((path) => !readmeSection('Layout').includes(path))).toEqual([]);
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

describe("README's first deploy to AWS", () => {
  const deploy = readmeSection('Deploy to real AWS');
  /** The shell blocks of the section, each as its lines. */
  const shellBlocks = [...deploy.matchAll(/```sh\n([\s\S]*?)```/g)].map(([, block]) =>
    block.split('\n').map((line) => line.trim()),
  );

  it('exports the credentials the AWS CLI resolves before curl signs with them (empty with a profile or SSO)', () => {
    const signing = shellBlocks.find((lines) => lines.some((line) => line.startsWith('curl --aws-sigv4')));
    expect(signing).toBeDefined();
    const exported = signing!.findIndex((line) => line.includes('aws configure export-credentials --format env'));
    const signed = signing!.findIndex((line) => line.startsWith('curl --aws-sigv4'));
    expect(exported).toBeGreaterThanOrEqual(0);
    expect(exported).toBeLessThan(signed);
  });

  it("reads each stage's own Method 2 token right before its deploy, and forgets it after", () => {
    const team = shellBlocks.find((lines) => lines.some((line) => /cdktf deploy method2-sample-\w+/.test(line)));
    expect(team).toBeDefined();
    const deploys = team!.flatMap((line, index) => (/cdktf deploy method2-sample-\w+/.test(line) ? [index] : []));
    expect(deploys.length).toBeGreaterThanOrEqual(2);
    for (const index of deploys) {
      expect(team![index - 1], `before: ${team![index]}`).toMatch(/read -rs TF_VAR_api_token/);
      expect(team![index + 1], `after: ${team![index]}`).toBe('unset TF_VAR_api_token');
    }
  });

  it("gives each stage's Method 1 its own token with the secret CLI after its deploy", () => {
    const team = shellBlocks.find((lines) => lines.some((line) => /cdktf deploy method1-sample-\w+/.test(line)))!;
    const stages = team.flatMap((line) => /cdktf deploy method1-sample-(\w+)/.exec(line)?.[1] ?? []);
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) {
      const deployed = team.findIndex((line) => line.includes(`cdktf deploy method1-sample-${stage}`));
      expect(team[deployed + 1]).toMatch(new RegExp(`^npm run secret -- set method1-sample-${stage}\\b`));
    }
  });
});
