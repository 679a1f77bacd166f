/**
 * Method 3's effective-permission cases, shared by the file that evaluates them
 * (__tests__/lib/secrets-manager-secret-permissions.test.ts) and the one that holds SECURITY.md's
 * table to them (__tests__/stacks/effective-permissions.test.ts), so that the simulator's set-up
 * is made once. The stack is made of the building blocks (SecretKey + SecretsManagerSecret +
 * UrlFunction, deployed to where lookUpDeploymentTarget finds it). A read is two requests:
 * `secretsmanager:GetSecretValue` under the secret's resource policy, then the `kms:Decrypt` that
 * Secrets Manager makes with the caller's credentials under the key policy, with `kms:ViaService`
 * and the secret's encryption context ({SecretARN, SecretVersionId}).
 */
import { Testing, TerraformStack } from 'cdktf';
import { lookUpDeploymentTarget } from '../../lib/deployment-target';
import { SecretKey } from '../../lib/secret-key';
import {
  KEY_VALIDATION_VERSION_ID,
  SecretsManagerSecret,
  type SecretsManagerSecretProps,
} from '../../lib/secrets-manager-secret';
import { UrlFunction } from '../../lib/url-function';
import { assertValidConditionKeys } from './condition-keys';
import {
  ACCOUNT,
  DEPLOYER,
  functionArn,
  keyArn,
  OTHER_ACCOUNT,
  REGION,
  roleArn,
  roleSessionArn,
  secretArn,
  stackPolicies,
  type IamPolicy,
  type PermissionRequest,
  type StackPolicies,
} from './effective-permissions';
import type { TerraformJson } from './synth';

export const FN = 'method3-sample';
const SECRET_NAME = 'sample-app/lambda/sample-api-token';
/** The same stack in the stage `dev`, beside the default stage's in one account. */
const FN_DEV = 'method3-sample-dev';
const SECRET_NAME_DEV = 'sample-app/dev/lambda/sample-api-token';
/** The ARN of the stack's secret. */
export const SECRET = secretArn(SECRET_NAME);
const WRITER = `arn:aws:iam::${ACCOUNT}:role/token-writer`;
const CI_RUNNER = `arn:aws:iam::${ACCOUNT}:role/ci-terraform`;
const ADMIN = `arn:aws:iam::${ACCOUNT}:user/admin`;
const OUTSIDER = `arn:aws:iam::${OTHER_ACCOUNT}:role/outsider`;
const OTHER_APP = `arn:aws:iam::${ACCOUNT}:role/other-app`;
const ATTACKER_KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/attacker`;
const AWS_LAMBDA_KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/aws-lambda-managed`;

/**
 * The stack's Terraform JSON, held to the condition-key rule as every synthesized stack is: the
 * function `functionName` reading the secret `secretName`.
 */
function synth(
  props: Partial<SecretsManagerSecretProps> = {},
  functionName = FN,
  secretName = SECRET_NAME,
): TerraformJson {
  const stack = new TerraformStack(Testing.app(), functionName);
  const target = lookUpDeploymentTarget(stack, REGION);
  const key = new SecretKey(stack, 'secret-key', { functionName, target });
  const secret = new SecretsManagerSecret(stack, 'secret', { key, secretName, ...props });
  new UrlFunction(stack, 'function', { functionName, secret });
  const json = JSON.parse(Testing.synth(stack)) as TerraformJson;
  assertValidConditionKeys(functionName, json);
  return json;
}

/** The policies of the stack with every default. */
export const policies = stackPolicies(synth(), FN);
const restricted = stackPolicies(synth({ writerArns: [WRITER], terraformRunnerArns: [CI_RUNNER] }), FN);
const dev = stackPolicies(synth({}, FN_DEV, SECRET_NAME_DEV), FN_DEV);

/** An identity policy allowing `actions` on everything. */
function allowing(...actions: string[]): IamPolicy {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] };
}
const ADMINISTRATOR = allowing('*');

/** A key policy letting `principal` decrypt under the key, with no condition: what an attacker's key would say. */
function keyPolicyTrusting(principal: string): IamPolicy {
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: 'kms:Decrypt', Resource: '*' }],
  };
}

/** Who makes a request: the principal, its identity policies and the context its calls carry. */
export interface Caller {
  readonly principal: string;
  readonly identityPolicies: readonly IamPolicy[];
  readonly context: Record<string, string>;
}

/** The calls of `functionName` (the stack's function), made with its role; `from` is the function that makes them. */
function fn(stack: StackPolicies, from = FN, functionName = FN): Caller {
  return {
    principal: roleSessionArn(functionName),
    identityPolicies: [stack.execution],
    context: { 'lambda:SourceFunctionArn': functionArn(from) },
  };
}

function caller(principal: string, ...identityPolicies: IamPolicy[]): Caller {
  return { principal, identityPolicies, context: {} };
}

/** `who` asking Secrets Manager for `action` on the secret, under `stack`'s secret policy. */
export function onSecret(who: Caller, action: string, stack = policies, secret = SECRET): PermissionRequest {
  return { ...who, action, resource: secret, resourcePolicy: stack.secret };
}

