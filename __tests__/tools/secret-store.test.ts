import {
  CreateKeyCommand,
  DeleteAliasCommand,
  DescribeKeyCommand,
  EncryptCommand,
  KMSClient,
} from '@aws-sdk/client-kms';
import {
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import {
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import {
  AddTagsToResourceCommand,
  DeleteParameterCommand,
  DescribeParametersCommand,
  GetParameterCommand,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { beforeEach, describe, expect, it } from 'vitest';
import { ENV, SECRET_PLACEHOLDER } from '../../functions/shared/contract';
import {
  EnvironmentTooLargeError,
  environmentSize,
  LAMBDA_ENVIRONMENT_LIMIT_BYTES,
} from '../../lib/lambda-environment';
import {
  AccessDeniedError,
  ConcurrentChangeError,
  EmptyTokenError,
  FunctionNotConfiguredError,
  FunctionUpdateError,
  KeyAliasMismatchError,
  KeyArnNotConfiguredError,
  MalformedTokenError,
  SecretAlreadyProvisionedError,
  SecretKeyMismatchError,
  SecretNotYetProvisionedError,
  SecretScheduledForDeletionError,
  StackNotDeployedError,
  TokenTooLargeError,
} from '../../tools/secret/errors';
import { SECRET_DELIVERY_TAG } from '../../lib/secret-names';
import { STACK_NAMES } from '../../stacks/methods';
import type { SecretStoreClients } from '../../tools/secret/store';
import { createSecretStore, storeClassOf } from '../../tools/secret/stores';
import {
  decryptMethod1,
  decryptMethod1Token,
  describeMethod3Secret,
  environmentOf,
  NEW_TOKEN,
  PARAMETER_NAME,
  parameterValue,
  REGION,
  repointAlias,
  SECRET_NAME,
  secretValue,
  stackKeyArn,
  TARGET_URL,
  TOKEN,
  useSampleAccount,
} from './support/sample-account';

const account = useSampleAccount();

/** An error as the AWS SDK raises it: what matters to the store is its name. */
function awsError(name: string, message = `${name} from a fake client`): Error {
  return Object.assign(new Error(message), { name });
}

/**
 * `client`, except that commands of class `commandClass` get `respond`'s answer; `forward` sends
 * the command on to the real client.
 */
function intercept<Client extends object, Intercepted>(
  client: Client,
  commandClass: abstract new (...args: never[]) => Intercepted,
  respond: (command: Intercepted, forward: () => Promise<unknown>) => Promise<unknown>,
): Client {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      const send = Reflect.get(target, property, receiver) as (command: unknown) => Promise<unknown>;
      return (command: unknown) =>
        command instanceof commandClass
          ? respond(command, () => send.call(target, command))
          : send.call(target, command);
    },
  });
}

/** Clients whose every call fails, so a test can tell that none was made. */
function unreachableClients(): SecretStoreClients {
  const send = () => Promise.reject(new Error('AWS was called'));
  return { lambda: { send }, kms: { send }, ssm: { send }, secretsManager: { send } } as unknown as SecretStoreClients;
}

/** Every message of `error` and of its causes. */
function messages(error: unknown): string[] {
  return error instanceof Error ? [error.message, ...messages(error.cause)] : [];
}

/**
 * Clients of the emulator that note the IAM action of every call they make, e.g.
 * `lambda:GetFunctionConfiguration`, and the KMS action SSM then performs with the caller's
 * permissions: kms:Decrypt to read a parameter with decryption, kms:Encrypt to write a SecureString.
 */
function recordingClients(): { clients: SecretStoreClients; actions: Set<string> } {
  const actions = new Set<string>();
  const clients = {
    lambda: new LambdaClient({}),
    kms: new KMSClient({}),
    ssm: new SSMClient({}),
    secretsmanager: new SecretsManagerClient({}),
  };
  type Handler = (args: { input: object }) => Promise<unknown>;
  type MiddlewareStack = {
    add(middleware: (next: Handler, context: { commandName: string }) => Handler, options: object): void;
  };
  for (const [service, client] of Object.entries(clients)) {
    (client.middlewareStack as unknown as MiddlewareStack).add(
      (next, context) => (args) => {
        const action = `${service}:${context.commandName.replace(/Command$/, '')}`;
        const input = args.input as { WithDecryption?: boolean; Type?: string };
        actions.add(action);
        if (action === 'ssm:GetParameter' && input.WithDecryption) actions.add('kms:Decrypt');
        if (action === 'ssm:PutParameter' && input.Type === 'SecureString') actions.add('kms:Encrypt');
        // Secrets Manager encrypts each new version under a data key it generates with the caller's permissions.
        if (action === 'secretsmanager:PutSecretValue') actions.add('kms:GenerateDataKey');
        return next(args);
      },
      { step: 'initialize' },
    );
  }
  const { secretsmanager, ...others } = clients;
  return { clients: { ...others, secretsManager: secretsmanager }, actions };
}

describe.each(STACK_NAMES)('the IAM actions listed for %s (usage text and README)', (stack) => {
  const { permissions } = storeClassOf(stack);

  beforeEach(() => account.deploy());

  it('are exactly those that status performs', async () => {
    const { clients, actions } = recordingClients();
    await createSecretStore(stack, clients).status();
    expect([...actions].sort()).toEqual([...permissions.status].sort());
  });

  it('are exactly those that set and rotate perform', async () => {
    const { clients, actions } = recordingClients();
    await createSecretStore(stack, clients).provision(TOKEN, 'set');
    await createSecretStore(stack, clients).provision(NEW_TOKEN, 'rotate');
    expect([...actions].sort()).toEqual([...permissions.provision].sort());
  });
});

