/**
 * Who can read each stack's token, proven by evaluating the synthesized identity and key
 * policies together with an IAM policy simulator, case by case: the emulator enforces neither
 * key policies nor resource-level IAM for KMS and SSM, so the e2e run cannot show this. The
 * simulator is told which keys AWS supplies to which policy (see effective-permissions.ts): a
 * key policy never sees `lambda:SourceFunctionArn`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_TOKEN_PARAMETER_NAME, apiTokenParameterName, stagedStackName } from '../../stacks/methods';
import { PROJECT_ROOT } from '../../lib/project-root';
import { FunctionEnvironmentSecretStore } from '../../tools/secret/function-environment-store';
import {
  ACCOUNT,
  DEPLOYER,
  functionArn,
  isAllowed,
  isAllowedByCheckedSimulation,
  keyArn,
  OTHER_ACCOUNT,
  parameterArn,
  roleArn,
  roleSessionArn,
  stackPolicies,
  type IamPolicy,
  type PermissionRequest,
} from '../support/effective-permissions';
import { METHOD3_CASES } from '../support/secrets-manager-permission-cases';
import { synthStack } from '../support/synth';

const M1 = 'method1-sample';
const M2 = 'method2-sample';
const WRITER = `arn:aws:iam::${ACCOUNT}:role/token-writer`;
/** A runner named in terraformRunnerArns, other than the identity that deployed. */
const CI_RUNNER = `arn:aws:iam::${ACCOUNT}:role/ci-terraform`;
const ADMIN = `arn:aws:iam::${ACCOUNT}:user/admin`;
const OUTSIDER = `arn:aws:iam::${OTHER_ACCOUNT}:role/outsider`;
/** Another application's role in the same account. */
const OTHER_APP = `arn:aws:iam::${ACCOUNT}:role/other-app`;
/** Each stage's deploy role: prod's stacks are deployed by one, dev's by the other. */
const PROD_DEPLOYER = `arn:aws:iam::${ACCOUNT}:role/deploy-prod`;
const DEV_DEPLOYER = `arn:aws:iam::${ACCOUNT}:role/deploy-dev`;
/** A key of the account the stacks do not own, e.g. one someone pointed the function's alias at. */
const ATTACKER_KEY = `arn:aws:kms:ap-northeast-1:${ACCOUNT}:key/attacker`;

/** An identity policy allowing `actions` on everything. */
function allowing(...actions: string[]): IamPolicy {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] };
}

/** AdministratorAccess: everything the account's IAM can give. */
const ADMINISTRATOR = allowing('*');

/** A key policy letting `principal` decrypt under the key, with no condition: what an attacker's key would say. */
function keyPolicyTrusting(principal: string): IamPolicy {
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: 'kms:Decrypt', Resource: '*' }],
  };
}

const method1 = stackPolicies(synthStack(M1).json, M1);
const method2 = stackPolicies(synthStack(M2).json, M2, API_TOKEN_PARAMETER_NAME);
const method2Restricted = stackPolicies(
  synthStack(M2, { secretWriterArns: [WRITER], terraformRunnerArns: [CI_RUNNER] }).json,
  M2,
  API_TOKEN_PARAMETER_NAME,
);

const M1_DEV = stagedStackName(M1, 'dev');
const M1_PROD = stagedStackName(M1, 'prod');
const M2_DEV = stagedStackName(M2, 'dev');
const method1Dev = stackPolicies(synthStack(M1, { stage: 'dev' }).json, M1_DEV);
const method1Prod = stackPolicies(synthStack(M1, { stage: 'prod' }).json, M1_PROD);
const M2_PROD = stagedStackName(M2, 'prod');
const method2Dev = stackPolicies(synthStack(M2, { stage: 'dev' }).json, M2_DEV, apiTokenParameterName('dev'));
const method2Prod = stackPolicies(
  synthStack(M2, { stage: 'prod' }).json,
  M2_PROD,
  apiTokenParameterName('prod'),
  PROD_DEPLOYER,
);

const M1_CONTEXT = { 'kms:EncryptionContext:LambdaFunctionName': M1 };
const VIA_SSM = {
  'kms:ViaService': `ssm.ap-northeast-1.amazonaws.com`,
  'kms:EncryptionContext:PARAMETER_ARN': parameterArn(API_TOKEN_PARAMETER_NAME),
};
const VIA_SSM_PROD = { ...VIA_SSM, 'kms:EncryptionContext:PARAMETER_ARN': parameterArn(apiTokenParameterName('prod')) };

