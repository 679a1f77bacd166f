/**
 * The AWS SDK client settings both entries pass to their KMS or SSM client: per-attempt
 * timeouts that make the SDK give up on a stalled connection and retry it, within the budget
 * that SecretProvider allows a fetch (SECRET_FETCH_TIMEOUT_MS).
 */
import type { KMSClientConfig } from '@aws-sdk/client-kms';
import type { SSMClientConfig } from '@aws-sdk/client-ssm';
import { SECRET_FETCH_TIMEOUT_MS } from './contract';

/** Attempts the SDK makes per fetch: the first one and one retry. */
export const MAX_ATTEMPTS = 2;

// Without timeouts the SDK waits on a connection that accepts and never answers until
// SecretProvider abandons the fetch at SECRET_FETCH_TIMEOUT_MS (3000 ms): the retry that would
// have succeeded on a fresh connection never starts. The arithmetic that makes it start:
// - one attempt gets a third of the budget, 3000 / 3 = 1000 ms; both timers start when the
//   request is created, so requestTimeout bounds the connection too, and connectionTimeout only
//   makes a connection that never completes fail with its own message;
// - two attempts take at most 2 × 1000 = 2000 ms; the last 1000 ms absorb what is not inside an
//   attempt: the standard retry strategy's backoff before the retry (a random delay below 50 ms
//   in the installed SDK), credential resolution and signing;
// - a third attempt would not fit (3 × 1000 ms plus backoff > 3000 ms), so MAX_ATTEMPTS is 2 and
//   the SDK's own TimeoutError, not the budget's abort, reports a store that stalls twice.
// throwOnRequestTimeout: without it @smithy/node-http-handler only logs a warning when
// requestTimeout passes and keeps waiting. Its TimeoutError is one the retry strategy retries.

/** Milliseconds one attempt may take, connecting included: a third of the fetch budget. */
export const ATTEMPT_TIMEOUT_MS = Math.floor(SECRET_FETCH_TIMEOUT_MS / (MAX_ATTEMPTS + 1));

/**
 * Constructor settings for `KMSClient` and `SSMClient`: `maxAttempts` and the options of the
 * SDK's default Node.js HTTP handler. Region and credentials are not in it: the SDK reads them
 * from the environment that Lambda sets.
 */
export const AWS_CLIENT_CONFIG = {
  maxAttempts: MAX_ATTEMPTS,
  requestHandler: {
    connectionTimeout: ATTEMPT_TIMEOUT_MS,
    requestTimeout: ATTEMPT_TIMEOUT_MS,
    throwOnRequestTimeout: true,
  },
} satisfies KMSClientConfig & SSMClientConfig;