describe('createSecretStore', () => {
  it('refuses an unknown stack, naming the known ones', () => {
    expect(() => createSecretStore('method9-sample')).toThrow(
      'unknown stack: expected one of method1-sample, method2-sample, method3-sample,',
    );
  });

  it.each([
    ['method1-sample-dev', 'method1-sample'],
    ['method2-sample-prod', 'method2-sample'],
    ['method3-sample-dev', 'method3-sample'],
  ] as const)("takes %s, a stack in a stage, to its method's store for that stack", (stack, method) => {
    const store = createSecretStore(stack);
    expect([store.stack, store.constructor]).toEqual([stack, storeClassOf(method)]);
  });

  it('does not echo the unknown stack name, which could be a misplaced token', () => {
    expect(() => createSecretStore(TOKEN)).toThrow(
      expect.objectContaining({ name: 'UnknownStackError', message: expect.not.stringContaining(TOKEN) }),
    );
  });
});

describe.each(STACK_NAMES)('the store of %s', (stack) => {
  it('refuses an empty token before calling AWS', async () => {
    await expect(createSecretStore(stack, unreachableClients()).provision('', 'set')).rejects.toThrow(EmptyTokenError);
  });

  it('refuses a 4097-byte token before calling AWS, giving its size', async () => {
    await expect(createSecretStore(stack, unreachableClients()).provision('x'.repeat(4097), 'set')).rejects.toThrow(
      "the token is 4097 bytes; at most 4096 bytes fit (the SSM standard tier and Lambda's environment quota are both 4 KB)",
    );
  });

  it('measures the token in UTF-8 bytes', async () => {
    await expect(createSecretStore(stack, unreachableClients()).provision('é'.repeat(2049), 'set')).rejects.toThrow(
      TokenTooLargeError,
    );
  });

  it.each([
    ['a Windows line ending', 'tok_new\r'],
    ['a space', 'tok new'],
    ['a character beyond ASCII', 'tok_n\u00e9w'],
  ])('refuses a token containing %s before calling AWS', async (_name, token) => {
    await expect(createSecretStore(stack, unreachableClients()).provision(token, 'set')).rejects.toThrow(
      MalformedTokenError,
    );
  });

  it.each(['AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation'])(
    'reports %s as access denied, naming the action and the function',
    async (name) => {
      const lambda = { send: () => Promise.reject(awsError(name)) } as unknown as LambdaClient;
      await expect(createSecretStore(stack, { lambda }).status()).rejects.toThrow(
        `access denied to lambda:GetFunctionConfiguration on ${stack}: check your credentials' IAM permissions`,
      );
    },
  );

  it('keeps the AWS error as the cause of access denied', async () => {
    const denial = awsError('AccessDeniedException');
    const lambda = { send: () => Promise.reject(denial) } as unknown as LambdaClient;
    await expect(createSecretStore(stack, { lambda }).status()).rejects.toSatisfy(
      (error) => error instanceof AccessDeniedError && error.cause === denial,
    );
  });

  it('names the action, the resource and the AWS error for any other failure', async () => {
    const lambda = { send: () => Promise.reject(awsError('ThrottlingException', 'Rate exceeded')) };
    await expect(createSecretStore(stack, { lambda: lambda as unknown as LambdaClient }).status()).rejects.toThrow(
      `lambda:GetFunctionConfiguration on ${stack} failed: ThrottlingException: Rate exceeded`,
    );
  });

  describe('when the stack is not deployed', () => {
    beforeEach(() => account.reset());

    it('set says so, with the region and the deploy command', async () => {
      await expect(createSecretStore(stack).provision(TOKEN, 'set')).rejects.toThrow(
        `stack ${stack} is not deployed (no function ${stack} in ${REGION}); run npx cdktf deploy ${stack}`,
      );
    });

    it('status says so', async () => {
      await expect(createSecretStore(stack).status()).rejects.toThrow(StackNotDeployedError);
    });
  });
});

