/** Method 1: the token is KMS ciphertext in an environment variable, decrypted at run time. */
import { DecryptCommand, type DecryptCommandOutput } from '@aws-sdk/client-kms';
import { ENCRYPTION_CONTEXT_KEY, ENV, SECRET_PLACEHOLDER } from './contract';
import { SecretNotProvisionedError, SecretRetrievalError } from './errors';
import { SecretProvider, type SecretProviderOptions } from './secret-provider';

/** The part of `KMSClient` this provider uses, so tests can pass a fake with `send`. */
export interface KmsDecryptClient {
  send(command: DecryptCommand, options?: { abortSignal?: AbortSignal }): Promise<DecryptCommandOutput>;
}

/**
 * Decrypts base64 KMS ciphertext bound to the function by the encryption context
 * `{ LambdaFunctionName: <function name> }`, as the Lambda console's encryption helper does.
 */
export class KmsSecretProvider extends SecretProvider {
  readonly #client: KmsDecryptClient;
  readonly #ciphertextBase64: string;
  readonly #functionName: string;

  /**
   * @param client - A `KMSClient`, or a fake with the same `send`.
   * @param ciphertextBase64 - The ciphertext as base64, or {@link SECRET_PLACEHOLDER}.
   * @param functionName - The function's name, which the ciphertext's encryption context must match.
   * @param options - Cache and timeout settings.
   */
  constructor(
    client: KmsDecryptClient,
    ciphertextBase64: string,
    functionName: string,
    options?: SecretProviderOptions,
  ) {
    super(`environment variable ${ENV.encryptedApiToken}`, options);
    this.#client = client;
    this.#ciphertextBase64 = ciphertextBase64;
    this.#functionName = functionName;
  }

  protected async fetch(signal: AbortSignal): Promise<string> {
    // The placeholder is not ciphertext; sending it to KMS would only add a confusing
    // InvalidCiphertextException to the real problem.
    if (this.#ciphertextBase64 === SECRET_PLACEHOLDER) {
      throw new SecretNotProvisionedError(this.source);
    }
    const { Plaintext } = await this.#client.send(
      new DecryptCommand({
        CiphertextBlob: Buffer.from(this.#ciphertextBase64, 'base64'),
        EncryptionContext: { [ENCRYPTION_CONTEXT_KEY]: this.#functionName },
      }),
      { abortSignal: signal },
    );
    if (!Plaintext) {
      throw new SecretRetrievalError(`KMS Decrypt returned no plaintext for ${this.source}`);
    }
    return Buffer.from(Plaintext).toString('utf8');
  }
}
