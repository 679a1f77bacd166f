/**
 * The HCL exit from cdktf, as the README's "Leave cdktf: the HCL" tells a user to take it:
 * `npm run synth:hcl` with asset packaging, each stack's `cdk.tf` and `assets/` copied into a
 * Terraform folder of its own, `terraform init` (against the machine's provider mirror when it
 * has one) and `terraform validate`. The control: cdktf's HCL before `synth:hcl` rewrites its
 * references, validated in the same folders, draws the warning the rewrite removes.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { optionEnvName } from '../../stacks/config';
import { STACK_NAMES, type StackName } from '../../stacks/methods';
import { PROJECT_ROOT } from '../../lib/project-root';
import { run } from '../../tools/common/run-command';
import { inheritedEnvironment } from '../../tools/local/isolation';
import {
  READ_TIMEOUT_MS,
  requireTerraform,
  withTerraformGc,
  writeTerraformCliConfig,
} from '../../tools/local/terraform';
import { synthStack } from '../support/synth';

/** Where `npm run synth:hcl` writes, as its command line names it. */
const SCRIPT_OUTPUT = 'cdktf.out.hcl';
/** Synthesis bundles both handlers; on 2 busy cores that can take a while. */
const SYNTH_TIMEOUT_MS = 5 * 60_000;

/** What `terraform validate -json` reports. */
interface Validation {
  readonly valid: boolean;
  readonly error_count: number;
  readonly warning_count: number;
  readonly diagnostics: readonly { readonly severity: string; readonly summary: string }[];
}

let scratch: string;
const rawHcl = new Map<StackName, string>();
const exitedHcl = new Map<StackName, string>();
const validations = new Map<StackName, Validation>();
/** The control's stack: its HCL has both lists cdktf quotes, `depends_on` and `ignore_changes`. */
const CONTROL_STACK: StackName = 'method1-sample';
let rawValidation: Validation | undefined;

/**
 * The commands of `npm run synth:hcl`, writing to `outdir` instead of the project's folder: the
 * test runs exactly what the script runs, so the two cannot drift apart.
 */
function synthHclCommands(outdir: string): string[] {
  const script = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as Record<string, any>).scripts[
    'synth:hcl'
  ] as string;
  return script.split(' && ').map((command) => command.replaceAll(SCRIPT_OUTPUT, `'${outdir}'`));
}

/** The addresses a Terraform configuration declares: resources, data sources, variables, outputs. */
function hclAddresses(hcl: string): string[] {
  return [...hcl.matchAll(/^(resource|data) "([^"]+)" "([^"]+)"|^(variable|output) "([^"]+)"/gm)]
    .map(([, kind, type, name, block, blockName]) =>
      kind ? `${kind === 'data' ? 'data.' : ''}${type}.${name}` : `${block}.${blockName}`,
    )
    .sort();
}

/** The same addresses in Terraform JSON. */
function jsonAddresses(json: Record<string, Record<string, Record<string, unknown>> | undefined>): string[] {
  const typed = (kind: 'resource' | 'data', prefix: string) =>
    Object.entries(json[kind] ?? {}).flatMap(([type, named]) =>
      Object.keys(named).map((name) => `${prefix}${type}.${name}`),
    );
  const named = (kind: 'variable' | 'output') => Object.keys(json[kind] ?? {}).map((name) => `${kind}.${name}`);
  return [...typed('resource', ''), ...typed('data', 'data.'), ...named('variable'), ...named('output')].sort();
}

async function validate(directory: string, env: NodeJS.ProcessEnv): Promise<Validation> {
  const { output } = await run('terraform', ['validate', '-json', '-no-color'], {
    cwd: directory,
    env,
    timeoutMs: READ_TIMEOUT_MS,
    allowedCodes: [0, 1],
  });
  return JSON.parse(output) as Validation;
}