describe('the store of method1-sample', () => {
  const store = () => createSecretStore('method1-sample');

  beforeEach(() => account.deploy());

  describe('set', () => {
    it('stores ciphertext that KMS decrypts to the token with the context LambdaFunctionName=method1-sample', async () => {
      await store().provision(TOKEN, 'set');
      await expect(decryptMethod1Token(account.clients)).resolves.toBe(TOKEN);
    });

    it('binds the ciphertext to the function: the context of another function cannot decrypt it', async () => {
      await store().provision(TOKEN, 'set');
      await expect(decryptMethod1Token(account.clients, 'method2-sample')).rejects.toThrow(
        expect.objectContaining({ name: 'InvalidCiphertextException' }),
      );
    });

    it('keeps the other environment variables', async () => {
      await store().provision(TOKEN, 'set');
      expect(await environmentOf(account.clients.lambda, 'method1-sample')).toMatchObject({
        [ENV.targetUrl]: TARGET_URL,
      });
    });

    it('does not put the token itself in the environment', async () => {
      await store().provision(TOKEN, 'set');
      expect(JSON.stringify(await environmentOf(account.clients.lambda, 'method1-sample'))).not.toContain(TOKEN);
    });

    it('says that the function environment was updated', async () => {
      await expect(store().provision(TOKEN, 'set')).resolves.toBe('function environment updated');
    });

    it('refuses to overwrite a provisioned secret, pointing to rotate', async () => {
      await store().provision(TOKEN, 'set');
      await expect(store().provision(NEW_TOKEN, 'set')).rejects.toThrow(
        'the secret of method1-sample is already provisioned (function method1-sample, environment variable ' +
          'ENCRYPTED_API_TOKEN); use rotate to replace it',
      );
    });

    it('sends the revision it read, so that a concurrent change is not overwritten', async () => {
      const revisions: (string | undefined)[] = [];
      const lambda = intercept(account.clients.lambda, UpdateFunctionConfigurationCommand, (command, forward) => {
        revisions.push(command.input.RevisionId);
        return forward();
      });
      const recorded = intercept(lambda, GetFunctionConfigurationCommand, async (_command, forward) => ({
        ...((await forward()) as object),
        RevisionId: 'revision-read',
      }));
      await createSecretStore('method1-sample', { lambda: recorded }).provision(TOKEN, 'set');
      expect(revisions).toEqual(['revision-read']);
    });

    it('reports a revision mismatch as a concurrent change', async () => {
      const lambda = intercept(account.clients.lambda, UpdateFunctionConfigurationCommand, () =>
        Promise.reject(awsError('PreconditionFailedException')),
      );
      await expect(createSecretStore('method1-sample', { lambda }).provision(TOKEN, 'set')).rejects.toThrow(
        ConcurrentChangeError,
      );
    });

    it("reports access denied on kms:Encrypt with the key's ARN", async () => {
      const kms = intercept(account.clients.kms, EncryptCommand, () =>
        Promise.reject(awsError('AccessDeniedException')),
      );
      const keyArn = await stackKeyArn(account.clients.lambda, 'method1-sample');
      await expect(createSecretStore('method1-sample', { kms }).provision(TOKEN, 'set')).rejects.toThrow(
        `access denied to kms:Encrypt on ${keyArn}: check your credentials' IAM permissions`,
      );
    });
  });

  describe('rotate', () => {
    it('refuses while only the placeholder is in place, pointing to set', async () => {
      await expect(store().provision(TOKEN, 'rotate')).rejects.toThrow(
        'the secret of method1-sample is not provisioned yet (function method1-sample, environment variable ' +
          'ENCRYPTED_API_TOKEN); use set to store it',
      );
    });

    it('replaces a provisioned token', async () => {
      await store().provision(TOKEN, 'set');
      await store().provision(NEW_TOKEN, 'rotate');
      await expect(decryptMethod1Token(account.clients)).resolves.toBe(NEW_TOKEN);
    });
  });

  describe('status', () => {
    it('reports not provisioned while the placeholder is in place', async () => {
      await expect(store().status()).resolves.toMatchObject({ provisioned: false });
    });

    it('reports provisioned after set', async () => {
      await store().provision(TOKEN, 'set');
      await expect(store().status()).resolves.toMatchObject({ provisioned: true });
    });

    it('reports where the secret lives and when the function configuration last changed', async () => {
      const { LastModified } = await account.clients.lambda.send(
        new GetFunctionConfigurationCommand({ FunctionName: 'method1-sample' }),
      );
      await expect(store().status()).resolves.toEqual({
        provisioned: false,
        location: 'function method1-sample, environment variable ENCRYPTED_API_TOKEN',
        lastModified: new Date(LastModified!),
      });
    });
  });

  describe('when the ciphertext would not fit the 4 KB environment', () => {
    // Just under the quota with the placeholder; the ciphertext is longer than the placeholder.
    const nearlyFull = () => {
      const base = {
        [ENV.targetUrl]: TARGET_URL,
        [ENV.encryptedApiToken]: SECRET_PLACEHOLDER,
        // As long as the ARN of the key moto makes.
        [ENV.kmsKeyArn]: `arn:aws:kms:${REGION}:123456789012:key/00000000-0000-0000-0000-000000000000`,
        PADDING: '',
      };
      return { PADDING: 'x'.repeat(LAMBDA_ENVIRONMENT_LIMIT_BYTES - environmentSize(base) - 8) };
    };

    beforeEach(() => account.deploy(nearlyFull()));

    it('refuses, giving the size the environment would have', async () => {
      await expect(store().provision(TOKEN, 'set')).rejects.toSatisfy(
        (error) =>
          error instanceof EnvironmentTooLargeError &&
          error.size > LAMBDA_ENVIRONMENT_LIMIT_BYTES &&
          error.message.includes(`is ${error.size} bytes`),
      );
    });

    it('leaves the function environment as it was', async () => {
      const before = await environmentOf(account.clients.lambda, 'method1-sample');
      await store()
        .provision(TOKEN, 'set')
        .catch(() => {});
      expect(await environmentOf(account.clients.lambda, 'method1-sample')).toEqual(before);
    });
  });

  describe('keeps secrets out of its errors', () => {
    it('removes the token from an AWS error that echoes it', async () => {
      const kms = intercept(account.clients.kms, EncryptCommand, (command) =>
        Promise.reject(
          awsError(
            'ValidationException',
            `Value '${Buffer.from(command.input.Plaintext!).toString('utf8')}' is invalid`,
          ),
        ),
      );
      const error = await createSecretStore('method1-sample', { kms })
        .provision(TOKEN, 'set')
        .catch((e) => e);
      expect(messages(error).join('\n')).not.toContain(TOKEN);
    });

    it('removes the ciphertext from a Lambda error that quotes the environment', async () => {
      let ciphertext = '';
      const lambda = intercept(account.clients.lambda, UpdateFunctionConfigurationCommand, (command) => {
        ciphertext = command.input.Environment!.Variables![ENV.encryptedApiToken]!;
        return Promise.reject(
          awsError(
            'InvalidParameterValueException',
            `Lambda was unable to configure your environment variables. String measured: ${JSON.stringify(
              command.input.Environment!.Variables,
            )}`,
          ),
        );
      });
      const error = await createSecretStore('method1-sample', { lambda })
        .provision(TOKEN, 'set')
        .catch((e) => e);
      expect(messages(error).join('\n')).not.toContain(ciphertext);
    });

    it('reports a failed update without the ciphertext that the waiter serialises', async () => {
      const lambda = intercept(account.clients.lambda, GetFunctionCommand, async (_command, forward) => {
        const response = (await forward()) as { Configuration: object };
        return { ...response, Configuration: { ...response.Configuration, LastUpdateStatus: 'Failed' } };
      });
      const error = await createSecretStore('method1-sample', { lambda })
        .provision(TOKEN, 'set')
        .catch((e) => e);
      const { [ENV.encryptedApiToken]: ciphertext } = await environmentOf(account.clients.lambda, 'method1-sample');
      expect(error).toBeInstanceOf(FunctionUpdateError);
      expect(messages(error).join('\n')).not.toContain(ciphertext);
    });

    it('never names the token in a refusal', async () => {
      await store().provision(TOKEN, 'set');
      const refusals = await Promise.all([
        store()
          .provision(TOKEN, 'set')
          .catch((e) => e),
        createSecretStore('method2-sample')
          .provision(TOKEN, 'rotate')
          .catch((e) => e),
        createSecretStore('method1-sample', unreachableClients())
          .provision(`${TOKEN}${'x'.repeat(4096)}`, 'set')
          .catch((e) => e),
      ]);
      expect(refusals.flatMap(messages).join('\n')).not.toContain(TOKEN);
    });
  });
});

