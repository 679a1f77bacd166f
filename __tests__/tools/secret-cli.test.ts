import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ENV, SECRET_PLACEHOLDER } from '../../functions/shared/contract';
import { UpdateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { DEFAULT_OPTIONS } from '../../stacks/config';
import { STACK_NAMES } from '../../stacks/methods';
import { PromptAbortedError, SecretUsageError } from '../../tools/secret/errors';
import {
  chooseRegion,
  formatStatus,
  parseArguments,
  permissionsText,
  promptHiddenToken,
  readPipedToken,
  regionNote,
  USAGE,
} from '../../tools/secret/cli';
import { CDKTF_JSON_VARIABLE, stacksRegion } from '../../tools/secret/region';
import { storeClassOf } from '../../tools/secret/stores';
import {
  decryptMethod1Token,
  describeMethod3Secret,
  environmentOf,
  NEW_TOKEN,
  PARAMETER_NAME,
  REGION,
  repointAlias,
  SECRET_NAME,
  secretValue,
  stackKeyArn,
  TOKEN,
  useSampleAccount,
} from './support/sample-account';
import { useScriptBundle } from '../support/script-bundle';

const ROOT = resolve(__dirname, '../..');
/** `text` as a regular expression that matches it literally. */
const literally = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const QUESTION = 'API token (input hidden): ';

/** A terminal: what is typed goes in `input`, and `shown()` is everything the prompt wrote. */
function fakeTerminal() {
  const rawMode: boolean[] = [];
  const input = Object.assign(new PassThrough(), {
    setRawMode(mode: boolean) {
      rawMode.push(mode);
    },
  });
  let shown = '';
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      shown += chunk.toString('utf8');
      done();
    },
  });
  return { input, output, rawMode, shown: () => shown };
}

/** Types `keys` at a fresh hidden prompt and settles as the prompt does. */
function typeAtPrompt(keys: string[]) {
  const terminal = fakeTerminal();
  const answer = promptHiddenToken(terminal.input, terminal.output, QUESTION);
  for (const key of keys) terminal.input.write(key);
  return { answer, terminal };
}

describe('parseArguments', () => {
  it.each(['set', 'rotate', 'status'] as const)('reads the command %s and the stack', (command) => {
    expect(parseArguments([command, 'method1-sample'])).toEqual({ command, stack: 'method1-sample' });
  });

  it.each(['--help', '-h'])('answers %s with help', (flag) => {
    expect(parseArguments([flag])).toEqual({ command: 'help' });
  });

  it('answers help after a command too', () => {
    expect(parseArguments(['set', 'method1-sample', '--help'])).toEqual({ command: 'help' });
  });

  it('refuses no arguments', () => {
    expect(() => parseArguments([])).toThrow(SecretUsageError);
  });

  it('refuses an unknown command without echoing it', () => {
    expect(() => parseArguments([TOKEN, 'method1-sample'])).toThrow(
      expect.objectContaining({ name: 'SecretUsageError', message: expect.not.stringContaining(TOKEN) }),
    );
  });

  it('refuses a missing stack, naming the known ones', () => {
    expect(() => parseArguments(['set'])).toThrow('missing stack: expected one of method1-sample, method2-sample');
  });

  it('refuses a token given as an argument, without echoing it', () => {
    expect(() => parseArguments(['set', 'method1-sample', TOKEN])).toThrow(
      expect.objectContaining({ name: 'SecretUsageError', message: expect.not.stringContaining(TOKEN) }),
    );
  });

  it('ends every usage error with the synopsis', () => {
    expect(() => parseArguments(['set'])).toThrow(
      /; usage: npm run secret -- <set\|rotate\|status> <stack> \[--region <region>\] \(see --help\)$/,
    );
  });

  it.each([
    [['status', 'method1-sample', '--region', 'eu-west-1']],
    [['--region', 'eu-west-1', 'status', 'method1-sample']],
    [['status', '--region=eu-west-1', 'method1-sample']],
  ])('reads --region anywhere, with a space or =: %o', (argv) => {
    expect(parseArguments(argv)).toEqual({ command: 'status', stack: 'method1-sample', region: 'eu-west-1' });
  });

  it('gives no region without --region', () => {
    expect(parseArguments(['status', 'method1-sample'])).not.toHaveProperty('region');
  });

  it.each([
    ['a value that is no region, without echoing it', ['set', 'method1-sample', '--region', TOKEN]],
    ['a missing value', ['set', 'method1-sample', '--region']],
    ['an empty value', ['set', 'method1-sample', '--region=']],
  ])('refuses --region with %s', (_name, argv) => {
    expect(() => parseArguments(argv)).toThrow(
      expect.objectContaining({
        name: 'SecretUsageError',
        message: expect.stringMatching(/^--region needs an AWS region name such as ap-northeast-1; usage: /),
      }),
    );
    expect(() => parseArguments(argv)).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(TOKEN) }),
    );
  });

  it('refuses --region given twice', () => {
    expect(() => parseArguments(['status', 'method1-sample', '--region', 'eu-west-1', '--region=us-east-1'])).toThrow(
      /^--region given twice; usage: /,
    );
  });
});

