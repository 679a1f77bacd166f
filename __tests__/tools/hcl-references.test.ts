/** The rewrite that `npm run synth:hcl` applies to cdktf's HCL: quoted references made references. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  NotAReferenceError,
  unquoteReferences,
  unquoteReferencesIn,
  UnreadableSynthOutputError,
} from '../../tools/exit/hcl';

/** A resource as cdktf's HCL renders it, with the lists it quotes. */
const CDKTF_HCL = `resource "aws_lambda_function" "function_679B3B5A" {
  function_name = "method1-sample"
  role          = "\${aws_iam_role.function_role_2E3FB14F.arn}"
  depends_on = [
    "aws_cloudwatch_log_group.function_log-group_80261432",
    "aws_iam_role_policy_attachment.function_policy-attachment_F06598BE",
  ]
  lifecycle {
    ignore_changes = [
      "environment[0].variables[\\"ENCRYPTED_API_TOKEN\\"]",
    ]
  }
}
`;

describe('unquoteReferences', () => {
  it('writes the items of depends_on as references', () => {
    expect(unquoteReferences(CDKTF_HCL, 'cdk.tf')).toContain(`  depends_on = [
    aws_cloudwatch_log_group.function_log-group_80261432,
    aws_iam_role_policy_attachment.function_policy-attachment_F06598BE,
  ]`);
  });

  it('writes an ignore_changes item with an index and a string key as a reference, its quotes unescaped', () => {
    expect(unquoteReferences(CDKTF_HCL, 'cdk.tf')).toContain(`    ignore_changes = [
      environment[0].variables["ENCRYPTED_API_TOKEN"],
    ]`);
  });

  it('leaves every other string as it was', () => {
    const rewritten = unquoteReferences(CDKTF_HCL, 'cdk.tf');
    expect(rewritten).toContain('  function_name = "method1-sample"\n');
    expect(rewritten).toContain('  role          = "${aws_iam_role.function_role_2E3FB14F.arn}"\n');
  });

  it('changes nothing more when run twice', () => {
    const once = unquoteReferences(CDKTF_HCL, 'cdk.tf');
    expect(unquoteReferences(once, 'cdk.tf')).toBe(once);
  });

  it('refuses an item that is no reference, naming the file and the item', () => {
    const interpolated = `  depends_on = [\n    "\${aws_iam_role.role.arn}",\n  ]\n`;
    expect(() => unquoteReferences(interpolated, 'stacks/x/cdk.tf')).toThrow(
      new NotAReferenceError('stacks/x/cdk.tf: depends_on holds "${aws_iam_role.role.arn}", which is not a reference'),
    );
  });
});

describe('unquoteReferencesIn', () => {
  it('refuses a folder without the manifest of cdktf synth --hcl', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'lambda-secrets-hcl-unit-'));
    try {
      await expect(unquoteReferencesIn(empty)).rejects.toThrow(UnreadableSynthOutputError);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
