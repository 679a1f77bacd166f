/** Method 3: the token is an AWS Secrets Manager secret, named in an environment variable. */
import { GetSecretValueCommand, type GetSecretValueCommandOutput } from '@aws-sdk/client-secrets-manager';
import { SecretProvider, type SecretProviderOptions } from './secret-provider';
import { notProvisionedByError, tokenOfSecretValue } from './secrets-manager-value';

/** The part of `SecretsManagerClient` this provider uses, so tests can pass a fake with `send`. */
export interface SecretsManagerGetSecretValueClient {
  send(command: GetSecretValueCommand, options?: { abortSignal?: AbortSignal }): Promise<GetSecretValueCommandOutput>;
}

/** Which secret holds the token, and where in it. */
export interface SecretsManagerSecret {
  /** ARN or name of the secret. */
  readonly secretId: string;
  /**
   * The field of the secret's JSON object whose string value is the token; undefined: the whole
   * SecretString is the token.
   */
  readonly jsonField?: string;
}

/**
 * Reads the AWSCURRENT version of a secret, decrypted by Secrets Manager with the secret's KMS
 * key. Every fetch asks Secrets Manager, so a refetch after a rotation sees the new AWSCURRENT
 * version; the base class alone caches. A secret that has no version yet is not provisioned
 * (503), as the placeholder is for the other methods.
 */
export class SecretsManagerSecretProvider extends SecretProvider {
  readonly #client: SecretsManagerGetSecretValueClient;
  readonly #secretId: string;
  readonly #jsonField: string | undefined;

  /**
   * @param client - A `SecretsManagerClient`, or a fake with the same `send`.
   * @param secret - The secret's ARN or name, and the JSON field that holds the token, if any.
   * @param options - Cache and timeout settings.
   */
  constructor(
    client: SecretsManagerGetSecretValueClient,
    secret: SecretsManagerSecret,
    options?: SecretProviderOptions,
  ) {
    super(`Secrets Manager secret ${secret.secretId}`, options);
    this.#client = client;
    this.#secretId = secret.secretId;
    this.#jsonField = secret.jsonField;
  }

  protected async fetch(signal: AbortSignal): Promise<string> {
    let answer: GetSecretValueCommandOutput;
    try {
      // No VersionStage: Secrets Manager answers AWSCURRENT. Naming it would change how a secret
      // without versions is reported (moto then says the secret itself cannot be found).
      answer = await this.#client.send(new GetSecretValueCommand({ SecretId: this.#secretId }), {
        abortSignal: signal,
      });
    } catch (error) {
      throw notProvisionedByError(error, this.source) ?? error;
    }
    return tokenOfSecretValue(answer, this.#jsonField, this.source);
  }
}