describe("the region: the stacks', not the caller's default", () => {
  let directory: string;
  /** A cdktf.json whose context is `context`. */
  const cdktfJson = (context: Record<string, unknown>) => {
    const file = join(directory, 'cdktf.json');
    writeFileSync(file, JSON.stringify({ language: 'typescript', context }));
    return file;
  };

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'secret-region-'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it("is the stacks' default when neither LAMBDA_SECRETS_REGION nor cdktf.json names one", () => {
    expect(stacksRegion({}, cdktfJson({}))).toEqual({ region: DEFAULT_OPTIONS.region, source: "the stacks' default" });
  });

  it("is the stacks' default without a cdktf.json", () => {
    expect(stacksRegion({}, join(directory, 'missing.json')).region).toBe(DEFAULT_OPTIONS.region);
  });

  it("is cdktf.json's context.region when set", () => {
    expect(stacksRegion({}, cdktfJson({ region: 'eu-west-1' }))).toEqual({
      region: 'eu-west-1',
      source: 'cdktf.json context',
    });
  });

  it('is LAMBDA_SECRETS_REGION over cdktf.json, as in synthesis', () => {
    expect(stacksRegion({ LAMBDA_SECRETS_REGION: 'us-east-2' }, cdktfJson({ region: 'eu-west-1' }))).toEqual({
      region: 'us-east-2',
      source: 'LAMBDA_SECRETS_REGION',
    });
  });

  it('ignores AWS_REGION and AWS_DEFAULT_REGION', () => {
    expect(stacksRegion({ AWS_REGION: 'us-west-2', AWS_DEFAULT_REGION: 'us-west-1' }, cdktfJson({})).region).toBe(
      DEFAULT_OPTIONS.region,
    );
  });

  it.each([
    ['LAMBDA_SECRETS_REGION', { LAMBDA_SECRETS_REGION: 'Tokyo' }, {}],
    ['cdktf.json context', {}, { region: 'Tokyo' }],
  ])('refuses a region that is not one, naming where it was set (%s)', (source, env, context) => {
    expect(() => stacksRegion(env, cdktfJson(context))).toThrow(
      `Invalid option "region" (set in ${source}): expected an AWS region name such as "ap-northeast-1", got "Tokyo"`,
    );
  });

  it(`reads the cdktf.json that ${CDKTF_JSON_VARIABLE} names, when no file is given`, () => {
    const file = cdktfJson({ region: 'eu-west-1' });
    expect(stacksRegion({ [CDKTF_JSON_VARIABLE]: file })).toEqual({
      region: 'eu-west-1',
      source: 'cdktf.json context',
    });
  });

  it('is --region over everything else', () => {
    expect(chooseRegion('sa-east-1', { LAMBDA_SECRETS_REGION: 'us-east-2', AWS_REGION: 'us-west-2' })).toEqual({
      region: 'sa-east-1',
      source: '--region',
    });
  });

  it('comes with a note when AWS_REGION names another one', () => {
    expect(regionNote({ region: 'eu-west-1', source: 'cdktf.json context' }, { AWS_REGION: 'us-west-2' })).toBe(
      'note: working in eu-west-1 (cdktf.json context), not AWS_REGION us-west-2; pass --region to choose another\n',
    );
  });

  it.each([
    ['AWS_REGION is the same', { region: 'eu-west-1', source: 'cdktf.json context' }, { AWS_REGION: 'eu-west-1' }],
    ['AWS_REGION is unset', { region: 'eu-west-1', source: 'cdktf.json context' }, {}],
    ['--region chose it', { region: 'eu-west-1', source: '--region' }, { AWS_REGION: 'us-west-2' }],
  ])('comes without a note when %s', (_name, chosen, env) => {
    expect(regionNote(chosen, env)).toBe('');
  });
});

