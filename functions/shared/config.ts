/**
 * Readers for the environment variables, run once when the module loads so that a bad
 * deployment fails at init with an error naming the variable, not on every request.
 * Each reader takes the environment as an argument so tests need not touch `process.env`.
 */
import {
  DEFAULT_SECRET_CACHE_TTL_SECONDS,
  ENV,
  isTargetUrl,
  KMS_KEY_ARN,
  PARAMETERS_EXTENSION,
  SECRET_PLACEHOLDER,
  TARGET_URL_RULE,
  targetUrlForMessage,
} from './contract';
import { ConfigurationError } from './errors';
import { DEFAULT_UPSTREAM_TIMEOUT_MS } from './timing-budget';
import { parseWholeNumber } from './whole-number';

/** The shape of `process.env`: variable name to value, any of which may be unset. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** Settings that both methods share: where to send the token and how long to keep it. */
export interface UpstreamConfig {
  /** Absolute http(s) URL that receives the token. */
  readonly targetUrl: string;
  /** Milliseconds before the upstream call is abandoned; always > 0. */
  readonly upstreamTimeoutMs: number;
  /** Seconds a fetched secret is reused; 0 keeps it for the execution environment's life. */
  readonly secretCacheTtlSeconds: number;
}

// Standard alphabet with padding, which is what KMS and `aws kms encrypt` produce.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Reads a variable that must be set to something other than whitespace.
 *
 * @returns The value without surrounding whitespace.
 * @throws {ConfigurationError} If the variable is unset or blank.
 */
export function readRequiredString(env: Environment, name: string): string {
  const value = env[name]?.trim();
  if (!value) {
    throw new ConfigurationError(name, 'must be set');
  }
  return value;
}

/**
 * Reads a variable that may be left out: unset, empty and blank all mean "not given".
 *
 * @returns The value without surrounding whitespace, or undefined.
 */
export function readOptionalString(env: Environment, name: string): string | undefined {
  return env[name]?.trim() || undefined;
}

/**
 * Reads a variable that must hold {@link TARGET_URL_RULE | an absolute https URL without credentials, or http to a loopback host}.
 *
 * @returns The URL as written (trimmed).
 * @throws {ConfigurationError} If the variable is unset, blank, or not such a URL.
 */
export function readHttpUrl(env: Environment, name: string): string {
  const value = readRequiredString(env, name);
  if (!isTargetUrl(value)) {
    throw new ConfigurationError(name, `must be ${TARGET_URL_RULE}, got "${targetUrlForMessage(value)}"`);
  }
  return value;
}

/**
 * Reads an optional integer variable; unset or empty means the default.
 *
 * @param options.defaultValue - Used when the variable is unset or empty.
 * @param options.minimum - Smallest accepted value.
 * @param options.maximum - Largest accepted value, if there is one.
 * @throws {ConfigurationError} If the value is not a whole decimal number from `minimum` to `maximum`.
 */
export function readInteger(
  env: Environment,
  name: string,
  options: { readonly defaultValue: number; readonly minimum: number; readonly maximum?: number },
): number {
  const raw = env[name]?.trim();
  if (!raw) {
    return options.defaultValue;
  }
  const { minimum, maximum = Number.MAX_SAFE_INTEGER } = options;
  const value = parseWholeNumber(raw);
  if (value === undefined || value < minimum || value > maximum) {
    const range = options.maximum === undefined ? `>= ${minimum}` : `from ${minimum} to ${maximum}`;
    throw new ConfigurationError(name, `must be an integer ${range}, got "${raw}"`);
  }
  return value;
}

/**
 * Reads a variable that holds base64 KMS ciphertext, or {@link SECRET_PLACEHOLDER} until
 * the secret is provisioned (the provider then answers "not provisioned" per request
 * rather than failing init).
 *
 * @throws {ConfigurationError} If the variable is unset, blank, or not base64. The message
 *   never repeats the value: it is ciphertext, or a token pasted there by mistake.
 */
export function readCiphertext(env: Environment, name: string): string {
  const value = readRequiredString(env, name);
  if (value !== SECRET_PLACEHOLDER && !BASE64.test(value)) {
    throw new ConfigurationError(name, 'must be base64-encoded KMS ciphertext');
  }
  return value;
}

/**
 * Reads a variable that must hold a KMS key's ARN (not an alias, which can be repointed).
 *
 * @throws {ConfigurationError} If the variable is unset, blank, or not a key ARN.
 */
export function readKmsKeyArn(env: Environment, name: string): string {
  const value = readRequiredString(env, name);
  if (!KMS_KEY_ARN.test(value)) {
    throw new ConfigurationError(
      name,
      `must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), got "${value}"`,
    );
  }
  return value;
}

/**
 * Reads the settings both methods share: {@link ENV.targetUrl} (required),
 * {@link ENV.upstreamTimeoutMs} (default 5000, must be > 0) and
 * {@link ENV.secretCacheTtlSeconds} (default {@link DEFAULT_SECRET_CACHE_TTL_SECONDS}; 0 = for the execution environment's life).
 *
 * @throws {ConfigurationError} Naming the first variable found missing or malformed.
 */
export function readUpstreamConfig(env: Environment): UpstreamConfig {
  return {
    targetUrl: readHttpUrl(env, ENV.targetUrl),
    upstreamTimeoutMs: readInteger(env, ENV.upstreamTimeoutMs, {
      defaultValue: DEFAULT_UPSTREAM_TIMEOUT_MS,
      minimum: 1,
    }),
    secretCacheTtlSeconds: readInteger(env, ENV.secretCacheTtlSeconds, {
      defaultValue: DEFAULT_SECRET_CACHE_TTL_SECONDS,
      minimum: 0,
    }),
  };
}

/**
 * How to reach the Parameters and Secrets extension from the function, the same for every
 * secret it reads: its port ({@link PARAMETERS_EXTENSION.httpPortVariable}, default
 * {@link PARAMETERS_EXTENSION.defaultHttpPort}) and the function's session token, read per
 * request as Lambda may renew it.
 *
 * @throws {ConfigurationError} If the port is not a whole number from 1 to 65535.
 */
export function readExtensionConnection(env: Environment): {
  readonly port: number;
  readonly sessionToken: () => string | undefined;
} {
  return {
    port: readInteger(env, PARAMETERS_EXTENSION.httpPortVariable, {
      defaultValue: PARAMETERS_EXTENSION.defaultHttpPort,
      minimum: 1,
      maximum: 65_535,
    }),
    sessionToken: () => env.AWS_SESSION_TOKEN,
  };
}