/** Who makes a request: the principal, its identity policies and the context its calls carry. */
interface Caller {
  readonly principal: string;
  readonly identityPolicies: readonly IamPolicy[];
  readonly context: Record<string, string>;
}

/** A function's calls, made with `functionName`'s role; `from` is the function that makes them. */
function fn(functionName: string, policies: { execution: IamPolicy }, from = functionName): Caller {
  return {
    principal: roleSessionArn(functionName),
    identityPolicies: [policies.execution],
    context: { 'lambda:SourceFunctionArn': functionArn(from) },
  };
}

/** A caller outside the functions, with `policies` as its identity policies. */
function caller(principal: string, ...policies: IamPolicy[]): Caller {
  return { principal, identityPolicies: policies, context: {} };
}

/** `who` asking for `action` on `resource` (a key, with `keyPolicy`, or a parameter), with more `context`. */
function request(
  who: Caller,
  action: string,
  resource: string,
  keyPolicy?: IamPolicy,
  context = {},
): PermissionRequest {
  return { ...who, action, resource, resourcePolicy: keyPolicy, context: { ...who.context, ...context } };
}

const PARAMETER = parameterArn(API_TOKEN_PARAMETER_NAME);
const fn1 = fn(M1, method1);
const fn2 = fn(M2, method2);
const admin = caller(ADMIN, ADMINISTRATOR);
const writer = caller(WRITER, allowing('kms:Encrypt', 'kms:Decrypt'));
const outsider = caller(OUTSIDER, ADMINISTRATOR);
/** Another application's role, allowed to read any parameter and decrypt with any key by its own policy. */
const otherApp = caller(OTHER_APP, allowing('ssm:GetParameter', 'kms:Decrypt'));
const deployer = caller(DEPLOYER, ADMINISTRATOR);
/** Method 1's writer with exactly the policy the README gives it (`npm run secret -- set`). */
const readmeWriter = caller(WRITER, allowing(...FunctionEnvironmentSecretStore.permissions.provision));

type Case = [string, PermissionRequest, boolean];

/**
 * The AWS managed key `aws/lambda`, under which Lambda itself decrypts a function's environment
 * with the execution role. Those calls carry no `lambda:SourceFunctionArn` (AWS Lambda developer
 * guide, "Using source function ARN to control function access behavior": calls to KMS "to
 * automatically encrypt and decrypt your environment variables" are made "using the same
 * execution role" and "don't contain the source function ARN"), so the role's Deny bindings must
 * spare them, or the function could not start.
 */
const AWS_LAMBDA_KEY = `arn:aws:kms:ap-northeast-1:${ACCOUNT}:key/aws-lambda-managed`;

/** The encryption context Lambda decrypts a function's environment with. */
function lambdaEnvironmentContext(functionName: string): Record<string, string> {
  return { 'kms:EncryptionContext:aws:lambda:FunctionArn': functionArn(functionName) };
}