beforeAll(async () => {
  // A missing Terraform fails the suite with what to install; this test never skips.
  const shell = inheritedEnvironment(process.env);
  requireTerraform(shell);
  scratch = mkdtempSync(join(tmpdir(), 'lambda-secrets-hcl-'));
  const outdir = join(scratch, SCRIPT_OUTPUT);
  const [synth, ...rewrites] = synthHclCommands(outdir);
  const scriptEnv = {
    ...shell,
    PATH: `${join(PROJECT_ROOT, 'node_modules', '.bin')}:${shell.PATH ?? ''}`,
    // Terraform can install only the AWS provider on machines without registry access: no archive_file.
    [optionEnvName('packaging')]: 'asset',
    CHECKPOINT_DISABLE: '1',
  };
  await run('sh', ['-c', synth], { env: scriptEnv, timeoutMs: SYNTH_TIMEOUT_MS });
  for (const stack of STACK_NAMES) rawHcl.set(stack, readFileSync(join(outdir, 'stacks', stack, 'cdk.tf'), 'utf8'));
  for (const rewrite of rewrites) await run('sh', ['-c', rewrite], { env: scriptEnv, timeoutMs: SYNTH_TIMEOUT_MS });

  const cliConfig = writeTerraformCliConfig(join(scratch, 'terraform.rc'));
  const terraformEnv = withTerraformGc({
    ...shell,
    ...(cliConfig ? { TF_CLI_CONFIG_FILE: cliConfig } : {}),
    TF_IN_AUTOMATION: '1',
    CHECKPOINT_DISABLE: '1',
  });
  // Each stack in its own folder: Terraform runs in both at once.
  await Promise.all(STACK_NAMES.map((stack) => leaveCdktf(stack, outdir, terraformEnv)));
}, 600_000);

/**
 * Takes a stack out of cdktf as the README says (its cdk.tf and its assets, nothing else), then
 * initializes and validates it; for the control, validates cdktf's own HCL in the same folder.
 */
async function leaveCdktf(stack: StackName, outdir: string, terraformEnv: NodeJS.ProcessEnv): Promise<void> {
  const synthesized = join(outdir, 'stacks', stack);
  const directory = join(scratch, 'terraform', stack);
  cpSync(join(synthesized, 'cdk.tf'), join(directory, 'cdk.tf'));
  cpSync(join(synthesized, 'assets'), join(directory, 'assets'), { recursive: true });
  exitedHcl.set(stack, readFileSync(join(directory, 'cdk.tf'), 'utf8'));
  await run('terraform', ['init', '-input=false', '-no-color'], {
    cwd: directory,
    env: terraformEnv,
    timeoutMs: READ_TIMEOUT_MS,
  });
  validations.set(stack, await validate(directory, terraformEnv));
  if (stack !== CONTROL_STACK) return;
  writeFileSync(join(directory, 'cdk.tf'), rawHcl.get(stack) ?? '');
  rawValidation = await validate(directory, terraformEnv);
}

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('the HCL of npm run synth:hcl, taken out of cdktf', () => {
  it.each(STACK_NAMES)('%s: terraform validate finds it valid', (stack) => {
    expect(validations.get(stack)).toMatchObject({ valid: true, error_count: 0 });
  });

  it.each(STACK_NAMES)('%s: terraform validate warns about nothing', (stack) => {
    expect(validations.get(stack)?.diagnostics).toEqual([]);
  });

  it.each(STACK_NAMES)('%s: depends_on lists references, not strings', (stack) => {
    expect(exitedHcl.get(stack)).toMatch(/^ {2}depends_on = \[\n {4}aws_cloudwatch_log_group\.[\w-]+,$/m);
  });

  it.each(STACK_NAMES)('%s: requires the Terraform version the stacks need', (stack) => {
    expect(exitedHcl.get(stack)).toMatch(/^ {2}required_version = ">= 1\.11"$/m);
  });

  it.each(STACK_NAMES)(
    '%s: declares what cdktf deploys, under the same addresses, so its state carries over',
    (stack) => {
      const { json } = synthStack(stack, { packaging: 'asset' });
      expect(hclAddresses(exitedHcl.get(stack) ?? '')).toEqual(jsonAddresses(json as any));
    },
  );
});

describe("cdktf's own HCL (the control)", () => {
  it(`${CONTROL_STACK}: writes required_version by its index, which Terraform refuses`, () => {
    expect(rawHcl.get(CONTROL_STACK)).toMatch(/^ {2}0 = "required_version"$/m);
    expect(rawValidation?.diagnostics.map((diagnostic) => diagnostic.summary)).toContain(
      'Argument or block definition required',
    );
  });

  it(`${CONTROL_STACK}: quotes its references, and terraform validate warns about them`, () => {
    expect(rawHcl.get(CONTROL_STACK)).toContain('    "aws_cloudwatch_log_group.');
    expect(rawValidation?.diagnostics.map((diagnostic) => diagnostic.summary)).toContain(
      'Quoted references are deprecated',
    );
  });
});