/** `who`'s `action` with the stack's key (or `key` under `keyPolicy`), with `context`. */
function onKey(
  who: Caller,
  action: string,
  context: Record<string, string>,
  stack = policies,
  key = keyArn(FN),
  keyPolicy: IamPolicy = stack.key,
): PermissionRequest {
  return { ...who, action, resource: key, resourcePolicy: keyPolicy, context: { ...who.context, ...context } };
}

/** The context of Secrets Manager's KMS calls for a version of `secret` (a version id is a UUID). */
function viaSecretsManager(
  secret = SECRET,
  versionId = 'EXAMPLE1-90ab-cdef-fedc-ba987EXAMPLE',
): Record<string, string> {
  return {
    'kms:ViaService': `secretsmanager.${REGION}.amazonaws.com`,
    'kms:EncryptionContext:SecretARN': secret,
    'kms:EncryptionContext:SecretVersionId': versionId,
  };
}
const VIA_SM = viaSecretsManager();
/** Secrets Manager's check that whoever sets the secret's key may use it. */
const KEY_CHECK = viaSecretsManager(SECRET, KEY_VALIDATION_VERSION_ID);
/** The same context, sent to KMS directly rather than by Secrets Manager. */
const DIRECT = { ...VIA_SM, 'kms:ViaService': `ec2.${REGION}.amazonaws.com` };

/** The stack's function. */
export const theFunction = fn(policies);
/** An administrator of the account (AdministratorAccess). */
export const admin = caller(ADMIN, ADMINISTRATOR);
const outsider = caller(OUTSIDER, ADMINISTRATOR);
const otherApp = caller(OTHER_APP, allowing('secretsmanager:GetSecretValue', 'kms:Decrypt'));
const deployer = caller(DEPLOYER, ADMINISTRATOR);
/** The writer with a policy allowing everything it might try on the secret and the key. */
const writer = caller(
  WRITER,
  allowing(
    'secretsmanager:PutSecretValue',
    'secretsmanager:DescribeSecret',
    'secretsmanager:ListSecretVersionIds',
    'secretsmanager:GetSecretValue',
    'kms:GenerateDataKey',
    'kms:Decrypt',
  ),
);

/** A case: its name, the request, and whether AWS allows it. */
export type Case = [string, PermissionRequest, boolean];

