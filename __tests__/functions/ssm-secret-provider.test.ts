import { describe, expect, it } from 'vitest';
import { SECRET_PLACEHOLDER } from '../../functions/shared/contract';
import { SecretNotProvisionedError, SecretRetrievalError } from '../../functions/shared/errors';
import { SsmSecretProvider } from '../../functions/shared/ssm-secret-provider';
import { fakeSsm, PARAMETER_NAME, parameterNotFound, TOKEN } from './support/fakes';

describe('SsmSecretProvider', () => {
  it('resolves to the parameter value', async () => {
    await expect(new SsmSecretProvider(fakeSsm(), PARAMETER_NAME).get()).resolves.toBe(TOKEN);
  });

  it('asks SSM for the named parameter, decrypted', async () => {
    const ssm = fakeSsm();
    await new SsmSecretProvider(ssm, PARAMETER_NAME).get();
    expect(ssm.send.mock.calls[0][0].input).toEqual({ Name: PARAMETER_NAME, WithDecryption: true });
  });

  it('lets the request be cancelled: GetParameter gets an abort signal', async () => {
    const ssm = fakeSsm();
    await new SsmSecretProvider(ssm, PARAMETER_NAME).get();
    expect(ssm.send.mock.calls[0][1]?.abortSignal).toBeInstanceOf(AbortSignal);
  });

  it('rejects with SecretNotProvisionedError while the parameter holds the placeholder', async () => {
    await expect(new SsmSecretProvider(fakeSsm(SECRET_PLACEHOLDER), PARAMETER_NAME).get()).rejects.toBeInstanceOf(
      SecretNotProvisionedError,
    );
  });

  it('rejects with SecretRetrievalError naming the parameter when it has no value', async () => {
    const ssm = fakeSsm(TOKEN, () => Promise.resolve({ Parameter: { Name: PARAMETER_NAME }, $metadata: {} }));
    await expect(new SsmSecretProvider(ssm, PARAMETER_NAME).get()).rejects.toSatisfy(
      (error) => error instanceof SecretRetrievalError && error.message.includes(PARAMETER_NAME),
    );
  });

  it('wraps an SSM error in SecretRetrievalError with the SDK error as the cause', async () => {
    const ssm = fakeSsm(TOKEN, () => Promise.reject(parameterNotFound()));
    await expect(new SsmSecretProvider(ssm, PARAMETER_NAME).get()).rejects.toSatisfy(
      (error) =>
        error instanceof SecretRetrievalError &&
        error.cause instanceof Error &&
        error.cause.name === 'ParameterNotFound',
    );
  });
});

describe('SsmSecretProvider, answered without a parameter', () => {
  it('says the parameter has no value', async () => {
    const ssm = fakeSsm(TOKEN, () => Promise.resolve({ $metadata: {} }));
    await expect(new SsmSecretProvider(ssm, PARAMETER_NAME).get()).rejects.toThrow(
      new SecretRetrievalError(`SSM parameter ${PARAMETER_NAME} has no value`),
    );
  });
});
