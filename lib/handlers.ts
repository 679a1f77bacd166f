/**
 * The Lambda handlers this package ships, as TypeScript sources that {@link NodejsBundle}
 * bundles: each reads its secret as its construct configures it, then calls `TARGET_URL` with
 * the token (functions/shared/ holds the handler library they are built from). Free of cdktf.
 */
import { join } from 'node:path';
import { PROJECT_ROOT } from './project-root';

/** Each handler's source, relative to the package root. */
export const HANDLER_SOURCES = {
  /** Decrypts the KMS ciphertext in `ENCRYPTED_API_TOKEN` ({@link KmsEnvironmentSecret}). */
  kmsEnvironment: 'functions/method1-sample/index.ts',
  /** Reads the SecureString named in `API_TOKEN_PARAMETER_NAME` with the AWS SDK ({@link SsmParameterSecret}). */
  ssmParameter: 'functions/method2-sample/index.ts',
  /** Reads it through the Parameters and Secrets extension, without the SDK ({@link SsmParameterSecret}). */
  ssmParameterExtension: 'functions/method2-sample/extension.ts',
  /** Reads the Secrets Manager secret named in `API_TOKEN_SECRET_ID` with the AWS SDK ({@link SecretsManagerSecret}). */
  secretsManager: 'functions/method3-sample/index.ts',
  /** Reads it through the Parameters and Secrets extension, without the SDK ({@link SecretsManagerSecret}). */
  secretsManagerExtension: 'functions/method3-sample/extension.ts',
} as const;

/** A shipped handler's source, by name. */
export type HandlerName = keyof typeof HANDLER_SOURCES;

/** The absolute path of a shipped handler's source, wherever the package is installed. */
export function handlerEntry(name: HandlerName): string {
  return join(PROJECT_ROOT, HANDLER_SOURCES[name]);
}
