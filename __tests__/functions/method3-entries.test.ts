/**
 * Method 3's entries, loaded as Lambda loads them, against local stand-ins: a Secrets Manager
 * endpoint (AWS_ENDPOINT_URL) for the SDK entry, an extension endpoint for the other, and a real
 * upstream. The handler's answers, its log lines, and that neither ever holds the secret.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { AWS_CLIENT_CONFIG } from '../../functions/shared/aws-client-config';
import { EVENT, TOKEN } from './support/fakes';
import { JSON_FIELD, JSON_SECRET, noCurrentVersion, OTHER_VALUE, SECRET_ID } from './support/secrets-manager';
import { startUpstream } from './support/upstream';
import { loadFresh, stubEnv } from './support/fresh-entry';

// Records every SecretsManagerClient construction, then builds the real client.
const constructed = vi.hoisted(() => [] as unknown[]);

vi.mock('@aws-sdk/client-secrets-manager', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@aws-sdk/client-secrets-manager')>();
  class SecretsManagerClient extends actual.SecretsManagerClient {
    constructor(...args: ConstructorParameters<typeof actual.SecretsManagerClient>) {
      super(...args);
      constructed.push(args[0]);
    }
  }
  return { ...actual, SecretsManagerClient };
});

// Held in constants because a literal dynamic import would need a ".js" extension under NodeNext.
const SDK_ENTRY = 'functions/method3-sample/index';
const EXTENSION_ENTRY = 'functions/method3-sample/extension';
const ENTRIES = [
  ['method3-sample', SDK_ENTRY],
  ['method3-sample through the extension', EXTENSION_ENTRY],
] as const;

const SESSION_TOKEN = 'session-token-of-the-function';
const CONTEXT = { awsRequestId: 'lambda-request-1', functionName: 'method3-sample' } as Context;
const COMMON = {
  TARGET_URL: 'https://api.example.com/hook',
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'AKIDMETHOD3ENTRY',
  AWS_SECRET_ACCESS_KEY: 'not-a-secret',
  AWS_SESSION_TOKEN: SESSION_TOKEN,
  API_TOKEN_SECRET_ID: SECRET_ID,
};

/** How the stand-in store answers one request: GetSecretValue's JSON, a refusal, or nothing. */
type StoreAnswer = { readonly secretString: string } | { readonly refusal: Error } | 'stall';

/**
 * A local server that answers as Secrets Manager (JSON 1.1 protocol, POST /) and as the extension
 * (GET /secretsmanager/get) do, with `answers` in turn, the last one repeating.
 */
