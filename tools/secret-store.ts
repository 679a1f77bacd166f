/**
 * Provisions the API token of a deployed sample stack outside Terraform, so that the token never
 * reaches the Terraform state or plan. Method 1 encrypts it into the function's environment;
 * Method 2 writes it to the SSM SecureString that the function reads.
 */
import { DescribeKeyCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  GetFunctionConfigurationCommand,
  LambdaClient,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
  type FunctionConfiguration,
} from '@aws-sdk/client-lambda';
import { GetParameterCommand, PutParameterCommand, SSMClient, type Parameter } from '@aws-sdk/client-ssm';
import { ENCRYPTION_CONTEXT_KEY, ENV, isBearerToken, SECRET_PLACEHOLDER } from '../functions/shared/contract';
import { assertEnvironmentFits } from '../lib/lambda-environment';
import { isStackName, STACK_NAMES, type StackName } from '../lib/stack-names';
import {
  AccessDeniedError,
  AwsRequestError,
  ConcurrentChangeError,
  EmptyTokenError,
  FunctionNotConfiguredError,
  FunctionUpdateError,
  MalformedTokenError,
  SecretAlreadyProvisionedError,
  SecretNotYetProvisionedError,
  StackNotDeployedError,
  TokenTooLargeError,
  UnknownStackError,
} from './secret-errors';

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
  /** Method 1: encrypts the token. Method 2: finds the stack's key. */
  readonly kms: KMSClient;
  /** Method 2: reads and writes the parameter. */
  readonly ssm: SSMClient;
}

/** Where a stack's secret stands; never the secret itself. */
export interface SecretStatus {
  /** Whether a real secret is in place rather than the placeholder (or nothing). */
  readonly provisioned: boolean;
  /** Where the secret lives, for people to read. */
  readonly location: string;
  /**
   * When the holder of the secret last changed: Method 1's function configuration (any change to
   * it, not only the secret's) or Method 2's parameter; absent when the parameter does not exist.
   */
  readonly lastModified?: Date;
  /** Method 2: the parameter's version. */
  readonly version?: number;
}

/** The secret of one deployed stack. */
export interface SecretStore {
  /** The stack, which is also its function's name. */
  readonly stack: StackName;
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

/**
 * The store for `stack`'s secret. Without `clients` it talks to whatever the standard AWS
 * environment names: real AWS, or an emulator through `AWS_ENDPOINT_URL`.
 * @throws UnknownStackError when `stack` is not one of {@link STACK_NAMES}
 */
export function createSecretStore(stack: string, clients: Partial<SecretStoreClients> = {}): SecretStore {
  if (!isStackName(stack)) throw new UnknownStackError(STACK_NAMES);
  const lambda = clients.lambda ?? new LambdaClient({});
  const kms = clients.kms ?? new KMSClient({});
  return stack === 'method1-sample'
    ? new EnvironmentSecretStore(stack, lambda, kms)
    : new ParameterSecretStore(stack, lambda, clients.ssm ?? new SSMClient({}), kms);
}

/** Seconds to wait for Lambda to apply a new environment; updates normally take a few. */
const UPDATE_WAIT_SECONDS = 120;

/** Error names by which AWS services (JSON, query and EC2 protocols) refuse a caller's permissions. */
const ACCESS_DENIED_NAMES = new Set(['AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation']);

/** Method 1: base64 KMS ciphertext in the function's environment variable. */
class EnvironmentSecretStore implements SecretStore {
  readonly #lambda: LambdaClient;
  readonly #kms: KMSClient;
  readonly #location: string;

  constructor(readonly stack: StackName, lambda: LambdaClient, kms: KMSClient) {
    this.#lambda = lambda;
    this.#kms = kms;
    this.#location = `function ${stack}, environment variable ${ENV.encryptedApiToken}`;
  }

