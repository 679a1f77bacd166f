import { describe, expect, it, vi } from 'vitest';
import { MIN_REFETCH_INTERVAL_MS, SECRET_PLACEHOLDER } from '../../functions/shared/contract';
import { SecretNotProvisionedError, SecretRetrievalError } from '../../functions/shared/errors';
import { SecretProvider, type SecretProviderOptions } from '../../functions/shared/secret-provider';
import { deferred, TOKEN } from './support/fakes';

/** A provider whose fetch is a mock, so the tests see exactly when the base class fetches. */
class StubProvider extends SecretProvider {
  readonly fetchSecret = vi.fn<(signal: AbortSignal) => Promise<string>>();

  constructor(options?: SecretProviderOptions) {
    super('the test store', options);
  }

  protected fetch(signal: AbortSignal): Promise<string> {
    return this.fetchSecret(signal);
  }
}

function providerReturning(value: string, options?: SecretProviderOptions): StubProvider {
  const provider = new StubProvider(options);
  provider.fetchSecret.mockResolvedValue(value);
  return provider;
}

describe('SecretProvider', () => {
  it('resolves to the fetched secret', async () => {
    await expect(providerReturning(TOKEN).get()).resolves.toBe(TOKEN);
  });

  it('fetches once across sequential calls', async () => {
    const provider = providerReturning(TOKEN);
    for (let call = 0; call < 5; call += 1) {
      await provider.get();
    }
    expect(provider.fetchSecret).toHaveBeenCalledTimes(1);
  });

  it('lets concurrent cold callers share one fetch', async () => {
    const provider = new StubProvider();
    const pending = deferred<string>();
    provider.fetchSecret.mockReturnValue(pending.promise);
    const calls = Array.from({ length: 5 }, () => provider.get());
    pending.resolve(TOKEN);
    await expect(Promise.all(calls)).resolves.toEqual(Array(5).fill(TOKEN));
    expect(provider.fetchSecret).toHaveBeenCalledTimes(1);
  });

  it('keeps the secret for the environment’s life when the TTL is 0', async () => {
    let now = 0;
    const provider = providerReturning(TOKEN, { ttlSeconds: 0, now: () => now });
    await provider.get();
    now = 365 * 24 * 3600 * 1000;
    await provider.get();
    expect(provider.fetchSecret).toHaveBeenCalledTimes(1);
  });

  it('reuses the secret until the TTL expires', async () => {
    let now = 0;
    const provider = providerReturning(TOKEN, { ttlSeconds: 60, now: () => now });
    await provider.get();
    now = 59_999;
    await provider.get();
    expect(provider.fetchSecret).toHaveBeenCalledTimes(1);
  });

  it('fetches again once the TTL has expired', async () => {
    let now = 0;
    const provider = providerReturning(TOKEN, { ttlSeconds: 60, now: () => now });
    await provider.get();
    now = 60_000;
    await provider.get();
    expect(provider.fetchSecret).toHaveBeenCalledTimes(2);
  });

  it('does not cache a failure: the next call fetches again', async () => {
    const provider = new StubProvider();
    provider.fetchSecret.mockRejectedValueOnce(new Error('throttled')).mockResolvedValueOnce(TOKEN);
    await expect(provider.get()).rejects.toThrow();
    await expect(provider.get()).resolves.toBe(TOKEN);
  });

  it('keeps a newer fetch cached when an expired one fails after it started', async () => {
    let now = 0;
    const stale = deferred<string>();
    const provider = new StubProvider({ ttlSeconds: 1, now: () => now });
    provider.fetchSecret.mockReturnValueOnce(stale.promise).mockResolvedValueOnce('fresh');
    const staleCall = provider.get();
    now = 2000;
    await provider.get();
    stale.reject(new Error('slow and failed'));
    await expect(staleCall).rejects.toThrow();
    await expect(provider.get()).resolves.toBe('fresh');
    expect(provider.fetchSecret).toHaveBeenCalledTimes(2);
  });

  it('wraps a fetch failure in a SecretRetrievalError that keeps it as the cause', async () => {
    const cause = new Error('AccessDeniedException');
    const provider = new StubProvider();
    provider.fetchSecret.mockRejectedValue(cause);
    await expect(provider.get()).rejects.toSatisfy(
      (error) => error instanceof SecretRetrievalError && error.cause === cause,
    );
  });

  it('names the store in the SecretRetrievalError message', async () => {
    const provider = new StubProvider();
    provider.fetchSecret.mockRejectedValue(new Error('down'));
    await expect(provider.get()).rejects.toThrow('the test store');
  });

  it('passes the project’s own errors through unwrapped', async () => {
    const own = new SecretNotProvisionedError('the test store');
    const provider = new StubProvider();
    provider.fetchSecret.mockRejectedValue(own);
    await expect(provider.get()).rejects.toBe(own);
  });

  it('rejects with SecretNotProvisionedError when the secret is still the placeholder', async () => {
    await expect(providerReturning(SECRET_PLACEHOLDER).get()).rejects.toBeInstanceOf(SecretNotProvisionedError);
  });

  it('does not cache the placeholder, so provisioning takes effect on the next call', async () => {
    const provider = new StubProvider();
    provider.fetchSecret.mockResolvedValueOnce(SECRET_PLACEHOLDER).mockResolvedValueOnce(TOKEN);
    await expect(provider.get()).rejects.toThrow();
    await expect(provider.get()).resolves.toBe(TOKEN);
  });

  it('rejects an empty secret with SecretRetrievalError', async () => {
    await expect(providerReturning('').get()).rejects.toBeInstanceOf(SecretRetrievalError);
  });

  it.each([
    ['a line break', `${TOKEN}\r\n`],
    ['a space', `${TOKEN} ${TOKEN}`],
    ['a NUL byte', `${TOKEN}\0`],
    ['a character beyond ASCII', `${TOKEN}\u00e9`],
  ])('rejects a secret containing %s, which cannot be a Bearer token', async (_name, value) => {
    await expect(providerReturning(value).get()).rejects.toThrow(
      'The secret held in the test store cannot be sent as a Bearer token: it must be printable ASCII without spaces or control characters',
    );
  });

  it('does not cache a malformed secret, so a fix takes effect on the next call', async () => {
    const provider = new StubProvider();
    provider.fetchSecret.mockResolvedValueOnce(`${TOKEN}\n`).mockResolvedValueOnce(TOKEN);
    await expect(provider.get()).rejects.toThrow(SecretRetrievalError);
    await expect(provider.get()).resolves.toBe(TOKEN);
  });

  describe('when the store does not answer', () => {
    // Short to keep these tests quick, yet deterministic: a fetch that should time out stays
    // pending until the timer has fired, so nothing races it, and a fetch that should succeed
    // (here and in every other test) resolves in microtasks, which always run before a timer.
    const TIMEOUT_MS = 200;

    const hangingProvider = () => {
      const provider = new StubProvider({ timeoutMs: TIMEOUT_MS });
      provider.fetchSecret.mockReturnValue(new Promise<string>(() => {}));
      return provider;
    };

    it('gives up after timeoutMs with a SecretRetrievalError naming the store and the limit', async () => {
      await expect(hangingProvider().get()).rejects.toThrow(
        new SecretRetrievalError(`Retrieving the secret held in the test store took longer than ${TIMEOUT_MS} ms`),
      );
    });

    it('aborts the signal it gave the fetch, so the request is cancelled too', async () => {
      const provider = hangingProvider();
      await provider.get().catch(() => {});
      expect(provider.fetchSecret.mock.calls[0][0].aborted).toBe(true);
    });

    it('ignores a fetch that succeeds only after the timeout: the next call fetches again', async () => {
      const late = deferred<string>();
      const provider = new StubProvider({ timeoutMs: TIMEOUT_MS });
      provider.fetchSecret.mockReturnValueOnce(late.promise).mockResolvedValueOnce('fresh-token');
      await expect(provider.get()).rejects.toThrow(SecretRetrievalError);
      late.resolve(TOKEN);
      await expect(provider.get()).resolves.toBe('fresh-token');
      expect(provider.fetchSecret).toHaveBeenCalledTimes(2);
    });

    it('does not cache the timeout: the next call fetches again', async () => {
      const provider = hangingProvider();
      await provider.get().catch(() => {});
      provider.fetchSecret.mockResolvedValue(TOKEN);
      await expect(provider.get()).resolves.toBe(TOKEN);
    });
  });

  describe('refetch, after the upstream rejected the secret', () => {
    const ROTATED = 'rotated-token';

    /** A provider that has cached {@link TOKEN} and whose store now holds {@link ROTATED}. */
    async function rotatedProvider(options: SecretProviderOptions = {}) {
      let now = 0;
      const provider = new StubProvider({ now: () => now, ...options });
      provider.fetchSecret.mockResolvedValueOnce(TOKEN).mockResolvedValue(ROTATED);
      await provider.get();
      return { provider, advance: (ms: number) => (now += ms) };
    }

    it('fetches again and resolves to the rotated secret', async () => {
      const { provider } = await rotatedProvider();
      await expect(provider.refetch(TOKEN)).resolves.toBe(ROTATED);
    });

    it('caches the rotated secret for the next calls', async () => {
      const { provider } = await rotatedProvider();
      await provider.refetch(TOKEN);
      await provider.get();
      expect(provider.fetchSecret).toHaveBeenCalledTimes(2);
    });

    it('lets concurrent rejections share one refetch', async () => {
      const { provider } = await rotatedProvider();
      await Promise.all(Array.from({ length: 5 }, () => provider.refetch(TOKEN)));
      expect(provider.fetchSecret).toHaveBeenCalledTimes(2);
    });

    it('does not fetch when the cache already holds a newer secret', async () => {
      const { provider, advance } = await rotatedProvider({ minRefetchIntervalMs: 1000 });
      await provider.refetch(TOKEN);
      advance(5000);
      await expect(provider.refetch(TOKEN)).resolves.toBe(ROTATED);
      expect(provider.fetchSecret).toHaveBeenCalledTimes(2);
    });

    it('does not fetch again within the minimum interval, however often the secret is rejected', async () => {
      const { provider, advance } = await rotatedProvider({ minRefetchIntervalMs: 1000 });
      await provider.refetch(TOKEN);
      advance(999);
      await expect(provider.refetch(ROTATED)).resolves.toBe(ROTATED);
      expect(provider.fetchSecret).toHaveBeenCalledTimes(2);
    });

    it('fetches again once the minimum interval has passed', async () => {
      const { provider, advance } = await rotatedProvider({ minRefetchIntervalMs: 1000 });
      await provider.refetch(TOKEN);
      advance(1000);
      await provider.refetch(ROTATED);
      expect(provider.fetchSecret).toHaveBeenCalledTimes(3);
    });

    it(`waits ${MIN_REFETCH_INTERVAL_MS} ms between refetches by default`, async () => {
      const { provider, advance } = await rotatedProvider();
      await provider.refetch(TOKEN);
      advance(MIN_REFETCH_INTERVAL_MS - 1);
      await provider.refetch(ROTATED);
      advance(1);
      await provider.refetch(ROTATED);
      expect(provider.fetchSecret).toHaveBeenCalledTimes(3);
    });

    it('rejects as get does when the refetch fails', async () => {
      const { provider } = await rotatedProvider();
      provider.fetchSecret.mockReset().mockRejectedValue(new Error('throttled'));
      await expect(provider.refetch(TOKEN)).rejects.toThrow(SecretRetrievalError);
    });
  });
});

