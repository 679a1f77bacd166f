/** Method 1: the token is KMS ciphertext in an environment variable, decrypted at run time. */
import { DecryptCommand, type DecryptCommandOutput } from '@aws-sdk/client-kms';
import { ENCRYPTION_CONTEXT_KEY, ENV, SECRET_PLACEHOLDER } from './contract';
import { SecretNotProvisionedError, SecretRetrievalError } from './errors';
import { SecretProvider, type SecretProviderOptions } from './secret-provider';

/** The part of `KMSClient` this provider uses, so tests can pass a fake with `send`. */
export interface KmsDecryptClient {
  send(command: DecryptCommand, options?: { abortSignal?: AbortSignal }): Promise<DecryptCommandOutput>;
}

/** What a ciphertext must be bound to for the function to accept it. */
export interface KmsCiphertextBinding {
  /** The function's name, which the ciphertext's encryption context must match. */
  readonly functionName: string;
  /** ARN of the function's own key: KMS refuses a ciphertext made under any other key. */
  readonly keyArn: string;
}

/**
 * Decrypts base64 KMS ciphertext bound to the function by the encryption context
 * `{ LambdaFunctionName: <function name> }`, as the Lambda console's encryption helper does, and
 * made under the function's own key: `KeyId` is always sent, so a ciphertext made under a key
 * someone pointed the alias at is refused even if that key's policy lets the role decrypt.
 */
export class KmsSecretProvider extends SecretProvider {
  readonly #client: KmsDecryptClient;
  readonly #ciphertextBase64: string;
  readonly #binding: KmsCiphertextBinding;

  /**
   * @param client - A `KMSClient`, or a fake with the same `send`.
   * @param ciphertextBase64 - The ciphertext as base64, or {@link SECRET_PLACEHOLDER}.
   * @param binding - The function and key the ciphertext must be bound to.
   * @param options - Cache and timeout settings.
   */
  constructor(
    client: KmsDecryptClient,
    ciphertextBase64: string,
    binding: KmsCiphertextBinding,
    options?: SecretProviderOptions,
  ) {
    super(`environment variable ${ENV.encryptedApiToken}`, options);
    this.#client = client;
    this.#ciphertextBase64 = ciphertextBase64;
    this.#binding = binding;
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
        KeyId: this.#binding.keyArn,
        EncryptionContext: { [ENCRYPTION_CONTEXT_KEY]: this.#binding.functionName },
      }),
      { abortSignal: signal },
    );
    if (!Plaintext) {
      throw new SecretRetrievalError(`KMS Decrypt returned no plaintext for ${this.source}`);
    }
    return Buffer.from(Plaintext).toString('utf8');
  }
}
