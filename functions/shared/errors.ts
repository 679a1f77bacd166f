/**
 * The errors the functions raise. Each one says what went wrong and where, keeps the
 * underlying error as `cause`, and never carries a secret or a ciphertext in its message,
 * so any of them can be logged as it is.
 */

/**
 * Base class of every error raised by the functions' own code. Takes a message, which must not
 * contain a secret or a ciphertext, and optionally `{ cause }`, the error that led to this one.
 */
export class LambdaSecretsError extends Error {
  override name = 'LambdaSecretsError';
}

/** An environment variable is missing or malformed. */
export class ConfigurationError extends LambdaSecretsError {
  override name = 'ConfigurationError';

  /**
   * @param variable - Name of the offending environment variable.
   * @param problem - What is wrong with it, e.g. "must be set"; must not echo a secret value.
   */
  constructor(
    /** Name of the offending environment variable. */
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable} ${problem}`);
  }
}

/**
 * Nobody has provisioned the real secret yet: it still holds the placeholder that the stacks
 * deploy, or its store holds no value at all (a Secrets Manager secret without an AWSCURRENT
 * version).
 */
export class SecretNotProvisionedError extends LambdaSecretsError {
  override name = 'SecretNotProvisionedError';

  /**
   * @param source - Where the secret lives, e.g. "SSM parameter /app/token".
   * @param reason - How the store shows it; must not contain a secret.
   * @param options - `cause`: the store's error that says so, if any.
   */
  constructor(source: string, reason = 'it still holds the placeholder', options?: ErrorOptions) {
    super(`The secret held in ${source} has not been provisioned yet: ${reason}`, options);
  }
}

/** The secret could not be fetched or decrypted. */
export class SecretRetrievalError extends LambdaSecretsError {
  override name = 'SecretRetrievalError';
}

/**
 * The secret was fetched but is not in the form the function was configured to read: binary
 * instead of text, or, when a JSON field is configured, not a JSON object holding that field as a
 * string. Its message names the store and the field, never any part of the value.
 */
export class SecretFormatError extends SecretRetrievalError {
  override name = 'SecretFormatError';
}

/** The upstream API did not answer within the configured timeout. */
export class UpstreamTimeoutError extends LambdaSecretsError {
  override name = 'UpstreamTimeoutError';

  /**
   * @param timeoutMs - The timeout that elapsed.
   * @param options - `cause`: the abort reason reported by fetch.
   */
  constructor(timeoutMs: number, options?: ErrorOptions) {
    super(`The upstream API did not answer within ${timeoutMs} ms`, options);
  }
}

/** The request to the upstream API failed before any response arrived (DNS, connection, TLS). */
export class UpstreamRequestError extends LambdaSecretsError {
  override name = 'UpstreamRequestError';
}