describe('readPipedToken', () => {
  it('returns what was piped, less one trailing "\\n"', async () => {
    await expect(readPipedToken(Readable.from([`${TOKEN}\n`]))).resolves.toBe(TOKEN);
  });

  it('drops one trailing "\\r\\n"', async () => {
    await expect(readPipedToken(Readable.from([`${TOKEN}\r\n`]))).resolves.toBe(TOKEN);
  });

  it('drops only the last line ending', async () => {
    await expect(readPipedToken(Readable.from([`${TOKEN}\n\n`]))).resolves.toBe(`${TOKEN}\n`);
  });

  it('keeps input without a line ending as it is, spaces included', async () => {
    await expect(readPipedToken(Readable.from([` ${TOKEN} `]))).resolves.toBe(` ${TOKEN} `);
  });

  it('joins the chunks, even a character split between two of them', async () => {
    const bytes = Buffer.from('tøken\n', 'utf8');
    await expect(readPipedToken(Readable.from([bytes.subarray(0, 2), bytes.subarray(2)]))).resolves.toBe('tøken');
  });

  it('returns an empty string for empty input', async () => {
    await expect(readPipedToken(Readable.from([]))).resolves.toBe('');
  });
});

describe('promptHiddenToken', () => {
  it('returns what was typed once Enter is pressed', async () => {
    const { answer } = typeAtPrompt([TOKEN, '\r']);
    await expect(answer).resolves.toBe(TOKEN);
  });

  it('takes keystrokes one at a time', async () => {
    const { answer } = typeAtPrompt([...'tok', '\r']);
    await expect(answer).resolves.toBe('tok');
  });

  it('erases the last character on Backspace', async () => {
    const { answer } = typeAtPrompt(['tokx', '\u007f', '\r']);
    await expect(answer).resolves.toBe('tok');
  });

  it('erases a whole non-ASCII character on Backspace', async () => {
    const { answer } = typeAtPrompt(['tok😀', '\u007f', '\r']);
    await expect(answer).resolves.toBe('tok');
  });

  it('ignores other control characters', async () => {
    const { answer } = typeAtPrompt(['to\u001bk', '\r']);
    await expect(answer).resolves.toBe('tok');
  });

  it('shows the question and a final newline, never what is typed', async () => {
    const { answer, terminal } = typeAtPrompt([TOKEN, '\r']);
    await answer;
    expect(terminal.shown()).toBe(`${QUESTION}\n`);
  });

  it('aborts on Ctrl-C', async () => {
    const { answer } = typeAtPrompt(['tok', '\u0003']);
    await expect(answer).rejects.toThrow(PromptAbortedError);
  });

  it('reads in raw mode and leaves it after Enter', async () => {
    const { answer, terminal } = typeAtPrompt(['tok\r']);
    await answer;
    expect(terminal.rawMode).toEqual([true, false]);
  });

  it('leaves raw mode after Ctrl-C', async () => {
    const { answer, terminal } = typeAtPrompt(['\u0003']);
    await answer.catch(() => {});
    expect(terminal.rawMode).toEqual([true, false]);
  });
});

