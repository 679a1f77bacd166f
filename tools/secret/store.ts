/**
 * What every secret store shares: the interface the CLI calls, and the checks and AWS error
 * translation that do not depend on where a method keeps its token.
 */
import { DescribeKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { GetFunctionConfigurationCommand, type FunctionConfiguration, type LambdaClient } from '@aws-sdk/client-lambda';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { ENV, isBearerToken, KMS_KEY_ARN, SECRET_PLACEHOLDER } from '../../functions/shared/contract';
import { keyAliasName } from '../../lib/secret-names';
import { awsErrorName, isAwsError, unreachableReason } from '../common/aws';
import {
  AccessDeniedError,
  AwsRequestError,
  AwsUnreachableError,
  EmptyTokenError,
  KeyAliasMismatchError,
  KeyArnNotConfiguredError,
  MalformedTokenError,
  SecretAlreadyProvisionedError,
  SecretNotYetProvisionedError,
  StackNotDeployedError,
  TokenTooLargeError,
} from './errors';

/** `set` stores a first secret over the placeholder; `rotate` replaces a provisioned one. */
export type ProvisionMode = 'set' | 'rotate';

/**
 * Largest token accepted, in UTF-8 bytes: the SSM standard tier's value limit. Method 1 fits less,
 * since its ciphertext shares Lambda's 4 KB environment quota with the other variables.
 */
export const MAX_TOKEN_BYTES = 4096;

/** The AWS clients a store calls; any not given is built from the standard environment and credential chain. */
export interface SecretStoreClients {
  /** Reads and (Method 1) updates the function's configuration. */
  readonly lambda: LambdaClient;
  /** Checks where the stack's alias points; Method 1: encrypts the token. */
  readonly kms: KMSClient;
  /** Method 2: reads and writes the parameter. */
  readonly ssm: SSMClient;
  /** Method 3: reads the secret's metadata and puts its value. */
  readonly secretsManager: SecretsManagerClient;
}

/** Where a stack's secret stands; never the secret itself. */
export interface SecretStatus {
  /** Whether a real secret is in place rather than the placeholder (or nothing). */
  readonly provisioned: boolean;
  /** Where the secret lives, for people to read. */
  readonly location: string;
  /**
   * When the holder of the secret last changed: Method 1's function configuration (any change to
   * it, not only the secret's), Method 2's parameter (absent when it does not exist) or Method 3's
   * secret (its LastChangedDate: a new version, or any change to its metadata).
   */
  readonly lastModified?: Date;
  /** Method 2: the parameter's version; Method 3: the id of the version that is AWSCURRENT. */
  readonly version?: number | string;
}

/** The secret of one deployed stack. */
/**
 * The IAM actions a store's commands need: those it calls itself, and the KMS actions that SSM
 * (for a SecureString) or Secrets Manager (for a new version) calls with the caller's permissions.
 */
export interface StorePermissions {
  /** What `status` needs. */
  readonly status: readonly string[];
  /** What `set` and `rotate` need. */
  readonly provision: readonly string[];
}

export interface SecretStore {
  /** The stack's name in its stage, which is also its function's name. */
  readonly stack: string;
  /**
   * Stores `token` (used in memory only) where the stack's function reads it.
   * @returns a description of what changed, free of secrets, e.g. "function environment updated"
   * @throws SecretAlreadyProvisionedError for `set` when a secret is in place
   * @throws SecretNotYetProvisionedError for `rotate` when none is
   * @throws EmptyTokenError, TokenTooLargeError, MalformedTokenError before any AWS call
   */
  provision(token: string, mode: ProvisionMode): Promise<string>;
  /** Reads whether the secret is provisioned and when it last changed. */
  status(): Promise<SecretStatus>;
}

/** Error names by which AWS services (JSON, query and EC2 protocols) refuse a caller's permissions. */
const ACCESS_DENIED_NAMES = new Set(['AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation']);

/** @throws StackNotDeployedError when the stack's function does not exist */
export async function readFunction(lambda: LambdaClient, stack: string): Promise<FunctionConfiguration> {
  try {
    return await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: stack }));
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException')) {
      // The region is the usual culprit: the credentials' default is not where the stack was deployed.
      throw new StackNotDeployedError(stack, await lambda.config.region(), { cause: error });
    }
    throw awsError(error, 'lambda:GetFunctionConfiguration', stack);
  }
}