const CASES: Case[] = [
  // Method 1: the ciphertext in the environment, decrypted with the function's context.
  [
    'method1: the function decrypts with its own encryption context',
    request(fn1, 'kms:Decrypt', keyArn(M1), method1.key, M1_CONTEXT),
    true,
  ],
  [
    "method1: the function cannot decrypt a ciphertext made for another function's context",
    request(fn1, 'kms:Decrypt', keyArn(M1), method1.key, {
      'kms:EncryptionContext:LambdaFunctionName': 'another-function',
    }),
    false,
  ],
  [
    'method1: the function cannot decrypt without an encryption context',
    request(fn1, 'kms:Decrypt', keyArn(M1), method1.key),
    false,
  ],
  [
    "method1: the function cannot decrypt with another stack's key",
    request(fn1, 'kms:Decrypt', keyArn(M2), method2.key, M1_CONTEXT),
    false,
  ],
  [
    'method1: another function given the same role cannot decrypt (the role denies it outside its function)',
    request(fn(M1, method1, 'another-function'), 'kms:Decrypt', keyArn(M1), method1.key, M1_CONTEXT),
    false,
  ],
  [
    'method1, alias repointed: the function cannot decrypt a ciphertext under another key, whose key policy lets its role decrypt (the role denies every other key)',
    request(fn1, 'kms:Decrypt', ATTACKER_KEY, keyPolicyTrusting(roleArn(M1)), M1_CONTEXT),
    false,
  ],
  [
    "method1: the function's code still decrypts data of its own under another key whose policy lets its role (the binding denies only ciphertext bound to the token)",
    request(fn1, 'kms:Decrypt', ATTACKER_KEY, keyPolicyTrusting(roleArn(M1)), {
      'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::reports/2026/12.csv',
    }),
    true,
  ],
  [
    "method1: another application's role, allowed kms:Decrypt on * by its own policy, cannot decrypt",
    request(otherApp, 'kms:Decrypt', keyArn(M1), method1.key, M1_CONTEXT),
    false,
  ],
  [
    'method1: an administrator (AdministratorAccess) cannot decrypt',
    request(admin, 'kms:Decrypt', keyArn(M1), method1.key, M1_CONTEXT),
    false,
  ],
  [
    'method1: an administrator can still change the key policy, so the key is never locked out',
    request(admin, 'kms:PutKeyPolicy', keyArn(M1), method1.key),
    true,
  ],
  [
    'method1: an administrator cannot create a grant, which could grant decrypt',
    request(admin, 'kms:CreateGrant', keyArn(M1), method1.key),
    false,
  ],
  [
    "method1: a writer encrypts with the function's context",
    request(writer, 'kms:Encrypt', keyArn(M1), method1.key, M1_CONTEXT),
    true,
  ],
  [
    'method1: a writer cannot encrypt under another context',
    request(writer, 'kms:Encrypt', keyArn(M1), method1.key, {
      'kms:EncryptionContext:LambdaFunctionName': 'another-function',
    }),
    false,
  ],
  [
    'method1: a writer cannot decrypt, even with kms:Decrypt in its own policy',
    request(writer, 'kms:Decrypt', keyArn(M1), method1.key, M1_CONTEXT),
    false,
  ],
  [
    // Changing the configuration is running code as the function (a new ciphertext, a layer, the
    // target URL), so whoever may do it can read the token: SECURITY.md says so.
    "method1: the writer, given the README's writer policy, can change the function's configuration, so it can read",
    request(readmeWriter, 'lambda:UpdateFunctionConfiguration', functionArn(M1)),
    true,
  ],
  [
    'method1: another account cannot decrypt',
    request(outsider, 'kms:Decrypt', keyArn(M1), method1.key, M1_CONTEXT),
    false,
  ],
  // Method 2: the SecureString, read by the function through SSM.
  ['method2: the function reads the parameter', request(fn2, 'ssm:GetParameter', PARAMETER), true],
  [
    'method2: the function has SSM decrypt the parameter with the key',
    request(fn2, 'kms:Decrypt', keyArn(M2), method2.key, VIA_SSM),
    true,
  ],
  [
    'method2: another function given the same role cannot read the parameter (the role denies it outside its function)',
    request(fn(M2, method2, 'another-function'), 'ssm:GetParameter', PARAMETER),
    false,
  ],
  [
    'method2, alias repointed: the function cannot have a ciphertext under another key decrypted, whose key policy lets its role decrypt',
    request(fn2, 'kms:Decrypt', ATTACKER_KEY, keyPolicyTrusting(roleArn(M2)), VIA_SSM),
    false,
  ],
  [
    "method2: another application's role, allowed ssm:GetParameter and kms:Decrypt on *, cannot have SSM decrypt the parameter",
    request(otherApp, 'kms:Decrypt', keyArn(M2), method2.key, VIA_SSM),
    false,
  ],
  [
    // SSM parameters have no resource policy: what keeps the token from such a role is the key.
    "method2: another application's role may call GetParameter itself, which without the key yields ciphertext only",
    request(otherApp, 'ssm:GetParameter', PARAMETER),
    true,
  ],
  [
    "method2: the function cannot read the parameter's history, which holds every past token",
    request(fn2, 'ssm:GetParameterHistory', PARAMETER),
    false,
  ],
  [
    'method2: the function cannot read parameters by path',
    request(fn2, 'ssm:GetParametersByPath', parameterArn('/sample-app/lambda')),
    false,
  ],
  [
    'method2: the function cannot decrypt with the key directly, not through SSM',
    request(fn2, 'kms:Decrypt', keyArn(M2), method2.key, { 'kms:EncryptionContext:PARAMETER_ARN': PARAMETER }),
    false,
  ],
  [
    'method2: the function cannot have SSM decrypt another parameter with the key',
    request(fn2, 'kms:Decrypt', keyArn(M2), method2.key, {
      ...VIA_SSM,
      'kms:EncryptionContext:PARAMETER_ARN': parameterArn('/other'),
    }),
    false,
  ],
  [
    'method2: an administrator cannot decrypt with the key directly',
    request(admin, 'kms:Decrypt', keyArn(M2), method2.key),
    false,
  ],
  [
    'method2, default terraformRunnerArns: an administrator cannot read through SSM',
    request(admin, 'kms:Decrypt', keyArn(M2), method2.key, VIA_SSM),
    false,
  ],
  [
    'method2, default terraformRunnerArns: the deploying identity reads through SSM, so Terraform can refresh',
    request(deployer, 'kms:Decrypt', keyArn(M2), method2.key, VIA_SSM),
    true,
  ],
  [
    'method2, default terraformRunnerArns: the deploying identity cannot decrypt with the key directly',
    request(deployer, 'kms:Decrypt', keyArn(M2), method2.key, { 'kms:EncryptionContext:PARAMETER_ARN': PARAMETER }),
    false,
  ],
  [
    'method2, terraformRunnerArns set: an administrator cannot read through SSM',
    request(admin, 'kms:Decrypt', keyArn(M2), method2Restricted.key, VIA_SSM),
    false,
  ],
  [
    'method2, terraformRunnerArns set: the runner named reads through SSM, so Terraform can refresh',
    request(caller(CI_RUNNER, ADMINISTRATOR), 'kms:Decrypt', keyArn(M2), method2Restricted.key, VIA_SSM),
    true,
  ],
  [
    'method2, terraformRunnerArns set: the deploying identity, not named, cannot read through SSM',
    request(deployer, 'kms:Decrypt', keyArn(M2), method2Restricted.key, VIA_SSM),
    false,
  ],
  [
    'method2, secretWriterArns set: the writer has SSM encrypt the token into the parameter',
    request(writer, 'kms:Encrypt', keyArn(M2), method2Restricted.key, VIA_SSM),
    true,
  ],
  [
    'method2, secretWriterArns set: the writer cannot read through SSM',
    request(writer, 'kms:Decrypt', keyArn(M2), method2Restricted.key, VIA_SSM),
    false,
  ],
  [
    'method2: another account cannot read through SSM',
    request(outsider, 'kms:Decrypt', keyArn(M2), method2.key, VIA_SSM),
    false,
  ],
  // Stages side by side in one account: each stage's function reads its own token only.
  [
    "stage=dev: method1's function cannot decrypt prod's ciphertext with prod's key",
    request(fn(M1_DEV, method1Dev), 'kms:Decrypt', keyArn(M1_PROD), method1Prod.key, {
      'kms:EncryptionContext:LambdaFunctionName': M1_PROD,
    }),
    false,
  ],
  [
    "stage=prod: method1's function decrypts its own stage's ciphertext",
    request(fn(M1_PROD, method1Prod), 'kms:Decrypt', keyArn(M1_PROD), method1Prod.key, {
      'kms:EncryptionContext:LambdaFunctionName': M1_PROD,
    }),
    true,
  ],
  [
    "stage=dev: method2's function cannot read prod's parameter",
    request(fn(M2_DEV, method2Dev), 'ssm:GetParameter', parameterArn(apiTokenParameterName('prod'))),
    false,
  ],
  [
    "stage=dev: method2's function reads its own stage's parameter",
    request(fn(M2_DEV, method2Dev), 'ssm:GetParameter', parameterArn(apiTokenParameterName('dev'))),
    true,
  ],
  [
    "stage=prod, default terraformRunnerArns: dev's deploy role cannot read prod's parameter through SSM",
    request(caller(DEV_DEPLOYER, ADMINISTRATOR), 'kms:Decrypt', keyArn(M2_PROD), method2Prod.key, VIA_SSM_PROD),
    false,
  ],
  [
    "stage=prod, default terraformRunnerArns: prod's deploy role reads prod's parameter through SSM",
    request(caller(PROD_DEPLOYER, ADMINISTRATOR), 'kms:Decrypt', keyArn(M2_PROD), method2Prod.key, VIA_SSM_PROD),
    true,
  ],
  // Lambda's own calls with the role carry no source function ARN: the Deny bindings must spare them.
  [
    "method1: Lambda decrypts the function's environment with aws/lambda, through its grant to the role",
    request(
      caller(roleSessionArn(M1), method1.execution),
      'kms:Decrypt',
      AWS_LAMBDA_KEY,
      keyPolicyTrusting(roleArn(M1)),
      lambdaEnvironmentContext(M1),
    ),
    true,
  ],
  [
    "method2: Lambda decrypts the function's environment with aws/lambda, through its grant to the role",
    request(
      caller(roleSessionArn(M2), method2.execution),
      'kms:Decrypt',
      AWS_LAMBDA_KEY,
      keyPolicyTrusting(roleArn(M2)),
      lambdaEnvironmentContext(M2),
    ),
    true,
  ],
];

