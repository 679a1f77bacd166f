/**
 * The secret CLI: `npm run secret -- <set|rotate|status> <stack> [--region <region>]`. Reads the
 * token from piped stdin or a hidden prompt, never from the command line (where `ps` and shell
 * history would keep it), and prints only confirmations and statuses, never the token or its
 * ciphertext. It works in the stacks' region, not the caller's default (see region.ts).
 */
import type { Readable, Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { ENV } from '../../functions/shared/contract';
import { DEFAULT_OPTIONS, optionEnvName } from '../../stacks/config';
import { STACK_NAMES } from '../../stacks/methods';
import { PromptAbortedError, SecretUsageError } from './errors';
import { isRegionName, stacksRegion, type ChosenRegion } from './region';
import type { ProvisionMode, SecretStatus } from './store';
import { createSecretStore, storeClassOf } from './stores';

/** `words` joined by spaces into lines of at most `width` characters, each after `indent`. */
function wrap(words: readonly string[], indent: string, width = 100): string[] {
  const lines: string[] = [];
  for (const word of words) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + 1 + word.length <= width) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(`${indent}${word}`);
  }
  return lines;
}

/** The IAM actions each stack's commands need: the usage text and the README show this same text. */
export function permissionsText(): string {
  return STACK_NAMES.flatMap((stack) => {
    const { status, provision } = storeClassOf(stack).permissions;
    const list = (label: string, actions: readonly string[]) => {
      const [first = '', ...rest] = wrap(actions.join(', ').split(' '), ' '.repeat(18));
      return [`    ${label.padEnd(14)}${first.trimStart()}`, ...rest];
    };
    return [`  ${stack}`, ...list('status:', status), ...list('set, rotate:', provision)];
  }).join('\n');
}

/** What the CLI prints for `--help`. */
export const USAGE = `Usage: npm run secret -- <command> <stack> [--region <region>]

Stores the API token of a deployed stack outside Terraform, so it is in neither state nor plan.
The token is read from stdin when stdin is piped (one trailing newline is dropped), otherwise
from a hidden prompt; never from the command line.

Commands
  set <stack>      store the first token over the placeholder the stack deployed, or as the
                   first value of its secret (refused when a token is already in place: use rotate)
  rotate <stack>   replace the stored token (refused while none is in place: use set)
  status <stack>   whether a token is in place and when its holder last changed

Stacks
${STACK_NAMES.flatMap((stack) => [`  ${stack}`, ...wrap(storeClassOf(stack).describe(stack).split(' '), '    ')]).join('\n')}
  A stack deployed with the option stage=<stage> is <stack>-<stage>, e.g. ${STACK_NAMES[0]}-dev.

Options
  --region <region>  where the stack is deployed. Default: the stacks' own region, found as
                     synthesis finds it (${optionEnvName('region')}, else context.region in
                     cdktf.json, else ${DEFAULT_OPTIONS.region}). AWS_REGION and the profile's
                     region are not used, since the stacks ignore them too; only this flag
                     overrides the stacks' region.

Keys
  set and rotate encrypt only under the stack's own key, the one the function names in
  ${ENV.kmsKeyArn}, never under the alias. They refuse, writing nothing, when alias/<stack>
  points at another key (someone repointed it), when the function has no ${ENV.kmsKeyArn}
  (a stack deployed before it existed: redeploy it), or when a Secrets Manager secret is
  encrypted under another key than that one (someone changed it with UpdateSecret).

AWS
  Credentials come from the standard chain (AWS_PROFILE, environment variables, SSO, ...).
  AWS_ENDPOINT_URL points the CLI at an emulator. IAM actions needed (kms:Encrypt of
  method2-sample is the one SSM calls to write a SecureString, kms:GenerateDataKey of
  method3-sample the one Secrets Manager calls to encrypt a new version; kms:DescribeKey checks
  the alias; nothing here decrypts, so a writer needs no kms:Decrypt, and the key policy gives
  it none):
${permissionsText()}

Exit status: 0 done, 1 failed, 2 bad command line.

Examples
  npm run secret -- set method1-sample                  (prompts for the token)
  npm run secret -- rotate method2-sample < token.txt
  npm run secret -- status method1-sample
  npm run secret -- set method3-sample < token.txt
  npm run secret -- status method1-sample --region eu-west-1
`;

/** A command line the CLI understood. */
export type Invocation =
  { readonly command: 'help' } | { readonly command: Command; readonly stack: string; readonly region?: string };

/** A command that acts on a stack. */
export type Command = ProvisionMode | 'status';

const COMMANDS: readonly Command[] = ['set', 'rotate', 'status'];

function isCommand(name: string): name is Command {
  return (COMMANDS as readonly string[]).includes(name);
}

/**
 * Parses the arguments after `npm run secret --`.
 * @throws SecretUsageError for a missing or unknown command, a missing stack or any further argument
 */
