/**
 * Caching and error handling for secrets, in the style of Powertools for AWS Lambda's
 * Parameters utility: the base class owns both, each subclass only fetches.
 */
import { BEARER_TOKEN_RULE, isBearerToken, SECRET_PLACEHOLDER } from './contract';
import { LambdaSecretsError, SecretNotProvisionedError, SecretRetrievalError } from './errors';
import { MIN_REFETCH_INTERVAL_MS, SECRET_FETCH_TIMEOUT_MS } from './timing-budget';

/** How long a {@link SecretProvider} keeps a fetched secret, and how long it waits for one. */
export interface SecretProviderOptions {
  /**
   * Seconds a fetched secret is reused; 0 keeps it for the execution environment's life. Either
   * way {@link SecretProvider.refetch} replaces a secret the upstream has rejected.
   * @default 0
   */
  readonly ttlSeconds?: number;
  /** Clock in milliseconds, injectable so tests can expire the cache without waiting. */
  readonly now?: () => number;
  /**
   * Milliseconds a fetch may take, retries included, before it is abandoned. Keeps a hung
   * store from running the function into its own timeout, which would end the invocation
   * without a response of ours and without a log line.
   * @default SECRET_FETCH_TIMEOUT_MS
   */
  readonly timeoutMs?: number;
  /**
   * Milliseconds that must pass between two refetches forced by {@link SecretProvider.refetch},
   * so that a token the upstream keeps rejecting cannot drive a call to KMS or SSM per request.
   * @default MIN_REFETCH_INTERVAL_MS
   */
  readonly minRefetchIntervalMs?: number;
}

interface CacheEntry {
  readonly value: Promise<string>;
  readonly expiresAt: number;
  /** The secret, once the fetch has succeeded. */
  resolved?: string;
}

/**
 * Fetches a secret once and shares it: concurrent callers await the same fetch, later
 * callers reuse its result until the TTL expires. Only successes are kept, so a failure, a
 * malformed secret or one that still holds {@link SECRET_PLACEHOLDER} is retried on the next
 * call, and an out-of-band fix takes effect without a cold start.
 */
export abstract class SecretProvider {
  /** Where the secret lives, for error messages; never the secret or its ciphertext. */
  protected readonly source: string;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #timeoutMs: number;
  readonly #minRefetchIntervalMs: number;
  #cache: CacheEntry | undefined;
  #lastRefetchAt = Number.NEGATIVE_INFINITY;

  /**
   * @param source - Where the secret lives, for error messages, e.g. "SSM parameter /app/token".
   *   Must not contain the secret or its ciphertext.
   */
  protected constructor(source: string, options: SecretProviderOptions = {}) {
    this.source = source;
    this.#ttlMs = (options.ttlSeconds ?? 0) * 1000;
    this.#now = options.now ?? Date.now;
    this.#timeoutMs = options.timeoutMs ?? SECRET_FETCH_TIMEOUT_MS;
    this.#minRefetchIntervalMs = options.minRefetchIntervalMs ?? MIN_REFETCH_INTERVAL_MS;
  }

  /**
   * Resolves to the secret.
   *
   * @throws {SecretNotProvisionedError} If the secret still holds {@link SECRET_PLACEHOLDER}.
   * @throws {SecretRetrievalError} If fetching failed (AWS error as `cause`), took longer than
   *   the timeout, or gave an empty value or one that cannot be a Bearer token (see
   *   {@link isBearerToken}).
   */
  get(): Promise<string> {
    const now = this.#now();
    if (this.#cache && now < this.#cache.expiresAt) {
      return this.#cache.value;
    }
    // Caching the promise rather than the value is what makes concurrent cold callers share
    // one fetch. The TTL runs from the start of the fetch, which errs on the side of fresh.
    const entry: CacheEntry = {
      value: this.#load(),
      expiresAt: this.#ttlMs > 0 ? now + this.#ttlMs : Number.POSITIVE_INFINITY,
    };
    this.#cache = entry;
    entry.value.then(
      (secret) => {
        entry.resolved = secret;
      },
      () => {
        // A newer entry may have replaced this one meanwhile; only evict our own.
        if (this.#cache === entry) {
          this.#cache = undefined;
        }
      },
    );
    return entry.value;
  }

  /**
   * Resolves to the secret after the upstream has rejected `rejected`: the store may hold a
   * rotated one that this warm environment has not seen. Fetches again, bypassing the cache,
   * unless a fetch newer than `rejected` is already cached or under way (concurrent rejections
   * share it), or the last forced refetch was less than the minimum interval ago; then it
   * resolves as {@link get} does. The caller compares the result with `rejected` to know
   * whether a retry can succeed.
   *
   * @param rejected - The secret the upstream refused.
   * @throws As {@link get} does.
   */
  refetch(rejected: string): Promise<string> {
    const cached = this.#cache;
    const newerThanRejected = cached && cached.resolved !== rejected;
    const now = this.#now();
    if (!newerThanRejected && now - this.#lastRefetchAt >= this.#minRefetchIntervalMs) {
      this.#lastRefetchAt = now;
      this.#cache = undefined;
    }
    return this.get();
  }

  /**
   * Fetches the secret from its store. Called only on a cache miss; may throw anything,
   * which {@link get} wraps in a {@link SecretRetrievalError} unless it is already one of
   * this project's errors.
   *
   * @param signal - Aborted when the fetch has taken too long; pass it to the AWS SDK's `send`
   *   as `abortSignal` so the request is cancelled too. {@link get} gives up then either way.
   */
  protected abstract fetch(signal: AbortSignal): Promise<string>;

  async #load(): Promise<string> {
    const signal = AbortSignal.timeout(this.#timeoutMs);
    let value: string;
    try {
      value = await untilAborted(this.fetch(signal), signal);
    } catch (error) {
      if (signal.aborted) {
        throw new SecretRetrievalError(
          `Retrieving the secret held in ${this.source} took longer than ${this.#timeoutMs} ms`,
          { cause: error },
        );
      }
      if (error instanceof LambdaSecretsError) {
        throw error;
      }
      throw new SecretRetrievalError(`Could not retrieve the secret held in ${this.source}`, {
        cause: error,
      });
    }
    if (value === SECRET_PLACEHOLDER) {
      throw new SecretNotProvisionedError(this.source);
    }
    if (value === '') {
      throw new SecretRetrievalError(`The secret held in ${this.source} is empty`);
    }
    if (!isBearerToken(value)) {
      throw new SecretRetrievalError(
        `The secret held in ${this.source} cannot be sent as a Bearer token: it must be ${BEARER_TOKEN_RULE}`,
      );
    }
    return value;
  }
}

/** Settles as `promise` does, or rejects with the abort reason as soon as `signal` aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    // AbortSignal.timeout's reason is a DOMException named TimeoutError, an Error.
    const abort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', abort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}
