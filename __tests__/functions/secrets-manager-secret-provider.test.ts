import { describe, expect, it } from 'vitest';
import { SECRET_PLACEHOLDER } from '../../functions/shared/contract';
import { SecretFormatError, SecretNotProvisionedError, SecretRetrievalError } from '../../functions/shared/errors';
import type { SecretProviderOptions } from '../../functions/shared/secret-provider';
import { SecretsManagerSecretProvider } from '../../functions/shared/secrets-manager-secret-provider';
import { deferred, TOKEN } from './support/fakes';
import {
  fakeSecretsManager,
  JSON_FIELD,
  JSON_SECRET,
  noCurrentVersion,
  OTHER_VALUE,
  rejectionOf,
  SECRET_ID,
  secretNotFound,
  secretValue,
} from './support/secrets-manager';

const SOURCE = `Secrets Manager secret ${SECRET_ID}`;
const ROTATED = 'tok_live_rotated_Zp8Rc1Mx';

function provider(
  client = fakeSecretsManager(),
  jsonField?: string,
  options?: SecretProviderOptions,
): SecretsManagerSecretProvider {
  return new SecretsManagerSecretProvider(client, { secretId: SECRET_ID, jsonField }, options);
}

describe('SecretsManagerSecretProvider', () => {
  it('resolves to the SecretString', async () => {
    await expect(provider().get()).resolves.toBe(TOKEN);
  });

  it('asks for the secret by id only, so Secrets Manager answers its AWSCURRENT version', async () => {
    const client = fakeSecretsManager();
    await provider(client).get();
    expect(client.send.mock.calls[0][0].input).toEqual({ SecretId: SECRET_ID });
  });

  it('lets the request be cancelled: GetSecretValue gets an abort signal', async () => {
    const client = fakeSecretsManager();
    await provider(client).get();
    expect(client.send.mock.calls[0][1]?.abortSignal).toBeInstanceOf(AbortSignal);
  });

  it('resolves to the string value of the JSON field when one is configured', async () => {
    await expect(provider(fakeSecretsManager(JSON_SECRET), JSON_FIELD).get()).resolves.toBe(TOKEN);
  });

  it('rejects with SecretFormatError naming the secret and the field when the field is missing', async () => {
    const client = fakeSecretsManager(JSON.stringify({ username: OTHER_VALUE }));
    const error = await rejectionOf(provider(client, JSON_FIELD).get());
    expect([
      error instanceof SecretFormatError,
      error.message.includes(SECRET_ID),
      error.message.includes(`"${JSON_FIELD}"`),
    ]).toEqual([true, true, true]);
  });

  it('rejects a SecretString that is not JSON when a field is configured, without quoting it', async () => {
    const error = await rejectionOf(provider(fakeSecretsManager(TOKEN), JSON_FIELD).get());
    expect([error.name, error.message.includes(TOKEN.slice(0, 6)), error.cause]).toEqual([
      'SecretFormatError',
      false,
      undefined,
    ]);
  });

  it('rejects a field that is not a string, without quoting it', async () => {
    const client = fakeSecretsManager(JSON.stringify({ [JSON_FIELD]: 123456789, username: OTHER_VALUE }));
    const error = await rejectionOf(provider(client, JSON_FIELD).get());
    expect([error.name, /123456789|other-credential/.test(error.message)]).toEqual(['SecretFormatError', false]);
  });

  it('rejects a secret that holds only binary data', async () => {
    const client = fakeSecretsManager(TOKEN, () =>
      Promise.resolve({ ...secretValue(''), SecretString: undefined, SecretBinary: Buffer.from(TOKEN) }),
    );
    await expect(provider(client).get()).rejects.toThrow(
      new SecretFormatError(
        `The secret held in ${SOURCE} is binary (SecretBinary): the token must be stored as text (SecretString)`,
      ),
    );
  });

  it('rejects with SecretNotProvisionedError while the secret has no AWSCURRENT version', async () => {
    const client = fakeSecretsManager(TOKEN, () => Promise.reject(noCurrentVersion()));
    await expect(provider(client).get()).rejects.toThrow(
      new SecretNotProvisionedError(SOURCE, 'it has no AWSCURRENT version: no value has been stored in it'),
    );
  });

  it('keeps the ResourceNotFoundException of a secret without a version as the cause', async () => {
    const client = fakeSecretsManager(TOKEN, () => Promise.reject(noCurrentVersion()));
    const error = await rejectionOf(provider(client).get());
    expect((error.cause as Error).name).toBe('ResourceNotFoundException');
  });

  it('rejects with SecretNotProvisionedError while the secret holds the placeholder', async () => {
    await expect(provider(fakeSecretsManager(SECRET_PLACEHOLDER)).get()).rejects.toBeInstanceOf(
      SecretNotProvisionedError,
    );
  });

  it('wraps the error of a secret that does not exist in SecretRetrievalError, not "not provisioned"', async () => {
    const client = fakeSecretsManager(TOKEN, () => Promise.reject(secretNotFound()));
    const error = await rejectionOf(provider(client).get());
    expect([error.constructor, error.message, (error.cause as Error).name]).toEqual([
      SecretRetrievalError,
      `Could not retrieve the secret held in ${SOURCE}`,
      'ResourceNotFoundException',
    ]);
  });

  it('rejects an empty field value as the base rejects an empty secret', async () => {
    const client = fakeSecretsManager(JSON.stringify({ [JSON_FIELD]: '' }));
    await expect(provider(client, JSON_FIELD).get()).rejects.toThrow(
      new SecretRetrievalError(`The secret held in ${SOURCE} is empty`),
    );
  });
});