  async provision(token: string, mode: ProvisionMode): Promise<string> {
    checkToken(token);
    const configuration = await readFunction(this.#lambda, this.stack);
    const variables = configuration.Environment?.Variables ?? {};
    checkMode(mode, isProvisioned(variables[ENV.encryptedApiToken]), this.stack, this.#location);
    const ciphertext = await this.#encrypt(token);
    // UpdateFunctionConfiguration replaces the whole environment: every other variable is carried over.
    const merged = { ...variables, [ENV.encryptedApiToken]: ciphertext };
    assertEnvironmentFits(this.stack, merged);
    await this.#update(merged, configuration.RevisionId, ciphertext);
    await this.#waitForUpdate();
    return 'function environment updated';
  }

  async status(): Promise<SecretStatus> {
    const configuration = await readFunction(this.#lambda, this.stack);
    return {
      provisioned: isProvisioned(configuration.Environment?.Variables?.[ENV.encryptedApiToken]),
      location: this.#location,
      lastModified: configuration.LastModified ? new Date(configuration.LastModified) : undefined,
    };
  }

  async #encrypt(token: string): Promise<string> {
    const keyId = keyAlias(this.stack);
    let ciphertext: Uint8Array | undefined;
    try {
      ({ CiphertextBlob: ciphertext } = await this.#kms.send(
        new EncryptCommand({
          KeyId: keyId,
          Plaintext: Buffer.from(token, 'utf8'),
          // The context the function decrypts with and its role's policy requires.
          EncryptionContext: { [ENCRYPTION_CONTEXT_KEY]: this.stack },
        }),
      ));
    } catch (error) {
      throw awsError(error, 'kms:Encrypt', keyId, [token]);
    }
    if (!ciphertext) throw new AwsRequestError(`kms:Encrypt on ${keyId} returned no ciphertext`);
    return Buffer.from(ciphertext).toString('base64');
  }

  async #update(variables: Record<string, string>, revisionId: string | undefined, ciphertext: string): Promise<void> {
    try {
      await this.#lambda.send(
        new UpdateFunctionConfigurationCommand({
          FunctionName: this.stack,
          // Lambda refuses the update if the function changed since it was read, so a concurrent
          // change to another variable is not silently reverted.
          RevisionId: revisionId,
          Environment: { Variables: variables },
        }),
      );
    } catch (error) {
      if (errorName(error) === 'PreconditionFailedException') {
        throw new ConcurrentChangeError(this.stack, { cause: error });
      }
      throw awsError(error, 'lambda:UpdateFunctionConfiguration', this.stack, [ciphertext]);
    }
  }

  async #waitForUpdate(): Promise<void> {
    try {
      await waitUntilFunctionUpdatedV2(
        { client: this.#lambda, maxWaitTime: UPDATE_WAIT_SECONDS },
        { FunctionName: this.stack },
      );
    } catch (error) {
      // Not kept as the cause: the waiter's message is the JSON of its last GetFunction response,
      // the environment and so the ciphertext included.
      throw new FunctionUpdateError(
        errorName(error) === 'TimeoutError'
          ? `function ${this.stack} did not finish updating within ${UPDATE_WAIT_SECONDS} s ` +
            '(waiting needs lambda:GetFunction); check its LastUpdateStatus'
          : `the update of function ${this.stack} failed; see LastUpdateStatusReason in ` +
            `aws lambda get-function-configuration --function-name ${this.stack}`,
      );
    }
  }
}

/** Method 2: an SSM SecureString, named by the function's environment, encrypted with the stack's key. */
class ParameterSecretStore implements SecretStore {
  readonly #lambda: LambdaClient;
  readonly #ssm: SSMClient;
  readonly #kms: KMSClient;

  constructor(readonly stack: StackName, lambda: LambdaClient, ssm: SSMClient, kms: KMSClient) {
    this.#lambda = lambda;
    this.#ssm = ssm;
    this.#kms = kms;
  }

