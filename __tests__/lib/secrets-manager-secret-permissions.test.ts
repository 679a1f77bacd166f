/**
 * Who can read Method 3's token, proven by evaluating the synthesized identity, key and secret
 * policies of a stack made of the building blocks (SecretKey + SecretsManagerSecret +
 * UrlFunction, deployed to where lookUpDeploymentTarget finds it) with an IAM policy simulator,
 * case by case. A read is two requests: `secretsmanager:GetSecretValue` under the secret's resource
 * policy, then the `kms:Decrypt` that Secrets Manager makes with the caller's credentials under the
 * key policy, with `kms:ViaService` and the secret's encryption context ({SecretARN,
 * SecretVersionId}). The emulator enforces none of these policies, so the e2e run cannot show this.
 * The stack and the cases are in ../support/secrets-manager-permission-cases.ts, which
 * __tests__/stacks/effective-permissions.test.ts holds SECURITY.md's table to as well.
 */
import { describe, expect, it } from 'vitest';
import { DEPLOYER, isAllowed, roleArn, type PermissionRequest } from '../support/effective-permissions';
import {
  admin,
  FN,
  METHOD3_CASES as CASES,
  onSecret,
  policies,
  SECRET,
  theFunction,
} from '../support/secrets-manager-permission-cases';

describe("effective permissions over Method 3's identity, key and secret policies", () => {
  it('holds the secret policy, the key policy and the execution policy it evaluates', () => {
    expect(JSON.stringify(policies.secret)).toContain(roleArn(FN));
    expect(JSON.stringify(policies.key)).toContain(DEPLOYER);
    expect(JSON.stringify(policies.execution)).toContain(SECRET);
  });

  it('covers allowed and denied cases', () => {
    expect(new Set(CASES.map(([, , allowed]) => allowed))).toEqual(new Set([true, false]));
  });

  it.each(CASES)('%s', (_name, request, allowed) => {
    expect(isAllowed(request)).toBe(allowed);
  });
});

describe('what the secret policy adds', () => {
  const withoutSecretPolicy = (request: PermissionRequest): PermissionRequest => ({
    ...request,
    resourcePolicy: undefined,
  });

  it("is what denies an administrator the value: without it, AdministratorAccess's GetSecretValue is allowed", () => {
    const read = onSecret(admin, 'secretsmanager:GetSecretValue');
    expect([isAllowed(withoutSecretPolicy(read)), isAllowed(read)]).toEqual([true, false]);
  });

  it('is evaluated with aws:PrincipalArn, as AWS supplies it: the role’s, for a session of the role', () => {
    const read = onSecret(theFunction, 'secretsmanager:GetSecretValue');
    const asAnotherRole = { ...read, context: { ...read.context, 'aws:PrincipalArn': roleArn('someone-else') } };
    expect([isAllowed(read), isAllowed(asAnotherRole)]).toEqual([true, false]);
  });
});