describe('SecretsManagerSecretProvider, through the base class', () => {
  it('asks Secrets Manager once for sequential calls', async () => {
    const client = fakeSecretsManager();
    const secrets = provider(client);
    await secrets.get();
    await secrets.get();
    expect(client.send).toHaveBeenCalledTimes(1);
  });

  it('asks Secrets Manager once for concurrent cold calls', async () => {
    const answer = deferred<ReturnType<typeof secretValue>>();
    const client = fakeSecretsManager(TOKEN, () => answer.promise);
    const secrets = provider(client);
    const calls = [secrets.get(), secrets.get(), secrets.get()];
    answer.resolve(secretValue(TOKEN));
    await Promise.all(calls);
    expect(client.send).toHaveBeenCalledTimes(1);
  });

  it('asks again once the TTL has expired', async () => {
    let now = 0;
    const client = fakeSecretsManager();
    const secrets = provider(client, undefined, { ttlSeconds: 60, now: () => now });
    await secrets.get();
    now = 60_000;
    await secrets.get();
    expect(client.send).toHaveBeenCalledTimes(2);
  });

  it('does not keep a failure: the next call asks again and gets the value stored meanwhile', async () => {
    const client = fakeSecretsManager(TOKEN, () => Promise.reject(noCurrentVersion()));
    const secrets = provider(client);
    await expect(secrets.get()).rejects.toBeInstanceOf(SecretNotProvisionedError);
    client.send.mockImplementation(() => Promise.resolve(secretValue(TOKEN)));
    await expect(secrets.get()).resolves.toBe(TOKEN);
  });

  it('does not keep a malformed secret: a fixed field is read on the next call', async () => {
    const client = fakeSecretsManager(JSON.stringify({ username: OTHER_VALUE }));
    const secrets = provider(client, JSON_FIELD);
    await expect(secrets.get()).rejects.toBeInstanceOf(SecretFormatError);
    client.send.mockImplementation(() => Promise.resolve(secretValue(JSON_SECRET)));
    await expect(secrets.get()).resolves.toBe(TOKEN);
  });

  it('refetches the AWSCURRENT version after the upstream rejected the cached token', async () => {
    const client = fakeSecretsManager();
    const secrets = provider(client);
    await secrets.get();
    client.send.mockImplementation(() => Promise.resolve(secretValue(ROTATED, 'version-2')));
    await expect(secrets.refetch(TOKEN)).resolves.toBe(ROTATED);
  });

  it('asks Secrets Manager itself on the refetch, with the same request', async () => {
    const client = fakeSecretsManager();
    const secrets = provider(client);
    await secrets.get();
    await secrets.refetch(TOKEN);
    expect(client.send.mock.calls.map(([command]) => command.input)).toEqual([
      { SecretId: SECRET_ID },
      { SecretId: SECRET_ID },
    ]);
  });

  it('refetches the field of the rotated JSON secret', async () => {
    const client = fakeSecretsManager(JSON_SECRET);
    const secrets = provider(client, JSON_FIELD);
    await secrets.get();
    client.send.mockImplementation(() =>
      Promise.resolve(secretValue(JSON.stringify({ [JSON_FIELD]: ROTATED, username: OTHER_VALUE }), 'version-2')),
    );
    await expect(secrets.refetch(TOKEN)).resolves.toBe(ROTATED);
  });

  it('gives up on a GetSecretValue that never answers after the fetch timeout', async () => {
    const client = fakeSecretsManager(TOKEN, () => new Promise(() => {}));
    await expect(provider(client, undefined, { timeoutMs: 50 }).get()).rejects.toThrow(
      new SecretRetrievalError(`Retrieving the secret held in ${SOURCE} took longer than 50 ms`),
    );
  });

  it('aborts the request it gave up on', async () => {
    const client = fakeSecretsManager(TOKEN, () => new Promise(() => {}));
    await provider(client, undefined, { timeoutMs: 50 })
      .get()
      .catch(() => undefined);
    expect(client.send.mock.calls[0][1]?.abortSignal?.aborted).toBe(true);
  });
});
