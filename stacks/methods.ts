/**
 * The project's methods, one entry each: the one list that the app, the tools, the help and
 * usage texts and the tests derive from. Adding a method starts here; the compiler then points
 * at every place that still lacks it (its stack class, its secret store). Kept free of cdktf
 * and the AWS SDK, so a tool that needs only a stack's name loads nothing else; and free of the
 * options (stacks/options/), which import it.
 */
import { OUT_OF_BAND } from '../lib/secret-names';

/** Where a method keeps its token at run time; picks the secret CLI's store. */
export type SecretStoreKind = 'function-environment' | 'ssm-parameter' | 'secrets-manager';

/** The options that say how a method's token is delivered. */
export type SecretDeliveryOption = 'method1SecretDelivery' | 'method2SecretDelivery';

/** Name of Method 2's SecureString parameter in the default stage, as in the article. */
export const API_TOKEN_PARAMETER_NAME = '/sample-app/lambda/sample-api-token';

/**
 * What a stage may be called: a lowercase letter, then up to 11 lowercase letters or digits. No
 * hyphen, so that a stack's name splits back into its method and stage.
 */
export const STAGE_PATTERN = /^[a-z][a-z0-9]{0,11}$/;

/** The stage whose names are the article's own. */
export const DEFAULT_STAGE = '';

/**
 * The name of a method's stack in `stage`, which is also its function's name and the root of
 * every name in the stack: `method1-sample` in the default stage, `method1-sample-dev` in `dev`.
 */
export function stagedStackName(stackName: string, stage: string): string {
  return stage === DEFAULT_STAGE ? stackName : `${stackName}-${stage}`;
}

/** Name of Method 3's Secrets Manager secret in the default stage: the article's parameter name, as a secret name. */
export const API_TOKEN_SECRET_NAME = 'sample-app/lambda/sample-api-token';

/** Method 3's secret in `stage`: {@link API_TOKEN_SECRET_NAME}, or `sample-app/<stage>/lambda/sample-api-token`. */
export function apiTokenSecretName(stage: string): string {
  return stage === DEFAULT_STAGE ? API_TOKEN_SECRET_NAME : `sample-app/${stage}/lambda/sample-api-token`;
}

/** Method 2's parameter in `stage`: the article's name, or `/sample-app/<stage>/lambda/sample-api-token`. */
export function apiTokenParameterName(stage: string): string {
  return stage === DEFAULT_STAGE ? API_TOKEN_PARAMETER_NAME : `/sample-app/${stage}/lambda/sample-api-token`;
}

/** The method and stage that a stack's name (see {@link stagedStackName}) stands for. */
export interface StagedStack {
  /** The method's stack name in the default stage. */
  readonly stackName: StackName;
  readonly stage: string;
  /** The stack's own name: its function's name. */
  readonly name: string;
}

/** The method and stage of a stack named `name`, or undefined if it names none. */
export function parseStackName(name: string): StagedStack | undefined {
  for (const { stackName } of METHODS) {
    if (name === stackName) return { stackName, stage: DEFAULT_STAGE, name };
    const stage = name.startsWith(`${stackName}-`) ? name.slice(stackName.length + 1) : undefined;
    if (stage !== undefined && STAGE_PATTERN.test(stage)) return { stackName, stage, name };
  }
  return undefined;
}

/** One way of giving a function its token, and the stack that shows it. */
export interface MethodDefinition {
  /** The stack's name, which is also its function's name, as in the article. */
  readonly stackName: string;
  /** Where the token lives and what the function does with it, in one line for help texts. */
  readonly summary: string;
  /** Where the token lives at run time, which decides how the secret CLI writes it. */
  readonly secretStore: SecretStoreKind;
  /**
   * The option that says how the token is delivered: by Terraform, or `out-of-band` by the
   * secret CLI. Absent: always out of band, since Terraform never holds the value.
   */
  readonly deliveryOption?: SecretDeliveryOption;
}

/** Every method, in deployment order. */
export const METHODS = [
  {
    stackName: 'method1-sample',
    summary: 'KMS ciphertext of the token in ENCRYPTED_API_TOKEN; the function decrypts it',
    secretStore: 'function-environment',
    deliveryOption: 'method1SecretDelivery',
  },
  {
    stackName: 'method2-sample',
    summary: `SSM SecureString ${API_TOKEN_PARAMETER_NAME}; the environment holds its name`,
    secretStore: 'ssm-parameter',
    deliveryOption: 'method2SecretDelivery',
  },
  {
    stackName: 'method3-sample',
    summary: `Secrets Manager secret ${API_TOKEN_SECRET_NAME}; the environment holds its ARN`,
    secretStore: 'secrets-manager',
  },
] as const satisfies readonly MethodDefinition[];

/** The name of one of the project's stacks. */
export type StackName = (typeof METHODS)[number]['stackName'];

/** The stacks' names, in deployment order. */
export const STACK_NAMES: readonly StackName[] = METHODS.map((method) => method.stackName);

/** Whether `name` is one of {@link STACK_NAMES}. */
export function isStackName(name: string): name is StackName {
  return (STACK_NAMES as readonly string[]).includes(name);
}

/** The method whose stack is `stackName`. */
export function methodOf(stackName: StackName): MethodDefinition {
  return METHODS.find((method) => method.stackName === stackName) as MethodDefinition;
}

/** Whether, under `options`, the token of `method` is written by the secret CLI rather than by Terraform. */
export function isDeliveredOutOfBand(
  method: MethodDefinition,
  options: Readonly<Record<SecretDeliveryOption, string>>,
): boolean {
  return method.deliveryOption === undefined || options[method.deliveryOption] === OUT_OF_BAND;
}
