import { ENV } from '../functions/shared/contract';
import { SynthesisInputError } from './errors';

/**
 * Lambda rejects a function whose environment variables, measured as their JSON text, exceed
 * 4 KB. Both the synth-time check and the secret CLI measure with this one function.
 */
export const LAMBDA_ENVIRONMENT_LIMIT_BYTES = 4096;

/** Size in bytes of an environment as Lambda measures it (the UTF-8 JSON of the map). */
export function environmentSize(variables: Readonly<Record<string, string>>): number {
  return Buffer.byteLength(JSON.stringify(variables), 'utf8');
}

/**
 * Thrown when an environment would not fit Lambda's 4 KB quota: at synthesis, an input synthesis
 * refuses (a target URL too long, say); in the secret CLI, a token too large for Method 1.
 */
export class EnvironmentTooLargeError extends SynthesisInputError {
  override name = 'EnvironmentTooLargeError';
  /** The environment's measured size in bytes. */
  readonly size: number;

  /**
   * @param functionName the function whose environment is too large
   * @param variables the environment; the message names its largest variables, never a value
   */
  constructor(
    readonly functionName: string,
    variables: Readonly<Record<string, string>>,
  ) {
    const size = environmentSize(variables);
    const largest = Object.entries(variables)
      .map(([name, value]) => ({ name, bytes: Buffer.byteLength(value, 'utf8') }))
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, 3);
    super(
      `Environment of function "${functionName}" is ${size} bytes; Lambda allows at most ` +
        `${LAMBDA_ENVIRONMENT_LIMIT_BYTES} bytes. Largest variables: ` +
        largest.map(({ name, bytes }) => `${name} (${bytes} bytes)`).join(', ') +
        (largest[0]?.name === ENV.encryptedApiToken
          ? ' (keep a large secret in SSM Parameter Store: method2-sample)'
          : ''),
    );
    this.size = size;
  }
}

/** @throws EnvironmentTooLargeError when `variables` exceed Lambda's quota */
export function assertEnvironmentFits(functionName: string, variables: Readonly<Record<string, string>>): void {
  if (environmentSize(variables) > LAMBDA_ENVIRONMENT_LIMIT_BYTES) {
    throw new EnvironmentTooLargeError(functionName, variables);
  }
}