async function startStore(...answers: StoreAnswer[]) {
  const requests: { method?: string; url?: string; target?: string; secretId?: string }[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const secretId =
        request.method === 'POST'
          ? (JSON.parse(body) as { SecretId?: string }).SecretId
          : (new URL(request.url ?? '/', 'http://localhost').searchParams.get('secretId') ?? undefined);
      const answer = answers[Math.min(requests.length, answers.length - 1)];
      requests.push({
        method: request.method,
        url: request.url,
        target: request.headers['x-amz-target'] as string,
        secretId,
      });
      if (answer === 'stall') return;
      const [status, json] =
        'refusal' in answer
          ? [400, { __type: answer.refusal.name, message: answer.refusal.message }]
          : [
              200,
              {
                ARN: SECRET_ID,
                Name: 'method3-sample/api-token',
                SecretString: answer.secretString,
                VersionStages: ['AWSCURRENT'],
              },
            ];
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const port = (server.address() as AddressInfo).port;
  return { port, endpoint: `http://127.0.0.1:${port}`, requests };
}

/** The environment that points `entry` at `store`. */
function storeEnvironment(entry: string, store: { port: number; endpoint: string }): Record<string, string> {
  return entry === SDK_ENTRY
    ? { AWS_ENDPOINT_URL: store.endpoint }
    : { PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(store.port) };
}

/** Everything the handler wrote to the console. */
function consoleLines(): string[] {
  return [vi.mocked(console.log), vi.mocked(console.error)].flatMap((spy) =>
    spy.mock.calls.map((call) => String(call[0])),
  );
}

describe('method3-sample entries', () => {
  beforeEach(() => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    vi.spyOn(console, 'error').mockImplementation(() => {});
  });

  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
    constructed.length = 0;
  });

  describe.each(ENTRIES)('%s', (_name, ENTRY) => {
    it('sends the whole SecretString as the Bearer token, asking for the configured secret', async () => {
      const [store, upstream] = [await startStore({ secretString: TOKEN }), await startUpstream('ok')];
      stubEnv({ ...COMMON, ...storeEnvironment(ENTRY, store), TARGET_URL: upstream.url });
      const { handler } = await (await loadFresh(ENTRY)).entry;
      const response = await handler(EVENT, CONTEXT);
      expect([response.statusCode, upstream.requests[0]?.authorization, store.requests[0]?.secretId]).toEqual([
        200,
        `Bearer ${TOKEN}`,
        SECRET_ID,
      ]);
    });

    it('sends the field named in API_TOKEN_SECRET_JSON_FIELD', async () => {
      const [store, upstream] = [await startStore({ secretString: JSON_SECRET }), await startUpstream('ok')];
      stubEnv({
        ...COMMON,
        ...storeEnvironment(ENTRY, store),
        TARGET_URL: upstream.url,
        API_TOKEN_SECRET_JSON_FIELD: JSON_FIELD,
      });
      const { handler } = await (await loadFresh(ENTRY)).entry;
      await handler(EVENT, CONTEXT);
      expect(upstream.requests.map((request) => request.authorization)).toEqual([`Bearer ${TOKEN}`]);
    });

    it('reads the whole SecretString when API_TOKEN_SECRET_JSON_FIELD is empty', async () => {
      const [store, upstream] = [await startStore({ secretString: TOKEN }), await startUpstream('ok')];
      stubEnv({
        ...COMMON,
        ...storeEnvironment(ENTRY, store),
        TARGET_URL: upstream.url,
        API_TOKEN_SECRET_JSON_FIELD: ' ',
      });
      const { handler } = await (await loadFresh(ENTRY)).entry;
      await expect(handler(EVENT, CONTEXT)).resolves.toMatchObject({ statusCode: 200 });
    });

    it('answers 503 while the secret has no AWSCURRENT version, and warns with the command that stores it', async () => {
      const store = await startStore({ refusal: noCurrentVersion() });
      stubEnv({ ...COMMON, ...storeEnvironment(ENTRY, store) });
      const { handler } = await (await loadFresh(ENTRY)).entry;
      const response = await handler(EVENT, CONTEXT);
      expect([response.statusCode, response.body, JSON.parse(consoleLines()[0]).message]).toEqual([
        503,
        'Secret not provisioned',
        'Secret not provisioned: run `npm run secret -- set method3-sample` to store the API token',
      ]);
    });

    it('answers 500 and logs the field, but no value, when the field is missing', async () => {
      const store = await startStore({ secretString: JSON.stringify({ username: OTHER_VALUE, password: TOKEN }) });
      stubEnv({ ...COMMON, ...storeEnvironment(ENTRY, store), API_TOKEN_SECRET_JSON_FIELD: JSON_FIELD });
      const { handler } = await (await loadFresh(ENTRY)).entry;
      const response = await handler(EVENT, CONTEXT);
      const logged = JSON.parse(consoleLines()[0]) as { error: { name: string; message: string } };
      expect([response.statusCode, logged.error.name, logged.error.message.includes(`"${JSON_FIELD}"`)]).toEqual([
        500,
        'SecretFormatError',
        true,
      ]);
    });

    it('refetches after the upstream rejects the cached token, and retries with the rotated one', async () => {
      const rotated = 'tok_live_rotated_Zp8Rc1Mx';
      const store = await startStore({ secretString: TOKEN }, { secretString: rotated });
      const upstream = await startUpstream({ accepts: rotated, rejectStatus: 401 });
      stubEnv({ ...COMMON, ...storeEnvironment(ENTRY, store), TARGET_URL: upstream.url });
      const { handler } = await (await loadFresh(ENTRY)).entry;
      const response = await handler(EVENT, CONTEXT);
      expect([
        response.statusCode,
        store.requests.length,
        upstream.requests.map((request) => request.authorization),
      ]).toEqual([200, 2, [`Bearer ${TOKEN}`, `Bearer ${rotated}`]]);
    });

    it.each([
      ['a success', { secretString: JSON_SECRET }, 'ok'],
      ['an upstream error', { secretString: JSON_SECRET }, 'error'],
      ['a missing field', { secretString: JSON.stringify({ other: TOKEN, username: OTHER_VALUE }) }, 'ok'],
      [
        'a field that is not a string',
        { secretString: JSON.stringify({ [JSON_FIELD]: [TOKEN], username: OTHER_VALUE }) },
        'ok',
      ],
      ['a secret that is not JSON', { secretString: `${TOKEN} ${OTHER_VALUE}` }, 'ok'],
      ['a secret without a version', { refusal: noCurrentVersion() }, 'ok'],
    ] as const)('leaks no part of the secret into the response or the logs on %s', async (_name, answer, behaviour) => {
      const [store, upstream] = [await startStore(answer), await startUpstream(behaviour)];
      stubEnv({
        ...COMMON,
        ...storeEnvironment(ENTRY, store),
        TARGET_URL: upstream.url,
        API_TOKEN_SECRET_JSON_FIELD: JSON_FIELD,
      });
      const { handler } = await (await loadFresh(ENTRY)).entry;
      const response = await handler(EVENT, CONTEXT);
      const output = [JSON.stringify(response), ...consoleLines()];
      expect(
        output.filter(
          (text) => text.includes(TOKEN) || text.includes(OTHER_VALUE) || /(\n|\\n)\s+at\s|"stack"/.test(text),
        ),
      ).toEqual([]);
    });
  });

  it.each(['http', '0', '65536'])(
    'throws at import a ConfigurationError naming the extension port %s, which is no port',
    async (port) => {
      stubEnv({ ...COMMON, PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: port });
      const { entry, ConfigurationError } = await loadFresh(EXTENSION_ENTRY);
      await expect(entry).rejects.toSatisfy(
        (error) => error instanceof ConfigurationError && error.variable === 'PARAMETERS_SECRETS_EXTENSION_HTTP_PORT',
      );
    },
  );

  it('builds its SecretsManagerClient with AWS_CLIENT_CONFIG', async () => {
    stubEnv(COMMON);
    await (
      await loadFresh(SDK_ENTRY)
    ).entry;
    expect(constructed).toEqual([AWS_CLIENT_CONFIG]);
  });

  it('builds no AWS SDK client through the extension', async () => {
    stubEnv(COMMON);
    await (
      await loadFresh(EXTENSION_ENTRY)
    ).entry;
    expect(constructed).toEqual([]);
  });

  it('asks Secrets Manager with GetSecretValue', async () => {
    const store = await startStore({ secretString: TOKEN });
    stubEnv({ ...COMMON, AWS_ENDPOINT_URL: store.endpoint });
    const { handler } = await (await loadFresh(SDK_ENTRY)).entry;
    await handler(EVENT, CONTEXT);
    expect(store.requests.map(({ method, target }) => [method, target])).toEqual([
      ['POST', 'secretsmanager.GetSecretValue'],
    ]);
  });

  it('retries a GetSecretValue whose first attempt stalls, within the secret fetch budget', async () => {
    const [store, upstream] = [await startStore('stall', { secretString: TOKEN }), await startUpstream('ok')];
    stubEnv({ ...COMMON, AWS_ENDPOINT_URL: store.endpoint, TARGET_URL: upstream.url });
    const { handler } = await (await loadFresh(SDK_ENTRY)).entry;
    const response = await handler(EVENT, CONTEXT);
    expect([response.statusCode, store.requests.length]).toEqual([200, 2]);
  });
});
