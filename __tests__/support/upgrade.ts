/**
 * An upgrade in place, as a user with deployed samples meets it: the stacks as an earlier commit
 * synthesized them (a fixture), deployed, then this version synthesized over the same state.
 * Here: making that fixture from a commit, installing it into a deployment's cdktf.out, running
 * Terraform on it, and classifying the plan of the upgrade (`terraform show -json` of a saved plan).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { PROJECT_ROOT } from '../../lib/project-root';
import { optionEnvName, type SampleOptions } from '../../stacks/config';
import { STACK_NAMES, type StackName } from '../../stacks/methods';
import { run, type CommandResult } from '../../tools/common/run-command';
import type { LocalDeployment } from '../../tools/local/deployment';
import { inheritedEnvironment } from '../../tools/local/isolation';
import {
  APPLY_TIMEOUT_MS,
  READ_TIMEOUT_MS,
  stackDirectory,
  withTerraformGc,
  writeTerraformCliConfig,
} from '../../tools/local/terraform';

/** The commit whose synthesized stacks the upgrade starts from: the base of the construct refactor (issue 16). */
export const FIXTURE_COMMIT = '59393f3';
/** Where the fixture lives: `<stack>/cdk.tf.json` for each stack, and a README.md telling how it was made. */
export const FIXTURE_DIRECTORY = join(PROJECT_ROOT, '__tests__', 'e2e', 'fixtures', `upgrade-from-${FIXTURE_COMMIT}`);
/**
 * The options the fixture was synthesized with, besides the defaults: Terraform can install only
 * the AWS provider on machines without registry access, so no archive_file (as every local run).
 */
/**
 * The stacks the fixture holds: the methods of {@link FIXTURE_COMMIT}. A method added since is a
 * new stack for a deployed sample, created beside the others, not upgraded.
 */
export const FIXTURE_STACKS: readonly StackName[] = STACK_NAMES.filter((stack) => existsSync(fixtureStackFile(stack)));

export const FIXTURE_OPTIONS: Readonly<Partial<Record<keyof SampleOptions, string>>> = { packaging: 'asset' };

/** Milliseconds a synthesis of both stacks may take: esbuild bundles both handlers. */
const SYNTH_TIMEOUT_MS = 5 * 60_000;

/** The fixture's Terraform JSON of a stack. */
export function fixtureStackFile(stack: string, directory = FIXTURE_DIRECTORY): string {
  return join(directory, stack, 'cdk.tf.json');
}

/** `cdktf synth` of the app in `cwd` into `outdir`, with the given option values (all else: defaults). */
export function cdktfSynth(
  cwd: string,
  outdir: string,
  options: Readonly<Partial<Record<keyof SampleOptions, string>>>,
): Promise<CommandResult> {
  const env = {
    ...inheritedEnvironment(process.env),
    ...Object.fromEntries(
      Object.entries(options).map(([key, value]) => [optionEnvName(key as keyof SampleOptions), value]),
    ),
    CHECKPOINT_DISABLE: '1',
  };
  return run(join(cwd, 'node_modules', '.bin', 'cdktf'), ['synth', '--no-color', '--output', outdir], {
    cwd,
    env,
    timeoutMs: SYNTH_TIMEOUT_MS,
  });
}

/**
 * Makes the fixture: a git worktree of `commit` in a scratch folder (sharing this checkout's
 * node_modules), `cdktf synth` there with {@link FIXTURE_OPTIONS}, and each stack's cdk.tf.json
 * written to `destination`, formatted as Prettier formats the project's JSON. It is
 * deterministic: the stacks hold no absolute path and no time, and the bundle's asset path is a
 * hash of its (reproducible) content. Fails when a synthesized stack names the scratch folder
 * or any absolute path.
 * @returns the stacks written
 */