describe('the store of method2-sample', () => {
  const store = () => createSecretStore('method2-sample');

  beforeEach(() => account.deploy());

  describe('set', () => {
    it('writes the token to the parameter named by API_TOKEN_PARAMETER_NAME', async () => {
      await store().provision(TOKEN, 'set');
      await expect(parameterValue(account.clients.ssm)).resolves.toBe(TOKEN);
    });

    it('writes a SecureString under the id of the key the function names, as the stack names it', async () => {
      const { KeyMetadata } = await account.clients.kms.send(
        new DescribeKeyCommand({ KeyId: await stackKeyArn(account.clients.lambda, 'method2-sample') }),
      );
      await store().provision(TOKEN, 'set');
      const { Parameters } = await account.clients.ssm.send(
        new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Name', Values: [PARAMETER_NAME] }] }),
      );
      expect(Parameters).toEqual([expect.objectContaining({ Type: 'SecureString', KeyId: KeyMetadata!.KeyId })]);
    });

    it('says which version of the parameter now holds the token', async () => {
      await expect(store().provision(TOKEN, 'set')).resolves.toBe(`SSM parameter ${PARAMETER_NAME} is now version 2`);
    });

    it('accepts a token of exactly 4096 bytes', async () => {
      await store().provision('x'.repeat(4096), 'set');
      await expect(parameterValue(account.clients.ssm)).resolves.toHaveLength(4096);
    });

    it('refuses to overwrite a provisioned secret, pointing to rotate', async () => {
      await store().provision(TOKEN, 'set');
      await expect(store().provision(NEW_TOKEN, 'set')).rejects.toThrow(SecretAlreadyProvisionedError);
    });

    it('creates the parameter when it is missing', async () => {
      await account.clients.ssm.send(new DeleteParameterCommand({ Name: PARAMETER_NAME }));
      await store().provision(TOKEN, 'set');
      await expect(parameterValue(account.clients.ssm)).resolves.toBe(TOKEN);
    });

    it('reports access denied on ssm:PutParameter with the parameter name', async () => {
      const ssm = intercept(account.clients.ssm, PutParameterCommand, () =>
        Promise.reject(awsError('AccessDeniedException')),
      );
      await expect(createSecretStore('method2-sample', { ssm }).provision(TOKEN, 'set')).rejects.toThrow(
        `access denied to ssm:PutParameter on ${PARAMETER_NAME}: check your credentials' IAM permissions`,
      );
    });

    it('refuses a function without API_TOKEN_PARAMETER_NAME, which this project did not deploy', async () => {
      await account.clients.lambda.send(
        new UpdateFunctionConfigurationCommand({
          FunctionName: 'method2-sample',
          Environment: { Variables: { [ENV.targetUrl]: TARGET_URL } },
        }),
      );
      await expect(store().provision(TOKEN, 'set')).rejects.toThrow(FunctionNotConfiguredError);
    });
  });

  describe('rotate', () => {
    it('refuses while the parameter holds the placeholder, pointing to set', async () => {
      await expect(store().provision(TOKEN, 'rotate')).rejects.toThrow(
        `the secret of method2-sample is not provisioned yet (SSM parameter ${PARAMETER_NAME}); use set to store it`,
      );
    });

    it('refuses while the parameter is missing', async () => {
      await account.clients.ssm.send(new DeleteParameterCommand({ Name: PARAMETER_NAME }));
      await expect(store().provision(TOKEN, 'rotate')).rejects.toThrow(SecretNotYetProvisionedError);
    });

    it('replaces a provisioned token', async () => {
      await store().provision(TOKEN, 'set');
      await store().provision(NEW_TOKEN, 'rotate');
      await expect(parameterValue(account.clients.ssm)).resolves.toBe(NEW_TOKEN);
    });
  });

  describe('status', () => {
    it('reports not provisioned, with the version and date, while the placeholder is in place', async () => {
      await expect(store().status()).resolves.toEqual({
        provisioned: false,
        location: `SSM parameter ${PARAMETER_NAME}`,
        version: 1,
        lastModified: expect.any(Date),
      });
    });

    it('reports provisioned and the new version after set', async () => {
      await store().provision(TOKEN, 'set');
      await expect(store().status()).resolves.toMatchObject({ provisioned: true, version: 2 });
    });

    it('reports provisioned when the stack tagged the parameter write-only: Terraform wrote the token', async () => {
      await account.clients.ssm.send(
        new AddTagsToResourceCommand({
          ResourceType: 'Parameter',
          ResourceId: PARAMETER_NAME,
          Tags: [{ Key: SECRET_DELIVERY_TAG, Value: 'write-only' }],
        }),
      );
      await expect(store().status()).resolves.toMatchObject({ provisioned: true, version: 1 });
    });

    it('reports not provisioned again when Terraform rewrote the placeholder over the token', async () => {
      await store().provision(TOKEN, 'set');
      await account.clients.ssm.send(
        new PutParameterCommand({
          Name: PARAMETER_NAME,
          Type: 'SecureString',
          Value: SECRET_PLACEHOLDER,
          Overwrite: true,
        }),
      );
      await expect(store().status()).resolves.toMatchObject({ provisioned: false, version: 3 });
    });

    it('reports a missing parameter as not provisioned', async () => {
      await account.clients.ssm.send(new DeleteParameterCommand({ Name: PARAMETER_NAME }));
      await expect(store().status()).resolves.toEqual({
        provisioned: false,
        location: `SSM parameter ${PARAMETER_NAME}, which does not exist`,
      });
    });
  });
});

