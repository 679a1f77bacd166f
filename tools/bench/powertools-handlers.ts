/**
 * The handlers this project's bundles are compared with for size and cold start: the same
 * handler core (`functions/shared/handler.ts`, its configuration and its responses), with the
 * secret read and cached by Powertools for AWS Lambda's Parameters utility instead of this
 * project's providers. Method 2 uses Powertools' `SSMProvider` (what `getParameter(name,
 * { decrypt: true })` uses, given an SDK client configured as this project's entry configures
 * its own), Method 3 its `SecretsProvider` (what `getSecret(id)` uses, likewise given the
 * client; a JSON field read with its `json` transform); Method 1 a
 * provider extending Powertools' `BaseProvider` that calls KMS Decrypt, which is how
 * Powertools documents a custom provider. Each is a function of the environment, so that
 * this file can be imported without running it; the bench builds an entry that calls it with
 * `process.env` at module load, as this project's entries do.
 */
import { DecryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { BaseProvider } from '@aws-lambda-powertools/parameters/base';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { AWS_CLIENT_CONFIG } from '../../functions/shared/aws-client-config';
import {
  readCiphertext,
  readOptionalString,
  readRequiredString,
  readUpstreamConfig,
  type Environment,
} from '../../functions/shared/config';
import { ENCRYPTION_CONTEXT_KEY, ENV } from '../../functions/shared/contract';
import { SecretFormatError, SecretRetrievalError } from '../../functions/shared/errors';
import { createHandler, type FunctionUrlHandler } from '../../functions/shared/handler';

/**
 * Powertools' maxAge for this project's TTL. This project's 0 keeps the secret for the
 * execution environment's life, Powertools' 0 does not cache at all; a year outlives any
 * execution environment.
 */
function maxAgeSeconds(ttlSeconds: number): number {
  return ttlSeconds > 0 ? ttlSeconds : 365 * 24 * 3600;
}

/** A Powertools provider whose parameter "name" is the base64 ciphertext, decrypted by KMS. */
class KmsDecryptProvider extends BaseProvider {
  declare protected client: KMSClient;
  readonly #functionName: string;

  constructor(client: KMSClient, functionName: string) {
    super({ awsSdkV3Client: client });
    this.#functionName = functionName;
  }

  protected async _get(ciphertextBase64: string): Promise<string> {
    const { Plaintext } = await this.client.send(
      new DecryptCommand({
        CiphertextBlob: Buffer.from(ciphertextBase64, 'base64'),
        EncryptionContext: { [ENCRYPTION_CONTEXT_KEY]: this.#functionName },
      }),
    );
    if (!Plaintext) throw new SecretRetrievalError('KMS Decrypt returned no plaintext');
    return Buffer.from(Plaintext).toString('utf8');
  }

  protected _getMultiple(): Promise<Record<string, unknown>> {
    return Promise.reject(new SecretRetrievalError('KMS Decrypt reads one ciphertext at a time'));
  }
}

/** The project's handler core around a Powertools provider's `get` for one parameter. */
function handlerAround(
  env: Environment,
  read: (options: { maxAge: number; forceFetch: boolean }) => Promise<unknown>,
): FunctionUrlHandler {
  const { targetUrl, upstreamTimeoutMs, secretCacheTtlSeconds } = readUpstreamConfig(env);
  const maxAge = maxAgeSeconds(secretCacheTtlSeconds);
  const secret = async (forceFetch: boolean): Promise<string> => {
    const value = await read({ maxAge, forceFetch });
    if (typeof value !== 'string') throw new SecretRetrievalError('Powertools returned no string');
    return value;
  };
  // Powertools caches; a refetch after a rejected token bypasses its cache, as this project's does.
  const secretProvider = { get: () => secret(false), refetch: () => secret(true) };
  return createHandler({ secretProvider, targetUrl, upstreamTimeoutMs });
}

/** Method 1 on Powertools: the KMS ciphertext in ENCRYPTED_API_TOKEN, decrypted by a custom provider. */
export function createPowertoolsMethod1Handler(env: Environment): FunctionUrlHandler {
  const ciphertext = readCiphertext(env, ENV.encryptedApiToken);
  const provider = new KmsDecryptProvider(
    new KMSClient(AWS_CLIENT_CONFIG),
    readRequiredString(env, 'AWS_LAMBDA_FUNCTION_NAME'),
  );
  return handlerAround(env, (options) => provider.get(ciphertext, options));
}

/** Method 2 on Powertools: the SecureString named in API_TOKEN_PARAMETER_NAME, read by `SSMProvider`. */
export function createPowertoolsMethod2Handler(env: Environment): FunctionUrlHandler {
  const name = readRequiredString(env, ENV.apiTokenParameterName);
  const provider = new SSMProvider({ awsSdkV3Client: new SSMClient(AWS_CLIENT_CONFIG) });
  return handlerAround(env, (options) => provider.get(name, { ...options, decrypt: true }));
}

/**
 * Method 3 on Powertools: the Secrets Manager secret named in API_TOKEN_SECRET_ID, read by
 * `SecretsProvider`; with API_TOKEN_SECRET_JSON_FIELD, its JSON parsed by Powertools' `json`
 * transform and that field taken.
 */
export function createPowertoolsMethod3Handler(env: Environment): FunctionUrlHandler {
  const secretId = readRequiredString(env, ENV.apiTokenSecretId);
  const jsonField = readOptionalString(env, ENV.apiTokenSecretJsonField);
  const provider = new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient(AWS_CLIENT_CONFIG) });
  if (jsonField === undefined) return handlerAround(env, (options) => provider.get(secretId, options));
  return handlerAround(env, async (options) => {
    const value = await provider.get(secretId, { ...options, transform: 'json' });
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, jsonField)) {
      throw new SecretFormatError(`The secret ${secretId} has no field ${JSON.stringify(jsonField)}`);
    }
    return (value as Record<string, unknown>)[jsonField];
  });
}