export async function generateFixture(commit = FIXTURE_COMMIT, destination = FIXTURE_DIRECTORY): Promise<string[]> {
  const scratch = mkdtempSync(join(tmpdir(), 'lambda-secrets-upgrade-fixture-'));
  const worktree = join(scratch, 'worktree');
  const git = (...args: string[]) => execFileSync('git', args, { cwd: PROJECT_ROOT, stdio: 'pipe' });
  git('worktree', 'add', '--detach', worktree, commit);
  try {
    symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(worktree, 'node_modules'));
    const outdir = join(scratch, 'cdktf.out');
    await cdktfSynth(worktree, outdir, FIXTURE_OPTIONS);
    const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as {
      stacks: Record<string, { synthesizedStackPath: string }>;
    };
    const prettier = await resolveConfig(join(destination, 'x.json'));
    const stacks = Object.keys(manifest.stacks).sort();
    for (const stack of stacks) {
      const text = readFileSync(join(outdir, manifest.stacks[stack].synthesizedStackPath), 'utf8');
      const paths = machinePaths(JSON.parse(text), [scratch, PROJECT_ROOT, tmpdir(), homedir()]);
      if (paths.length > 0) throw new Error(`${stack} as ${commit} synthesized it names ${paths.join(', ')}`);
      const file = fixtureStackFile(stack, destination);
      mkdirSync(join(file, '..'), { recursive: true });
      writeFileSync(file, await format(text, { ...prettier, parser: 'json' }));
    }
    return stacks;
  } finally {
    git('worktree', 'remove', '--force', worktree);
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * The strings of a JSON value that name one of this machine's `folders`. (Absolute paths as such
 * are fine: a log group is named `/aws/lambda/<function>`.)
 */
export function machinePaths(value: unknown, folders: readonly string[]): string[] {
  // A folder as short as "/" (a HOME in some containers) would match every absolute string.
  const named = folders.filter((folder) => folder.length > 1);
  if (typeof value === 'string') return named.some((folder) => value.includes(folder)) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap((item) => machinePaths(item, folders));
  if (value && typeof value === 'object') return Object.values(value).flatMap((item) => machinePaths(item, folders));
  return [];
}

/** What a fixture stack must be given to run on this machine. */
export interface FixtureInstallation {
  /** The function's zip, relative to the stack's folder: a bundle that exists (this build's). */
  readonly bundle: string;
  /** The functions' target: the local upstream. */
  readonly targetUrl: string;
}

/**
 * A fixture stack's Terraform JSON made runnable: the function's `filename` and
 * `source_code_hash` point at `bundle` (the earlier build's zip is not kept; a code change is an
 * in-place update anyway), and its `TARGET_URL` at the local upstream (the fixture keeps the
 * default). Nothing else changes: addresses, names, policies and the backend stay as synthesized.
 * @throws Error when the stack has no function to rewrite
 */
export function installableFixture(fixtureJson: string, { bundle, targetUrl }: FixtureInstallation): string {
  const json = JSON.parse(fixtureJson) as {
    resource?: { aws_lambda_function?: Record<string, Record<string, any>> };
  };
  const functions = Object.values(json.resource?.aws_lambda_function ?? {});
  if (functions.length === 0) throw new Error('the fixture stack has no aws_lambda_function');
  for (const fn of functions) {
    fn.filename = bundle;
    fn.source_code_hash = `\${filebase64sha256(${JSON.stringify(bundle)})}`;
    const variables = fn.environment?.variables as Record<string, string> | undefined;
    if (!variables?.TARGET_URL) throw new Error('the fixture function has no TARGET_URL');
    variables.TARGET_URL = targetUrl;
  }
  return `${JSON.stringify(json, null, 2)}\n`;
}

/**
 * The environment of the Terraform runs on a local deployment's stacks, as `LocalDeployment`
 * gives its own: the caller's shell less AWS, Terraform and option variables, the emulator's
 * endpoint and credentials, the machine's provider mirror, and the token in TF_VAR_api_token only.
 */
