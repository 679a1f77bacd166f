import { Testing, TerraformStack } from 'cdktf';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { describe, expect, it } from 'vitest';
import type { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import type { FunctionSecret } from '../../lib/function-secret';
import {
  MissingEntryError,
  SecretOfAnotherFunctionError,
  UrlFunction,
  type UrlFunctionProps,
} from '../../lib/url-function';

/** A secret of fixed parts, which records the role it was granted to. */
function fakeSecret(parts: Partial<FunctionSecret> = {}): FunctionSecret & { granted: IamRole[] } {
  const granted: IamRole[] = [];
  return {
    functionName: 'fn',
    handlerEntry: 'functions/method1-sample/index.ts',
    environment: { SECRET_NAME: 'name' },
    externallyManagedEnvironment: [],
    layers: [],
    roleStatements: [{ sid: 'ReadSecret', effect: 'Allow', actions: ['kms:Decrypt'], resources: ['*'] }],
    grantTo: (role) => void granted.push(role),
    granted,
    ...parts,
  };
}

/** A UrlFunction named `fn` in an empty stack, as Terraform JSON and the warnings synthesis attached. */
function synthFunction(
  props: Partial<UrlFunctionProps> = {},
  environment?: (stack: TerraformStack) => Record<string, string>,
) {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test');
  const fn = new UrlFunction(stack, 'function', {
    functionName: 'fn',
    entry: 'functions/method2-sample/index.ts',
    environment: environment?.(stack) ?? { TARGET_URL: 'https://api.example.com/hook' },
    logRetentionDays: 14,
    authType: 'AWS_IAM',
    ...props,
  });
  const json = JSON.parse(Testing.synth(stack)) as {
    resource: Record<string, Record<string, any>>;
    data: Record<string, Record<string, any>>;
  };
  const warnings = fn.node
    .findAll()
    .flatMap((construct) => construct.node.metadata)
    .filter((entry) => entry.type === '@cdktf/warn')
    .map((entry) => String(entry.data));
  return { json, warnings, fn };
}

const only = (block: Record<string, any> | undefined) => Object.values(block ?? {})[0];
const address = (json: { resource: Record<string, Record<string, any>> }, type: string) =>
  `${type}.${Object.keys(json.resource[type])[0]}`;

describe('UrlFunction', () => {
  it('names its log group after the function, as Lambda does', () => {
    expect(only(synthFunction().json.resource.aws_cloudwatch_log_group)).toEqual({
      name: '/aws/lambda/fn',
      retention_in_days: 14,
    });
  });

  it('names its role and its policy after the function', () => {
    const { json } = synthFunction();
    expect([only(json.resource.aws_iam_role).name, only(json.resource.aws_iam_policy).name]).toEqual([
      'fn-lambda-execution',
      'fn-lambda-execution',
    ]);
  });

  it('attaches the policy to the role', () => {
    const { json } = synthFunction();
    expect(only(json.resource.aws_iam_role_policy_attachment)).toEqual({
      role: `\${${address(json, 'aws_iam_role')}.name}`,
      policy_arn: `\${${address(json, 'aws_iam_policy')}.arn}`,
    });
  });

  it('creates the function after its log group and its policy attachment', () => {
    const { json } = synthFunction();
    expect(only(json.resource.aws_lambda_function).depends_on).toEqual([
      address(json, 'aws_cloudwatch_log_group'),
      address(json, 'aws_iam_role_policy_attachment'),
    ]);
  });

  it('runs on x86_64 unless told otherwise', () => {
    expect(only(synthFunction().json.resource.aws_lambda_function).architectures).toEqual(['x86_64']);
  });

  it('leaves the lifecycle alone when no variable is managed outside Terraform', () => {
    expect(only(synthFunction().json.resource.aws_lambda_function).lifecycle).toBeUndefined();
  });

  it('ignores changes to each variable managed outside Terraform, and to no other', () => {
    const { json } = synthFunction({ secret: fakeSecret({ externallyManagedEnvironment: ['A', 'B'] }) });
    expect(only(json.resource.aws_lambda_function).lifecycle).toEqual({
      ignore_changes: ['environment[0].variables["A"]', 'environment[0].variables["B"]'],
    });
  });

  it('does not count a value unresolved at synth, such as a key ARN, against the 4 KB quota', () => {
    const environment = (stack: TerraformStack) => ({
      BIG: 'a'.repeat(4080),
      KEY: new KmsKey(stack, 'key').arn,
    });
    expect(() => synthFunction({}, environment)).not.toThrow();
  });

  it('defaults to a signed URL, 30 days of logs and the timing budget’s 10 seconds', () => {
    const { json } = synthFunction({ authType: undefined, logRetentionDays: undefined });
    expect([
      only(json.resource.aws_lambda_function_url).authorization_type,
      only(json.resource.aws_cloudwatch_log_group).retention_in_days,
      only(json.resource.aws_lambda_function).timeout,
    ]).toEqual(['AWS_IAM', 30, 10]);
  });

  describe('with a secret', () => {
    it('adds the secret’s variables to its own', () => {
      const { json } = synthFunction({ secret: fakeSecret() });
      expect(only(json.resource.aws_lambda_function).environment.variables).toEqual({
        TARGET_URL: 'https://api.example.com/hook',
        SECRET_NAME: 'name',
      });
    });

    it('adds the secret’s statements to the role’s policy, after the log permissions', () => {
      const { json } = synthFunction({ secret: fakeSecret() });
      const execution = Object.entries(json.data.aws_iam_policy_document).find(([name]) =>
        name.includes('execution'),
      )?.[1];
      expect(execution.statement.map((statement: { sid?: string }) => statement.sid)).toEqual([
        undefined,
        'ReadSecret',
      ]);
    });

    it('grants the secret to its role once', () => {
      const secret = fakeSecret();
      const { fn } = synthFunction({ secret });
      expect(secret.granted).toEqual([fn.role]);
    });

    it('runs the secret’s handler unless given another', () => {
      const bundled = (props: Partial<UrlFunctionProps>) =>
        synthFunction({ entry: undefined, ...props }).json.resource.aws_lambda_function;
      expect(() => bundled({ secret: fakeSecret() })).not.toThrow();
      expect(() => bundled({ secret: fakeSecret({ handlerEntry: 'functions/none.ts' }) })).toThrow(/none\.ts/);
    });

    it('adds the secret’s layers after its own', () => {
      const { json } = synthFunction({ layers: ['own'], secret: fakeSecret({ layers: ['secret'] }) });
      expect(only(json.resource.aws_lambda_function).layers).toEqual(['own', 'secret']);
    });
  });

  it('has only the log permissions, and no layer, without a secret', () => {
    const { json } = synthFunction();
    const execution = Object.entries(json.data.aws_iam_policy_document).find(([name]) =>
      name.includes('execution'),
    )?.[1];
    expect([execution.statement.length, only(json.resource.aws_lambda_function).layers]).toEqual([1, undefined]);
  });

  it('names its errors after their classes', () => {
    expect([new MissingEntryError('fn').name, new SecretOfAnotherFunctionError('fn', 'other').name]).toEqual([
      'MissingEntryError',
      'SecretOfAnotherFunctionError',
    ]);
  });

  it('refuses the secret of another function, naming both', () => {
    const other = () => synthFunction({ secret: fakeSecret({ functionName: 'other' }) });
    expect(other).toThrow(SecretOfAnotherFunctionError);
    expect(other).toThrow(
      'Function "fn" was given the secret of function "other": create its SecretKey with functionName "fn".',
    );
  });

  it('refuses a function with neither an entry nor a secret, naming the function', () => {
    expect(() => synthFunction({ entry: undefined })).toThrow(MissingEntryError);
    expect(() => synthFunction({ entry: undefined })).toThrow(/Function "fn" has no handler/);
  });

  describe('with a public URL', () => {
    it('creates the permission for the URL, and the stack that lets only the URL invoke, after the function', () => {
      const { json } = synthFunction({ authType: 'NONE' });
      expect(only(json.resource.aws_cloudformation_stack).depends_on).toEqual([
        address(json, 'aws_lambda_function'),
        address(json, 'aws_lambda_permission'),
      ]);
    });

    it('describes what the CloudFormation stack allows', () => {
      const { json } = synthFunction({ authType: 'NONE' });
      expect(JSON.parse(only(json.resource.aws_cloudformation_stack).template_body).Description).toBe(
        'Lets the public function URL of fn invoke it, and nothing else invoke it publicly',
      );
    });

    it('warns that anyone can call the function, and what to prefer', () => {
      expect(synthFunction({ authType: 'NONE' }).warnings).toEqual([
        'Function URL of "fn" has auth type NONE: anyone on the internet can call it, up to its reserved ' +
          'concurrency. Prefer AWS_IAM with signed requests.',
      ]);
    });
  });
});