describe('the store of method3-sample', () => {
  const store = () => createSecretStore('method3-sample');
  /** The secret's ARN, as the function names it in API_TOKEN_SECRET_ID. */
  const secretArn = async () => (await environmentOf(account.clients.lambda, 'method3-sample'))[ENV.apiTokenSecretId];
  /** The id of the version `stage` is on, from DescribeSecret. */
  const versionAt = async (stage: string) =>
    Object.entries((await describeMethod3Secret(account.clients.secretsManager)).VersionIdsToStages ?? {}).find(
      ([, stages]) => stages.includes(stage),
    )?.[0];

  /** The secret's ARN in the account just deployed. */
  let arn: string;

  beforeEach(async () => {
    await account.deploy();
    arn = await secretArn();
  });

  it('is deployed as the stack deploys it: a secret under the stack key, without a value', async () => {
    const secret = await describeMethod3Secret(account.clients.secretsManager);
    expect(secret).toMatchObject({
      ARN: arn,
      KmsKeyId: await stackKeyArn(account.clients.lambda, 'method3-sample'),
    });
    expect(secret.VersionIdsToStages ?? {}).toEqual({});
  });

  it('writes a JSON object holding the token in the field the function reads, when it names one', async () => {
    const variables = await environmentOf(account.clients.lambda, 'method3-sample');
    await account.clients.lambda.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: 'method3-sample',
        Environment: { Variables: { ...variables, [ENV.apiTokenSecretJsonField]: 'apiToken' } },
      }),
    );
    await expect(store().provision(TOKEN, 'set')).resolves.toContain('(the token in its field "apiToken")');
    expect(JSON.parse((await secretValue(account.clients.secretsManager)) ?? '')).toEqual({ apiToken: TOKEN });
  });

  it('writes the token itself when the function names no field', async () => {
    await store().provision(TOKEN, 'set');
    await expect(secretValue(account.clients.secretsManager)).resolves.toBe(TOKEN);
  });

  describe('status', () => {
    it('reports not provisioned while the secret has no value, with no version', async () => {
      await expect(store().status()).resolves.toEqual({
        provisioned: false,
        location: `secret ${arn}`,
        lastModified: expect.any(Date),
        version: undefined,
      });
    });

    it('reports provisioned after set, with the AWSCURRENT version id and when the secret last changed', async () => {
      await store().provision(TOKEN, 'set');
      const { LastChangedDate } = await describeMethod3Secret(account.clients.secretsManager);
      await expect(store().status()).resolves.toEqual({
        provisioned: true,
        location: `secret ${arn}`,
        lastModified: LastChangedDate,
        version: await versionAt('AWSCURRENT'),
      });
      expect(await versionAt('AWSCURRENT')).toEqual(expect.any(String));
    });

    it('reports the new AWSCURRENT version after rotate', async () => {
      await store().provision(TOKEN, 'set');
      await store().provision(NEW_TOKEN, 'rotate');
      await expect(store().status()).resolves.toMatchObject({
        provisioned: true,
        version: await versionAt('AWSCURRENT'),
      });
    });

    it('never reads the value, nor do set and rotate: no GetSecretValue, no kms:Decrypt (recording clients)', async () => {
      const { clients, actions } = recordingClients();
      await createSecretStore('method3-sample', clients).status();
      await createSecretStore('method3-sample', clients).provision(TOKEN, 'set');
      await createSecretStore('method3-sample', clients).status();
      await createSecretStore('method3-sample', clients).provision(NEW_TOKEN, 'rotate');
      await createSecretStore('method3-sample', clients).status();
      expect([...actions]).not.toContain('secretsmanager:GetSecretValue');
      expect([...actions]).not.toContain('kms:Decrypt');
      expect([...actions]).toContain('secretsmanager:DescribeSecret');
    });

    it('never reads the value: only the function configuration and DescribeSecret', async () => {
      await store().provision(TOKEN, 'set');
      const calls: string[] = [];
      const secretsManager = intercept(account.clients.secretsManager, GetSecretValueCommand, (_command, forward) => {
        calls.push('secretsmanager:GetSecretValue');
        return forward();
      });
      await createSecretStore('method3-sample', { secretsManager }).status();
      expect(calls).toEqual([]);
    });

    it('reports a secret marked for deletion as not provisioned, saying so: the function cannot read it', async () => {
      await store().provision(TOKEN, 'set');
      await account.clients.secretsManager.send(
        new DeleteSecretCommand({ SecretId: SECRET_NAME, RecoveryWindowInDays: 7 }),
      );
      await expect(store().status()).resolves.toMatchObject({
        provisioned: false,
        location: `secret ${arn}, which is marked for deletion`,
      });
    });

    it('reports a missing secret as a failed DescribeSecret, asking whether the stack is deployed', async () => {
      await account.clients.secretsManager.send(
        new DeleteSecretCommand({ SecretId: SECRET_NAME, ForceDeleteWithoutRecovery: true }),
      );
      await expect(store().status()).rejects.toThrow(
        `secretsmanager:DescribeSecret on ${arn} (is the stack deployed?) failed: ResourceNotFoundException`,
      );
    });

    it('reports access denied on secretsmanager:DescribeSecret with the secret ARN', async () => {
      const secretsManager = intercept(account.clients.secretsManager, DescribeSecretCommand, () =>
        Promise.reject(awsError('AccessDeniedException')),
      );
      await expect(createSecretStore('method3-sample', { secretsManager }).status()).rejects.toThrow(
        `access denied to secretsmanager:DescribeSecret on ${arn}: check your credentials' IAM permissions`,
      );
    });
  });

  describe('set', () => {
    it('puts the token as the AWSCURRENT value of the secret named by API_TOKEN_SECRET_ID', async () => {
      await store().provision(TOKEN, 'set');
      await expect(secretValue(account.clients.secretsManager)).resolves.toBe(TOKEN);
    });

    it('says which version is now AWSCURRENT', async () => {
      const said = await store().provision(TOKEN, 'set');
      expect(said).toBe(`secret ${arn} now has version ${await versionAt('AWSCURRENT')} as AWSCURRENT`);
    });

    it('accepts a token of exactly 4096 bytes', async () => {
      await store().provision('x'.repeat(4096), 'set');
      await expect(secretValue(account.clients.secretsManager)).resolves.toHaveLength(4096);
    });

    it('refuses to overwrite a provisioned secret, pointing to rotate, and writes nothing', async () => {
      await store().provision(TOKEN, 'set');
      const before = await describeMethod3Secret(account.clients.secretsManager);
      await expect(store().provision(NEW_TOKEN, 'set')).rejects.toThrow(
        `the secret of method3-sample is already provisioned (secret ${arn}); use rotate to replace it`,
      );
      expect((await describeMethod3Secret(account.clients.secretsManager)).VersionIdsToStages).toEqual(
        before.VersionIdsToStages,
      );
      await expect(secretValue(account.clients.secretsManager)).resolves.toBe(TOKEN);
    });

    it('reports access denied on secretsmanager:PutSecretValue with the secret ARN', async () => {
      const secretsManager = intercept(account.clients.secretsManager, PutSecretValueCommand, () =>
        Promise.reject(awsError('AccessDeniedException')),
      );
      await expect(createSecretStore('method3-sample', { secretsManager }).provision(TOKEN, 'set')).rejects.toThrow(
        `access denied to secretsmanager:PutSecretValue on ${arn}: check your credentials' IAM permissions`,
      );
    });

    it('reports a KMS refusal that Secrets Manager passes on as access denied too', async () => {
      const secretsManager = intercept(account.clients.secretsManager, PutSecretValueCommand, () =>
        Promise.reject(awsError('AccessDeniedException', 'Access to KMS is not allowed')),
      );
      await expect(
        createSecretStore('method3-sample', { secretsManager }).provision(TOKEN, 'set'),
      ).rejects.toBeInstanceOf(AccessDeniedError);
    });

    it('refuses a function without API_TOKEN_SECRET_ID, which this project did not deploy', async () => {
      await account.clients.lambda.send(
        new UpdateFunctionConfigurationCommand({
          FunctionName: 'method3-sample',
          Environment: { Variables: { [ENV.targetUrl]: TARGET_URL } },
        }),
      );
      await expect(store().provision(TOKEN, 'set')).rejects.toThrow(FunctionNotConfiguredError);
      await expect(store().status()).rejects.toThrow(
        'function method3-sample has no environment variable API_TOKEN_SECRET_ID',
      );
    });

    it('refuses a secret marked for deletion, writing nothing', async () => {
      await account.clients.secretsManager.send(
        new DeleteSecretCommand({ SecretId: SECRET_NAME, RecoveryWindowInDays: 7 }),
      );
      const before = await written('method3-sample');
      await expect(store().provision(TOKEN, 'set')).rejects.toThrow(SecretScheduledForDeletionError);
      expect(await written('method3-sample')).toEqual(before);
    });
  });

  describe('rotate', () => {
    it('refuses while the secret has no value, pointing to set', async () => {
      await expect(store().provision(TOKEN, 'rotate')).rejects.toThrow(
        `the secret of method3-sample is not provisioned yet (secret ${arn}); use set to store it`,
      );
      expect((await describeMethod3Secret(account.clients.secretsManager)).VersionIdsToStages ?? {}).toEqual({});
    });

    it('moves AWSCURRENT to a new version holding the new token; the old one becomes AWSPREVIOUS', async () => {
      await store().provision(TOKEN, 'set');
      const first = await versionAt('AWSCURRENT');
      await store().provision(NEW_TOKEN, 'rotate');
      const { VersionIdsToStages } = await describeMethod3Secret(account.clients.secretsManager);
      const current = await versionAt('AWSCURRENT');
      expect(current).not.toBe(first);
      expect(VersionIdsToStages).toEqual({ [first!]: ['AWSPREVIOUS'], [current!]: ['AWSCURRENT'] });
      await expect(secretValue(account.clients.secretsManager)).resolves.toBe(NEW_TOKEN);
      await expect(secretValue(account.clients.secretsManager, 'AWSPREVIOUS')).resolves.toBe(TOKEN);
    });
  });

  describe('when the secret is under another key than the stack key', () => {
    /** Moves the secret to a key of someone's own, as one allowed secretsmanager:UpdateSecret could. */
    const moveSecretToIntruderKey = async () => {
      const { KeyMetadata } = await account.clients.kms.send(
        new CreateKeyCommand({ Description: "an intruder's key" }),
      );
      const intruderKey = KeyMetadata!.Arn!;
      await account.clients.secretsManager.send(
        new UpdateSecretCommand({ SecretId: SECRET_NAME, KmsKeyId: intruderKey }),
      );
      return intruderKey;
    };

    it.each(['set', 'rotate'] as const)('%s refuses with SecretKeyMismatchError, naming both keys', async (mode) => {
      if (mode === 'rotate') await store().provision(TOKEN, 'set');
      const intruderKey = await moveSecretToIntruderKey();
      const keyArn = await stackKeyArn(account.clients.lambda, 'method3-sample');
      const refusal = await store()
        .provision(NEW_TOKEN, mode)
        .catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(SecretKeyMismatchError);
      expect(refusal).toMatchObject({ secretId: arn, secretKey: intruderKey, stackKeyArn: keyArn });
      expect((refusal as Error).message).toBe(
        `secret ${arn} is encrypted under ${intruderKey}, not under ${keyArn}, the key its stack ` +
          'created it with: someone changed it (see UpdateSecret in CloudTrail); nothing was written. ' +
          'Find out who and why, then npx cdktf deploy restores the key',
      );
    });

    it.each(['set', 'rotate'] as const)('%s writes nothing: no PutSecretValue is sent', async (mode) => {
      if (mode === 'rotate') await store().provision(TOKEN, 'set');
      await moveSecretToIntruderKey();
      const before = await written('method3-sample');
      const calls: string[] = [];
      const secretsManager = intercept(account.clients.secretsManager, PutSecretValueCommand, (_command, forward) => {
        calls.push('secretsmanager:PutSecretValue');
        return forward();
      });
      await createSecretStore('method3-sample', { secretsManager })
        .provision(NEW_TOKEN, mode)
        .catch(() => {});
      expect(calls).toEqual([]);
      expect(await written('method3-sample')).toEqual(before);
    });

    it('refuses a secret under the AWS managed key, which DescribeSecret shows as no KmsKeyId', async () => {
      const secretsManager = intercept(
        account.clients.secretsManager,
        DescribeSecretCommand,
        async (_command, forward) => {
          const described = { ...((await forward()) as { KmsKeyId?: string }) };
          delete described.KmsKeyId;
          return described;
        },
      );
      const keyArn = await stackKeyArn(account.clients.lambda, 'method3-sample');
      await expect(createSecretStore('method3-sample', { secretsManager }).provision(TOKEN, 'set')).rejects.toThrow(
        `is encrypted under the AWS managed key aws/secretsmanager, not under ${keyArn}`,
      );
    });

    it('accepts the stack key named by its id rather than its ARN', async () => {
      const keyArn = await stackKeyArn(account.clients.lambda, 'method3-sample');
      await account.clients.secretsManager.send(
        new UpdateSecretCommand({ SecretId: SECRET_NAME, KmsKeyId: keyArn.split('/').at(-1) }),
      );
      await store().provision(TOKEN, 'set');
      await expect(secretValue(account.clients.secretsManager)).resolves.toBe(TOKEN);
    });

    it('status still answers: it writes nothing', async () => {
      await moveSecretToIntruderKey();
      await expect(store().status()).resolves.toMatchObject({ provisioned: false });
    });
  });

  describe('keeps the token out of its errors', () => {
    it('removes the token from an AWS error that echoes it', async () => {
      const secretsManager = intercept(account.clients.secretsManager, PutSecretValueCommand, (command) =>
        Promise.reject(awsError('ValidationException', `Value '${command.input.SecretString}' is invalid`)),
      );
      const error = await createSecretStore('method3-sample', { secretsManager })
        .provision(TOKEN, 'set')
        .catch((e) => e);
      expect(error.message).toContain('secretsmanager:PutSecretValue on');
      expect(messages(error).join('\n')).not.toContain(TOKEN);
    });

    it('never names the token in a refusal', async () => {
      const refusals = [
        await store()
          .provision(TOKEN, 'rotate')
          .catch((e) => e),
      ];
      await store().provision(TOKEN, 'set');
      refusals.push(
        await store()
          .provision(TOKEN, 'set')
          .catch((e) => e),
      );
      await repointAlias(account.clients.kms, 'method3-sample');
      refusals.push(
        await store()
          .provision(TOKEN, 'rotate')
          .catch((e) => e),
      );
      expect(refusals.map((refusal) => refusal.name)).toEqual([
        'SecretNotYetProvisionedError',
        'SecretAlreadyProvisionedError',
        'KeyAliasMismatchError',
      ]);
      expect(refusals.flatMap(messages).join('\n')).not.toContain(TOKEN);
    });
  });
});