describe('effective permissions over the synthesized identity and key policies', () => {
  it('covers at least twenty cases, allowed and denied', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(20);
    expect(new Set(CASES.map(([, , allowed]) => allowed))).toEqual(new Set([true, false]));
  });

  it.each(CASES)('%s', (_name, request, allowed) => {
    expect(isAllowed(request)).toBe(allowed);
  });

  it("evaluates the encryption context: the simulator's checked entry point, which drops it, denies what the function may do", async () => {
    const [, request] = CASES[0];
    await expect(isAllowedByCheckedSimulation(request)).resolves.toBe(false);
    expect(isAllowed(request)).toBe(true);
  });

  it('names the roles, keys and the deploying identity the cases are about', () => {
    expect(JSON.stringify(method1.key)).toContain(roleArn(M1));
    expect(JSON.stringify(method2.execution)).toContain(keyArn(M2));
    expect(JSON.stringify(method2.key)).toContain(DEPLOYER);
  });
});

describe('the simulator, told which keys AWS supplies to which policy', () => {
  const CONDITION = { ArnEquals: { 'lambda:SourceFunctionArn': functionArn(M1) } };
  const requiringSourceFunction = (principal?: string): IamPolicy => ({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        ...(principal ? { Principal: { AWS: principal } } : {}),
        Action: principal ? 'kms:Decrypt' : 'ssm:GetParameter',
        Resource: principal ? '*' : PARAMETER,
        Condition: CONDITION,
      },
    ],
  });

  it('leaves lambda:SourceFunctionArn out of a key policy: a statement requiring it never matches, though the call carries it', () => {
    const decrypt = request(fn1, 'kms:Decrypt', keyArn(M1), requiringSourceFunction(roleArn(M1)), M1_CONTEXT);
    expect(decrypt.context).toHaveProperty(['lambda:SourceFunctionArn'], functionArn(M1));
    expect(isAllowed(decrypt)).toBe(false);
  });

  it('keeps lambda:SourceFunctionArn in identity policies: a statement requiring it matches the function', () => {
    const read = request({ ...fn1, identityPolicies: [requiringSourceFunction()] }, 'ssm:GetParameter', PARAMETER);
    expect(isAllowed(read)).toBe(true);
  });
});

