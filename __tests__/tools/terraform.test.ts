import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stackDirectory, TERRAFORM_GOGC, terraformShowJson, withTerraformGc } from '../../tools/local/terraform';

describe('withTerraformGc', () => {
  it("sets Go's garbage-collection target when the environment has none", () => {
    expect(withTerraformGc({ PATH: '/bin' })).toEqual({ PATH: '/bin', GOGC: TERRAFORM_GOGC });
  });

  it("keeps the user's own GOGC", () => {
    expect(withTerraformGc({ GOGC: 'off' }).GOGC).toBe('off');
  });

  it('leaves the given environment as it was', () => {
    const env = { PATH: '/bin' };
    withTerraformGc(env);
    expect(env).toEqual({ PATH: '/bin' });
  });
});

describe('Terraform as the tools run it', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'terraform-env-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('runs with the garbage-collection target', async () => {
    const bin = join(scratch, 'bin');
    mkdirSync(bin);
    // A terraform that prints the target it was given, in place of the real one.
    writeFileSync(join(bin, 'terraform'), '#!/bin/sh\necho "GOGC=$GOGC"\n');
    chmodSync(join(bin, 'terraform'), 0o755);
    mkdirSync(stackDirectory(scratch, 'method1-sample'), { recursive: true });
    await expect(terraformShowJson(scratch, 'method1-sample', { PATH: bin })).resolves.toBe(`GOGC=${TERRAFORM_GOGC}\n`);
  });
});
