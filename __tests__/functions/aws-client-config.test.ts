/**
 * The SDK clients' per-attempt timeouts, proven against a real server that stalls: the real
 * KMSClient and SSMClient, configured as the entries configure them, driven through the secret
 * providers. Whether a fetch resolves at all is the timing assertion: the provider abandons it
 * at SECRET_FETCH_TIMEOUT_MS, so resolving means the retry came back within the budget.
 */
import { KMSClient } from '@aws-sdk/client-kms';
import { SSMClient } from '@aws-sdk/client-ssm';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { ATTEMPT_TIMEOUT_MS, AWS_CLIENT_CONFIG, MAX_ATTEMPTS } from '../../functions/shared/aws-client-config';
import { SECRET_FETCH_TIMEOUT_MS } from '../../functions/shared/contract';
import { SecretRetrievalError } from '../../functions/shared/errors';
import { KmsSecretProvider } from '../../functions/shared/kms-secret-provider';
import type { SecretProvider, SecretProviderOptions } from '../../functions/shared/secret-provider';
import { SsmSecretProvider } from '../../functions/shared/ssm-secret-provider';
import { BINDING, CIPHERTEXT, PARAMETER_NAME, TOKEN } from './support/fakes';
import {
  stallFirstAttempts,
  stallFirstRequest,
  startFakeStore,
  type FakeStore,
  type StallRule,
} from '../../tools/bench/fake-store';

/** The part of a client's configuration under test: AWS_CLIENT_CONFIG, or a variation of it. */
interface ClientConfig {
  readonly maxAttempts?: number;
  readonly requestHandler?: Record<string, unknown>;
}

const LOCAL = {
  region: 'eu-west-1',
  credentials: { accessKeyId: 'AKIDSTALLEDSTORE', secretAccessKey: 'not-a-secret' },
};

/**
 * A provider of each method, reading from `endpoint` through a real SDK client, within the secret
 * fetch budget unless `options` gives another.
 */
const METHODS: [string, (config: ClientConfig, endpoint: string, options?: SecretProviderOptions) => SecretProvider][] =
  [
    [
      'KMS Decrypt',
      (config, endpoint, options) =>
        new KmsSecretProvider(new KMSClient({ ...config, ...LOCAL, endpoint }), CIPHERTEXT, BINDING, options),
    ],
    [
      'SSM GetParameter',
      (config, endpoint, options) =>
        new SsmSecretProvider(new SSMClient({ ...config, ...LOCAL, endpoint }), PARAMETER_NAME, options),
    ],
  ];

/** A budget that no test about the attempts, rather than about the budget, comes near. */
const UNHURRIED = { timeoutMs: 30_000 };

async function stalledStore(stall: StallRule = stallFirstRequest): Promise<FakeStore> {
  const store = await startFakeStore({ secret: TOKEN, ciphertextBase64: CIPHERTEXT, stall });
  onTestFinished(() => store.close());
  return store;
}

describe('AWS_CLIENT_CONFIG', () => {
  it('fits two attempts in the secret fetch budget with room to spare', () => {
    expect(MAX_ATTEMPTS * ATTEMPT_TIMEOUT_MS).toBeLessThan(SECRET_FETCH_TIMEOUT_MS);
  });

  it('makes exactly two attempts: a third would not fit the budget', () => {
    expect((MAX_ATTEMPTS + 1) * ATTEMPT_TIMEOUT_MS).toBeGreaterThanOrEqual(SECRET_FETCH_TIMEOUT_MS);
  });

  it('turns a request timeout into an error, not a warning', () => {
    expect(AWS_CLIENT_CONFIG.requestHandler.throwOnRequestTimeout).toBe(true);
  });
});

// The stalls last until the budget runs out, so these run side by side.
describe.concurrent.each(METHODS)('%s against a store whose first request stalls', (_name, provider) => {
  it('resolves to the token from the second attempt, within the budget', async ({ expect }) => {
    const store = await stalledStore();
    await expect(provider(AWS_CLIENT_CONFIG, store.endpoint).get()).resolves.toBe(TOKEN);
    expect(store.requests.map((request) => request.stalled)).toEqual([true, false]);
  });

  it('retries the attempt that stalled, as attempt 2 of 2', async ({ expect }) => {
    const store = await stalledStore();
    await provider(AWS_CLIENT_CONFIG, store.endpoint, UNHURRIED).get();
    expect(store.requests.map((request) => request.attempt)).toEqual(['attempt=1; max=2', 'attempt=2; max=2']);
  });

  it('resolves for concurrent cold clients that each meet a stall', async ({ expect }) => {
    const store = await stalledStore(stallFirstAttempts);
    const providers = Array.from({ length: 5 }, () => provider(AWS_CLIENT_CONFIG, store.endpoint, UNHURRIED));
    await expect(Promise.all(providers.map((each) => each.get()))).resolves.toEqual(Array(5).fill(TOKEN));
  });

  it('fails after the whole budget without the config: the SDK never retries', async ({ expect }) => {
    const store = await stalledStore();
    await expect(provider({}, store.endpoint).get()).rejects.toSatisfy(
      (error) => error instanceof SecretRetrievalError && error.message.includes(`${SECRET_FETCH_TIMEOUT_MS} ms`),
    );
    expect(store.requests).toHaveLength(1);
  });

  it('fails after the whole budget when the request timeout only warns', async ({ expect }) => {
    const store = await stalledStore();
    const logger = { warn: vi.fn<(message: string) => void>() };
    const warnOnly = {
      ...AWS_CLIENT_CONFIG,
      requestHandler: { ...AWS_CLIENT_CONFIG.requestHandler, throwOnRequestTimeout: false, logger },
    };
    await expect(provider(warnOnly, store.endpoint).get()).rejects.toBeInstanceOf(SecretRetrievalError);
    expect([store.requests.length, logger.warn.mock.calls[0]?.[0]]).toEqual([1, expect.stringContaining('[WARN]')]);
  });
});
