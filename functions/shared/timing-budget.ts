/**
 * The timing budget of one invocation, in one place. The function timeout is declared here and
 * every other limit is derived from the limits it must fit in, so that changing one moves the
 * others with it; the few that are choices (how long a secret fetch may take, how many SDK
 * attempts, how long answering takes) are declared next to what they must fit in.
 * `__tests__/functions/timing-budget.test.ts` checks the arithmetic, the handler's retry check,
 * the options' bound and the synthesized function's timeout against it.
 *
 * One invocation at its longest, every limit reached:
 *
 *   secret fetch              SECRET_FETCH_TIMEOUT_MS  (3000: MAX_ATTEMPTS × ATTEMPT_TIMEOUT_MS + SDK backoff)
 *   + upstream call           MAX_UPSTREAM_TIMEOUT_MS  (6000, the most `upstreamTimeoutMs` accepts)
 *   + answer and log          ANSWER_RESERVE_MS        (1000)
 *   = the function timeout    FUNCTION_TIMEOUT_MS      (10000)
 *
 * so every failure is answered by the handler (500, 502 or 504) and logged, never cut off by
 * Lambda. The retry after a rejected token (401 or 403) refetches the secret and posts again; the
 * handler starts it only when the time left holds a whole fetch, the shortest retry
 * (MIN_RETRY_TIMEOUT_MS) and the reserve.
 *
 * Free of cdktf and of the AWS SDK: the functions' bundle imports it, and so do the stacks.
 */

/**
 * Lambda's timeout for both functions, in seconds as Lambda takes it: the limit everything else
 * fits in. 10 s leaves the upstream 6 s after the secret's 3 s and the answer's second.
 */
export const FUNCTION_TIMEOUT_SECONDS = 10;

/** {@link FUNCTION_TIMEOUT_SECONDS} in milliseconds, the unit of every other limit. */
export const FUNCTION_TIMEOUT_MS = FUNCTION_TIMEOUT_SECONDS * 1000;

/**
 * Milliseconds the handler keeps for answering and logging after its last call: the longest
 * upstream timeout leaves it free, and a retry that would eat into it is not started.
 */
export const ANSWER_RESERVE_MS = 1000;

/**
 * Milliseconds a function may spend fetching its secret, retries included (SecretProvider
 * abandons the fetch then). A choice: long enough for {@link MAX_ATTEMPTS} SDK attempts of a
 * second each and the backoff between them, short enough to leave the upstream the larger share
 * of the function timeout.
 */
export const SECRET_FETCH_TIMEOUT_MS = 3000;

/**
 * The longest upstream timeout the options accept: what the function timeout leaves after a
 * whole secret fetch and the answer's reserve, so that an upstream that never answers is still
 * answered with a 504 by the handler rather than cut off by Lambda.
 */
export const MAX_UPSTREAM_TIMEOUT_MS = FUNCTION_TIMEOUT_MS - SECRET_FETCH_TIMEOUT_MS - ANSWER_RESERVE_MS;

/** Default of the upstream timeout (`UPSTREAM_TIMEOUT_MS`), for the stacks and the functions alike: within {@link MAX_UPSTREAM_TIMEOUT_MS}. */
export const DEFAULT_UPSTREAM_TIMEOUT_MS = 5000;

/**
 * The shortest upstream timeout a retry is given (or the configured one, if shorter): a retry
 * squeezed into less would only turn the upstream's clear 401 or 403 into a timeout. A retry
 * fits even after a first fetch that took its whole budget: the function timeout minus that
 * fetch holds a second fetch, this and {@link ANSWER_RESERVE_MS}.
 */
export const MIN_RETRY_TIMEOUT_MS = 1000;

/** Attempts the SDK makes per secret fetch: the first one and one retry. */
export const MAX_ATTEMPTS = 2;

// Without per-attempt timeouts the SDK waits on a connection that accepts and never answers
// until SecretProvider abandons the fetch at SECRET_FETCH_TIMEOUT_MS: the retry that would have
// succeeded on a fresh connection never starts. The arithmetic that makes it start:
// - one attempt gets a third of the budget, 3000 / (2 + 1) = 1000 ms; both of the SDK's timers
//   start when the request is created, so requestTimeout bounds the connection too, and
//   connectionTimeout only makes a connection that never completes fail with its own message;
// - two attempts take at most 2 × 1000 = 2000 ms; the last 1000 ms absorb what is not inside an
//   attempt: the standard retry strategy's backoff before the retry (a random delay below 50 ms
//   in the installed SDK), credential resolution and signing;
// - a third attempt would not fit (3 × 1000 ms plus backoff > 3000 ms), so MAX_ATTEMPTS is 2 and
//   the SDK's own TimeoutError, not the budget's abort, reports a store that stalls twice.

/**
 * Milliseconds one SDK attempt may take, connecting included: the fetch budget split into one
 * share per attempt and one more for the backoff, credentials and signing around them.
 */
export const ATTEMPT_TIMEOUT_MS = Math.floor(SECRET_FETCH_TIMEOUT_MS / (MAX_ATTEMPTS + 1));

/**
 * Milliseconds kept between the extension's timeout and the fetch budget, for the extension's
 * error to travel over localhost and be read before the function gives up on the fetch.
 */
export const EXTENSION_REPLY_MARGIN_MS = 500;

/**
 * Milliseconds the Parameters and Secrets extension may wait for Parameter Store: less than the
 * function's own limit for the whole fetch, so that a slow SSM comes back as the extension's
 * error, which names it, rather than as the function's abandoned fetch.
 */
export const EXTENSION_SSM_TIMEOUT_MS = SECRET_FETCH_TIMEOUT_MS - EXTENSION_REPLY_MARGIN_MS;

/**
 * Milliseconds between two refetches of a secret that the upstream rejected (401 or 403): the
 * first rejection after a rotation refetches at once, while a token that stays wrong costs the
 * store at most one call per execution environment per interval. Spans invocations, so it is
 * bounded by no limit above.
 */
export const MIN_REFETCH_INTERVAL_MS = 5000;