export function parseArguments(argv: readonly string[]): Invocation {
  if (argv.includes('--help') || argv.includes('-h')) return { command: 'help' };
  // No message echoes an argument: a token pasted onto the command line must not be printed again.
  const { region, positional } = regionOption(argv);
  const [command, stack, ...extra] = positional;
  if (command === undefined) throw new SecretUsageError('missing command');
  if (!isCommand(command)) throw new SecretUsageError('unknown command: expected set, rotate or status');
  if (stack === undefined) {
    throw new SecretUsageError(
      `missing stack: expected one of ${STACK_NAMES.join(', ')} (with -<stage> if it has one)`,
    );
  }
  if (extra.length > 0) {
    throw new SecretUsageError(
      'too many arguments: the token is read from stdin or a prompt, never from the command line',
    );
  }
  return region === undefined ? { command, stack } : { command, stack, region };
}

/** `argv` less `--region <region>` or `--region=<region>`, and that region. */
function regionOption(argv: readonly string[]): { region?: string; positional: string[] } {
  const positional: string[] = [];
  let region: string | undefined;
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index];
    let value: string | undefined;
    if (argument === '--region') {
      index += 1;
      value = argv[index] ?? '';
    } else if (argument.startsWith('--region=')) value = argument.slice('--region='.length);
    else {
      positional.push(argument);
      continue;
    }
    if (region !== undefined) throw new SecretUsageError('--region given twice');
    if (!isRegionName(value)) throw new SecretUsageError('--region needs an AWS region name such as ap-northeast-1');
    region = value;
  }
  return { region, positional };
}

/**
 * The region the CLI works in: `--region` if given, else the stacks' (see {@link stacksRegion}).
 * @param explicit the `--region` value
 */
export function chooseRegion(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): ChosenRegion {
  return explicit === undefined ? stacksRegion(env) : { region: explicit, source: '--region' };
}

/** A note for stderr when AWS_REGION names another region than the one chosen, which it does not override. */
export function regionNote({ region, source }: ChosenRegion, env: NodeJS.ProcessEnv = process.env): string {
  const callers = env.AWS_REGION;
  if (!callers || callers === region || source === '--region') return '';
  return `note: working in ${region} (${source}), not AWS_REGION ${callers}; pass --region to choose another\n`;
}

/** Reads a piped token: all of `input` as UTF-8, less exactly one trailing "\n" or "\r\n". */
export async function readPipedToken(input: AsyncIterable<Buffer | string>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
  // Without the m flag, $ matches only at the very end: one line ending goes, any before it stays.
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** A terminal's input, which can stop echoing and deliver each keystroke (raw mode). */
export type TerminalInput = Readable & { setRawMode(mode: boolean): unknown };

/**
 * Asks for the token on a terminal without echoing it: Enter ends, Backspace erases the last
 * character, Ctrl-C aborts. The terminal leaves raw mode however the prompt ends.
 * @param output where the question goes (stderr, so stdout stays for results)
 * @throws PromptAbortedError on Ctrl-C
 */
export function promptHiddenToken(input: TerminalInput, output: Writable, question: string): Promise<string> {
  output.write(question);
  input.setRawMode(true);
  const decoder = new StringDecoder('utf8');
  const typed: string[] = [];
  return new Promise((resolve, reject) => {
    const end = (settle: () => void) => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      output.write('\n');
      settle();
    };
    const onData = (chunk: Buffer | string) => {
      // Iterating a string yields code points, so Backspace erases a whole non-ASCII character.
      for (const char of typeof chunk === 'string' ? chunk : decoder.write(chunk)) {
        if (char === '\r' || char === '\n') {
          end(() => resolve(typed.join('')));
          return;
        }
        if (char === '\u0003') {
          end(() => reject(new PromptAbortedError()));
          return;
        }
        if (char === '\u007f' || char === '\b') typed.pop();
        else if (char >= ' ') typed.push(char);
      }
    };
    input.on('data', onData);
    input.resume();
  });
}

/** One status line, e.g. `method2-sample: provisioned (SSM parameter /p, version 2, last modified …)`. */
export function formatStatus(stack: string, status: SecretStatus): string {
  const details = [
    status.location,
    ...(status.version === undefined ? [] : [`version ${status.version}`]),
    ...(status.lastModified ? [`last modified ${status.lastModified.toISOString()}`] : []),
  ];
  return `${stack}: ${status.provisioned ? 'provisioned' : 'not provisioned'} (${details.join(', ')})`;
}

/**
 * Runs the CLI with `argv` (the arguments after the script) on the process's streams.
 * @returns the exit status, 0; failures are thrown (see `runMain` for their exit status)
 */
export async function runSecretCli(argv: readonly string[]): Promise<number> {
  const invocation = parseArguments(argv);
  if (invocation.command === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const region = chooseRegion(invocation.region);
  const store = createSecretStore(invocation.stack, {}, region.region);
  process.stderr.write(regionNote(region));
  if (invocation.command === 'status') {
    process.stdout.write(`${formatStatus(store.stack, await store.status())}\n`);
    return 0;
  }
  const token = process.stdin.isTTY
    ? await promptHiddenToken(process.stdin, process.stderr, `API token for ${store.stack} (input hidden): `)
    : await readPipedToken(process.stdin);
  const change = await store.provision(token, invocation.command);
  process.stdout.write(`${store.stack}: secret ${invocation.command === 'set' ? 'set' : 'rotated'} (${change})\n`);
  return 0;
}
