/**
 * `npm run smoke` against the emulator, through the same orchestration as on AWS (runSmoke): the
 * stand-in stack and both sample stacks in a fresh smoke stage, deployed with real Terraform,
 * the tokens delivered, both functions called, all three stacks destroyed. What differs on the
 * emulator (tools/smoke/run.ts says it in full): the functions call the local upstream and run
 * in the local runner, and the concurrency is unknown.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STACK_NAMES, stagedStackName } from '../../stacks/methods';
import { requireMoto, startEmulator, stopEmulator, type Emulator } from '../../tools/local/emulator';
import { inheritedEnvironment } from '../../tools/local/isolation';
import { requireTerraform } from '../../tools/local/terraform';
import { EMULATOR_HAS_NO_ACCOUNT_SETTINGS } from '../../tools/smoke/account';
import { runSmoke, type SmokeResult } from '../../tools/smoke/run';
import { upstreamStackName } from '../../tools/smoke/upstream-stack';
import { EMPTY_INVENTORY, inventory, type Inventory } from '../support/inventory';

const TIMEOUT = 300_000;
const token = `smoke-e2e-${randomBytes(24).toString('base64url')}`;
let workDirectory: string;
let emulator: Emulator | undefined;
let result: SmokeResult;
let printed = '';
let left: Inventory;

beforeAll(async () => {
  // Missing tools fail the suite with what to install; these tests never skip.
  requireMoto();
  requireTerraform(inheritedEnvironment(process.env));
  workDirectory = mkdtempSync(join(tmpdir(), 'lambda-secrets-smoke-'));
  emulator = await startEmulator({ logFile: join(workDirectory, 'emulator.log') });
  result = await runSmoke({
    env: { ...process.env, AWS_ENDPOINT_URL: emulator.endpoint },
    print: (text) => {
      printed += text;
    },
    directory: join(workDirectory, 'smoke'),
    createToken: () => token,
  });
  left = await inventory(emulator.endpoint, result.region);
}, TIMEOUT);

afterAll(async () => {
  if (emulator) await stopEmulator(emulator.pid);
  if (workDirectory) rmSync(workDirectory, { recursive: true, force: true });
});

describe('npm run smoke on the emulator', () => {
  it('reports who and where before it deploys, and the concurrency as unknown there', () => {
    const report = printed.indexOf('  identity     arn:aws:');
    expect(report).toBeGreaterThan(0);
    expect(report).toBeLessThan(printed.indexOf('▶ Deploy'));
    expect(printed).toContain(`  region       ${result.region} (the stacks' region option)`);
    expect(printed).toContain(`  concurrency  unknown: ${EMULATOR_HAS_NO_ACCOUNT_SETTINGS}`);
  });

  it('deploys in a fresh stage, and the upstream refuses another token', () => {
    expect(result.stage).toMatch(/^smoke[a-z]{5}$/);
    expect(printed).toContain(`✓ Deploy the stand-in upstream ${upstreamStackName(result.stage)}`);
    expect(printed).toContain('✓ The upstream refuses another token (401)');
    // Method 1's token went through the secret CLI, which took the stacks' region as --region.
    expect(printed).toContain('✓ Provision the out-of-band tokens (npm run secret -- set <stack> --region <region>');
  });

  it('passes every stack: each answered 200, and the upstream received exactly the token', () => {
    expect(result.verdicts).toEqual(
      STACK_NAMES.map((stack) =>
        expect.objectContaining({ stack: stagedStackName(stack, result.stage), passed: true, statusCode: 200 }),
      ),
    );
    for (const stack of STACK_NAMES) {
      expect(printed).toMatch(new RegExp(`^  PASS  ${stagedStackName(stack, result.stage)} +200 Succeeded`, 'm'));
    }
    expect(printed).toContain(`PASSED: ${STACK_NAMES.length} of ${STACK_NAMES.length} stacks, all destroyed.`);
    expect(result.passed).toBe(true);
  });

  it('destroys every stack, the stand-in too: no function, role, policy, parameter, secret, log group or enabled key is left', () => {
    expect(result.destroyed).toBe(true);
    expect(left).toEqual(EMPTY_INVENTORY);
    expect(existsSync(result.directory)).toBe(false);
  });

  it('prints the token nowhere, and no child (cdktf, Terraform, the secret CLI) printed it either', () => {
    expect(printed).not.toContain(token);
    expect(result.childOutput.length).toBeGreaterThanOrEqual(5);
    expect(result.childOutput.filter((output) => output.includes(token))).toEqual([]);
  });
});
