/** ExtensionSecretProvider reading a Secrets Manager secret (Method 3) from the extension's /secretsmanager/get. */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { SecretFormatError, SecretNotProvisionedError, SecretRetrievalError } from '../../functions/shared/errors';
import { ExtensionSecretProvider } from '../../functions/shared/extension-secret-provider';
import { TOKEN } from './support/fakes';
import {
  JSON_FIELD,
  JSON_SECRET,
  noCurrentVersion,
  OTHER_VALUE,
  rejectionOf,
  SECRET_ID,
  secretNotFound,
} from './support/secrets-manager';

const SESSION_TOKEN = 'session-token-of-the-function';
const SOURCE = `Secrets Manager secret ${SECRET_ID} (through the Parameters and Secrets extension)`;
const ROTATED = 'tok_live_rotated_Zp8Rc1Mx';

/** GetSecretValue's answer as the extension serves it: JSON, binary as base64. */
function answerOf(secretString: string | undefined, extra: Record<string, unknown> = {}) {
  return JSON.stringify({ ARN: SECRET_ID, Name: 'method3-sample/api-token', SecretString: secretString, ...extra });
}

/** A local HTTP server answering as the extension would, with `answers` in turn (the last one repeats). */
async function fakeExtension(...answers: [status: number, text: string][]) {
  const requests: IncomingMessage[] = [];
  const server = createServer((request, response) => {
    const [status, text] = answers[Math.min(requests.length, answers.length - 1)];
    requests.push(request);
    response.writeHead(status, { 'content-type': 'application/json' }).end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port: (server.address() as AddressInfo).port, requests };
}

function providerFor(port: number, jsonField?: string) {
  return new ExtensionSecretProvider({ secretId: SECRET_ID, jsonField, port, sessionToken: () => SESSION_TOKEN });
}

describe('ExtensionSecretProvider for a Secrets Manager secret', () => {
  it('resolves to the SecretString the extension returns', async () => {
    const { port } = await fakeExtension([200, answerOf(TOKEN)]);
    await expect(providerFor(port).get()).resolves.toBe(TOKEN);
  });

  it('asks for the secret by id, and nothing else, on the Secrets Manager path', async () => {
    const { port, requests } = await fakeExtension([200, answerOf(TOKEN)]);
    await providerFor(port).get();
    const url = new URL(requests[0].url!, 'http://localhost');
    expect([url.pathname, [...url.searchParams]]).toEqual(['/secretsmanager/get', [['secretId', SECRET_ID]]]);
  });

  it('proves it runs in the function with the session token header', async () => {
    const { port, requests } = await fakeExtension([200, answerOf(TOKEN)]);
    await providerFor(port).get();
    expect(requests[0].headers['x-aws-parameters-secrets-token']).toBe(SESSION_TOKEN);
  });

  it('resolves to the string value of the JSON field when one is configured', async () => {
    const { port } = await fakeExtension([200, answerOf(JSON_SECRET)]);
    await expect(providerFor(port, JSON_FIELD).get()).resolves.toBe(TOKEN);
  });

  it('rejects a missing field with SecretFormatError naming the secret and the field, quoting no value', async () => {
    const { port } = await fakeExtension([200, answerOf(JSON.stringify({ username: OTHER_VALUE, password: TOKEN }))]);
    const error = await rejectionOf(providerFor(port, JSON_FIELD).get());
    expect([
      error instanceof SecretFormatError,
      error.message.includes(SECRET_ID),
      error.message.includes(`"${JSON_FIELD}"`),
      /other-credential|tok_live/.test(error.message),
    ]).toEqual([true, true, true, false]);
  });

  it('rejects a SecretString that is not JSON when a field is configured, quoting no value', async () => {
    const { port } = await fakeExtension([200, answerOf(TOKEN)]);
    const error = await rejectionOf(providerFor(port, JSON_FIELD).get());
    expect([error.name, error.message.includes(TOKEN.slice(0, 6))]).toEqual(['SecretFormatError', false]);
  });

  it('rejects a secret that holds only binary data, which the extension answers as base64', async () => {
    const { port } = await fakeExtension([
      200,
      answerOf(undefined, { SecretBinary: Buffer.from(TOKEN).toString('base64') }),
    ]);
    await expect(providerFor(port).get()).rejects.toBeInstanceOf(SecretFormatError);
  });

  it('rejects with SecretNotProvisionedError when the refusal says the secret has no AWSCURRENT version', async () => {
    const { port } = await fakeExtension([
      400,
      JSON.stringify({ __type: 'ResourceNotFoundException', message: noCurrentVersion().message }),
    ]);
    await expect(providerFor(port).get()).rejects.toThrow(
      new SecretNotProvisionedError(SOURCE, 'it has no AWSCURRENT version: no value has been stored in it'),
    );
  });

  it('recognizes that refusal as plain text too', async () => {
    const { port } = await fakeExtension([400, `ResourceNotFoundException: ${noCurrentVersion().message}`]);
    await expect(providerFor(port).get()).rejects.toBeInstanceOf(SecretNotProvisionedError);
  });

  it('fails naming the status, not "not provisioned", when the secret does not exist', async () => {
    const { port } = await fakeExtension([
      400,
      JSON.stringify({ __type: 'ResourceNotFoundException', message: secretNotFound().message }),
    ]);
    await expect(providerFor(port).get()).rejects.toThrow(new SecretRetrievalError(`${SOURCE} answered HTTP 400`));
  });

  it('fails without quoting an answer that is not JSON, which may be the token itself', async () => {
    const { port } = await fakeExtension([200, TOKEN]);
    const error = await rejectionOf(providerFor(port).get());
    expect([error.message, error.cause]).toEqual([`${SOURCE} answered without a secret value in JSON`, undefined]);
  });

  it('fails when the answer holds no SecretString', async () => {
    const { port } = await fakeExtension([200, answerOf(undefined)]);
    await expect(providerFor(port).get()).rejects.toThrow(
      new SecretRetrievalError(`The secret held in ${SOURCE} was answered without a SecretString`),
    );
  });

  it('asks the extension once for sequential calls', async () => {
    const { port, requests } = await fakeExtension([200, answerOf(TOKEN)]);
    const secrets = providerFor(port);
    await secrets.get();
    await secrets.get();
    expect(requests).toHaveLength(1);
  });

  it('asks the extension again after the upstream rejected the token, and gets the rotated one', async () => {
    const { port, requests } = await fakeExtension([200, answerOf(TOKEN)], [200, answerOf(ROTATED)]);
    const secrets = providerFor(port);
    await secrets.get();
    await expect(secrets.refetch(TOKEN)).resolves.toBe(ROTATED);
    expect(requests).toHaveLength(2);
  });

  it('gives up on an extension that never answers after the fetch timeout', async () => {
    const secrets = new ExtensionSecretProvider(
      { secretId: SECRET_ID, port: 2773, sessionToken: () => SESSION_TOKEN, fetch: () => new Promise(() => {}) },
      { timeoutMs: 50 },
    );
    await expect(secrets.get()).rejects.toThrow(
      new SecretRetrievalError(`Retrieving the secret held in ${SOURCE} took longer than 50 ms`),
    );
  });
});

describe('ExtensionSecretProvider for a Secrets Manager secret, over an injected fetch', () => {
  const answer = (response: Response) =>
    new ExtensionSecretProvider({
      secretId: SECRET_ID,
      port: 2773,
      sessionToken: () => SESSION_TOKEN,
      fetch: () => Promise.resolve(response),
    });

  it('names the status of a refusal that has no body', async () => {
    await expect(answer(new Response(null, { status: 500 })).get()).rejects.toThrow(
      new SecretRetrievalError(`${SOURCE} answered HTTP 500`),
    );
  });

  it('says the answer held no secret value when it is JSON but not an object', async () => {
    await expect(answer(new Response('null')).get()).rejects.toThrow(
      new SecretRetrievalError(`${SOURCE} answered without a secret value in JSON`),
    );
  });

  it('fails without asking when the function has no session token', async () => {
    const secrets = new ExtensionSecretProvider({ secretId: SECRET_ID, port: 2773, sessionToken: () => undefined });
    await expect(secrets.get()).rejects.toThrow(
      new SecretRetrievalError(`AWS_SESSION_TOKEN is not set, so ${SOURCE} cannot be asked`),
    );
  });
});
