import { describe, expect, it } from 'vitest';
import { SECRET_PLACEHOLDER } from '../../functions/shared/contract';
import { SecretNotProvisionedError, SecretRetrievalError } from '../../functions/shared/errors';
import { KmsSecretProvider } from '../../functions/shared/kms-secret-provider';
import {
  accessDenied,
  BINDING,
  CIPHERTEXT,
  CIPHERTEXT_BYTES,
  denyDecrypt,
  fakeKms,
  FUNCTION_NAME,
  KEY_ARN,
  TOKEN,
} from './support/fakes';

describe('KmsSecretProvider', () => {
  it('resolves to the decrypted token', async () => {
    await expect(new KmsSecretProvider(fakeKms(), CIPHERTEXT, BINDING).get()).resolves.toBe(TOKEN);
  });

  it('binds Decrypt to the function with the LambdaFunctionName encryption context', async () => {
    const kms = fakeKms();
    await new KmsSecretProvider(kms, CIPHERTEXT, BINDING).get();
    expect(kms.send.mock.calls[0][0].input.EncryptionContext).toEqual({ LambdaFunctionName: FUNCTION_NAME });
  });

  it("names the function's own key in Decrypt, so a ciphertext made under another key is refused", async () => {
    const kms = fakeKms();
    await new KmsSecretProvider(kms, CIPHERTEXT, BINDING).get();
    expect(kms.send.mock.calls[0][0].input.KeyId).toBe(KEY_ARN);
  });

  it('lets the request be cancelled: Decrypt gets an abort signal', async () => {
    const kms = fakeKms();
    await new KmsSecretProvider(kms, CIPHERTEXT, BINDING).get();
    expect(kms.send.mock.calls[0][1]?.abortSignal).toBeInstanceOf(AbortSignal);
  });

  it('sends the base64-decoded ciphertext bytes to Decrypt', async () => {
    const kms = fakeKms();
    await new KmsSecretProvider(kms, CIPHERTEXT, BINDING).get();
    expect(Buffer.from(kms.send.mock.calls[0][0].input.CiphertextBlob!)).toEqual(CIPHERTEXT_BYTES);
  });

  it('rejects with SecretNotProvisionedError while the ciphertext is the placeholder', async () => {
    await expect(new KmsSecretProvider(fakeKms(), SECRET_PLACEHOLDER, BINDING).get()).rejects.toBeInstanceOf(
      SecretNotProvisionedError,
    );
  });

  it('does not call KMS while the ciphertext is the placeholder', async () => {
    const kms = fakeKms();
    await new KmsSecretProvider(kms, SECRET_PLACEHOLDER, BINDING).get().catch(() => {});
    expect(kms.send).not.toHaveBeenCalled();
  });

  it('wraps a KMS error in SecretRetrievalError with the SDK error as the cause', async () => {
    await expect(new KmsSecretProvider(fakeKms(denyDecrypt), CIPHERTEXT, BINDING).get()).rejects.toSatisfy(
      (error) =>
        error instanceof SecretRetrievalError &&
        error.cause instanceof Error &&
        error.cause.name === accessDenied().name,
    );
  });

  it('does not put the ciphertext in the error message', async () => {
    const error = await new KmsSecretProvider(fakeKms(denyDecrypt), CIPHERTEXT, BINDING).get().catch((e) => e);
    expect((error as Error).message).not.toContain(CIPHERTEXT);
  });

  it('rejects with SecretRetrievalError when Decrypt returns no plaintext', async () => {
    const kms = fakeKms(() => Promise.resolve({ $metadata: {} }));
    await expect(new KmsSecretProvider(kms, CIPHERTEXT, BINDING).get()).rejects.toBeInstanceOf(SecretRetrievalError);
  });
});

describe('KmsSecretProvider, when KMS answers without plaintext', () => {
  it('says so, naming the variable that holds the ciphertext', async () => {
    const kms = fakeKms(() => Promise.resolve({ $metadata: {} }));
    await expect(new KmsSecretProvider(kms, CIPHERTEXT, BINDING).get()).rejects.toThrow(
      new SecretRetrievalError('KMS Decrypt returned no plaintext for environment variable ENCRYPTED_API_TOKEN'),
    );
  });

  it('names the variable that holds the ciphertext when KMS refuses', async () => {
    await expect(new KmsSecretProvider(fakeKms(denyDecrypt), CIPHERTEXT, BINDING).get()).rejects.toThrow(
      'Could not retrieve the secret held in environment variable ENCRYPTED_API_TOKEN',
    );
  });
});
