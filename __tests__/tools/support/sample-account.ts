/**
 * A moto account holding what the sample stacks deploy (keys, aliases, functions, Method 2's
 * parameter still the placeholder, Method 3's secret without a value), for tests of the secret
 * CLI and its library.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  KMSClient,
  UpdateAliasCommand,
} from '@aws-sdk/client-kms';
import { CreateFunctionCommand, GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
  type DescribeSecretCommandOutput,
} from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import AdmZip from 'adm-zip';
import { afterAll, beforeAll, beforeEach, vi } from 'vitest';
import { ENCRYPTION_CONTEXT_KEY, ENV, SECRET_PLACEHOLDER } from '../../../functions/shared/contract';
import { OUT_OF_BAND, SECRET_DELIVERY_TAG } from '../../../lib/secret-names';
import { API_TOKEN_SECRET_NAME } from '../../../stacks/methods';
import { emulatorEnvironment, startEmulator, stopEmulator, type Emulator } from '../../../tools/local/emulator';

/** The region the tests' AWS environment names: the stacks' default. */
export const REGION = 'ap-northeast-1';
/** method2-sample's parameter, as the stack names it. */
export const PARAMETER_NAME = '/sample-app/lambda/sample-api-token';
/** method3-sample's secret, as the stack names it. */
export const SECRET_NAME = API_TOKEN_SECRET_NAME;
/** A variable every function has besides the secret's. */
export const TARGET_URL = 'https://example.com';
/** A token that no output or error may contain. */
export const TOKEN = 'tok_live_secretcli_7Qx9Vb2L';
/** The token a rotation brings; no output or error may contain it either. */
export const NEW_TOKEN = 'tok_live_rotated_Zp8Rc1Mx';

/** Clients of the emulator, built from the standard environment as the CLI's are. */
export interface AccountClients {
  readonly lambda: LambdaClient;
  readonly kms: KMSClient;
  readonly ssm: SSMClient;
  readonly secretsManager: SecretsManagerClient;
  readonly iam: IAMClient;
}

/** What {@link useSampleAccount} gives a test file. */
export interface SampleAccount {
  /** The emulator's clients; valid once the file's beforeAll ran. */
  readonly clients: AccountClients;
  /** Empties the emulator, then deploys every sample; `method1Environment` is added to method1-sample's. */
  deploy(method1Environment?: Record<string, string>): Promise<void>;
  /** Empties the emulator: no stack is deployed. */
  reset(): Promise<void>;
}

/**
 * Starts one moto server for the calling test file and points the standard AWS environment at it.
 * A missing moto fails every test of the file with MissingToolError: these tests never skip.
 */
export function useSampleAccount(): SampleAccount {
  let directory: string | undefined;
  let emulator: Emulator | undefined;
  let clients: AccountClients | undefined;
  let startFailure: Error | undefined;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'secret-cli-'));
    try {
      emulator = await startEmulator({ logFile: join(directory, 'moto.log') });
    } catch (error) {
      startFailure = error as Error;
      return;
    }
    for (const [name, value] of Object.entries(emulatorEnvironment(emulator.endpoint, REGION))) {
      vi.stubEnv(name, value);
    }
    // The SDK warns on stderr about Node 20; the CLI tests read stderr line by line.
    vi.stubEnv('AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', 'true');
    clients = {
      lambda: new LambdaClient({}),
      kms: new KMSClient({}),
      ssm: new SSMClient({}),
      secretsManager: new SecretsManagerClient({}),
      iam: new IAMClient({}),
    };
  });

  // vitest reports the tests of a failed beforeAll as skipped; rethrown here, each one fails with the reason.
  beforeEach(() => {
    if (startFailure) throw startFailure;
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    if (clients) Object.values(clients).forEach((client) => client.destroy());
    if (emulator) await stopEmulator(emulator.pid);
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  const running = () => {
    if (!emulator || !clients) throw new Error('the emulator is not running');
    return { emulator, clients };
  };
  const reset = async () => {
    const response = await fetch(`${running().emulator.endpoint}/moto-api/reset`, { method: 'POST' });
    if (!response.ok) throw new Error(`moto reset answered ${response.status}`);
  };

  return {
    get clients() {
      return running().clients;
    },
    reset,
    async deploy(method1Environment = {}) {
      await reset();
      await deploySamples(running().clients, method1Environment);
    },
  };
}

async function deploySamples(clients: AccountClients, method1Environment: Record<string, string>): Promise<void> {
  // moto checks that the execution role exists.
  const { Role } = await clients.iam.send(
    new CreateRoleCommand({
      RoleName: 'sample-function',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    }),
  );
  const code = new AdmZip();
  code.addFile('index.js', Buffer.from('exports.handler = async () => ({ statusCode: 200 });'));
  /** The stack's key and its alias `alias/<name>`, as each stack creates them. */
  const createKey = async (name: string): Promise<{ id: string; arn: string }> => {
    const { KeyMetadata } = await clients.kms.send(
      new CreateKeyCommand({ Description: `KMS key for ${name} function` }),
    );
    await clients.kms.send(new CreateAliasCommand({ AliasName: `alias/${name}`, TargetKeyId: KeyMetadata!.KeyId }));
    return { id: KeyMetadata!.KeyId!, arn: KeyMetadata!.Arn! };
  };
  const createFunction = async (name: string, keyArn: string, environment: Record<string, string>) => {
    await clients.lambda.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: 'nodejs22.x',
        Handler: 'index.handler',
        Role: Role!.Arn,
        Code: { ZipFile: code.toBuffer() },
        // As the stacks do, the function names its key by ARN, so nothing has to trust the alias.
        Environment: { Variables: { [ENV.targetUrl]: TARGET_URL, [ENV.kmsKeyArn]: keyArn, ...environment } },
      }),
    );
  };

  const method1Key = await createKey('method1-sample');
  await createFunction('method1-sample', method1Key.arn, {
    [ENV.encryptedApiToken]: SECRET_PLACEHOLDER,
    ...method1Environment,
  });

  const method2Key = await createKey('method2-sample');
  await createFunction('method2-sample', method2Key.arn, { [ENV.apiTokenParameterName]: PARAMETER_NAME });
  await clients.ssm.send(
    new PutParameterCommand({
      Name: PARAMETER_NAME,
      Type: 'SecureString',
      // As the stack names it: by id.
      KeyId: method2Key.id,
      Value: SECRET_PLACEHOLDER,
      // As the stack tags it under out-of-band delivery.
      Tags: [{ Key: SECRET_DELIVERY_TAG, Value: 'out-of-band' }],
    }),
  );

  // As lib/secrets-manager-secret.ts creates it: under the key's ARN, tagged, and without a value
  // (no aws_secretsmanager_secret_version), so it has no version until the CLI puts one.
  const method3Key = await createKey('method3-sample');
  const { ARN: secretArn } = await clients.secretsManager.send(
    new CreateSecretCommand({
      Name: SECRET_NAME,
      Description: 'API token of the method3-sample function',
      KmsKeyId: method3Key.arn,
      Tags: [{ Key: SECRET_DELIVERY_TAG, Value: OUT_OF_BAND }],
    }),
  );
  await createFunction('method3-sample', method3Key.arn, { [ENV.apiTokenSecretId]: secretArn! });
}