/** The methods whose columns of SECURITY.md's table the cases check. */
type Method = 'method1' | 'method2' | 'method3';

/**
 * The rows of SECURITY.md's "Who can read the token" table that rest on IAM, a key policy or a
 * secret's resource policy, and the cases that prove each of their Method 1 (`out-of-band`),
 * Method 2 and Method 3 answers: Method 3's are evaluated in
 * __tests__/lib/secrets-manager-secret-permissions.test.ts. The other rows rest on what the e2e
 * run and the handler tests show (state, plan, logs, network).
 */
type TableRow = { readonly who: string } & { readonly [M in Method]?: readonly string[] };

const SECURITY_TABLE_ROWS: TableRow[] = [
  {
    who: 'the function',
    method1: ['method1: the function decrypts with its own encryption context'],
    method2: [
      'method2: the function reads the parameter',
      'method2: the function has SSM decrypt the parameter with the key',
    ],
    method3: ['the function reads the secret', 'the function has Secrets Manager decrypt the secret with the key'],
  },
  {
    who: 'the writer',
    method1: [
      "method1: the writer, given the README's writer policy, can change the function's configuration, so it can read",
    ],
    method2: ['method2, secretWriterArns set: the writer cannot read through SSM'],
    method3: [
      'secretWriterArns set: the writer cannot read the secret',
      'secretWriterArns set: the writer cannot have Secrets Manager decrypt the secret',
      'secretWriterArns set: the writer cannot pass as Terraform’s key check to decrypt',
    ],
  },
  {
    who: 'the identity that runs Terraform',
    method2: [
      'method2, default terraformRunnerArns: the deploying identity reads through SSM, so Terraform can refresh',
    ],
    method3: [
      'default terraformRunnerArns: the deploying identity cannot read the secret, AdministratorAccess or not',
      'default terraformRunnerArns: the deploying identity cannot have Secrets Manager decrypt a version',
      'default terraformRunnerArns: the deploying identity cannot decrypt with the key-check context directly',
    ],
  },
  {
    who: "a teammate or another stage's deploy role",
    method2: [
      'method2, terraformRunnerArns set: the deploying identity, not named, cannot read through SSM',
      "stage=prod, default terraformRunnerArns: dev's deploy role cannot read prod's parameter through SSM",
    ],
    method3: [
      'terraformRunnerArns set: the deploying identity, not named, cannot read the secret',
      'terraformRunnerArns set: the deploying identity, not named, cannot have Secrets Manager decrypt the secret',
    ],
  },
  {
    who: 'another function given the same role',
    method1: ['method1: another function given the same role cannot decrypt (the role denies it outside its function)'],
    method2: [
      'method2: another function given the same role cannot read the parameter (the role denies it outside its function)',
    ],
    method3: ['another function given the same role cannot read the secret (the role denies it outside its function)'],
  },
  {
    who: 'someone who repoints',
    method1: [
      'method1, alias repointed: the function cannot decrypt a ciphertext under another key, whose key policy lets its role decrypt (the role denies every other key)',
    ],
    method2: [
      'method2, alias repointed: the function cannot have a ciphertext under another key decrypted, whose key policy lets its role decrypt',
    ],
    method3: [
      'alias repointed: the function cannot have a secret under another key decrypted, whose key policy lets its role decrypt',
    ],
  },
  {
    who: 'an account administrator (`*` on `*`), without changing anything',
    method1: ['method1: an administrator (AdministratorAccess) cannot decrypt'],
    method2: ['method2, default terraformRunnerArns: an administrator cannot read through SSM'],
    method3: [
      'an administrator (AdministratorAccess) cannot read the secret (its resource policy denies it)',
      'an administrator cannot have Secrets Manager decrypt the secret',
    ],
  },
  {
    who: 'an account administrator, with a change',
    method1: ['method1: an administrator can still change the key policy, so the key is never locked out'],
    method3: [
      'an administrator can still change the secret’s policy, so the secret is never locked out',
      'an administrator can still change the key policy',
    ],
  },
  {
    who: "another application's role",
    method1: ["method1: another application's role, allowed kms:Decrypt on * by its own policy, cannot decrypt"],
    method2: [
      "method2: another application's role, allowed ssm:GetParameter and kms:Decrypt on *, cannot have SSM decrypt the parameter",
    ],
    method3: [
      "another application's role, allowed GetSecretValue and kms:Decrypt on *, cannot read the secret",
      "another application's role cannot have Secrets Manager decrypt the secret",
    ],
  },
  {
    who: 'another AWS account',
    method1: ['method1: another account cannot decrypt'],
    method2: ['method2: another account cannot read through SSM'],
    method3: [
      'another account cannot read the secret',
      'another account cannot have Secrets Manager decrypt the secret',
    ],
  },
  {
    who: "another stage's function",
    method1: ["stage=dev: method1's function cannot decrypt prod's ciphertext with prod's key"],
    method2: ["stage=dev: method2's function cannot read prod's parameter"],
    method3: [
      "stage=dev: the function cannot read the default stage's secret",
      "stage=dev: the function cannot have Secrets Manager decrypt the default stage's secret with that stage's key",
    ],
  },
];

