import { describe, expect, it, vi } from 'vitest';
import { createHandlerFromEnvironment, type SecretProviderFactory } from '../../functions/shared/from-environment';
import type { SecretProvider } from '../../functions/shared/secret-provider';

describe('createHandlerFromEnvironment', () => {
  it('builds the secret provider with the cache TTL read from SECRET_CACHE_TTL_SECONDS', () => {
    const factory = vi.fn<SecretProviderFactory>(() => ({}) as SecretProvider);
    const env = { TARGET_URL: 'https://api.example.com/hook', SECRET_CACHE_TTL_SECONDS: '42' };
    createHandlerFromEnvironment(env, factory);
    expect(factory).toHaveBeenCalledWith(env, { ttlSeconds: 42 });
  });
});
