import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { SecretRetrievalError } from '../../functions/shared/errors';
import { ExtensionSecretProvider } from '../../functions/shared/extension-secret-provider';
import { PARAMETER_NAME, TOKEN } from './support/fakes';

const SESSION_TOKEN = 'session-token-of-the-function';

/** A local HTTP server answering as the extension would: `status` with `body`, keeping what it was asked. */
async function fakeExtension(status = 200, body: unknown = { Parameter: { Name: PARAMETER_NAME, Value: TOKEN } }) {
  return fakeExtensionAnswering(status, JSON.stringify(body));
}

/** A local HTTP server answering `status` with exactly `text`. */
async function fakeExtensionAnswering(status: number, text: string) {
  const requests: IncomingMessage[] = [];
  const server = createServer((request, response) => {
    requests.push(request);
    response.writeHead(status, { 'content-type': 'application/json' }).end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port: (server.address() as AddressInfo).port, requests };
}

function providerFor(port: number, sessionToken: () => string | undefined = () => SESSION_TOKEN) {
  return new ExtensionSecretProvider({ parameterName: PARAMETER_NAME, port, sessionToken });
}

describe('ExtensionSecretProvider', () => {
  it('resolves to the parameter value the extension returns', async () => {
    const { port } = await fakeExtension();
    await expect(providerFor(port).get()).resolves.toBe(TOKEN);
  });

  it('asks for the parameter by name, with decryption, on the extension path', async () => {
    const { port, requests } = await fakeExtension();
    await providerFor(port).get();
    const url = new URL(requests[0].url!, 'http://localhost');
    expect([url.pathname, url.searchParams.get('name'), url.searchParams.get('withDecryption')]).toEqual([
      '/systemsmanager/parameters/get',
      PARAMETER_NAME,
      'true',
    ]);
  });

  it('proves it runs in the function with the session token header', async () => {
    const { port, requests } = await fakeExtension();
    await providerFor(port).get();
    expect(requests[0].headers['x-aws-parameters-secrets-token']).toBe(SESSION_TOKEN);
  });

  it('fails naming the status when the extension refuses, without repeating its answer', async () => {
    const { port } = await fakeExtension(400, { __type: 'ParameterNotFound', message: 'detail' });
    await expect(providerFor(port).get()).rejects.toThrow(
      new SecretRetrievalError(
        `SSM parameter ${PARAMETER_NAME} (through the Parameters and Secrets extension) answered HTTP 400`,
      ),
    );
  });

  it('fails without quoting an answer that is not JSON, which may be the token itself', async () => {
    const { port } = await fakeExtensionAnswering(200, TOKEN);
    const error = (await providerFor(port)
      .get()
      .then(
        () => undefined,
        (caught: unknown) => caught,
      )) as Error;
    expect([error.name, error.message.includes(TOKEN.slice(0, 6)), error.cause]).toEqual([
      'SecretRetrievalError',
      false,
      undefined,
    ]);
  });

  it('fails when the answer holds no value', async () => {
    const { port } = await fakeExtension(200, { Parameter: { Name: PARAMETER_NAME } });
    await expect(providerFor(port).get()).rejects.toThrow(SecretRetrievalError);
  });

  it('fails without asking when the function has no session token', async () => {
    const { port, requests } = await fakeExtension();
    await expect(providerFor(port, () => undefined).get()).rejects.toThrow(/AWS_SESSION_TOKEN is not set/);
    expect(requests).toHaveLength(0);
  });
});

describe('ExtensionSecretProvider, over an injected fetch', () => {
  const answer = (response: Response) =>
    new ExtensionSecretProvider({
      parameterName: PARAMETER_NAME,
      port: 2773,
      sessionToken: () => SESSION_TOKEN,
      fetch: () => Promise.resolve(response),
    });

  it('names the status of a refusal that has no body', async () => {
    await expect(answer(new Response(null, { status: 500 })).get()).rejects.toThrow(
      `SSM parameter ${PARAMETER_NAME} (through the Parameters and Secrets extension) answered HTTP 500`,
    );
  });

  it('says the answer held no parameter value', async () => {
    await expect(answer(new Response(JSON.stringify({ Parameter: { Name: PARAMETER_NAME } }))).get()).rejects.toThrow(
      `SSM parameter ${PARAMETER_NAME} (through the Parameters and Secrets extension) answered without a parameter value in JSON`,
    );
  });
});