/** The table's header: `who`, then one column per method and delivery mode. */
const SECURITY_TABLE_HEADER = '| who |';

/** SECURITY.md's "Who can read the token" table, or `text`'s: its header's cells, then each row's cells. */
function securityTable(text = readFileSync(join(PROJECT_ROOT, 'SECURITY.md'), 'utf8')): {
  header: string[];
  rows: string[][];
} {
  const start = text.indexOf('## Who can read the token');
  const end = text.indexOf('\n## ', start + 1);
  const cells = (line: string) =>
    line
      .slice(2, -2)
      .split(' | ')
      .map((cell) => cell.trim());
  const lines = text
    .slice(start, end)
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| ---'));
  const header = lines.find((line) => line.startsWith(SECURITY_TABLE_HEADER));
  return {
    header: header ? cells(header) : [],
    rows: lines.filter((line) => !line.startsWith(SECURITY_TABLE_HEADER)).map(cells),
  };
}

/** What a cell answers: `yes` or `no`, its first word, bold or not. */
function answerOf(cell: string | undefined): boolean | undefined {
  const word = /^\**(yes|no)\b/i.exec(cell ?? '')?.[1]?.toLowerCase();
  return word === undefined ? undefined : word === 'yes';
}

/** The column of each method's checked answers, found by its header ("Method 1 (`out-of-band`", "Method 2", "Method 3"). */
function methodColumns(header: readonly string[]): Record<Method, number> {
  const column = (prefix: string) => header.findIndex((cell) => cell.startsWith(prefix));
  return { method1: column('Method 1 (`out-of-band`'), method2: column('Method 2'), method3: column('Method 3') };
}