/** The key the stack owns and the function names, both as its ARN and as its id. */
export interface StackKey {
  /** The key's ARN, from the function's KMS_KEY_ARN. */
  readonly arn: string;
  /** The key's id, the last part of its ARN. */
  readonly id: string;
}

/**
 * The key that the stack gave its function in KMS_KEY_ARN: the only key the CLI encrypts under.
 * The function is trusted to name it, since whoever can change the function can read its token
 * anyway; the alias is not, since managing aliases is a right of its own.
 * @throws KeyArnNotConfiguredError when the variable is missing (a stack deployed before it
 *   existed) or holds no key ARN
 */
export function stackKey(configuration: FunctionConfiguration, stack: string): StackKey {
  const arn = configuration.Environment?.Variables?.[ENV.kmsKeyArn];
  if (!arn) throw new KeyArnNotConfiguredError(stack, ENV.kmsKeyArn);
  const id = KMS_KEY_ARN.exec(arn)?.[1];
  if (!id) throw new KeyArnNotConfiguredError(stack, ENV.kmsKeyArn, true);
  return { arn, id };
}

/**
 * Refuses to go on when the stack's alias points at another key than `key`: a sign that someone
 * repointed it, perhaps at a key of their own. A missing alias is no such sign (the token is
 * encrypted under `key`, never under the alias), so it is let through. DescribeKey on an alias
 * is authorised against the key it points at: a writer allowed it on the stack's key only is
 * denied it on any other, which stops the command too.
 * @throws KeyAliasMismatchError when the alias points elsewhere
 */
export async function checkKeyAlias(kms: KMSClient, stack: string, key: StackKey): Promise<void> {
  const alias = keyAliasName(stack);
  let target: string | undefined;
  try {
    target = (await kms.send(new DescribeKeyCommand({ KeyId: alias }))).KeyMetadata?.Arn;
  } catch (error) {
    if (isAwsError(error, 'NotFoundException')) return;
    throw awsError(error, 'kms:DescribeKey', alias);
  }
  if (!target) throw new AwsRequestError(`kms:DescribeKey on ${alias} returned no key ARN`);
  if (target !== key.arn) throw new KeyAliasMismatchError(alias, target, key.arn, ENV.kmsKeyArn);
}

export function checkToken(token: string): void {
  if (token === '') throw new EmptyTokenError();
  const size = Buffer.byteLength(token, 'utf8');
  if (size > MAX_TOKEN_BYTES) throw new TokenTooLargeError(size, MAX_TOKEN_BYTES);
  if (!isBearerToken(token)) throw new MalformedTokenError();
}

export function checkMode(mode: ProvisionMode, provisioned: boolean, stack: string, location: string): void {
  if (mode === 'set' && provisioned) throw new SecretAlreadyProvisionedError(stack, location);
  if (mode === 'rotate' && !provisioned) throw new SecretNotYetProvisionedError(stack, location);
}

export function isProvisioned(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== SECRET_PLACEHOLDER;
}

/**
 * Translates a failed AWS call into an error naming the action and the resource.
 * @param secrets values the call carried, removed from the message if AWS echoes them
 */
export function awsError(error: unknown, action: string, resource: string, secrets: readonly string[] = []): Error {
  const name = awsErrorName(error) ?? 'Error';
  const message = error instanceof Error ? error.message : String(error);
  const redacted = secrets
    .reduce((text, secret) => text.replaceAll(secret, '[redacted]'), message)
    // The CLIs print one line per error.
    .replace(/\s*\n\s*/g, ' ');
  // An error that echoes a secret (Lambda quotes an environment it rejects) is not kept, even as the cause.
  const cause = secrets.some((secret) => message.includes(secret)) ? undefined : error;
  if (ACCESS_DENIED_NAMES.has(name)) return new AccessDeniedError(action, resource, { cause });
  const unreachable = unreachableReason(error);
  if (unreachable) return new AwsUnreachableError(`${action} on ${resource}: ${unreachable}`, { cause });
  return new AwsRequestError(`${action} on ${resource} failed: ${name}: ${redacted}`, { cause });
}