/**
 * What each stack's store writes: Method 1's environment variable, Method 2's parameter version,
 * Method 3's secret versions with their stages.
 */
async function written(stack: string): Promise<unknown> {
  if (stack === 'method1-sample') {
    return (await environmentOf(account.clients.lambda, stack))[ENV.encryptedApiToken];
  }
  if (stack === 'method3-sample')
    return (await describeMethod3Secret(account.clients.secretsManager)).VersionIdsToStages;
  const { Parameter } = await account.clients.ssm.send(
    new GetParameterCommand({ Name: PARAMETER_NAME, WithDecryption: false }),
  );
  return Parameter?.Version;
}

/** Replaces the environment of `stack`'s function with what `change` makes of it. */
async function changeEnvironment(
  stack: string,
  change: (variables: Record<string, string>) => Record<string, string>,
): Promise<void> {
  const variables = change(await environmentOf(account.clients.lambda, stack));
  await account.clients.lambda.send(
    new UpdateFunctionConfigurationCommand({ FunctionName: stack, Environment: { Variables: variables } }),
  );
}

/**
 * The ARN of the key that now protects `stack`'s token, as KMS (Method 1), SSM (Method 2) or
 * Secrets Manager (Method 3) holds it.
 */
async function protectingKey(stack: string): Promise<string> {
  if (stack === 'method1-sample') return (await decryptMethod1(account.clients)).keyArn;
  let keyId: string | undefined;
  if (stack === 'method3-sample') {
    ({ KmsKeyId: keyId } = await describeMethod3Secret(account.clients.secretsManager));
  } else {
    const { Parameters } = await account.clients.ssm.send(
      new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Name', Values: [PARAMETER_NAME] }] }),
    );
    keyId = Parameters![0].KeyId;
  }
  const { KeyMetadata } = await account.clients.kms.send(new DescribeKeyCommand({ KeyId: keyId }));
  return KeyMetadata!.Arn!;
}

