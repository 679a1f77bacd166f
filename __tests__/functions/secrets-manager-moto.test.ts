/**
 * SecretsManagerSecretProvider with the real SDK client against the emulator's Secrets Manager
 * (moto server): how a secret without a version, a missing secret, a binary secret and a
 * rotation really come back, which the unit tests' fakes only imitate.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateSecretCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWS_CLIENT_CONFIG } from '../../functions/shared/aws-client-config';
import { SecretFormatError, SecretNotProvisionedError, SecretRetrievalError } from '../../functions/shared/errors';
import { SecretsManagerSecretProvider } from '../../functions/shared/secrets-manager-secret-provider';
import {
  emulatorClientConfig,
  requireMoto,
  startEmulator,
  stopEmulator,
  type Emulator,
} from '../../tools/local/emulator';
import { TOKEN } from './support/fakes';
import { JSON_FIELD } from './support/secrets-manager';

const REGION = 'ap-northeast-1';
const ROTATED = 'tok_live_rotated_Zp8Rc1Mx';

let directory: string;
let emulator: Emulator;
let client: SecretsManagerClient;
let created = 0;

beforeAll(async () => {
  // A missing tool fails the file with what to install; it never skips.
  requireMoto();
  directory = mkdtempSync(join(tmpdir(), 'secrets-manager-moto-'));
  emulator = await startEmulator({ logFile: join(directory, 'moto.log') });
  // moto loads its Secrets Manager on the first request: taken here, with the SDK's default
  // limits, so that the function's tight per-attempt timeouts below never pay for it.
  const warmUp = new SecretsManagerClient(emulatorClientConfig(emulator.endpoint, REGION));
  await warmUp.send(new ListSecretsCommand({}));
  warmUp.destroy();
  // The function's own client configuration, pointed at the emulator.
  client = new SecretsManagerClient({ ...emulatorClientConfig(emulator.endpoint, REGION), ...AWS_CLIENT_CONFIG });
});

afterAll(async () => {
  client?.destroy();
  if (emulator) await stopEmulator(emulator.pid);
  rmSync(directory, { recursive: true, force: true });
});

/** Creates a secret as the stack does, without a value unless one is given; resolves to its ARN. */
async function createSecret(value?: { SecretString?: string; SecretBinary?: Uint8Array }): Promise<string> {
  created += 1;
  const { ARN } = await client.send(new CreateSecretCommand({ Name: `method3-sample/api-token-${created}`, ...value }));
  return ARN!;
}

function provider(secretId: string, jsonField?: string) {
  return new SecretsManagerSecretProvider(client, { secretId, jsonField });
}

describe('SecretsManagerSecretProvider on moto', () => {
  it('says "not provisioned" for a secret created without a value', async () => {
    const arn = await createSecret();
    await expect(provider(arn).get()).rejects.toBeInstanceOf(SecretNotProvisionedError);
  });

  it("keeps moto's ResourceNotFoundException for it as the cause, worded for the missing AWSCURRENT version", async () => {
    const arn = await createSecret();
    const error = (await provider(arn)
      .get()
      .catch((caught: unknown) => caught)) as Error;
    expect([(error.cause as Error).name, (error.cause as Error).message]).toEqual([
      'ResourceNotFoundException',
      "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
    ]);
  });

  it('says "could not retrieve", not "not provisioned", for a secret that does not exist', async () => {
    const error = (await provider('method3-sample/no-such-secret')
      .get()
      .catch((caught: unknown) => caught)) as Error;
    expect([error.constructor, (error.cause as Error).message]).toEqual([
      SecretRetrievalError,
      "Secrets Manager can't find the specified secret.",
    ]);
  });

  it('reads the value once it has been stored', async () => {
    const arn = await createSecret();
    const secrets = provider(arn);
    await secrets.get().catch(() => undefined);
    await client.send(new PutSecretValueCommand({ SecretId: arn, SecretString: TOKEN }));
    await expect(secrets.get()).resolves.toBe(TOKEN);
  });

  it('reads the new AWSCURRENT version on a refetch after a rotation', async () => {
    const arn = await createSecret({ SecretString: TOKEN });
    const secrets = provider(arn);
    await secrets.get();
    await client.send(new PutSecretValueCommand({ SecretId: arn, SecretString: ROTATED }));
    await expect(secrets.refetch(TOKEN)).resolves.toBe(ROTATED);
  });

  it('reads the JSON field', async () => {
    const arn = await createSecret({ SecretString: JSON.stringify({ [JSON_FIELD]: TOKEN, username: 'app' }) });
    await expect(provider(arn, JSON_FIELD).get()).resolves.toBe(TOKEN);
  });

  it('refuses a binary secret', async () => {
    const arn = await createSecret({ SecretBinary: Buffer.from(TOKEN) });
    await expect(provider(arn).get()).rejects.toBeInstanceOf(SecretFormatError);
  });
});
