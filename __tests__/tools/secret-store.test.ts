import { DeleteAliasCommand, DescribeKeyCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
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
  SecretNotYetProvisionedError,
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
  environmentOf,
  NEW_TOKEN,
  PARAMETER_NAME,
  parameterValue,
  REGION,
  repointAlias,
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
    expect(() => createSecretStore('method3-sample')).toThrow(
      'unknown stack: expected one of method1-sample, method2-sample',
    );
  });

  it.each([
    ['method1-sample-dev', 'method1-sample'],
    ['method2-sample-prod', 'method2-sample'],
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

/** What each stack's store writes: Method 1's environment variable, Method 2's parameter version. */
async function written(stack: string): Promise<unknown> {
  if (stack === 'method1-sample') {
    return (await environmentOf(account.clients.lambda, stack))[ENV.encryptedApiToken];
  }
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

/** The ARN of the key that now protects `stack`'s token, as KMS (Method 1) or SSM (Method 2) holds it. */
async function protectingKey(stack: string): Promise<string> {
  if (stack === 'method1-sample') return (await decryptMethod1(account.clients)).keyArn;
  const { Parameters } = await account.clients.ssm.send(
    new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Name', Values: [PARAMETER_NAME] }] }),
  );
  const { KeyMetadata } = await account.clients.kms.send(new DescribeKeyCommand({ KeyId: Parameters![0].KeyId }));
  return KeyMetadata!.Arn!;
}

describe.each(STACK_NAMES)("the key the store of %s encrypts under: the function's, never the alias's", (stack) => {
  const store = () => createSecretStore(stack);

  beforeEach(() => account.deploy());

  it('is the key the function names in KMS_KEY_ARN', async () => {
    await store().provision(TOKEN, 'set');
    expect(await protectingKey(stack)).toBe(await stackKeyArn(account.clients.lambda, stack));
  });

  it('is named in the request by ARN (Method 1) or by id as the stack names it (Method 2), not by the alias', async () => {
    const keyIds: (string | undefined)[] = [];
    const kms = intercept(account.clients.kms, EncryptCommand, (command, forward) => {
      keyIds.push(command.input.KeyId);
      return forward();
    });
    const ssm = intercept(account.clients.ssm, PutParameterCommand, (command, forward) => {
      keyIds.push(command.input.KeyId);
      return forward();
    });
    await createSecretStore(stack, { kms, ssm }).provision(TOKEN, 'set');
    const keyArn = await stackKeyArn(account.clients.lambda, stack);
    expect(keyIds).toEqual([stack === 'method1-sample' ? keyArn : keyArn.split('/').at(-1)]);
  });

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

    it('set calls neither kms:Encrypt nor ssm:PutParameter', async () => {
      const calls: string[] = [];
      const kms = intercept(account.clients.kms, EncryptCommand, (_command, forward) => {
        calls.push('kms:Encrypt');
        return forward();
      });
      const ssm = intercept(account.clients.ssm, PutParameterCommand, (_command, forward) => {
        calls.push('ssm:PutParameter');
        return forward();
      });
      await repointAlias(account.clients.kms, stack);
      await createSecretStore(stack, { kms, ssm })
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
