/**
 * How the tools call AWS: every client gets the same limits, so a frozen endpoint or a
 * black-holed network ends in an error that says what to do rather than a silent hang; and one
 * way to recognise an AWS error, by the name the AWS SDK gives it (the service's error code).
 */

/** Milliseconds one attempt of an AWS call may take, connection included. */
export const AWS_REQUEST_TIMEOUT_MS = 10_000;
/** Milliseconds a connection to AWS may take to open. */
export const AWS_CONNECTION_TIMEOUT_MS = 3_000;
/** Attempts of an AWS call before the tool gives up: the worst wait is about 20 s. */
export const AWS_MAX_ATTEMPTS = 2;

/** The limits every AWS SDK client of the tools is built with. */
export const AWS_CLIENT_LIMITS = {
  maxAttempts: AWS_MAX_ATTEMPTS,
  requestHandler: {
    connectionTimeout: AWS_CONNECTION_TIMEOUT_MS,
    requestTimeout: AWS_REQUEST_TIMEOUT_MS,
    // Without it the SDK only logs a warning when requestTimeout passes, and goes on waiting.
    throwOnRequestTimeout: true,
  },
} as const;

/** The name of a failed AWS call's error, e.g. `ResourceNotFoundException`; undefined for a non-Error. */
export function awsErrorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

/** Whether `error` is the AWS error named `name`. */
export function isAwsError(error: unknown, name: string): boolean {
  return awsErrorName(error) === name;
}

/** Network error codes that mean the endpoint could not be reached at all. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/**
 * Why an AWS call got no answer, with what to do about it; undefined when AWS did answer (with
 * an error of its own).
 * @param endpoint the AWS_ENDPOINT_URL the call went to, if any
 */
export function unreachableReason(error: unknown, endpoint = process.env.AWS_ENDPOINT_URL): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  const where = endpoint ? `AWS_ENDPOINT_URL ${endpoint}` : 'AWS';
  const advice =
    endpoint && /^https?:\/\/(127\.|localhost|\[::1\])/.test(endpoint)
      ? 'is the local run up? Start it with `npm start`'
      : 'check the network, the proxy settings and AWS_REGION';
  if (isAwsError(error, 'TimeoutError')) {
    return `no answer from ${where} within ${AWS_REQUEST_TIMEOUT_MS / 1000} s (${AWS_MAX_ATTEMPTS} attempts): ${advice}`;
  }
  if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) {
    return `could not reach ${where} (${code}): ${advice}`;
  }
  return undefined;
}
