/**
 * The handler library, the package's `./handlers` export: what the shipped handlers are built
 * from, for a handler of your own. A base {@link SecretProvider} owns the cache, the coalescing
 * of concurrent fetches and the errors; each provider only fetches. {@link createHandler} turns
 * every failure into a response that carries neither the token nor a stack trace.
 */
export { AWS_CLIENT_CONFIG } from './aws-client-config';
export {
  readCiphertext,
  readExtensionConnection,
  readHttpUrl,
  readInteger,
  readKmsKeyArn,
  readOptionalString,
  readRequiredString,
  readUpstreamConfig,
  type Environment,
  type UpstreamConfig,
} from './config';
export { ENCRYPTION_CONTEXT_KEY, ENV, PARAMETERS_EXTENSION, SECRET_PLACEHOLDER } from './contract';
export {
  ConfigurationError,
  LambdaSecretsError,
  SecretFormatError,
  SecretNotProvisionedError,
  SecretRetrievalError,
  UpstreamRequestError,
  UpstreamTimeoutError,
} from './errors';
export {
  ExtensionSecretProvider,
  type ExtensionConnectionProps,
  type ExtensionParameterProps,
  type ExtensionSecretProps,
  type ExtensionSecretProviderProps,
} from './extension-secret-provider';
export { createHandlerFromEnvironment, type SecretProviderFactory } from './from-environment';
export { createHandler, type FunctionUrlHandler, type FunctionUrlResponse, type HandlerDependencies } from './handler';
export { KmsSecretProvider, type KmsCiphertextBinding, type KmsDecryptClient } from './kms-secret-provider';
export { createLogger, type LogFields, type Logger, type LogLevel, type LogSink } from './logger';
export { SecretProvider, type SecretProviderOptions } from './secret-provider';
export {
  SecretsManagerSecretProvider,
  type SecretsManagerGetSecretValueClient,
  type SecretsManagerSecret,
} from './secrets-manager-secret-provider';
export { SsmSecretProvider, type SsmGetParameterClient } from './ssm-secret-provider';
