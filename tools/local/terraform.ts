/** Terraform and cdktf as the local run drives them: version check, provider mirror, deploy, plan, refresh, show. */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CommandFailedError, MissingToolError } from '../common/errors';
import { projectBinary, run, type CommandResult } from '../common/run-command';

const TERRAFORM_INSTALL = 'install Terraform >= 1.11 (https://developer.hashicorp.com/terraform/install)';

/** Seconds `terraform version` may take; it reads nothing from the network. */
const VERSION_CHECK_TIMEOUT_MS = 30_000;

/**
 * @param env the environment to run it in: the caller's own, less the Terraform variables that
 *   change what it runs (a `TF_CLI_ARGS` meant for plan breaks `terraform version`)
 * @throws MissingToolError when `terraform` is absent or older than 1.11 (write-only attributes)
 * @throws CommandFailedError when it does not answer in time
 */
export function requireTerraform(env: NodeJS.ProcessEnv): void {
  const probe = spawnSync('terraform', ['version', '-json'], {
    encoding: 'utf8',
    env,
    timeout: VERSION_CHECK_TIMEOUT_MS,
  });
  const failure: NodeJS.ErrnoException | undefined = probe.error;
  if (failure?.code === 'ETIMEDOUT') {
    throw new CommandFailedError(
      `\`terraform version\` did not answer within ${VERSION_CHECK_TIMEOUT_MS / 1000} s: check the terraform on PATH`,
    );
  }
  if (probe.error || probe.status !== 0) throw new MissingToolError('terraform', TERRAFORM_INSTALL);
  const { terraform_version: version } = JSON.parse(probe.stdout) as { terraform_version: string };
  const [major, minor] = version.split('.').map(Number);
  if (major < 1 || (major === 1 && minor < 11)) {
    throw new MissingToolError('terraform >= 1.11', TERRAFORM_INSTALL);
  }
}

/** Where machines without registry access keep providers; the first that holds hashicorp/aws is used. */
const MIRROR_CANDIDATES = [
  process.env.TF_PROVIDER_MIRROR,
  '/opt/tf-plugins',
  '/usr/share/terraform/plugins',
  '/usr/local/share/terraform/plugins',
  join(homedir(), '.terraform.d/plugins'),
  join(homedir(), '.local/share/terraform/plugins'),
].filter((candidate): candidate is string => Boolean(candidate));

/** The local filesystem mirror that holds hashicorp/aws, if this machine has one. */
export function findProviderMirror(): string | undefined {
  return MIRROR_CANDIDATES.find((dir) => existsSync(join(dir, 'registry.terraform.io/hashicorp/aws')));
}

/**
 * Writes a Terraform CLI config that installs hashicorp/aws from the machine's mirror (no
 * registry access needed) and everything else as usual.
 * @returns the file, for TF_CLI_CONFIG_FILE; undefined when the machine has no mirror, so that
 *   Terraform keeps the user's own configuration
 */
export function writeTerraformCliConfig(file: string): string | undefined {
  const mirror = findProviderMirror();
  if (!mirror) return undefined;
  writeFileSync(
    file,
    `provider_installation {
  filesystem_mirror {
    path    = ${JSON.stringify(mirror)}
    include = ["registry.terraform.io/hashicorp/aws"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/aws"]
  }
}
`,
  );
  return file;
}

/** Go's garbage-collection target for Terraform runs, see {@link withTerraformGc}. */
export const TERRAFORM_GOGC = '300';

/**
 * `env` with Go's garbage-collection target for Terraform and the providers it starts (a plugin
 * inherits Terraform's environment), unless `env` sets its own. The AWS provider builds the
 * schema of every resource type it knows each time it starts, several times in one apply, and Go's
 * default (GOGC=100) collects those hundreds of megabytes over and over: with 300, an apply, a
 * plan and a destroy on the emulator took about a quarter less CPU time, for about 50 MB more
 * memory per process (docs/testing.md, "Suite time").
 */
export function withTerraformGc(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return env.GOGC ? env : { ...env, GOGC: TERRAFORM_GOGC };
}

/** Milliseconds a deploy or destroy of both stacks may take; on the emulator they take about 25 s. */
export const APPLY_TIMEOUT_MS = 10 * 60_000;
/** Milliseconds a plan, refresh or show of one stack may take; on the emulator they take a few seconds. */
export const READ_TIMEOUT_MS = 5 * 60_000;

/** What to check when Terraform does not finish: it waits on whatever AWS endpoint `env` names. */
function stalledAdvice(env: NodeJS.ProcessEnv): string {
  return env.AWS_ENDPOINT_URL
    ? `Terraform waits on the AWS endpoint: check that ${env.AWS_ENDPOINT_URL} answers (the local run's emulator log is .local/run/emulator.log)`
    : 'Terraform waits on AWS: check the network and your credentials';
}

/** `cdktf deploy` of the given stacks, non-interactive, synthesizing into `outdir`. */
export function cdktfDeploy(stacks: readonly string[], outdir: string, env: NodeJS.ProcessEnv): Promise<CommandResult> {
  return run(
    projectBinary('cdktf'),
    ['deploy', ...stacks, '--auto-approve', '--skip-provider-lock', '--no-color', '--output', outdir],
    { env: withTerraformGc(env), timeoutMs: APPLY_TIMEOUT_MS, onTimeout: stalledAdvice(env) },
  );
}

/** `cdktf destroy` of the given stacks, reusing what was synthesized into `outdir`. */
export function cdktfDestroy(
  stacks: readonly string[],
  outdir: string,
  env: NodeJS.ProcessEnv,
): Promise<CommandResult> {
  return run(
    projectBinary('cdktf'),
    ['destroy', ...stacks, '--auto-approve', '--skip-synth', '--no-color', '--output', outdir],
    { env: withTerraformGc(env), timeoutMs: APPLY_TIMEOUT_MS, onTimeout: stalledAdvice(env) },
  );
}

/** The folder in which cdktf runs Terraform for `stack`. */
export function stackDirectory(outdir: string, stack: string): string {
  return join(outdir, 'stacks', stack);
}

/** Terraform in a deployed stack's folder, within {@link READ_TIMEOUT_MS}. */
function terraformIn(
  outdir: string,
  stack: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  allowedCodes?: readonly number[],
): Promise<CommandResult> {
  return run('terraform', args, {
    cwd: stackDirectory(outdir, stack),
    env: withTerraformGc(env),
    allowedCodes,
    timeoutMs: READ_TIMEOUT_MS,
    onTimeout: stalledAdvice(env),
  });
}

/**
 * `terraform plan -detailed-exitcode` in a deployed stack's folder.
 * @returns code 0 when nothing would change, 2 when something would
 */
export function terraformPlan(outdir: string, stack: string, env: NodeJS.ProcessEnv): Promise<CommandResult> {
  return terraformIn(outdir, stack, ['plan', '-detailed-exitcode', '-input=false', '-no-color'], env, [0, 2]);
}

/**
 * `terraform apply -refresh-only` in a deployed stack's folder: reads every resource back from
 * AWS into the state, as any later plan or apply does, without changing anything.
 */
export function terraformRefresh(outdir: string, stack: string, env: NodeJS.ProcessEnv): Promise<CommandResult> {
  return terraformIn(outdir, stack, ['apply', '-refresh-only', '-auto-approve', '-input=false', '-no-color'], env);
}

/** `terraform show -json` of a deployed stack's state. */
export async function terraformShowJson(outdir: string, stack: string, env: NodeJS.ProcessEnv): Promise<string> {
  return (await terraformIn(outdir, stack, ['show', '-json', '-no-color'], env)).output;
}
