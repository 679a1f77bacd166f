import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdktf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseOptions } from '../../stacks/config';
import { PROJECT_ROOT } from '../../lib/project-root';
import { STACK_NAMES } from '../../stacks/methods';
import { addSampleStacks } from '../../stacks';

function synthApp(outdir: string): void {
  const app = new App({ outdir });
  addSampleStacks(app, parseOptions({ packaging: 'asset' }));
  app.synth();
}

function read(outdir: string, stack: string): any {
  return JSON.parse(readFileSync(join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
}

describe('full synthesis of both stacks', () => {
  let first: string;
  let second: string;

  // Two synths into their own output folders, more than the zip format's 2-second time
  // resolution apart, as two machines or two days would be: file times must not reach the zip.
  beforeAll(async () => {
    first = mkdtempSync(join(tmpdir(), 'synth-a-'));
    second = mkdtempSync(join(tmpdir(), 'synth-b-'));
    synthApp(first);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    synthApp(second);
  });

  afterAll(() => {
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
    expect(read(first, 'method2-sample').terraform.backend.local.path).toBe(
      '../../../terraform.method2-sample.tfstate',
    );
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
