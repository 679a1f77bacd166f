/** Terraform and cdktf as the local run drives them: version check, provider mirror, deploy, plan, refresh, show. */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { MissingToolError } from '../common/errors';
import { projectBinary, run, type CommandResult } from '../common/run-command';

const TERRAFORM_INSTALL = 'install Terraform >= 1.11 (https://developer.hashicorp.com/terraform/install)';

/** @throws MissingToolError when `terraform` is absent or older than 1.11 (write-only attributes) */
export function requireTerraform(): void {
  const probe = spawnSync('terraform', ['version', '-json'], { encoding: 'utf8' });
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

/** `cdktf deploy` of the given stacks, non-interactive, synthesizing into `outdir`. */
export function cdktfDeploy(stacks: readonly string[], outdir: string, env: NodeJS.ProcessEnv): Promise<CommandResult> {
  return run(
    projectBinary('cdktf'),
    ['deploy', ...stacks, '--auto-approve', '--skip-provider-lock', '--no-color', '--output', outdir],
    { env },
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
    { env },
  );
}

/** The folder in which cdktf runs Terraform for `stack`. */
export function stackDirectory(outdir: string, stack: string): string {
  return join(outdir, 'stacks', stack);
}

/**
 * `terraform plan -detailed-exitcode` in a deployed stack's folder.
 * @returns code 0 when nothing would change, 2 when something would
 */
export function terraformPlan(outdir: string, stack: string, env: NodeJS.ProcessEnv): Promise<CommandResult> {
  return run('terraform', ['plan', '-detailed-exitcode', '-input=false', '-no-color'], {
    cwd: stackDirectory(outdir, stack),
    env,
    allowedCodes: [0, 2],
  });
}

/**
 * `terraform apply -refresh-only` in a deployed stack's folder: reads every resource back from
 * AWS into the state, as any later plan or apply does, without changing anything.
 */
export function terraformRefresh(outdir: string, stack: string, env: NodeJS.ProcessEnv): Promise<CommandResult> {
  return run('terraform', ['apply', '-refresh-only', '-auto-approve', '-input=false', '-no-color'], {
    cwd: stackDirectory(outdir, stack),
    env,
  });
}

/** `terraform show -json` of a deployed stack's state. */
export async function terraformShowJson(outdir: string, stack: string, env: NodeJS.ProcessEnv): Promise<string> {
  return (await run('terraform', ['show', '-json', '-no-color'], { cwd: stackDirectory(outdir, stack), env })).output;
}
