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
 * The secret still holds the placeholder that the stacks deploy, so nobody has provisioned
 * the real value yet.
 */
export class SecretNotProvisionedError extends LambdaSecretsError {
  override name = 'SecretNotProvisionedError';

  /** @param source - Where the secret lives, e.g. "SSM parameter /app/token". */
  constructor(source: string) {
    super(`The secret held in ${source} has not been provisioned yet: it still holds the placeholder`);
  }
}

/** The secret could not be fetched or decrypted. */
export class SecretRetrievalError extends LambdaSecretsError {
  override name = 'SecretRetrievalError';
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