describe.each(STACK_NAMES)("the key the store of %s encrypts under: the function's, never the alias's", (stack) => {
  const store = () => createSecretStore(stack);

  beforeEach(() => account.deploy());

  it('is the key the function names in KMS_KEY_ARN', async () => {
    await store().provision(TOKEN, 'set');
    expect(await protectingKey(stack)).toBe(await stackKeyArn(account.clients.lambda, stack));
  });

  it(
    'is named in the request by ARN (Method 1) or by id as the stack names it (Method 2), not by the alias; ' +
      "Method 3 names none: the secret's own key, checked, encrypts",
    async () => {
      const keyIds: (string | undefined)[] = [];
      const kms = intercept(account.clients.kms, EncryptCommand, (command, forward) => {
        keyIds.push(command.input.KeyId);
        return forward();
      });
      const ssm = intercept(account.clients.ssm, PutParameterCommand, (command, forward) => {
        keyIds.push(command.input.KeyId);
        return forward();
      });
      const secretsManager = intercept(account.clients.secretsManager, UpdateSecretCommand, (command, forward) => {
        keyIds.push(command.input.KmsKeyId);
        return forward();
      });
      await createSecretStore(stack, { kms, ssm, secretsManager }).provision(TOKEN, 'set');
      const keyArn = await stackKeyArn(account.clients.lambda, stack);
      const expected: Record<string, (string | undefined)[]> = {
        'method1-sample': [keyArn],
        'method2-sample': [keyArn.split('/').at(-1)],
        'method3-sample': [],
      };
      expect(keyIds).toEqual(expected[stack]);
    },
  );

  it('is still used when the alias is gone: the alias only serves to detect a repointing', async () => {
    await account.clients.kms.send(new DeleteAliasCommand({ AliasName: `alias/${stack}` }));
    await store().provision(TOKEN, 'set');
    expect(await protectingKey(stack)).toBe(await stackKeyArn(account.clients.lambda, stack));
  });

  describe('when the alias was repointed at another key', () => {
    it.each(['set', 'rotate'] as const)(
      '%s refuses, naming the alias, both keys and that nothing was written',
      async (mode) => {
        if (mode === 'rotate') await store().provision(TOKEN, 'set');
        const intruderKey = await repointAlias(account.clients.kms, stack);
        const keyArn = await stackKeyArn(account.clients.lambda, stack);
        const refusal = await store()
          .provision(NEW_TOKEN, mode)
          .catch((error: unknown) => error);
        expect(refusal).toBeInstanceOf(KeyAliasMismatchError);
        expect(refusal).toMatchObject({ alias: `alias/${stack}`, aliasKeyArn: intruderKey, functionKeyArn: keyArn });
        expect((refusal as Error).message).toBe(
          `alias/${stack} points at key ${intruderKey}, not at ${keyArn}, the key the function names in ` +
            'KMS_KEY_ARN: someone repointed the alias (see UpdateAlias in CloudTrail); nothing was written. ' +
            'Find out who and why, point the alias back (npx cdktf deploy restores it), then run this command again',
        );
      },
    );

    it.each(['set', 'rotate'] as const)('%s writes nothing', async (mode) => {
      if (mode === 'rotate') await store().provision(TOKEN, 'set');
      const before = await written(stack);
      await repointAlias(account.clients.kms, stack);
      await store()
        .provision(NEW_TOKEN, mode)
        .catch(() => {});
      expect(await written(stack)).toEqual(before);
    });

    it('set calls neither kms:Encrypt, ssm:PutParameter nor secretsmanager:PutSecretValue', async () => {
      const calls: string[] = [];
      const kms = intercept(account.clients.kms, EncryptCommand, (_command, forward) => {
        calls.push('kms:Encrypt');
        return forward();
      });
      const ssm = intercept(account.clients.ssm, PutParameterCommand, (_command, forward) => {
        calls.push('ssm:PutParameter');
        return forward();
      });
      const secretsManager = intercept(account.clients.secretsManager, PutSecretValueCommand, (_command, forward) => {
        calls.push('secretsmanager:PutSecretValue');
        return forward();
      });
      await repointAlias(account.clients.kms, stack);
      await createSecretStore(stack, { kms, ssm, secretsManager })
        .provision(TOKEN, 'set')
        .catch(() => {});
      expect(calls).toEqual([]);
    });

    it('status still answers: it writes nothing', async () => {
      await repointAlias(account.clients.kms, stack);
      await expect(store().status()).resolves.toMatchObject({ provisioned: false });
    });
  });

  it('refuses, writing nothing, when kms:DescribeKey on the alias is denied (a writer allowed it on its own key only)', async () => {
    const kms = intercept(account.clients.kms, DescribeKeyCommand, () =>
      Promise.reject(awsError('AccessDeniedException')),
    );
    const before = await written(stack);
    await expect(createSecretStore(stack, { kms }).provision(TOKEN, 'set')).rejects.toThrow(
      `access denied to kms:DescribeKey on alias/${stack}`,
    );
    expect(await written(stack)).toEqual(before);
  });

  describe('when the function has no KMS_KEY_ARN (a stack deployed before it)', () => {
    const dropKeyArn = () =>
      changeEnvironment(stack, (variables) =>
        Object.fromEntries(Object.entries(variables).filter(([name]) => name !== ENV.kmsKeyArn)),
      );

    it.each(['set', 'rotate'] as const)(
      '%s refuses, saying to redeploy the stack, and writes nothing',
      async (mode) => {
        if (mode === 'rotate') await store().provision(TOKEN, 'set');
        await dropKeyArn();
        const before = await written(stack);
        await expect(store().provision(NEW_TOKEN, mode)).rejects.toThrow(
          `function ${stack} has no environment variable KMS_KEY_ARN, which names the key its token is encrypted ` +
            'with (a stack deployed before this version of the project); nothing was written: redeploy the stack ' +
            `(npx cdktf deploy ${stack}), then run this command again`,
        );
        expect(await written(stack)).toEqual(before);
      },
    );

    it('refuses with KeyArnNotConfiguredError', async () => {
      await dropKeyArn();
      await expect(store().provision(TOKEN, 'set')).rejects.toThrow(KeyArnNotConfiguredError);
    });

    it('status still answers', async () => {
      await dropKeyArn();
      await expect(store().status()).resolves.toMatchObject({ provisioned: false });
    });
  });

  it.each([
    ['an alias', `alias/${stack}`],
    ['an alias ARN', `arn:aws:kms:${REGION}:123456789012:alias/${stack}`],
    ['a bare key id', '00000000-0000-0000-0000-000000000000'],
  ])('refuses a KMS_KEY_ARN that holds %s rather than a key ARN, writing nothing', async (_name, value) => {
    await changeEnvironment(stack, (variables) => ({ ...variables, [ENV.kmsKeyArn]: value }));
    const before = await written(stack);
    await expect(store().provision(TOKEN, 'set')).rejects.toThrow(
      `function ${stack}'s KMS_KEY_ARN is not a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>); ` +
        'nothing was written',
    );
    expect(await written(stack)).toEqual(before);
  });
});