/** Each method's cases, by name: whether AWS allows each. */
const CASES_BY_METHOD: Record<Method, Map<string, boolean>> = {
  method1: new Map(CASES.map(([name, , allowed]) => [name, allowed])),
  method2: new Map(CASES.map(([name, , allowed]) => [name, allowed])),
  method3: new Map(METHOD3_CASES.map(([name, , allowed]) => [name, allowed])),
};

/**
 * Where `table` disagrees with `rows`' cases: a row or a column it lacks, a case no test
 * evaluates, or a cell whose yes or no is not what the case's simulation says.
 */
function disagreements(table: ReturnType<typeof securityTable>, rows: readonly TableRow[]): string[] {
  const columns = methodColumns(table.header);
  return rows.flatMap(({ who, ...byMethod }) => {
    const row = table.rows.find(([cell]) => cell.startsWith(who));
    if (!row) return [`no row starting "${who}"`];
    return (['method1', 'method2', 'method3'] as const).flatMap((method) =>
      (byMethod[method] ?? []).flatMap((name) => {
        if (columns[method] < 0) return [`no column for ${method}`];
        const allowed = CASES_BY_METHOD[method].get(name);
        if (allowed === undefined) return [`${who}, ${method}: no case "${name}"`];
        const answer = answerOf(row[columns[method]]);
        return answer === allowed ? [] : [`${who}, ${method}: the cell answers ${answer}, "${name}" ${allowed}`];
      }),
    );
  });
}

describe("SECURITY.md's table of who can read the token", () => {
  const table = securityTable();

  it('has a column for each method, and every row a cell in each', () => {
    const columns = methodColumns(table.header);
    expect(Object.values(columns).every((column) => column > 0)).toBe(true);
    expect(table.rows.filter((row) => row.length !== table.header.length).map(([who]) => who)).toEqual([]);
  });

  it.each(SECURITY_TABLE_ROWS)('answers the row "$who" as its cases do', (row) => {
    expect(disagreements(table, [row])).toEqual([]);
  });

  it('checks the Method 3 column: a cell made to disagree with its cases fails the check', () => {
    const writer = table.rows.find(([who]) => who.startsWith('the writer'))!;
    const column = methodColumns(table.header).method3;
    const flipped = {
      ...table,
      rows: table.rows.map((row) =>
        row === writer ? row.map((cell, index) => (index === column ? `yes${cell.slice(2)}` : cell)) : row,
      ),
    };
    expect(answerOf(writer[column])).toBe(false);
    expect(disagreements(flipped, SECURITY_TABLE_ROWS)).toEqual([
      expect.stringMatching(/^the writer, method3: the cell answers true/),
      expect.stringMatching(/^the writer, method3: the cell answers true/),
      expect.stringMatching(/^the writer, method3: the cell answers true/),
    ]);
  });

  it('finds a missing Method 3 column and a case no test evaluates', () => {
    const withoutMethod3 = { ...table, header: table.header.map((cell) => cell.replace('Method 3', 'Method three')) };
    expect(disagreements(withoutMethod3, SECURITY_TABLE_ROWS)).toContain('no column for method3');
    expect(disagreements(table, [{ who: 'the function', method3: ['nonesuch'] }])).toEqual([
      'the function, method3: no case "nonesuch"',
    ]);
  });
});
