/** The wiring both entry points share, so each entry only says where its secret comes from. */
import { readUpstreamConfig, type Environment } from './config';
import { createHandler, type FunctionUrlHandler } from './handler';
import type { SecretProvider, SecretProviderOptions } from './secret-provider';

/**
 * Builds a method's secret provider from the environment, with the cache settings read
 * from SECRET_CACHE_TTL_SECONDS.
 */
export type SecretProviderFactory = (env: Environment, options: SecretProviderOptions) => SecretProvider;

/**
 * Reads and validates the environment, then builds the handler. Meant to run at module
 * load, so a misconfiguration surfaces as a Lambda init error naming the variable.
 *
 * @throws {ConfigurationError} If a variable is missing or malformed.
 */
export function createHandlerFromEnvironment(
  env: Environment,
  createSecretProvider: SecretProviderFactory,
): FunctionUrlHandler {
  const { targetUrl, upstreamTimeoutMs, secretCacheTtlSeconds } = readUpstreamConfig(env);
  return createHandler({
    secretProvider: createSecretProvider(env, { ttlSeconds: secretCacheTtlSeconds }),
    targetUrl,
    upstreamTimeoutMs,
  });
}