describe('SecretProvider, beyond the cache', () => {
  it('says that an empty secret is empty', async () => {
    await expect(providerReturning('').get()).rejects.toThrow(
      new SecretRetrievalError('The secret held in the test store is empty'),
    );
  });

  it('keeps the abort as the cause of a timeout', async () => {
    const provider = new StubProvider({ timeoutMs: 50 });
    provider.fetchSecret.mockReturnValue(new Promise<string>(() => {}));
    const error = (await provider.get().catch((caught: unknown) => caught)) as Error;
    expect(error.cause).toMatchObject({ name: 'TimeoutError' });
  });

  it('stops listening for the abort once the fetch has settled', async () => {
    const provider = new StubProvider();
    let signal: AbortSignal | undefined;
    let added: unknown;
    let removed: unknown;
    provider.fetchSecret.mockImplementation((given) => {
      signal = given;
      vi.spyOn(given, 'addEventListener').mockImplementation((type, listener) => {
        added = [type, listener];
      });
      vi.spyOn(given, 'removeEventListener').mockImplementation((type, listener) => {
        removed = [type, listener];
      });
      return Promise.resolve(TOKEN);
    });
    await provider.get();
    expect([signal?.aborted, removed]).toEqual([false, ['abort', expect.any(Function)]]);
    expect(removed).toEqual(added);
  });
});