describe.each(STACK_NAMES)('the usage text, built from the registry and the store classes, for %s', (stack) => {
  const flat = USAGE.replace(/\s+/g, ' ');

  it('lists the stack with what its store does', () => {
    expect(flat).toContain(` ${stack} ${storeClassOf(stack).describe(stack)} `);
  });

  it('lists the IAM actions its store needs, as the docs do', () => {
    const { status, provision } = storeClassOf(stack).permissions;
    expect(USAGE).toContain(permissionsText());
    const listed = permissionsText().replace(/\s+/g, ' ');
    expect(listed).toContain(` ${stack} status: ${status.join(', ')} set, rotate: ${provision.join(', ')}`);
  });
});

describe('formatStatus', () => {
  it('prints the state, the location, the version and the date on one line', () => {
    const status = {
      provisioned: true,
      location: `SSM parameter ${PARAMETER_NAME}`,
      version: 2,
      lastModified: new Date('2025-01-02T03:04:05.000Z'),
    };
    expect(formatStatus('method2-sample', status)).toBe(
      `method2-sample: provisioned (SSM parameter ${PARAMETER_NAME}, version 2, last modified 2025-01-02T03:04:05.000Z)`,
    );
  });

  it("prints Method 3's version id as it is", () => {
    const status = { provisioned: true, location: 'secret arn:s', version: 'a1b2c3d4-0000', lastModified: undefined };
    expect(formatStatus('method3-sample', status)).toBe(
      'method3-sample: provisioned (secret arn:s, version a1b2c3d4-0000)',
    );
  });

  it('leaves out what is unknown', () => {
    expect(formatStatus('method2-sample', { provisioned: false, location: 'nowhere' })).toBe(
      'method2-sample: not provisioned (nowhere)',
    );
  });
});

