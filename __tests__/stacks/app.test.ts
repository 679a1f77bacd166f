import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdktf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseOptions } from '../../lib/config';
import { PROJECT_ROOT } from '../../lib/nodejs-bundle';
import { STACK_NAMES } from '../../lib/stack-names';
import { Method1SampleStack } from '../../stacks/method1-sample';
import { Method2SampleStack } from '../../stacks/method2-sample';

function synthApp(outdir: string): void {
  const app = new App({ outdir });
  const options = parseOptions({ packaging: 'asset' });
  new Method1SampleStack(app, options);
  new Method2SampleStack(app, options);
  app.synth();
}

function read(outdir: string, stack: string): any {
  return JSON.parse(readFileSync(join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
}

describe('full synthesis of both stacks', () => {
  let first: string;
  let second: string;

  const originalTmpdir = process.env.TMPDIR;

  // Each synth bundles into its own fresh temp dir, more than the zip format's 2-second time
  // resolution apart, as two machines or two days would.
  beforeAll(async () => {
    first = mkdtempSync(join(tmpdir(), 'synth-a-'));
    second = mkdtempSync(join(tmpdir(), 'synth-b-'));
    process.env.TMPDIR = first;
    synthApp(first);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    process.env.TMPDIR = second;
    synthApp(second);
  });

  afterAll(() => {
    process.env.TMPDIR = originalTmpdir;
    rmSync(first, { recursive: true, force: true });
    rmSync(second, { recursive: true, force: true });
  });

  it('writes exactly the stacks the tools know by name', () => {
    expect(readdirSync(join(first, 'stacks')).sort()).toEqual([...STACK_NAMES].sort());
  });

  it('keeps each stack state beside cdktf.json with a relative local backend path', () => {
    expect(read(first, 'method1-sample').terraform.backend).toEqual({
      local: { path: '../../../terraform.method1-sample.tfstate' },
    });
    expect(read(first, 'method2-sample').terraform.backend.local.path).toBe('../../../terraform.method2-sample.tfstate');
  });

  it('writes no absolute path of this machine into any stack', () => {
    for (const stack of STACK_NAMES) {
      const text = JSON.stringify(read(first, stack));
      expect(text).not.toContain(PROJECT_ROOT);
      expect(text).not.toContain(first);
    }
  });

  it('produces byte-identical zips on every synth, so a fresh synth shows no code diff', () => {
    for (const stack of STACK_NAMES) {
      const zip = read(first, stack).resource.aws_lambda_function;
      const filename = (Object.values(zip)[0] as any).filename as string;
      const a = readFileSync(join(first, 'stacks', stack, filename));
      const b = readFileSync(join(second, 'stacks', stack, filename));
      expect(a.length).toBeGreaterThan(0);
      expect(a.equals(b)).toBe(true);
    }
  });
});
