import { DecryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterEach, describe, expect, it } from 'vitest';
import { stallFirstRequest, startFakeStore, type FakeStore } from '../../tools/bench/fake-store';

const secret = 'bench-token';
const ciphertext = Buffer.from('not really ciphertext').toString('base64');
const stores: FakeStore[] = [];

afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
});

async function store(stallsFirst = false): Promise<FakeStore> {
  const started = await startFakeStore({
    secret,
    ciphertextBase64: ciphertext,
    stall: stallsFirst ? stallFirstRequest : undefined,
  });
  stores.push(started);
  return started;
}

/** The SDK's own clients, as the handlers build them, pointed at the fake store. */
function clients(endpoint: string, requestTimeout = 10_000) {
  const config = {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    maxAttempts: 2,
    requestHandler: { requestTimeout, throwOnRequestTimeout: true },
  };
  return { kms: new KMSClient(config), ssm: new SSMClient(config) };
}

describe('the fake store', () => {
  it('decrypts its ciphertext for the real KMS client', async () => {
    const { kms } = clients((await store()).endpoint);
    const { Plaintext } = await kms.send(
      new DecryptCommand({
        CiphertextBlob: Buffer.from(ciphertext, 'base64'),
        EncryptionContext: { LambdaFunctionName: 'method1-sample' },
      }),
    );
    expect(Buffer.from(Plaintext!).toString('utf8')).toBe(secret);
  });

  it('answers another ciphertext with the InvalidCiphertextException KMS would raise', async () => {
    const { kms } = clients((await store()).endpoint);
    await expect(kms.send(new DecryptCommand({ CiphertextBlob: Buffer.from('other') }))).rejects.toMatchObject({
      name: 'InvalidCiphertextException',
    });
  });

  it('reads a SecureString parameter for the real SSM client', async () => {
    const { ssm } = clients((await store()).endpoint);
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: '/app/token', WithDecryption: true }));
    expect(Parameter).toMatchObject({ Name: '/app/token', Type: 'SecureString', Value: secret });
  });

  it('counts every call', async () => {
    const started = await store();
    const { kms, ssm } = clients(started.endpoint);
    await ssm.send(new GetParameterCommand({ Name: '/app/token', WithDecryption: true }));
    await kms.send(new DecryptCommand({ CiphertextBlob: Buffer.from(ciphertext, 'base64') }));
    expect(started.calls()).toBe(2);
  });

  it('in stall mode never answers the first request, and answers the retry on a fresh connection', async () => {
    const started = await store(true);
    const { ssm } = clients(started.endpoint, 500);
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: '/app/token', WithDecryption: true }));
    expect([Parameter?.Value, started.calls()]).toEqual([secret, 2]);
  });
});
