/**
 * The article's two handlers (and, for Method 3, an article-style one: see below), the baseline
 * the benchmark compares this project with, written
 * in TypeScript as faithfully as that allows: the secret is fetched on every invocation, the
 * client is built once with the region from AWS_KMS_REGION / AWS_SSM_REGION, `handleError`
 * returns `fn(event)` without `await` (so an asynchronous failure escapes it), the answer is
 * always 200 with "Succeeded" or "Failed", and the response body is never read. Three changes:
 * the module's top-level code is a function of the environment, so that this file can be
 * imported without running it (the bench builds an entry that calls it with `process.env`,
 * as a module's top level would read it); the target URL comes from TARGET_URL instead of
 * the article's misspelt `https://exmaple.com`; and what the article throws as a string is an
 * Error. The global `fetch` stands in for `node-fetch`. It is not this project's code: it is
 * here to be measured against.
 *
 * The article has no Secrets Manager handler: it names Secrets Manager as a place for a secret
 * and shows Parameter Store. {@link createArticleStyleMethod3Handler} is therefore not the
 * article's code but its Method 2 with the store swapped, written here for Method 3's baseline:
 * GetSecretValue on every invocation, no cache, the same `handleError` and `post`, the region
 * from AWS_SECRETS_MANAGER_REGION (named after the article's AWS_SSM_REGION; the article has no
 * such variable). The benchmark labels it "article-style", never "the article".
 */
import { DecryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { Environment } from '../../functions/shared/config';
import type { FunctionUrlHandler } from '../../functions/shared/handler';

/** What the article throws as a bare string: a missing variable, or a parameter without a value. */
export class ArticleHandlerError extends Error {
  override name = 'ArticleHandlerError';
}

type ArticleResponse = Awaited<ReturnType<FunctionUrlHandler>>;

function required(env: Environment, name: string): string {
  const value = env[name];
  if (!value) throw new ArticleHandlerError(`${name} is required.`);
  return value;
}

/**
 * The article's error wrapper, its bug included: `return fn()` without `await` hands back the
 * promise before it settles, so its rejection passes the catch and the 500 is never returned.
 */
const handleError = (fn: () => Promise<ArticleResponse>) => {
  return async (): Promise<ArticleResponse> => {
    try {
      return fn();
    } catch (e) {
      console.log(e);
      return { statusCode: 500 };
    }
  };
};

/** The article's POST with the token; the body is not read, as in the article. */
async function post(targetUrl: string, apiToken: string): Promise<ArticleResponse> {
  const response = await fetch(targetUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${apiToken}` },
  });
  return { statusCode: 200, body: response.ok ? 'Succeeded' : 'Failed' };
}

/** The article's Method 1 handler: KMS Decrypt of ENCRYPTED_API_TOKEN on every invocation. */
export function createArticleMethod1Handler(env: Environment): () => Promise<ArticleResponse> {
  const region = required(env, 'AWS_KMS_REGION');
  const encrypted = required(env, 'ENCRYPTED_API_TOKEN');
  const targetUrl = required(env, 'TARGET_URL');
  const kmsClient = new KMSClient({ region });
  const getApiToken = async (ciphertext: string) => {
    const data = await kmsClient.send(new DecryptCommand({ CiphertextBlob: Buffer.from(ciphertext, 'base64') }));
    return new TextDecoder().decode(data.Plaintext);
  };
  return handleError(async () => post(targetUrl, await getApiToken(encrypted)));
}

/** The article's Method 2 handler: SSM GetParameter with decryption on every invocation. */
export function createArticleMethod2Handler(env: Environment): () => Promise<ArticleResponse> {
  const region = required(env, 'AWS_SSM_REGION');
  const parameterName = required(env, 'API_TOKEN_PARAMETER_NAME');
  const targetUrl = required(env, 'TARGET_URL');
  const ssmClient = new SSMClient({ region });
  const getApiToken = async (name: string) => {
    const response = await ssmClient.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    if (!response.Parameter?.Value) {
      throw new ArticleHandlerError(`${name} parameter value could not be obtained.`);
    }
    return response.Parameter.Value;
  };
  return handleError(async () => post(targetUrl, await getApiToken(parameterName)));
}

/**
 * Not in the article: its Method 2 handler with Secrets Manager in place of SSM, GetSecretValue
 * of API_TOKEN_SECRET_ID on every invocation; the whole SecretString is the token (the article
 * would have no JSON field option).
 */
export function createArticleStyleMethod3Handler(env: Environment): () => Promise<ArticleResponse> {
  const region = required(env, 'AWS_SECRETS_MANAGER_REGION');
  const secretId = required(env, 'API_TOKEN_SECRET_ID');
  const targetUrl = required(env, 'TARGET_URL');
  const secretsManagerClient = new SecretsManagerClient({ region });
  const getApiToken = async (id: string) => {
    const response = await secretsManagerClient.send(new GetSecretValueCommand({ SecretId: id }));
    if (!response.SecretString) {
      throw new ArticleHandlerError(`${id} secret value could not be obtained.`);
    }
    return response.SecretString;
  };
  return handleError(async () => post(targetUrl, await getApiToken(secretId)));
}
