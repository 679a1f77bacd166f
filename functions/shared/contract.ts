/**
 * The contract between the stacks and the functions: the environment variable names the
 * stacks set and the handlers read, and the value that marks a secret not yet provisioned.
 * Both sides import it, so a rename cannot leave one of them behind.
 */

/**
 * The limits the stacks and the functions share, declared with the rest of the timing budget
 * (the default of {@link ENV.upstreamTimeoutMs}, the secret fetch's timeout, the interval between
 * refetches) and re-exported here for the modules that read them with the contract.
 */
export { DEFAULT_UPSTREAM_TIMEOUT_MS, MIN_REFETCH_INTERVAL_MS, SECRET_FETCH_TIMEOUT_MS } from './timing-budget';

/** Environment variables that the stacks set and the handlers read. */
export const ENV = {
  /** Method 1: base64 KMS ciphertext of the token, or {@link SECRET_PLACEHOLDER}. */
  encryptedApiToken: 'ENCRYPTED_API_TOKEN',
  /**
   * ARN of the KMS key that protects the token; not a secret. Method 1 decrypts with it as
   * `KeyId`, and the secret CLI encrypts under it: never under the alias, which anyone allowed
   * to manage aliases could point at a key of their own.
   */
  kmsKeyArn: 'KMS_KEY_ARN',
  /** Method 2: name of the SecureString parameter that holds the token. */
  apiTokenParameterName: 'API_TOKEN_PARAMETER_NAME',
  /** Method 3: ARN or name of the Secrets Manager secret that holds the token. */
  apiTokenSecretId: 'API_TOKEN_SECRET_ID',
  /**
   * Method 3 (optional): the field of the secret's JSON object whose string value is the token;
   * unset or empty: the whole SecretString is the token.
   */
  apiTokenSecretJsonField: 'API_TOKEN_SECRET_JSON_FIELD',
  /** Absolute http(s) URL that the function calls with the token. */
  targetUrl: 'TARGET_URL',
  /** Milliseconds before the upstream call is abandoned (optional). */
  upstreamTimeoutMs: 'UPSTREAM_TIMEOUT_MS',
  /** Seconds a fetched secret is reused; 0 keeps it for the execution environment's life (optional). */
  secretCacheTtlSeconds: 'SECRET_CACHE_TTL_SECONDS',
} as const;

/**
 * A KMS key's ARN, `arn:<partition>:kms:<region>:<account>:key/<key id>`, the key id captured; an
 * alias is not one. What {@link ENV.kmsKeyArn} must hold.
 */
export const KMS_KEY_ARN = /^arn:aws(?:-[a-z]+)*:kms:[a-z0-9-]+:\d{12}:key\/([\w-]+)$/;

/**
 * What the `extension` readers (Methods 2 and 3) share with the AWS Parameters and Secrets Lambda Extension,
 * and so with the stack that configures it and the local stand-in that serves it: the extension's
 * own environment variables, its path and the header that proves a caller runs in the function.
 */
export const PARAMETERS_EXTENSION = {
  /** The port of the extension's HTTP server on localhost. */
  httpPortVariable: 'PARAMETERS_SECRETS_EXTENSION_HTTP_PORT',
  /** `TRUE` or `FALSE`: whether the extension caches what it reads. */
  cacheEnabledVariable: 'PARAMETERS_SECRETS_EXTENSION_CACHE_ENABLED',
  /** Seconds the extension caches a parameter, 0 to 300 (0 bypasses its cache). */
  ttlVariable: 'SSM_PARAMETER_STORE_TTL',
  /** Milliseconds the extension waits for Parameter Store (0: forever, its default). */
  timeoutVariable: 'SSM_PARAMETER_STORE_TIMEOUT_MILLIS',
  /** The extension's default port, which the stack sets explicitly. */
  defaultHttpPort: 2773,
  /** GET with `name` and `withDecryption=true`; answers as SSM's GetParameter does. */
  parameterPath: '/systemsmanager/parameters/get',
  /** GET with `secretId` (its AWSCURRENT version); answers as Secrets Manager's GetSecretValue does. */
  secretPath: '/secretsmanager/get',
  /** Seconds the extension caches a secret, 0 to 300 (0 bypasses its cache). */
  secretsManagerTtlVariable: 'SECRETS_MANAGER_TTL',
  /** Milliseconds the extension waits for Secrets Manager (0: forever, its default). */
  secretsManagerTimeoutVariable: 'SECRETS_MANAGER_TIMEOUT_MILLIS',
  /** Must carry the function's session token (AWS_SESSION_TOKEN). */
  tokenHeader: 'X-Aws-Parameters-Secrets-Token',
} as const;

/**
 * Default of {@link ENV.secretCacheTtlSeconds}. A rejected token is refetched at once whatever
 * the TTL, so the TTL only bounds how long a warm environment keeps a token that the upstream
 * still accepts: 5 minutes lets a rotation reach every warm environment before the old token is
 * revoked (rotate, wait 5 minutes, revoke: no request even needs a retry), at one store call
 * per environment per 5 minutes, the same as the Parameters and Secrets extension's default TTL.
 * Powertools' 5 s would cost 60 times the calls and buy nothing the refetch does not.
 */
export const DEFAULT_SECRET_CACHE_TTL_SECONDS = 300;

/** What {@link ENV.targetUrl} must hold, for messages. */
export const TARGET_URL_RULE = 'an absolute https URL without credentials (http only to a loopback host)';

/**
 * Whether `value` can be the target URL: absolute, https, and without a user name or password,
 * which would sit in plain text in the function's configuration beside the token this project
 * takes such care of. Plain http would send `Authorization: Bearer <token>` in clear, so it is
 * allowed only to a loopback host (the local run's upstream). Checked at synth and again when
 * the function starts.
 */
export function isTargetUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname));
  return secure && !url.username && !url.password;
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/**
 * A target URL as an error message may repeat it: repeating helps to spot a typo, but one with
 * an "@" may hold a password, which is withheld.
 */
export function targetUrlForMessage(value: string): string {
  return value.includes('@') ? '(withheld: it may hold a password)' : value;
}

/**
 * Stands in for a secret that is provisioned outside Terraform. A handler that finds it
 * answers 503 instead of sending it upstream.
 */
export const SECRET_PLACEHOLDER = 'provisioned-out-of-band';

/** Encryption context key that Method 1 binds its ciphertext to, as the Lambda console does. */
export const ENCRYPTION_CONTEXT_KEY = 'LambdaFunctionName';

/** What a token must consist of to be sent as `Authorization: Bearer <token>`, for messages. */
export const BEARER_TOKEN_RULE = 'printable ASCII without spaces or control characters';

/**
 * Whether `value` can travel as a Bearer token: visible ASCII only. A line break, a NUL or a
 * character beyond Latin-1 makes fetch reject the whole header, and its error message quotes
 * the header, token included, so such a value must be refused before it reaches fetch. The
 * secret CLI applies the same rule, so it is refused when stored as well.
 */
export function isBearerToken(value: string): boolean {
  return /^[\x21-\x7e]+$/.test(value);
}