describe('the secret CLI', () => {
  const account = useSampleAccount();
  /** A cdktf.json of no context, in place of the project's, whose context.region is the user's to set. */
  let cdktfJson: string;
  let cdktfJsonDirectory: string;

  beforeAll(() => {
    cdktfJsonDirectory = mkdtempSync(join(tmpdir(), 'secret-cli-'));
    cdktfJson = join(cdktfJsonDirectory, 'cdktf.json');
    writeFileSync(cdktfJson, JSON.stringify({ language: 'typescript', context: {} }));
  });
  afterAll(() => rmSync(cdktfJsonDirectory, { recursive: true, force: true }));

  const secretCli = useScriptBundle('tools/scripts/secret.ts');

  /**
   * Runs the secret CLI (`tools/scripts/secret.ts`, bundled) with `stdin` piped in, against the emulator, where
   * the samples are deployed in the stacks' default region; `env` adds to the environment. The
   * CLI reads the temporary cdktf.json, not the project's.
   */
  function secret(args: string[], stdin = '', env: Record<string, string> = {}) {
    const inherited = Object.entries(process.env).filter(
      ([name]) => !name.startsWith('LAMBDA_SECRETS_') && name !== CDKTF_JSON_VARIABLE,
    );
    const [node, script] = secretCli();
    const run = spawnSync(node, [script, ...args], {
      cwd: ROOT,
      env: { ...Object.fromEntries(inherited), [CDKTF_JSON_VARIABLE]: cdktfJson, ...env },
      input: stdin,
      encoding: 'utf8',
      timeout: 60_000,
    });
    if (run.error) throw run.error;
    return { status: run.status, stdout: run.stdout, stderr: run.stderr };
  }

  beforeEach(() => account.deploy());

  it('sets a piped token and confirms on stdout alone', () => {
    expect(secret(['set', 'method1-sample'], `${TOKEN}\n`)).toEqual({
      status: 0,
      stdout: 'method1-sample: secret set (function environment updated)\n',
      stderr: '',
    });
  });

  it('stores the piped token less its trailing newline', async () => {
    secret(['set', 'method1-sample'], `${TOKEN}\n`);
    await expect(decryptMethod1Token(account.clients)).resolves.toBe(TOKEN);
  });

  it('rotates the parameter of method2-sample and names its new version', () => {
    secret(['set', 'method2-sample'], TOKEN);
    expect(secret(['rotate', 'method2-sample'], NEW_TOKEN)).toMatchObject({
      status: 0,
      stdout: `method2-sample: secret rotated (SSM parameter ${PARAMETER_NAME} is now version 3)\n`,
    });
  });

  it('prints the status on one line', () => {
    expect(secret(['status', 'method1-sample'])).toMatchObject({
      status: 0,
      stdout: expect.stringMatching(
        /^method1-sample: not provisioned \(function method1-sample, environment variable ENCRYPTED_API_TOKEN, last modified \S+\)\n$/,
      ),
    });
  });

  it('reports a refusal as one error line on stderr, with exit status 1', () => {
    secret(['set', 'method1-sample'], TOKEN);
    expect(secret(['set', 'method1-sample'], NEW_TOKEN)).toEqual({
      status: 1,
      stdout: '',
      stderr:
        'error: the secret of method1-sample is already provisioned (function method1-sample, environment ' +
        'variable ENCRYPTED_API_TOKEN); use rotate to replace it\n',
    });
  });

  it('reports an empty token with exit status 1', () => {
    expect(secret(['set', 'method2-sample'], '\n')).toMatchObject({
      status: 1,
      stderr: 'error: the token is empty: pipe it on stdin or type it at the prompt\n',
    });
  });

  it('reports a stack that is not deployed with exit status 1', async () => {
    await account.reset();
    expect(secret(['status', 'method2-sample'])).toMatchObject({
      status: 1,
      stderr: expect.stringMatching(/^error: stack method2-sample is not deployed .*\n$/),
    });
  });

  it('prints neither the token nor its ciphertext', async () => {
    const runs = [
      secret(['set', 'method1-sample'], TOKEN),
      secret(['set', 'method1-sample'], TOKEN),
      secret(['status', 'method1-sample']),
      secret(['rotate', 'method1-sample'], TOKEN),
    ];
    const { [ENV.encryptedApiToken]: ciphertext } = await environmentOf(account.clients.lambda, 'method1-sample');
    const printed = runs.map((run) => run.stdout + run.stderr).join('');
    expect(printed).not.toContain(TOKEN);
    expect(printed).not.toContain(ciphertext);
  });

  it('refuses a token given as an argument with a usage error, exit status 2, without printing it', () => {
    const run = secret(['set', 'method1-sample', TOKEN]);
    expect(run).toMatchObject({ status: 2, stdout: '', stderr: expect.stringMatching(/^error: too many arguments: /) });
    expect(run.stderr).not.toContain(TOKEN);
  });

  it('writes nothing when the token is given as an argument', async () => {
    secret(['set', 'method1-sample', TOKEN], TOKEN);
    const environment = await environmentOf(account.clients.lambda, 'method1-sample');
    expect(environment[ENV.encryptedApiToken]).toBe(SECRET_PLACEHOLDER);
  });

  it('refuses an unknown command with exit status 2', () => {
    expect(secret(['show', 'method1-sample'])).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(/^error: unknown command/),
    });
  });

  it('refuses an unknown stack with exit status 2', () => {
    expect(secret(['status', 'method9-sample'])).toMatchObject({
      status: 2,
      stderr:
        'error: unknown stack: expected one of method1-sample, method2-sample, method3-sample, or one of them with ' +
        '-<stage> (e.g. method1-sample-dev)\n',
    });
  });

  it('refuses no arguments with exit status 2', () => {
    expect(secret([])).toMatchObject({ status: 2, stderr: expect.stringMatching(/^error: missing command; usage: /) });
  });

  it('prints the usage on stdout for --help, with exit status 0', () => {
    expect(secret(['--help'])).toEqual({ status: 0, stdout: USAGE, stderr: '' });
  });

  it.each(['set', 'rotate'] as const)(
    '%s refuses with exit status 1, writing nothing, when the alias points at another key',
    async (command) => {
      if (command === 'rotate') secret(['set', 'method1-sample'], TOKEN);
      const before = await environmentOf(account.clients.lambda, 'method1-sample');
      const intruderKey = await repointAlias(account.clients.kms, 'method1-sample');
      const keyArn = await stackKeyArn(account.clients.lambda, 'method1-sample');
      expect(secret([command, 'method1-sample'], NEW_TOKEN)).toEqual({
        status: 1,
        stdout: '',
        stderr: expect.stringMatching(
          new RegExp(
            `^error: alias/method1-sample points at key ${intruderKey}, not at ${keyArn}, .*; nothing was written\\. .*\n$`,
          ),
        ),
      });
      expect(await environmentOf(account.clients.lambda, 'method1-sample')).toEqual(before);
    },
  );

  describe.each(STACK_NAMES)('%s end to end', (stack) => {
    it('reports not provisioned, sets, reports provisioned, rotates, refuses a second set; never prints a token', () => {
      const runs = [
        secret(['status', stack]),
        secret(['set', stack], `${TOKEN}\n`),
        secret(['status', stack]),
        secret(['rotate', stack], NEW_TOKEN),
        secret(['set', stack], TOKEN),
      ];
      expect(runs.map(({ status }) => status)).toEqual([0, 0, 0, 0, 1]);
      expect(runs[0].stdout).toMatch(new RegExp(`^${stack}: not provisioned \\(.*\\)\\n$`));
      expect(runs[1].stdout).toMatch(new RegExp(`^${stack}: secret set \\(.*\\)\\n$`));
      expect(runs[2].stdout).toMatch(new RegExp(`^${stack}: provisioned \\(.*\\)\\n$`));
      expect(runs[3].stdout).toMatch(new RegExp(`^${stack}: secret rotated \\(.*\\)\\n$`));
      expect(runs[4].stderr).toMatch(new RegExp(`^error: the secret of ${stack} is already provisioned .*use rotate`));
      const printed = runs.map((run) => run.stdout + run.stderr).join('');
      expect(printed).not.toContain(TOKEN);
      expect(printed).not.toContain(NEW_TOKEN);
    });

    it('refuses rotate before set with exit status 1, pointing to set', () => {
      expect(secret(['rotate', stack], TOKEN)).toMatchObject({
        status: 1,
        stdout: '',
        stderr: expect.stringMatching(new RegExp(`^error: the secret of ${stack} is not provisioned yet .*use set`)),
      });
    });

    it('refuses with exit status 1 when the alias points at another key', async () => {
      const intruderKey = await repointAlias(account.clients.kms, stack);
      expect(secret(['set', stack], TOKEN)).toMatchObject({
        status: 1,
        stdout: '',
        stderr: expect.stringContaining(`error: alias/${stack} points at key ${intruderKey}`),
      });
    });
  });

  describe('method3-sample', () => {
    const secretArn = async () => (await environmentOf(account.clients.lambda, 'method3-sample'))[ENV.apiTokenSecretId];
    const currentVersion = async () =>
      Object.entries((await describeMethod3Secret(account.clients.secretsManager)).VersionIdsToStages ?? {}).find(
        ([, stages]) => stages.includes('AWSCURRENT'),
      )?.[0];

    it('puts the piped token, less its newline, as the AWSCURRENT value, naming the secret and the version', async () => {
      const run = secret(['set', 'method3-sample'], `${TOKEN}\n`);
      await expect(secretValue(account.clients.secretsManager)).resolves.toBe(TOKEN);
      expect(run).toEqual({
        status: 0,
        stdout: `method3-sample: secret set (secret ${await secretArn()} now has version ${await currentVersion()} as AWSCURRENT)\n`,
        stderr: '',
      });
    });

    it('prints the status with the AWSCURRENT version id', async () => {
      const before = secret(['status', 'method3-sample']);
      secret(['set', 'method3-sample'], TOKEN);
      const after = secret(['status', 'method3-sample']);
      const arn = await secretArn();
      expect(before.stdout).toMatch(
        new RegExp(`^method3-sample: not provisioned \\(secret ${literally(arn)}, last modified \\S+\\)\\n$`),
      );
      expect(after.stdout).toMatch(
        new RegExp(
          `^method3-sample: provisioned \\(secret ${literally(arn)}, version ${await currentVersion()}, last modified \\S+\\)\\n$`,
        ),
      );
    });

    it('rotates: the new token is AWSCURRENT, the old one AWSPREVIOUS', async () => {
      secret(['set', 'method3-sample'], TOKEN);
      expect(secret(['rotate', 'method3-sample'], NEW_TOKEN)).toMatchObject({ status: 0 });
      await expect(secretValue(account.clients.secretsManager)).resolves.toBe(NEW_TOKEN);
      await expect(secretValue(account.clients.secretsManager, 'AWSPREVIOUS')).resolves.toBe(TOKEN);
    });

    it('refuses with exit status 1, writing nothing, when the secret is under another key', async () => {
      const { KeyMetadata } = await account.clients.kms.send(
        new CreateKeyCommand({ Description: "an intruder's key" }),
      );
      await account.clients.secretsManager.send(
        new UpdateSecretCommand({ SecretId: SECRET_NAME, KmsKeyId: KeyMetadata!.Arn }),
      );
      const keyArn = await stackKeyArn(account.clients.lambda, 'method3-sample');
      expect(secret(['set', 'method3-sample'], TOKEN)).toEqual({
        status: 1,
        stdout: '',
        stderr: expect.stringMatching(
          new RegExp(
            `^error: secret ${literally(await secretArn())} is encrypted under ${literally(KeyMetadata!.Arn!)}, not under ${literally(keyArn)}, .*; nothing was written\\. .*\\n$`,
          ),
        ),
      });
      expect((await describeMethod3Secret(account.clients.secretsManager)).VersionIdsToStages ?? {}).toEqual({});
    });
  });

  describe("works in the stacks' region", () => {
    it('whatever AWS_REGION says, with a note on stderr', () => {
      expect(secret(['status', 'method1-sample'], '', { AWS_REGION: 'us-west-2' })).toMatchObject({
        status: 0,
        stdout: expect.stringMatching(/^method1-sample: not provisioned /),
        stderr: `note: working in ${REGION} (the stacks' default), not AWS_REGION us-west-2; pass --region to choose another\n`,
      });
    });

    it('sets a token there whatever AWS_REGION says', async () => {
      expect(secret(['set', 'method1-sample'], TOKEN, { AWS_REGION: 'us-west-2' })).toMatchObject({ status: 0 });
      await expect(decryptMethod1Token(account.clients)).resolves.toBe(TOKEN);
    });

    it("named by cdktf.json's context.region", () => {
      const named = join(cdktfJsonDirectory, 'eu-west-1.json');
      writeFileSync(named, JSON.stringify({ language: 'typescript', context: { region: 'eu-west-1' } }));
      expect(secret(['status', 'method1-sample'], '', { [CDKTF_JSON_VARIABLE]: named })).toMatchObject({
        status: 1,
        stderr: expect.stringContaining(
          'error: stack method1-sample is not deployed (no function method1-sample in eu-west-1)',
        ),
      });
    });

    it('named by LAMBDA_SECRETS_REGION', () => {
      expect(secret(['status', 'method1-sample'], '', { LAMBDA_SECRETS_REGION: 'eu-west-1' })).toMatchObject({
        status: 1,
        stderr: expect.stringContaining(
          'error: stack method1-sample is not deployed (no function method1-sample in eu-west-1)',
        ),
      });
    });

    it('unless --region names another', () => {
      expect(secret(['status', 'method1-sample', '--region', 'eu-west-1'])).toMatchObject({
        status: 1,
        stdout: '',
        stderr: expect.stringMatching(
          /^error: stack method1-sample is not deployed \(no function method1-sample in eu-west-1\)/,
        ),
      });
    });

    it('and --region wins over LAMBDA_SECRETS_REGION', () => {
      expect(
        secret(['status', 'method1-sample', `--region=${REGION}`], '', { LAMBDA_SECRETS_REGION: 'eu-west-1' }),
      ).toMatchObject({ status: 0, stderr: '' });
    });

    it('refuses a LAMBDA_SECRETS_REGION that is no region, with exit status 1', () => {
      expect(secret(['status', 'method1-sample'], '', { LAMBDA_SECRETS_REGION: 'Tokyo' })).toMatchObject({
        status: 1,
        stdout: '',
        stderr: expect.stringMatching(/^error: Invalid option "region" \(set in LAMBDA_SECRETS_REGION\)/),
      });
    });
  });
});