/** Method 3's cases, each evaluated by the simulator in secrets-manager-secret-permissions.test.ts. */
export const METHOD3_CASES: Case[] = [
  // The function.
  ['the function reads the secret', onSecret(theFunction, 'secretsmanager:GetSecretValue'), true],
  ['the function has Secrets Manager decrypt the secret with the key', onKey(theFunction, 'kms:Decrypt', VIA_SM), true],
  [
    'the function cannot decrypt with the key directly, not through Secrets Manager',
    onKey(theFunction, 'kms:Decrypt', DIRECT),
    false,
  ],
  [
    'the function cannot have Secrets Manager decrypt another secret with the key',
    onKey(theFunction, 'kms:Decrypt', viaSecretsManager(secretArn('sample-app/other'))),
    false,
  ],
  [
    'the function cannot read another secret',
    onSecret(theFunction, 'secretsmanager:GetSecretValue', policies, secretArn('sample-app/other')),
    false,
  ],
  [
    'another function given the same role cannot read the secret (the role denies it outside its function)',
    onSecret(fn(policies, 'another-function'), 'secretsmanager:GetSecretValue'),
    false,
  ],
  [
    'alias repointed: the function cannot have a secret under another key decrypted, whose key policy lets its role decrypt',
    onKey(theFunction, 'kms:Decrypt', VIA_SM, policies, ATTACKER_KEY, keyPolicyTrusting(roleArn(FN))),
    false,
  ],
  [
    "Lambda decrypts the function's environment with aws/lambda, through its grant to the role",
    onKey(
      caller(roleSessionArn(FN), policies.execution),
      'kms:Decrypt',
      { 'kms:EncryptionContext:aws:lambda:FunctionArn': functionArn(FN) },
      policies,
      AWS_LAMBDA_KEY,
      keyPolicyTrusting(roleArn(FN)),
    ),
    true,
  ],
  // An administrator of the account.
  [
    'an administrator (AdministratorAccess) cannot read the secret (its resource policy denies it)',
    onSecret(admin, 'secretsmanager:GetSecretValue'),
    false,
  ],
  ['an administrator cannot have Secrets Manager decrypt the secret', onKey(admin, 'kms:Decrypt', VIA_SM), false],
  [
    'an administrator can still change the secret’s policy, so the secret is never locked out',
    onSecret(admin, 'secretsmanager:PutResourcePolicy'),
    true,
  ],
  ['an administrator can still change the key policy', onKey(admin, 'kms:PutKeyPolicy', {}), true],
  // Other principals.
  [
    "another application's role, allowed GetSecretValue and kms:Decrypt on *, cannot read the secret",
    onSecret(otherApp, 'secretsmanager:GetSecretValue'),
    false,
  ],
  [
    "another application's role cannot have Secrets Manager decrypt the secret",
    onKey(otherApp, 'kms:Decrypt', VIA_SM),
    false,
  ],
  ['another account cannot read the secret', onSecret(outsider, 'secretsmanager:GetSecretValue'), false],
  ['another account cannot have Secrets Manager decrypt the secret', onKey(outsider, 'kms:Decrypt', VIA_SM), false],
  // The writer.
  [
    'secretWriterArns set: the writer puts a new value',
    onSecret(writer, 'secretsmanager:PutSecretValue', restricted),
    true,
  ],
  [
    'secretWriterArns set: the writer has Secrets Manager generate the data key for it',
    onKey(writer, 'kms:GenerateDataKey', VIA_SM, restricted),
    true,
  ],
  [
    'secretWriterArns set: the writer reads the versions’ metadata, never their values',
    onSecret(writer, 'secretsmanager:ListSecretVersionIds', restricted),
    true,
  ],
  [
    'secretWriterArns set: the writer cannot read the secret',
    onSecret(writer, 'secretsmanager:GetSecretValue', restricted),
    false,
  ],
  [
    'secretWriterArns set: the writer cannot have Secrets Manager decrypt the secret',
    onKey(writer, 'kms:Decrypt', VIA_SM, restricted),
    false,
  ],
  [
    'secretWriterArns set: the writer cannot pass as Terraform’s key check to decrypt',
    onKey(writer, 'kms:Decrypt', KEY_CHECK, restricted),
    false,
  ],
  [
    'secretWriterArns set: the writer cannot generate a data key for another secret',
    onKey(writer, 'kms:GenerateDataKey', viaSecretsManager(secretArn('sample-app/other')), restricted),
    false,
  ],
  [
    'secretWriterArns set: the writer cannot generate a data key directly',
    onKey(writer, 'kms:GenerateDataKey', DIRECT, restricted),
    false,
  ],
  [
    'default secretWriterArns: a principal of the account allowed by its own policy writes',
    onKey(writer, 'kms:GenerateDataKey', VIA_SM),
    true,
  ],
  // The identity that runs Terraform.
  [
    'default terraformRunnerArns: the deploying identity passes Secrets Manager’s key check (generate)',
    onKey(deployer, 'kms:GenerateDataKey', KEY_CHECK),
    true,
  ],
  [
    'default terraformRunnerArns: the deploying identity passes Secrets Manager’s key check (decrypt)',
    onKey(deployer, 'kms:Decrypt', KEY_CHECK),
    true,
  ],
  [
    'default terraformRunnerArns: the deploying identity cannot have Secrets Manager decrypt a version',
    onKey(deployer, 'kms:Decrypt', VIA_SM),
    false,
  ],
  [
    'default terraformRunnerArns: the deploying identity cannot read the secret, AdministratorAccess or not',
    onSecret(deployer, 'secretsmanager:GetSecretValue'),
    false,
  ],
  [
    'default terraformRunnerArns: the deploying identity cannot decrypt with the key-check context directly',
    onKey(deployer, 'kms:Decrypt', { ...KEY_CHECK, 'kms:ViaService': `ec2.${REGION}.amazonaws.com` }),
    false,
  ],
  [
    'the deploying identity refreshes the secret: DescribeSecret',
    onSecret(deployer, 'secretsmanager:DescribeSecret'),
    true,
  ],
  [
    'the deploying identity refreshes the secret’s policy: GetResourcePolicy',
    onSecret(deployer, 'secretsmanager:GetResourcePolicy'),
    true,
  ],
  [
    'terraformRunnerArns set: the runner named passes the key check',
    onKey(caller(CI_RUNNER, ADMINISTRATOR), 'kms:Decrypt', KEY_CHECK, restricted),
    true,
  ],
  [
    'terraformRunnerArns set: the deploying identity, not named, does not pass the key check',
    onKey(deployer, 'kms:GenerateDataKey', KEY_CHECK, restricted),
    false,
  ],
  [
    'terraformRunnerArns set: the deploying identity, not named, cannot read the secret',
    onSecret(deployer, 'secretsmanager:GetSecretValue', restricted),
    false,
  ],
  [
    'terraformRunnerArns set: the deploying identity, not named, cannot have Secrets Manager decrypt the secret',
    onKey(deployer, 'kms:Decrypt', VIA_SM, restricted),
    false,
  ],
  // Stages side by side in one account: each stage's function reads its own token only.
  [
    "stage=dev: the function reads its own stage's secret",
    onSecret(fn(dev, FN_DEV, FN_DEV), 'secretsmanager:GetSecretValue', dev, secretArn(SECRET_NAME_DEV)),
    true,
  ],
  [
    "stage=dev: the function cannot read the default stage's secret",
    onSecret(fn(dev, FN_DEV, FN_DEV), 'secretsmanager:GetSecretValue'),
    false,
  ],
  [
    "stage=dev: the function cannot have Secrets Manager decrypt the default stage's secret with that stage's key",
    onKey(fn(dev, FN_DEV, FN_DEV), 'kms:Decrypt', VIA_SM),
    false,
  ],
];
