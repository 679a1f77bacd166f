/**
 * Deployed samples upgrade in place (issue 16): both stacks deployed to the emulator with real
 * Terraform as commit 59393f3 synthesized them (the fixture beside this file), the token
 * provisioned and both functions answering 200; then the current code synthesized over the same
 * state, and Terraform's saved plan must only move resources (`moved` blocks) and update them in
 * place: no create, no delete, no replace, which would lose the key that encrypts the token or
 * the parameter that holds it. Applied, both functions still answer 200 with the same token.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/project-root';
import type { StackName } from '../../stacks/methods';
import { localArtifact } from '../../tools/local/artifact';
import { LocalDeployment } from '../../tools/local/deployment';
import { type Emulator, requireMoto, startEmulator, stopEmulator } from '../../tools/local/emulator';
import { inheritedEnvironment } from '../../tools/local/isolation';
import { invokeObserved, type ObservedInvocation } from '../../tools/local/summary';
import { requireTerraform, stackDirectory } from '../../tools/local/terraform';
import { startUpstream, tokenDigest, type Upstream } from '../../tools/local/upstream';
import {
  cdktfSynth,
  classifyPlan,
  describeClassification,
  FIXTURE_COMMIT,
  FIXTURE_STACKS,
  fixtureStackFile,
  installableFixture,
  machinePaths,
  parseShownJson,
  terraform,
  terraformEnvironment,
  type PlanClassification,
} from '../support/upgrade';
import { allSettledOrThrow } from '../support/settled';

const TIMEOUT = 300_000;
const token = `upgrade-token-${randomBytes(24).toString('base64url')}`;
const PLAN_FILE = 'upgrade.tfplan';

describe('classifyPlan (the check the upgrade is held to)', () => {
  const change = (address: string, actions: string[], extra: Record<string, string> = {}) => ({
    address,
    change: { actions },
    ...extra,
  });

  it('accepts no-ops, in-place updates, moves and data source reads, and lists the moves', () => {
    const classified = classifyPlan({
      resource_changes: [
        change('aws_kms_key.key', ['no-op']),
        change('aws_lambda_function.fn', ['update']),
        change('aws_iam_role.new_role', ['no-op'], { previous_address: 'aws_iam_role.old_role' }),
        change('aws_iam_policy.new_policy', ['update'], { previous_address: 'aws_iam_policy.old_policy' }),
        change('data.aws_iam_policy_document.doc', ['read'], { mode: 'data' }),
      ],
    });
    expect(classified).toEqual({
      moves: ['aws_iam_role.old_role → aws_iam_role.new_role', 'aws_iam_policy.old_policy → aws_iam_policy.new_policy'],
      updates: ['aws_lambda_function.fn', 'aws_iam_policy.new_policy'],
      unchanged: ['aws_kms_key.key', 'aws_iam_role.new_role', 'data.aws_iam_policy_document.doc'],
      violations: [],
    });
  });

  it('reports a create, a delete, both replacements and a forget, with their actions', () => {
    const { violations } = classifyPlan({
      resource_changes: [
        change('aws_kms_key.new_key', ['create']),
        change('aws_kms_key.old_key', ['delete'], { action_reason: 'delete_because_no_resource_config' }),
        change('aws_ssm_parameter.token', ['delete', 'create'], { action_reason: 'replace_because_cannot_update' }),
        change('aws_lambda_function.fn', ['create', 'delete']),
        change('aws_iam_role.role', ['forget']),
        change('aws_kms_alias.alias', ['read']),
      ],
    });
    expect(violations).toEqual([
      'aws_kms_key.new_key: create',
      'aws_kms_key.old_key: delete (delete_because_no_resource_config)',
      'aws_ssm_parameter.token: delete, create (replace_because_cannot_update)',
      'aws_lambda_function.fn: create, delete',
      'aws_iam_role.role: forget',
      'aws_kms_alias.alias: read',
    ]);
  });

  it('reports a replaced resource even when it moved', () => {
    const classified = classifyPlan({
      resource_changes: [change('aws_kms_key.moved', ['delete', 'create'], { previous_address: 'aws_kms_key.old' })],
    });
    expect(classified.moves).toEqual(['aws_kms_key.old → aws_kms_key.moved']);
    expect(classified.violations).toEqual(['aws_kms_key.moved: delete, create']);
  });

  it('names the moves first in the message it gives', () => {
    const message = describeClassification('method1-sample', {
      moves: ['a.x → a.y'],
      updates: [],
      unchanged: [],
      violations: ['b.z: create'],
    });
    expect(message).toBe(
      'method1-sample: 1 move(s):\n    a.x → a.y\n  0 in-place update(s): none\n  1 create/delete/replace:\n    b.z: create',
    );
  });
});

describe(`the fixture: both stacks as ${FIXTURE_COMMIT} synthesized them`, () => {
  it('holds the stacks of the methods that commit had, each one', () => {
    expect(FIXTURE_STACKS).toEqual(['method1-sample', 'method2-sample']);
  });

  it.each(FIXTURE_STACKS)('%s names no folder of this machine', (stack) => {
    const text = readFileSync(fixtureStackFile(stack), 'utf8');
    expect(text).toContain('"aws_lambda_function"');
    expect(machinePaths(JSON.parse(text), [PROJECT_ROOT, tmpdir(), homedir()])).toEqual([]);
  });
});

describe(`an upgrade in place from ${FIXTURE_COMMIT}, on the emulator`, () => {
  let workDirectory: string;
  let emulator: Emulator | undefined;
  let upstream: Upstream;
  let deployment: LocalDeployment;
  let env: NodeJS.ProcessEnv;
  const before = new Map<StackName, ObservedInvocation>();
  const after = new Map<StackName, ObservedInvocation>();
  const plans = new Map<StackName, PlanClassification>();
  const fixtureAddresses = new Map<StackName, string[]>();
  /** How long each step of the set-up took, printed with the plan: the file must stay fast. */
  const timings: string[] = [];
  async function timed<T>(step: string, work: () => Promise<T>): Promise<T> {
    const start = performance.now();
    const result = await work();
    timings.push(`${step} ${((performance.now() - start) / 1000).toFixed(1)} s`);
    return result;
  }

  /** The current code synthesized into the deployment's cdktf.out, with the options LocalDeployment deploys. */
  const synthesizeCurrent = () =>
    cdktfSynth(PROJECT_ROOT, deployment.outdir, {
      region: deployment.options.region,
      targetUrl: upstream.url,
      packaging: deployment.options.packaging,
    });

  /** The current code's Terraform JSON of each stack, kept while the fixture's stands in its place. */
  const current = new Map<StackName, string>();

  /** The fixture stack in place of the current one, its function running the current build's zip. */
  function installFixture(stack: StackName): void {
    const directory = stackDirectory(deployment.outdir, stack);
    const bundle = relative(directory, localArtifact(deployment.outdir, stack));
    const fixture = readFileSync(fixtureStackFile(stack), 'utf8');
    fixtureAddresses.set(stack, resourceAddresses(fixture));
    current.set(stack, readFileSync(join(directory, 'cdk.tf.json'), 'utf8'));
    writeFileSync(join(directory, 'cdk.tf.json'), installableFixture(fixture, { bundle, targetUrl: upstream.url }));
  }

  /** The current code back in place of the fixture, as it was synthesized before (and a new synth would write). */
  function installCurrent(stack: StackName): void {
    writeFileSync(join(stackDirectory(deployment.outdir, stack), 'cdk.tf.json'), current.get(stack)!);
  }

  const invokeAll = async (into: Map<StackName, ObservedInvocation>) => {
    for (const stack of FIXTURE_STACKS) into.set(stack, await invokeObserved(deployment, upstream, stack));
  };

  beforeAll(async () => {
    // Missing tools fail the suite with what to install; these tests never skip.
    requireMoto();
    requireTerraform(inheritedEnvironment(process.env));
    workDirectory = mkdtempSync(join(tmpdir(), 'lambda-secrets-upgrade-'));
    emulator = await timed('emulator', () => startEmulator({ logFile: join(workDirectory, 'emulator.log') }));
    upstream = await startUpstream(tokenDigest(token));
    deployment = new LocalDeployment({
      directory: join(workDirectory, 'app'),
      endpoint: emulator.endpoint,
      targetUrl: upstream.url,
    });
    env = terraformEnvironment(deployment, token);

    // The earlier version, deployed: the current build's zips, then the fixture over each stack.
    await timed('synth', synthesizeCurrent);
    await timed('fixture init+apply', () =>
      allSettledOrThrow(
        FIXTURE_STACKS.map(async (stack) => {
          installFixture(stack);
          await terraform(deployment, stack, ['init', '-input=false'], env);
          await terraform(deployment, stack, ['apply', '-auto-approve', '-input=false'], env);
        }),
      ),
    );
    await timed('secret set', async () => {
      for (const stack of deployment.outOfBandStacks().filter((name) => FIXTURE_STACKS.includes(name)))
        await deployment.secret('set', stack, token);
    });
    await timed('invoke', () => invokeAll(before));

    // This version, synthesized once at the start, over the same state: plan, check, apply that very plan.
    await timed('init+plan+show', () =>
      allSettledOrThrow(
        FIXTURE_STACKS.map(async (stack) => {
          installCurrent(stack);
          await terraform(deployment, stack, ['init', '-input=false'], env);
          await terraform(deployment, stack, ['plan', '-input=false', `-out=${PLAN_FILE}`], env);
          const shown = await terraform(deployment, stack, ['show', '-json', PLAN_FILE], env);
          plans.set(stack, classifyPlan(parseShownJson(shown.output)));
        }),
      ),
    );
    const report = FIXTURE_STACKS.map((stack) => describeClassification(stack, plans.get(stack)!)).join('\n');
    console.info(`The upgrade from ${FIXTURE_COMMIT}'s stacks plans:\n${report}`);
    if (FIXTURE_STACKS.every((stack) => plans.get(stack)?.violations.length === 0)) {
      await timed('apply plan', () =>
        allSettledOrThrow(
          FIXTURE_STACKS.map((stack) => terraform(deployment, stack, ['apply', '-input=false', PLAN_FILE], env)),
        ),
      );
      await timed('invoke', () => invokeAll(after));
    }
    console.info(`upgrade.test.ts set-up: ${timings.join(', ')}`);
  }, TIMEOUT);

  afterAll(async () => {
    await upstream?.close();
    if (emulator) await stopEmulator(emulator.pid);
    if (workDirectory) rmSync(workDirectory, { recursive: true, force: true });
  });

  it.each(FIXTURE_STACKS)('%s, as deployed from the fixture, answers 200 with the provisioned token', (stack) => {
    expect(before.get(stack)).toMatchObject({ statusCode: 200, body: 'Succeeded', upstreamSawToken: true });
  });

  it.each(FIXTURE_STACKS)('%s: the plan moves and updates in place only, no create, delete or replace', (stack) => {
    const plan = plans.get(stack)!;
    // The message lists the moves (and updates), so the refactor's `moved` blocks can be read off it.
    expect(plan.violations, describeClassification(stack, plan)).toEqual([]);
    expect(plan.unchanged.length + plan.updates.length, describeClassification(stack, plan)).toBeGreaterThan(0);
  });

  it.each(FIXTURE_STACKS)("%s: every resource of the fixture's is accounted for in the plan, moved or not", (stack) => {
    const plan = plans.get(stack)!;
    const planned = new Set([...plan.unchanged, ...plan.updates]);
    const movedFrom = new Set(plan.moves.map((move) => move.split(' → ')[0]));
    const missing = (fixtureAddresses.get(stack) ?? []).filter(
      (address) => !planned.has(address) && !movedFrom.has(address),
    );
    expect(missing, describeClassification(stack, plan)).toEqual([]);
  });

  it.each(FIXTURE_STACKS)('%s, upgraded, still answers 200 with the same token', (stack) => {
    expect(after.get(stack)).toMatchObject({ statusCode: 200, body: 'Succeeded', upstreamSawToken: true });
  });
});

/** The managed resource addresses a stack's Terraform JSON declares. */
function resourceAddresses(json: string): string[] {
  const { resource = {} } = JSON.parse(json) as { resource?: Record<string, Record<string, unknown>> };
  return Object.entries(resource).flatMap(([type, named]) => Object.keys(named).map((name) => `${type}.${name}`));
}
