import { DecryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { PARAMETERS_EXTENSION } from '../../functions/shared/contract';
import { stallFirstRequest, startFakeStore, type FakeStore } from '../../tools/bench/fake-store';
import { startExtensionStandIn } from '../../tools/local/parameters-extension-stand-in';

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
  return { kms: new KMSClient(config), ssm: new SSMClient(config), secretsManager: new SecretsManagerClient(config) };
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

  it("answers GetSecretValue with the token as the secret's AWSCURRENT SecretString, for the real Secrets Manager client", async () => {
    const { secretsManager } = clients((await store()).endpoint);
    const arn = 'arn:aws:secretsmanager:ap-northeast-1:000000000000:secret:sample-app/lambda/sample-api-token-AbCdEf';
    const [byName, byArn] = await Promise.all([
      secretsManager.send(new GetSecretValueCommand({ SecretId: 'sample-app/lambda/sample-api-token' })),
      secretsManager.send(new GetSecretValueCommand({ SecretId: arn })),
    ]);
    expect(byName).toMatchObject({
      Name: 'sample-app/lambda/sample-api-token',
      SecretString: secret,
      VersionStages: ['AWSCURRENT'],
    });
    expect(byName.CreatedDate).toBeInstanceOf(Date);
    expect(byArn).toMatchObject({ ARN: arn, SecretString: secret });
  });

  it('refuses a GetSecretValue without a SecretId as Secrets Manager would', async () => {
    const { secretsManager } = clients((await store()).endpoint);
    await expect(secretsManager.send(new GetSecretValueCommand({ SecretId: '' }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
  });

  it('counts every call', async () => {
    const started = await store();
    const { kms, ssm, secretsManager } = clients(started.endpoint);
    await ssm.send(new GetParameterCommand({ Name: '/app/token', WithDecryption: true }));
    await kms.send(new DecryptCommand({ CiphertextBlob: Buffer.from(ciphertext, 'base64') }));
    await secretsManager.send(new GetSecretValueCommand({ SecretId: 'app/token' }));
    expect(started.calls()).toBe(3);
    expect(started.requests.map(({ target }) => target)).toEqual([
      'AmazonSSM.GetParameter',
      'TrentService.Decrypt',
      'secretsmanager.GetSecretValue',
    ]);
  });

  it('in stall mode never answers the first request, and answers the retry on a fresh connection', async () => {
    const started = await store(true);
    const { ssm } = clients(started.endpoint, 500);
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: '/app/token', WithDecryption: true }));
    expect([Parameter?.Value, started.calls()]).toEqual([secret, 2]);
  });

  it('in stall mode holds a GetSecretValue too, and answers its retry', async () => {
    const started = await store(true);
    const { secretsManager } = clients(started.endpoint, 500);
    const { SecretString } = await secretsManager.send(new GetSecretValueCommand({ SecretId: 'app/token' }));
    expect([SecretString, started.requests.map(({ stalled }) => stalled)]).toEqual([secret, [true, false]]);
  });
});

describe('the extension stand-in, as the benchmark runs it on the fake store', () => {
  it('answers /secretsmanager/get with the secret, only to the session token, and counts what it served', async () => {
    const started = await store();
    const { ssm, secretsManager } = clients(started.endpoint);
    const standIn = await startExtensionStandIn(ssm, secretsManager);
    onTestFinished(() => standIn.close());
    const url = `http://127.0.0.1:${standIn.port}${PARAMETERS_EXTENSION.secretPath}?secretId=app%2Ftoken`;
    const ask = (token: string) => fetch(url, { headers: { [PARAMETERS_EXTENSION.tokenHeader]: token } });
    const refused = await ask('not-the-session-token');
    const answered = await ask(standIn.sessionToken);
    expect([refused.status, answered.status]).toEqual([401, 200]);
    expect(await answered.json()).toMatchObject({ Name: 'app/token', SecretString: secret });
    expect([standIn.served(), started.requests.map(({ target }) => target)]).toEqual([
      1,
      ['secretsmanager.GetSecretValue'],
    ]);
  });

  it("passes Secrets Manager's refusal on with its name and message, where Method 3's reader finds 'no value yet'", async () => {
    const { ssm } = clients((await store()).endpoint);
    const noValue = Object.assign(
      new Error("Secrets Manager can't find the specified secret value for staging label: AWSCURRENT"),
      { name: 'ResourceNotFoundException' },
    );
    const refusing = { send: () => Promise.reject(noValue) } as unknown as Pick<SecretsManagerClient, 'send'>;
    const standIn = await startExtensionStandIn(ssm, refusing);
    onTestFinished(() => standIn.close());
    const response = await fetch(`http://127.0.0.1:${standIn.port}${PARAMETERS_EXTENSION.secretPath}?secretId=x`, {
      headers: { [PARAMETERS_EXTENSION.tokenHeader]: standIn.sessionToken },
    });
    expect([response.status, await response.json(), standIn.served()]).toEqual([
      400,
      { __type: 'ResourceNotFoundException', message: noValue.message },
      0,
    ]);
  });

  it('without a Secrets Manager client, or without a secretId, does not serve /secretsmanager/get', async () => {
    const { ssm, secretsManager } = clients((await store()).endpoint);
    const [without, withClient] = await Promise.all([
      startExtensionStandIn(ssm),
      startExtensionStandIn(ssm, secretsManager),
    ]);
    onTestFinished(async () => {
      await Promise.all([without.close(), withClient.close()]);
    });
    const ask = (standIn: typeof without, query: string) =>
      fetch(`http://127.0.0.1:${standIn.port}${PARAMETERS_EXTENSION.secretPath}?${query}`, {
        headers: { [PARAMETERS_EXTENSION.tokenHeader]: standIn.sessionToken },
      }).then((response) => response.status);
    expect([await ask(without, 'secretId=x'), await ask(withClient, 'secretId=')]).toEqual([404, 404]);
    expect([without.served(), withClient.served()]).toEqual([0, 0]);
  });
});
