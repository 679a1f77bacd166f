/** The rewrites that `npm run synth:hcl` applies to cdktf's HCL: quoted references made references, required_version restored. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REQUIRED_TERRAFORM_VERSION } from '../../lib/terraform-version';
import {
  conditionBlocks,
  NotAReferenceError,
  repairHclIn,
  restoreRequiredVersion,
  unquoteReferences,
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

/** The terraform block as cdktf 0.21 renders it with required_version set: by index, its value lost. */
const CDKTF_TERRAFORM_BLOCK = `terraform {
  required_providers {
    aws = {
      version = "5.100.0"
      source  = "aws"
    }
  }
  backend "local" {
    path = "../../../terraform.method1-sample.tfstate"
  }

  0 = "required_version"
}
`;

describe('restoreRequiredVersion', () => {
  it("writes the stacks' required_version where cdktf wrote its index", () => {
    expect(restoreRequiredVersion(CDKTF_TERRAFORM_BLOCK, 'cdk.tf')).toContain(
      `\n  required_version = "${REQUIRED_TERRAFORM_VERSION}"\n}`,
    );
  });

  it('leaves no attribute written by its index', () => {
    expect(restoreRequiredVersion(CDKTF_TERRAFORM_BLOCK, 'cdk.tf')).not.toMatch(/^\s*\d+ = /m);
  });

  it('refuses another attribute cdktf rendered without its value, naming it', () => {
    expect(() => restoreRequiredVersion('terraform {\n  1 = "experiments"\n}\n', 'stacks/x/cdk.tf')).toThrow(
      new UnreadableSynthOutputError(
        'stacks/x/cdk.tf: cdktf rendered the terraform attribute experiments without its value',
      ),
    );
  });

  it('changes nothing a second time', () => {
    const once = restoreRequiredVersion(CDKTF_TERRAFORM_BLOCK, 'cdk.tf');
    expect(restoreRequiredVersion(once, 'cdk.tf')).toBe(once);
  });
});

/** A key's lifecycle as cdktf 0.21 renders two preconditions: a list of objects. */
const CDKTF_PRECONDITIONS = `resource "aws_kms_key" "key" {
  lifecycle {
    precondition = [
      {
        condition     = "\${(data.aws_caller_identity.account.account_id == "111122223333")}"
        error_message = "another account"
      },
      {
        condition     = "\${!endswith(data.aws_iam_session_context.deployer.issuer_arn, ":root")}"
        error_message = "root"
      },
    ]
  }
}
`;

describe('conditionBlocks', () => {
  it('writes each precondition of the list as a block of its own, attributes unchanged', () => {
    expect(conditionBlocks(CDKTF_PRECONDITIONS, 'cdk.tf')).toBe(`resource "aws_kms_key" "key" {
  lifecycle {
    precondition {
      condition     = "\${(data.aws_caller_identity.account.account_id == "111122223333")}"
      error_message = "another account"
    }
    precondition {
      condition     = "\${!endswith(data.aws_iam_session_context.deployer.issuer_arn, ":root")}"
      error_message = "root"
    }
  }
}
`);
  });

  it('changes nothing a second time', () => {
    const once = conditionBlocks(CDKTF_PRECONDITIONS, 'cdk.tf');
    expect(conditionBlocks(once, 'cdk.tf')).toBe(once);
  });

  it('refuses a condition list that holds something other than objects, naming the file', () => {
    const odd = '  lifecycle {\n    postcondition = [\n      "x",\n    ]\n  }\n';
    expect(() => conditionBlocks(odd, 'stacks/x/cdk.tf')).toThrow(
      new UnreadableSynthOutputError('stacks/x/cdk.tf: a postcondition list holds something other than objects'),
    );
  });
});

describe('repairHclIn', () => {
  it('refuses a folder without the manifest of cdktf synth --hcl', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'lambda-secrets-hcl-unit-'));
    try {
      await expect(repairHclIn(empty)).rejects.toThrow(UnreadableSynthOutputError);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