  async provision(token: string, mode: ProvisionMode): Promise<string> {
    checkToken(token);
    const name = await this.#parameterName();
    const parameter = await this.#read(name);
    checkMode(mode, isProvisioned(parameter?.Value), this.stack, `SSM parameter ${name}`);
    const keyId = await this.#keyId();
    let version: number | undefined;
    try {
      ({ Version: version } = await this.#ssm.send(
        new PutParameterCommand({
          Name: name,
          Value: token,
          Type: 'SecureString',
          Overwrite: true,
          KeyId: keyId,
        }),
      ));
    } catch (error) {
      throw awsError(error, 'ssm:PutParameter', name, [token]);
    }
    return `SSM parameter ${name} is now version ${version}`;
  }

  async status(): Promise<SecretStatus> {
    const name = await this.#parameterName();
    const parameter = await this.#read(name);
    if (!parameter) return { provisioned: false, location: `SSM parameter ${name}, which does not exist` };
    return {
      provisioned: isProvisioned(parameter.Value),
      location: `SSM parameter ${name}`,
      lastModified: parameter.LastModifiedDate,
      version: parameter.Version,
    };
  }

  /**
   * The id of the stack's key. The stack gives the parameter its key by id, and SSM reports
   * back whatever form it was last given: the alias here would show in every later plan as a
   * change of `key_id`.
   */
  async #keyId(): Promise<string> {
    const alias = keyAlias(this.stack);
    let keyId: string | undefined;
    try {
      keyId = (await this.#kms.send(new DescribeKeyCommand({ KeyId: alias }))).KeyMetadata?.KeyId;
    } catch (error) {
      throw awsError(error, 'kms:DescribeKey', alias);
    }
    if (!keyId) throw new AwsRequestError(`kms:DescribeKey on ${alias} returned no key id`);
    return keyId;
  }

  async #parameterName(): Promise<string> {
    const configuration = await readFunction(this.#lambda, this.stack);
    const name = configuration.Environment?.Variables?.[ENV.apiTokenParameterName];
    if (!name) throw new FunctionNotConfiguredError(this.stack, ENV.apiTokenParameterName);
    return name;
  }

  /** The parameter with its decrypted value, which is only compared with the placeholder; undefined when missing. */
  async #read(name: string): Promise<Parameter | undefined> {
    try {
      return (await this.#ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }))).Parameter;
    } catch (error) {
      if (errorName(error) === 'ParameterNotFound') return undefined;
      throw awsError(error, 'ssm:GetParameter', name);
    }
  }
}

/** @throws StackNotDeployedError when the stack's function does not exist */
async function readFunction(lambda: LambdaClient, stack: StackName): Promise<FunctionConfiguration> {
  try {
    return await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: stack }));
  } catch (error) {
    if (errorName(error) === 'ResourceNotFoundException') {
      // The region is the usual culprit: the credentials' default is not where the stack was deployed.
      throw new StackNotDeployedError(stack, await lambda.config.region(), { cause: error });
    }
    throw awsError(error, 'lambda:GetFunctionConfiguration', stack);
  }
}

function checkToken(token: string): void {
  if (token === '') throw new EmptyTokenError();
  const size = Buffer.byteLength(token, 'utf8');
  if (size > MAX_TOKEN_BYTES) throw new TokenTooLargeError(size, MAX_TOKEN_BYTES);
  if (!isBearerToken(token)) throw new MalformedTokenError();
}

function checkMode(mode: ProvisionMode, provisioned: boolean, stack: StackName, location: string): void {
  if (mode === 'set' && provisioned) throw new SecretAlreadyProvisionedError(stack, location);
  if (mode === 'rotate' && !provisioned) throw new SecretNotYetProvisionedError(stack, location);
}

function isProvisioned(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== SECRET_PLACEHOLDER;
}

/** The stack's KMS key, by the alias the stack gives it. */
function keyAlias(stack: StackName): string {
  return `alias/${stack}`;
}

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

/**
 * Translates a failed AWS call into an error naming the action and the resource.
 * @param secrets values the call carried, removed from the message if AWS echoes them
 */
function awsError(error: unknown, action: string, resource: string, secrets: readonly string[] = []): Error {
  const name = errorName(error) ?? 'Error';
  const message = error instanceof Error ? error.message : String(error);
  const redacted = secrets.reduce((text, secret) => text.replaceAll(secret, '[redacted]'), message);
  // An error that echoes a secret (Lambda quotes an environment it rejects) is not kept, even as the cause.
  const cause = redacted === message ? error : undefined;
  if (ACCESS_DENIED_NAMES.has(name)) return new AccessDeniedError(action, resource, { cause });
  return new AwsRequestError(`${action} on ${resource} failed: ${name}: ${redacted}`, { cause });
}