export function terraformEnvironment(deployment: LocalDeployment, apiToken: string): NodeJS.ProcessEnv {
  const cliConfig = writeTerraformCliConfig(join(deployment.settings.directory, 'terraform.rc'));
  return withTerraformGc({
    ...inheritedEnvironment(process.env),
    ...deployment.awsEnvironment,
    ...(cliConfig ? { TF_CLI_CONFIG_FILE: cliConfig } : {}),
    TF_IN_AUTOMATION: '1',
    CHECKPOINT_DISABLE: '1',
    TF_VAR_api_token: apiToken,
  });
}

/** Terraform in a stack's folder of `deployment`; applies get the longer time limit. */
export function terraform(
  deployment: LocalDeployment,
  stack: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<CommandResult> {
  return run('terraform', [...args, '-no-color'], {
    cwd: stackDirectory(deployment.outdir, stack),
    env,
    timeoutMs: args[0] === 'apply' ? APPLY_TIMEOUT_MS : READ_TIMEOUT_MS,
    onTimeout: `check that the emulator at ${deployment.settings.endpoint} answers`,
  });
}

/** `terraform show -json <plan>`'s answer, parsed: its one JSON line, whatever else was printed. */
export function parseShownJson(output: string): PlanJson {
  const line = output.split('\n').find((candidate) => candidate.startsWith('{'));
  if (!line) throw new Error(`terraform show -json printed no JSON:\n${output}`);
  return JSON.parse(line) as PlanJson;
}

/** The part of `terraform show -json <plan>` that says what the plan does to each resource. */
export interface PlanJson {
  readonly resource_changes?: readonly {
    readonly address: string;
    readonly previous_address?: string;
    readonly mode?: string;
    readonly change: { readonly actions: readonly string[] };
    readonly action_reason?: string;
  }[];
}

/** A plan, classified for an upgrade in place. */
export interface PlanClassification {
  /** Resources the plan moves to a new address: `from → to`. */
  readonly moves: string[];
  /** Resources updated in place (moved or not). */
  readonly updates: string[];
  /** Resources the plan leaves alone (moved or not). */
  readonly unchanged: string[];
  /** Everything an upgrade in place must not do: create, delete, replace, forget: `address: actions`. */
  readonly violations: string[];
}

/**
 * Classifies every resource change of a plan: a no-op, an in-place update and a move are what an
 * upgrade in place may do (and a data source read, which changes nothing); anything else (create,
 * delete, delete-then-create or create-then-delete, forget) is a violation, named with its actions.
 */
export function classifyPlan(plan: PlanJson): PlanClassification {
  const moves: string[] = [];
  const updates: string[] = [];
  const unchanged: string[] = [];
  const violations: string[] = [];
  for (const change of plan.resource_changes ?? []) {
    const actions = change.change.actions;
    if (change.previous_address && change.previous_address !== change.address) {
      moves.push(`${change.previous_address} → ${change.address}`);
    }
    const only = actions.length === 1 ? actions[0] : undefined;
    if (only === 'no-op') unchanged.push(change.address);
    else if (only === 'update') updates.push(change.address);
    else if (only === 'read' && change.mode === 'data') unchanged.push(change.address);
    else {
      const reason = change.action_reason ? ` (${change.action_reason})` : '';
      violations.push(`${change.address}: ${actions.join(', ') || 'no action'}${reason}`);
    }
  }
  return { moves, updates, unchanged, violations };
}

/** A classification as lines for an assertion message: the moves first, so a reader sees them. */
export function describeClassification(stack: string, { moves, updates, violations }: PlanClassification): string {
  const list = (items: readonly string[]) =>
    items.length > 0 ? items.map((item) => `\n    ${item}`).join('') : ' none';
  return [
    `${stack}: ${moves.length} move(s):${list(moves)}`,
    `  ${updates.length} in-place update(s):${list(updates)}`,
    `  ${violations.length} create/delete/replace:${list(violations)}`,
  ].join('\n');
}
