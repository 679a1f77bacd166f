/**
 * Lambda rejects a function whose environment variables, measured as their JSON text, exceed
 * 4 KB. Both the synth-time check and the secret CLI measure with this one function.
 */
export const LAMBDA_ENVIRONMENT_LIMIT_BYTES = 4096;

/** Size in bytes of an environment as Lambda measures it (the UTF-8 JSON of the map). */
export function environmentSize(variables: Readonly<Record<string, string>>): number {
  return Buffer.byteLength(JSON.stringify(variables), 'utf8');
}

/** Thrown when an environment would not fit Lambda's 4 KB quota. */
export class EnvironmentTooLargeError extends Error {
  override name = 'EnvironmentTooLargeError';

  /**
   * @param functionName the function whose environment is too large
   * @param size its measured size in bytes
   */
  constructor(
    readonly functionName: string,
    readonly size: number,
  ) {
    super(
      `Environment of function "${functionName}" is ${size} bytes; Lambda allows at most ` +
        `${LAMBDA_ENVIRONMENT_LIMIT_BYTES} bytes (keep large secrets in SSM Parameter Store: method2-sample)`,
    );
  }
}

/** @throws EnvironmentTooLargeError when `variables` exceed Lambda's quota */
export function assertEnvironmentFits(functionName: string, variables: Readonly<Record<string, string>>): void {
  const size = environmentSize(variables);
  if (size > LAMBDA_ENVIRONMENT_LIMIT_BYTES) {
    throw new EnvironmentTooLargeError(functionName, size);
  }
}
