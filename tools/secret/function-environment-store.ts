/** Method 1's store: base64 KMS ciphertext in the function's environment, written outside Terraform. */
import { EncryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import {
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { ENCRYPTION_CONTEXT_KEY, ENV } from '../../functions/shared/contract';
import { assertEnvironmentFits } from '../../lib/lambda-environment';
import { keyAliasName } from '../../lib/secret-names';
import { isAwsError } from '../common/aws';
import { AwsRequestError, ConcurrentChangeError, FunctionUpdateError } from './errors';
import { awsError, checkKeyAlias, checkMode, checkToken, isProvisioned, readFunction, stackKey } from './store';
import type { ProvisionMode, SecretStatus, SecretStore, SecretStoreClients, StackKey, StorePermissions } from './store';

/** Seconds to wait for Lambda to apply a new environment; updates normally take a few. */
const UPDATE_WAIT_SECONDS = 120;

/** Method 1: base64 KMS ciphertext in the function's environment variable. */
export class FunctionEnvironmentSecretStore implements SecretStore {
  /**
   * What each command needs: `DescribeKey` checks where the alias points, `GetFunction` is how
   * the update is awaited.
   */
  static readonly permissions: StorePermissions = {
    status: ['lambda:GetFunctionConfiguration'],
    provision: [
      'lambda:GetFunctionConfiguration',
      'kms:DescribeKey',
      'kms:Encrypt',
      'lambda:UpdateFunctionConfiguration',
      'lambda:GetFunction',
    ],
  };

  /** What provisioning does, for the usage text. */
  static describe(stack: string): string {
    return (
      `encrypts the token with the key the function names in ${ENV.kmsKeyArn} (refused if ` +
      `${keyAliasName(stack)} points elsewhere), bound by the encryption context ` +
      `${ENCRYPTION_CONTEXT_KEY}=${stack}, into the function's ${ENV.encryptedApiToken}`
    );
  }

  readonly #lambda: LambdaClient;
  readonly #kms: KMSClient;
  readonly #location: string;

  constructor(
    readonly stack: string,
    { lambda, kms }: SecretStoreClients,
  ) {
    this.#lambda = lambda;
    this.#kms = kms;
    this.#location = `function ${stack}, environment variable ${ENV.encryptedApiToken}`;
  }

  async provision(token: string, mode: ProvisionMode): Promise<string> {
    checkToken(token);
    const configuration = await readFunction(this.#lambda, this.stack);
    const variables = configuration.Environment?.Variables ?? {};
    checkMode(mode, isProvisioned(variables[ENV.encryptedApiToken]), this.stack, this.#location);
    const key = stackKey(configuration, this.stack);
    await checkKeyAlias(this.#kms, this.stack, key);
    const ciphertext = await this.#encrypt(token, key);
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

  /** The token encrypted under the stack's key, named by its ARN (as the function decrypts), never by the alias. */
  async #encrypt(token: string, key: StackKey): Promise<string> {
    const keyId = key.arn;
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
      if (isAwsError(error, 'PreconditionFailedException')) {
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
        isAwsError(error, 'TimeoutError')
          ? `function ${this.stack} did not finish updating within ${UPDATE_WAIT_SECONDS} s ` +
              '(waiting needs lambda:GetFunction); check its LastUpdateStatus'
          : `the update of function ${this.stack} failed; see LastUpdateStatusReason in ` +
              `aws lambda get-function-configuration --function-name ${this.stack}`,
      );
    }
  }
}
