/**
 * What has to change when the AWS provider moves past 5.x, caught here rather than in a
 * deployment: a public function URL's lambda:InvokeFunction statement comes from CloudFormation
 * because aws_lambda_permission cannot yet condition it on the URL.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/project-root';

const providerPackage = join(PROJECT_ROOT, 'node_modules', '@cdktf', 'provider-aws');
const UPGRADE =
  'With AWS provider 6.28 or later, give aws_lambda_permission invoked_via_function_url = true in ' +
  "UrlFunction and drop the CloudFormation stack; note that a NONE aws_lambda_function_url then adds AWS's " +
  'statements itself, so the project would add them a second time.';

describe('the AWS provider bindings', () => {
  it('target AWS provider 5.x, whose permissions cannot be conditioned on the function URL', () => {
    const { version } = JSON.parse(readFileSync(join(providerPackage, 'package.json'), 'utf8')).cdktf.provider;
    expect(version, UPGRADE).toMatch(/^5\./);
  });

  it('have no invoked_via_function_url on aws_lambda_permission yet', () => {
    const bindings = readFileSync(join(providerPackage, 'lib', 'lambda-permission', 'index.d.ts'), 'utf8');
    expect(bindings, UPGRADE).not.toContain('invokedViaFunctionUrl');
  });
});