/** The environment of a function as Lambda holds it. */
export async function environmentOf(lambda: LambdaClient, functionName: string): Promise<Record<string, string>> {
  const configuration = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
  return configuration.Environment?.Variables ?? {};
}

/** Decrypts method1-sample's ENCRYPTED_API_TOKEN as the function named `contextFunction` would. */
export async function decryptMethod1Token(
  clients: AccountClients,
  contextFunction = 'method1-sample',
): Promise<string> {
  return (await decryptMethod1(clients, contextFunction)).token;
}

/**
 * Decrypts method1-sample's ENCRYPTED_API_TOKEN without naming a key, so KMS says which key
 * encrypted it.
 * @returns the token and the ARN of the key KMS decrypted it with
 */
export async function decryptMethod1(
  clients: AccountClients,
  contextFunction = 'method1-sample',
): Promise<{ token: string; keyArn: string }> {
  const ciphertext = (await environmentOf(clients.lambda, 'method1-sample'))[ENV.encryptedApiToken];
  const { Plaintext, KeyId } = await clients.kms.send(
    new DecryptCommand({
      CiphertextBlob: Buffer.from(ciphertext, 'base64'),
      EncryptionContext: { [ENCRYPTION_CONTEXT_KEY]: contextFunction },
    }),
  );
  return { token: Buffer.from(Plaintext!).toString('utf8'), keyArn: KeyId! };
}

/** The ARN of the key a deployed sample function names in KMS_KEY_ARN: its stack's key. */
export async function stackKeyArn(lambda: LambdaClient, functionName: string): Promise<string> {
  return (await environmentOf(lambda, functionName))[ENV.kmsKeyArn];
}

/**
 * Points `alias/<functionName>` at a new key of its own, as someone allowed kms:CreateKey and
 * kms:UpdateAlias could.
 * @returns the new key's ARN
 */
export async function repointAlias(kms: KMSClient, functionName: string): Promise<string> {
  const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Description: "an intruder's key" }));
  await kms.send(new UpdateAliasCommand({ AliasName: `alias/${functionName}`, TargetKeyId: KeyMetadata!.KeyId }));
  return KeyMetadata!.Arn!;
}

/** The decrypted value of method2-sample's parameter. */
export async function parameterValue(ssm: SSMClient): Promise<string | undefined> {
  const { Parameter } = await ssm.send(new GetParameterCommand({ Name: PARAMETER_NAME, WithDecryption: true }));
  return Parameter?.Value;
}

/** method3-sample's secret as DescribeSecret shows it: its key and its versions' stages, never its value. */
export async function describeMethod3Secret(
  secretsManager: SecretsManagerClient,
): Promise<DescribeSecretCommandOutput> {
  return secretsManager.send(new DescribeSecretCommand({ SecretId: SECRET_NAME }));
}

/** The value of method3-sample's secret at `stage` (AWSCURRENT by default), as the function would read it. */
export async function secretValue(
  secretsManager: SecretsManagerClient,
  stage = 'AWSCURRENT',
): Promise<string | undefined> {
  const { SecretString } = await secretsManager.send(
    new GetSecretValueCommand({ SecretId: SECRET_NAME, VersionStage: stage }),
  );
  return SecretString;
}
