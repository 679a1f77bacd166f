import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SECRET_PLACEHOLDER } from '../../functions/shared/contract';
import { createHandler, type FunctionUrlResponse, type HandlerDependencies } from '../../functions/shared/handler';
import { KmsSecretProvider } from '../../functions/shared/kms-secret-provider';
import type { SecretProvider } from '../../functions/shared/secret-provider';
import { ANSWER_RESERVE_MS, MIN_RETRY_TIMEOUT_MS, SECRET_FETCH_TIMEOUT_MS } from '../../functions/shared/timing-budget';
import { SsmSecretProvider } from '../../functions/shared/ssm-secret-provider';
import {
  captureLogs,
  CIPHERTEXT,
  denyDecrypt,
  EVENT,
  fakeKms,
  fakeSsm,
  BINDING,
  FUNCTION_NAME,
  PARAMETER_NAME,
  parameterNotFound,
  TOKEN,
} from './support/fakes';
import { refusingUrl, startUpstream, type UpstreamBehaviour } from './support/upstream';

const CONTEXT = { awsRequestId: 'lambda-request-1', functionName: FUNCTION_NAME } as Context;
/**
 * The upstream timeout of every test that expects the upstream to answer. Generous, because
 * the first fetch in a fresh worker sets up its HTTP client slowly on a loaded machine, and a
 * tight limit turned a 200 into a 504 there; still well inside vitest's 60 s testTimeout.
 */
const UPSTREAM_TIMEOUT_MS = 10_000;
/**
 * The upstream timeout of the tests about timing out. Short to keep them quick; they stay
 * deterministic because their upstream ('hang') never answers, so nothing races the timer.
 */
const HANG_TIMEOUT_MS = 200;
/** The secret fetch timeout of the test whose KMS never answers; nothing races it either. */
const SECRET_HANG_TIMEOUT_MS = 200;

function handlerWith(
  secretProvider: Pick<SecretProvider, 'get' | 'refetch'>,
  targetUrl: string,
  upstreamTimeoutMs = UPSTREAM_TIMEOUT_MS,
) {
  const logs = captureLogs();
  const handler = createHandler({ secretProvider, targetUrl, upstreamTimeoutMs, logger: logs.logger });
  return { handler, logs };
}

/**
 * Method 1 end to end: a KMS provider over a fake client, calling a real local upstream. The
 * secret fetch keeps its default timeout unless `cache` sets one: the fake answers in
 * microtasks, which always run before a timer fires.
 */
async function method1(
  behaviour: UpstreamBehaviour,
  { kms = fakeKms(), ciphertext = CIPHERTEXT, cache = {}, upstreamTimeoutMs = UPSTREAM_TIMEOUT_MS } = {},
) {
  const upstream = await startUpstream(behaviour);
  const provider = new KmsSecretProvider(kms, ciphertext, BINDING, cache);
  return { ...handlerWith(provider, upstream.url, upstreamTimeoutMs), kms, upstream };
}

/** Method 1 against an upstream that never answers, so only the short timeout can end the call. */
function method1Hanging() {
  return method1('hang', { upstreamTimeoutMs: HANG_TIMEOUT_MS });
}

/** Method 2 end to end: an SSM provider over a fake client, calling a real local upstream. */
async function method2(behaviour: UpstreamBehaviour, ssm = fakeSsm()) {
  const upstream = await startUpstream(behaviour);
  return { ...handlerWith(new SsmSecretProvider(ssm, PARAMETER_NAME), upstream.url), ssm, upstream };
}

function plainText(statusCode: number, body: string): FunctionUrlResponse {
  return { statusCode, headers: { 'content-type': 'text/plain; charset=utf-8' }, body };
}

describe('createHandler', () => {
  describe('when the upstream accepts the request', () => {
    it('answers 200 "Succeeded" as plain text', async () => {
      const { handler } = await method1('ok');
      await expect(handler(EVENT, CONTEXT)).resolves.toEqual(plainText(200, 'Succeeded'));
    });

    it('delivers the decrypted KMS token as the exact Bearer token', async () => {
      const { handler, upstream } = await method1('ok');
      await handler(EVENT, CONTEXT);
      expect(upstream.requests.map((request) => request.authorization)).toEqual([`Bearer ${TOKEN}`]);
    });

    it('delivers the SSM parameter value as the exact Bearer token', async () => {
      const { handler, upstream } = await method2('ok');
      await handler(EVENT, CONTEXT);
      expect(upstream.requests.map((request) => request.authorization)).toEqual([`Bearer ${TOKEN}`]);
    });

    it('sends a JSON POST', async () => {
      const { handler, upstream } = await method1('ok');
      await handler(EVENT, CONTEXT);
      expect(upstream.requests[0]).toMatchObject({ method: 'POST', contentType: 'application/json' });
    });

    it('logs one line with the status, the duration and the Lambda request id', async () => {
      const { handler, logs } = await method1('ok');
      await handler(EVENT, CONTEXT);
      expect(logs.entries()).toEqual([
        expect.objectContaining({
          level: 'info',
          status: 200,
          requestId: 'lambda-request-1',
          durationMs: expect.any(Number),
        }),
      ]);
    });

    it('logs the Function URL request id when there is no Lambda context', async () => {
      const { handler, logs } = await method1('ok');
      await handler(EVENT);
      expect(logs.entries()[0].requestId).toBe('url-request-1');
    });
  });

  describe('when the upstream fails', () => {
    it('answers 502 "Failed" when the upstream answers 500', async () => {
      const { handler } = await method1('error');
      await expect(handler(EVENT, CONTEXT)).resolves.toEqual(plainText(502, 'Failed'));
    });

    it('logs the upstream status', async () => {
      const { handler, logs } = await method1('error');
      await handler(EVENT, CONTEXT);
      expect(logs.entries()[0]).toMatchObject({ level: 'error', status: 502, upstreamStatus: 500 });
    });

    it('answers 502 "Failed" when the upstream redirects', async () => {
      const { handler } = await method1('redirect');
      await expect(handler(EVENT, CONTEXT)).resolves.toEqual(plainText(502, 'Failed'));
    });

    it('does not follow a redirect, so the token goes to TARGET_URL only', async () => {
      const { handler, upstream } = await method1('redirect');
      await handler(EVENT, CONTEXT);
      expect(upstream.requests.map((request) => request.path)).toEqual(['/hook']);
    });

    it('answers 502 "Failed" when the connection is refused', async () => {
      const { handler } = handlerWith(new KmsSecretProvider(fakeKms(), CIPHERTEXT, BINDING), await refusingUrl());
      await expect(handler(EVENT, CONTEXT)).resolves.toEqual(plainText(502, 'Failed'));
    });

    it('logs the network reason of a refused connection', async () => {
      const { handler, logs } = handlerWith(new KmsSecretProvider(fakeKms(), CIPHERTEXT, BINDING), await refusingUrl());
      await handler(EVENT, CONTEXT);
      expect(logs.entries()[0]).toMatchObject({
        error: { name: 'UpstreamRequestError', cause: { message: expect.stringContaining('ECONNREFUSED') } },
      });
    });

    it(`answers 504 "Upstream timed out" when the upstream does not answer within ${HANG_TIMEOUT_MS} ms`, async () => {
      const { handler } = await method1Hanging();
      await expect(handler(EVENT, CONTEXT)).resolves.toEqual(plainText(504, 'Upstream timed out'));
    });
  });

  describe('when the secret cannot be read', () => {
    it('answers 500 when KMS denies Decrypt', async () => {
      const { handler } = await method1('ok', { kms: fakeKms(denyDecrypt) });
      await expect(handler(EVENT, CONTEXT)).resolves.toEqual(plainText(500, 'Internal Server Error'));
    });

    it('logs the AWS error name so the operator can fix the permission', async () => {
      const { handler, logs } = await method1('ok', { kms: fakeKms(denyDecrypt) });
      await handler(EVENT, CONTEXT);
      expect(logs.entries()[0]).toMatchObject({
        level: 'error',
        status: 500,
        error: { name: 'SecretRetrievalError', cause: { name: 'AccessDeniedException' } },
      });
    });

    it('answers 500 when SSM cannot read the parameter', async () => {
      const ssm = fakeSsm(TOKEN, () => Promise.reject(parameterNotFound()));
      const { handler } = await method2('ok', ssm);
      await expect(handler(EVENT, CONTEXT)).resolves.toEqual(plainText(500, 'Internal Server Error'));
    });

    it('answers 500 when KMS does not answer within the secret fetch timeout', async () => {
      // Decrypt never settles, so the secret timeout is the only way out and cannot lose a race.
      const hangingKms = fakeKms(() => new Promise(() => {}));
      const { handler, logs } = await method1('ok', {
        kms: hangingKms,
        cache: { timeoutMs: SECRET_HANG_TIMEOUT_MS },
      });
      await expect(handler(EVENT, CONTEXT)).resolves.toEqual(plainText(500, 'Internal Server Error'));
      expect(logs.entries()[0]).toMatchObject({
        error: { message: expect.stringContaining(`took longer than ${SECRET_HANG_TIMEOUT_MS} ms`) },
      });
    });

    it('answers 500 without calling the upstream when the token is not header-safe', async () => {
      const { handler, upstream } = await method2('ok', fakeSsm(`${TOKEN}\nX-Injected: 1`));
      await expect(handler(EVENT, CONTEXT)).resolves.toEqual(plainText(500, 'Internal Server Error'));
      expect(upstream.requests).toEqual([]);
    });

    it('does not call the upstream', async () => {
      const { handler, upstream } = await method1('ok', { kms: fakeKms(denyDecrypt) });
      await handler(EVENT, CONTEXT);
      expect(upstream.requests).toEqual([]);
    });

    it('resolves to a 500 response when the secret provider rejects asynchronously', async () => {
      // The original article wrapped the handler in `try { return fn(e) } catch`, which
      // lets a rejection like this one escape, so the 500 was never sent. setImmediate makes
      // the rejection come in a later turn of the event loop without waiting on the clock.
      const rejectLater = () =>
        new Promise<string>((_resolve, reject) => {
          setImmediate(() => reject(new Error('rejected after an await')));
        });
      const failsLater = { get: rejectLater, refetch: rejectLater };
      const { handler } = handlerWith(failsLater, 'http://127.0.0.1:9/unused');
      await expect(handler(EVENT, CONTEXT)).resolves.toEqual(plainText(500, 'Internal Server Error'));
    });

    it('retries a failed decrypt on the next invocation', async () => {
      const kms = fakeKms();
      kms.send.mockImplementationOnce(denyDecrypt);
      const { handler } = await method1('ok', { kms });
      await handler(EVENT, CONTEXT);
      await expect(handler(EVENT, CONTEXT)).resolves.toEqual(plainText(200, 'Succeeded'));
    });
  });

  describe('while the secret is not provisioned', () => {
    it('answers 503 "Secret not provisioned" when the ciphertext is the placeholder', async () => {
      const { handler } = await method1('ok', { ciphertext: SECRET_PLACEHOLDER });
      await expect(handler(EVENT, CONTEXT)).resolves.toEqual(plainText(503, 'Secret not provisioned'));
    });

    it('does not call KMS when the ciphertext is the placeholder', async () => {
      const { handler, kms } = await method1('ok', { ciphertext: SECRET_PLACEHOLDER });
      await handler(EVENT, CONTEXT);
      expect(kms.send).not.toHaveBeenCalled();
    });

    it('answers 503 "Secret not provisioned" when the SSM parameter holds the placeholder', async () => {
      const { handler } = await method2('ok', fakeSsm(SECRET_PLACEHOLDER));
      await expect(handler(EVENT, CONTEXT)).resolves.toEqual(plainText(503, 'Secret not provisioned'));
    });

    it('never sends the placeholder upstream', async () => {
      const { handler, upstream } = await method2('ok', fakeSsm(SECRET_PLACEHOLDER));
      await handler(EVENT, CONTEXT);
      expect(upstream.requests).toEqual([]);
    });

    it('warns the operator with the command that provisions the secret', async () => {
      const { handler, logs } = await method1('ok', { ciphertext: SECRET_PLACEHOLDER });
      await handler(EVENT, CONTEXT);
      expect(logs.entries()[0]).toMatchObject({
        level: 'warn',
        status: 503,
        message: expect.stringContaining(`npm run secret -- set ${FUNCTION_NAME}`),
      });
    });
  });

  describe('caching the secret', () => {
    it('decrypts once across sequential invocations', async () => {
      const { handler, kms } = await method1('ok');
      for (let invocation = 0; invocation < 4; invocation += 1) {
        await handler(EVENT, CONTEXT);
      }
      expect(kms.send).toHaveBeenCalledTimes(1);
    });

    it('decrypts once for concurrent cold invocations', async () => {
      const { handler, kms } = await method1('ok');
      const responses = await Promise.all(Array.from({ length: 5 }, () => handler(EVENT, CONTEXT)));
      expect(responses.map((response) => response.statusCode)).toEqual([200, 200, 200, 200, 200]);
      expect(kms.send).toHaveBeenCalledTimes(1);
    });

    it('decrypts again once the TTL has expired', async () => {
      let now = 1_000_000;
      const { handler, kms } = await method1('ok', { cache: { ttlSeconds: 300, now: () => now } });
      await handler(EVENT, CONTEXT);
      now += 300_000;
      await handler(EVENT, CONTEXT);
      expect(kms.send).toHaveBeenCalledTimes(2);
    });
  });

  describe('after the token is rotated and the old one revoked', () => {
    const ROTATED = 'tok_live_rotated_3Fh8Kd0Qw';

    /**
     * A warm Method 2 function that cached {@link TOKEN}, whose parameter then received
     * `stored`, in front of an upstream that accepts only {@link ROTATED}.
     */
    async function warmAfterRotation(
      stored: string,
      {
        rejectStatus = 401,
        remainingMs = () => Number.POSITIVE_INFINITY,
      }: { rejectStatus?: 401 | 403; remainingMs?: () => number } = {},
    ) {
      let value = TOKEN;
      const ssm = fakeSsm(TOKEN, () =>
        Promise.resolve({ Parameter: { Name: PARAMETER_NAME, Type: 'SecureString', Value: value }, $metadata: {} }),
      );
      const upstream = await startUpstream({ accepts: ROTATED, rejectStatus });
      const provider = new SsmSecretProvider(ssm, PARAMETER_NAME);
      const { handler, logs } = handlerWith(provider, upstream.url);
      await provider.get();
      value = stored;
      const context = { ...CONTEXT, getRemainingTimeInMillis: remainingMs };
      return { invoke: () => handler(EVENT, context), ssm, upstream, logs };
    }

    it.each([401, 403] as const)('answers 200 when the upstream rejects the cached token with %i', async (status) => {
      const { invoke } = await warmAfterRotation(ROTATED, { rejectStatus: status });
      await expect(invoke()).resolves.toEqual(plainText(200, 'Succeeded'));
    });

    it('sends the request again with the rotated token', async () => {
      const { invoke, upstream } = await warmAfterRotation(ROTATED);
      await invoke();
      expect(upstream.requests.map((request) => request.authorization)).toEqual([
        `Bearer ${TOKEN}`,
        `Bearer ${ROTATED}`,
      ]);
    });

    it('keeps the rotated token for the next invocations', async () => {
      const { invoke, ssm } = await warmAfterRotation(ROTATED);
      await invoke();
      await invoke();
      expect(ssm.send).toHaveBeenCalledTimes(2);
    });

    it('logs that the request was retried after the rejection', async () => {
      const { invoke, logs } = await warmAfterRotation(ROTATED);
      await invoke();
      expect(logs.entries()).toEqual([
        expect.objectContaining({ level: 'info', upstreamStatus: 200, rejectedStatus: 401, retried: true }),
      ]);
    });

    it('does not retry when the store still holds the rejected token', async () => {
      const { invoke, upstream } = await warmAfterRotation(TOKEN);
      await expect(invoke()).resolves.toEqual(plainText(502, 'Failed'));
      expect(upstream.requests).toHaveLength(1);
    });

    it('retries at most once per invocation', async () => {
      const { invoke, upstream } = await warmAfterRotation('tok_live_also_revoked_9Pz');
      await expect(invoke()).resolves.toEqual(plainText(502, 'Failed'));
      expect(upstream.requests).toHaveLength(2);
    });

    it('does not refetch when too little time is left to fetch and retry', async () => {
      const { invoke, ssm } = await warmAfterRotation(ROTATED, { remainingMs: () => 2000 });
      await expect(invoke()).resolves.toEqual(plainText(502, 'Failed'));
      expect(ssm.send).toHaveBeenCalledTimes(1);
    });

    it('answers 502 with the rejection, and logs why, when the refetch fails', async () => {
      const { invoke, ssm, logs } = await warmAfterRotation(ROTATED);
      ssm.send.mockImplementation(() => Promise.reject(parameterNotFound()));
      await expect(invoke()).resolves.toEqual(plainText(502, 'Failed'));
      expect(logs.entries()).toEqual([
        expect.objectContaining({
          upstreamStatus: 401,
          error: expect.objectContaining({ cause: expect.objectContaining({ name: 'ParameterNotFound' }) }),
        }),
      ]);
    });

    it('does not retry when the refetch leaves too little time for the upstream to answer', async () => {
      const remaining = [10_000, 1500];
      const { invoke, upstream } = await warmAfterRotation(ROTATED, { remainingMs: () => remaining.shift() ?? 0 });
      await expect(invoke()).resolves.toEqual(plainText(502, 'Failed'));
      expect(upstream.requests).toHaveLength(1);
    });

    it('does not refetch on an upstream error that is not about the token', async () => {
      const { handler, ssm } = await method2('error');
      await handler(EVENT, CONTEXT);
      await handler(EVENT, CONTEXT);
      expect(ssm.send).toHaveBeenCalledTimes(1);
    });
  });

  describe('never leaks the token, the ciphertext or a stack trace', () => {
    const scenarios: [
      string,
      () => Promise<{ handler: ReturnType<typeof createHandler>; logs: ReturnType<typeof captureLogs> }>,
    ][] = [
      ['KMS success', () => method1('ok')],
      ['SSM success', () => method2('ok')],
      ['upstream 500', () => method1('error')],
      ['upstream redirect', () => method1('redirect')],
      ['upstream timeout', () => method1Hanging()],
      [
        'connection refused',
        async () => handlerWith(new KmsSecretProvider(fakeKms(), CIPHERTEXT, BINDING), await refusingUrl()),
      ],
      ['KMS access denied', () => method1('ok', { kms: fakeKms(denyDecrypt) })],
      [
        'SSM parameter not found',
        () =>
          method2(
            'ok',
            fakeSsm(TOKEN, () => Promise.reject(parameterNotFound())),
          ),
      ],
      ['placeholder ciphertext', () => method1('ok', { ciphertext: SECRET_PLACEHOLDER })],
      ['a token with a line break', () => method2('ok', fakeSsm(`${TOKEN}\nX-Injected: 1`))],
      ['a token with a NUL byte', () => method2('ok', fakeSsm(`${TOKEN}\0`))],
      ['a token beyond Latin-1', () => method2('ok', fakeSsm(`${TOKEN}\u20ac`))],
    ];

    it.each(scenarios)('in the response and logs of: %s', async (_name, scenario) => {
      const { handler, logs } = await scenario();
      const response = await handler(EVENT, CONTEXT);
      const output = [JSON.stringify(response), ...logs.lines];
      for (const text of output) {
        expect(text).not.toContain(TOKEN);
        expect(text).not.toContain(CIPHERTEXT);
        // A stack frame, JSON-escaped or not: "\n    at fn (file.ts:12:34)".
        expect(text).not.toMatch(/(\n|\\n)\s+at\s|"stack"/);
      }
      expect(logs.lines).toHaveLength(1);
    });
  });
});

/** A secret provider that holds `tokens` in turn: `get` gives the first, each `refetch` the next. */
function rotatingProvider(...tokens: string[]) {
  let current = 0;
  return {
    get: vi.fn(() => Promise.resolve(tokens[current])),
    refetch: vi.fn(() => {
      current = Math.min(current + 1, tokens.length - 1);
      return Promise.resolve(tokens[current]);
    }),
  };
}

/** A fetch that answers with `statuses` in turn, and has no body to cancel. */
function answering(...statuses: number[]) {
  return vi.fn<typeof fetch>(() => Promise.resolve(new Response(null, { status: statuses.shift() ?? 500 })));
}

/** A handler over injected fetch and provider, logging into `logs`. */
function injected(fetch: typeof globalThis.fetch, overrides: Partial<HandlerDependencies> = {}) {
  const logs = captureLogs();
  const handler = createHandler({
    secretProvider: rotatingProvider(TOKEN),
    targetUrl: 'https://api.example.com/hook',
    upstreamTimeoutMs: 5000,
    fetch,
    logger: logs.logger,
    ...overrides,
  });
  return { handler, logs };
}

describe('createHandler: the upstream status', () => {
  it.each([200, 204, 299])('answers 200 on an upstream %i, with or without a body', async (status) => {
    const { handler } = injected(answering(status));
    await expect(handler(EVENT, CONTEXT)).resolves.toEqual(plainText(200, 'Succeeded'));
  });

  it.each([300, 304, 400, 404, 500])('answers 502 on an upstream %i', async (status) => {
    const { handler } = injected(answering(status));
    await expect(handler(EVENT, CONTEXT)).resolves.toEqual(plainText(502, 'Failed'));
  });

  it('logs an accepted request as such', async () => {
    const { handler, logs } = injected(answering(200));
    await handler(EVENT, CONTEXT);
    expect(logs.entries()[0].message).toBe('Upstream API accepted the request');
  });

  it('logs an error status as such', async () => {
    const { handler, logs } = injected(answering(500));
    await handler(EVENT, CONTEXT);
    expect(logs.entries()[0].message).toBe('Upstream API answered with an error status');
  });

  it('logs neither a retry nor an error when the first answer stands', async () => {
    const { handler, logs } = injected(answering(200));
    await handler(EVENT, CONTEXT);
    expect(Object.keys(logs.entries()[0])).toEqual([
      'level',
      'message',
      'requestId',
      'status',
      'durationMs',
      'upstreamStatus',
    ]);
  });

  it('logs the time the invocation took', async () => {
    const now = vi.spyOn(performance, 'now').mockReturnValueOnce(1000).mockReturnValueOnce(1250.4);
    const { handler, logs } = injected(answering(200));
    await handler(EVENT, CONTEXT);
    now.mockRestore();
    expect(logs.entries()[0].durationMs).toBe(250);
  });
});

describe('createHandler: an upstream that cannot be reached', () => {
  it('logs that the upstream could not be reached, with the failure as the cause', async () => {
    const failure = new Error('socket hang up', { cause: new Error('ECONNRESET') });
    const { handler, logs } = injected(vi.fn<typeof fetch>(() => Promise.reject(failure)));
    await handler(EVENT, CONTEXT);
    expect(logs.entries()[0]).toMatchObject({
      message: 'Upstream API could not be reached',
      error: {
        name: 'UpstreamRequestError',
        message: 'The request to the upstream API failed',
        cause: { name: 'Error', message: 'socket hang up' },
      },
    });
  });

  it("logs the reason inside fetch's TypeError, not the TypeError", async () => {
    const failure = new TypeError('fetch failed', { cause: new Error('getaddrinfo ENOTFOUND api.example.com') });
    const { handler, logs } = injected(vi.fn<typeof fetch>(() => Promise.reject(failure)));
    await handler(EVENT, CONTEXT);
    expect(logs.entries()[0].error).toMatchObject({ cause: { message: 'getaddrinfo ENOTFOUND api.example.com' } });
  });

  it('logs a TypeError without a cause as the cause itself', async () => {
    const { handler, logs } = injected(vi.fn<typeof fetch>(() => Promise.reject(new TypeError('fetch failed'))));
    await handler(EVENT, CONTEXT);
    expect(logs.entries()[0].error).toMatchObject({ cause: { name: 'TypeError', message: 'fetch failed' } });
  });

  it('logs a timeout as such, with the abort as the cause', async () => {
    const { handler, logs } = await method1Hanging();
    await handler(EVENT, CONTEXT);
    expect(logs.entries()[0]).toMatchObject({
      message: 'Upstream API timed out',
      error: { name: 'UpstreamTimeoutError', cause: { name: 'TimeoutError' } },
    });
  });
});

describe('createHandler: failures before the upstream', () => {
  it('logs an unexpected failure as such, with the error', async () => {
    const failing = { get: () => Promise.reject(new Error('boom')), refetch: () => Promise.reject(new Error('boom')) };
    const { handler, logs } = injected(answering(200), { secretProvider: failing });
    await handler(EVENT, CONTEXT);
    expect(logs.entries()[0]).toMatchObject({
      message: 'Invocation failed',
      error: { name: 'Error', message: 'boom' },
    });
  });

  it('logs the not-provisioned error beside the warning', async () => {
    const { handler, logs } = await method1('ok', { ciphertext: SECRET_PLACEHOLDER });
    await handler(EVENT, CONTEXT);
    expect(logs.entries()[0].error).toMatchObject({ name: 'SecretNotProvisionedError' });
  });

  it('names a placeholder function in the warning when there is no Lambda context', async () => {
    const { handler, logs } = await method1('ok', { ciphertext: SECRET_PLACEHOLDER });
    await expect(handler(EVENT)).resolves.toEqual(plainText(503, 'Secret not provisioned'));
    expect(logs.entries()[0].message).toContain('npm run secret -- set <function>');
  });

  it.each([
    ['an event without a request context', {}],
    ['no event', undefined],
  ])('answers %s, logging no request id', async (_name, event) => {
    const { handler, logs } = injected(answering(200));
    await expect(handler(event as unknown as typeof EVENT)).resolves.toEqual(plainText(200, 'Succeeded'));
    expect(logs.entries()[0].requestId).toBeUndefined();
  });
});

describe('createHandler: the retry after a rejected token', () => {
  const ROTATED = 'tok_live_rotated_3Fh8Kd0Qw';
  /** What the retry needs before the refetch: the refetch's budget, the shortest retry, the answer. */
  const NEEDED_MS = SECRET_FETCH_TIMEOUT_MS + MIN_RETRY_TIMEOUT_MS + ANSWER_RESERVE_MS;

  afterEach(() => {
    vi.restoreAllMocks();
  });

  function rejectedOnce(remainingMs: () => number, upstreamTimeoutMs = 5000) {
    const fetch = answering(401, 200);
    const { handler, logs } = injected(fetch, { secretProvider: rotatingProvider(TOKEN, ROTATED), upstreamTimeoutMs });
    return { invoke: () => handler(EVENT, { ...CONTEXT, getRemainingTimeInMillis: remainingMs }), fetch, logs };
  }

  it('retries when the time left holds exactly the refetch, the shortest retry and the answer', async () => {
    const { invoke } = rejectedOnce(() => NEEDED_MS);
    await expect(invoke()).resolves.toEqual(plainText(200, 'Succeeded'));
  });

  it('does not retry with 1 ms less', async () => {
    const { invoke, fetch } = rejectedOnce(() => NEEDED_MS - 1);
    await expect(invoke()).resolves.toEqual(plainText(502, 'Failed'));
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('counts a configured upstream timeout below MIN_RETRY_TIMEOUT_MS as the shortest retry', async () => {
    const { invoke } = rejectedOnce(() => SECRET_FETCH_TIMEOUT_MS + 500 + ANSWER_RESERVE_MS, 500);
    await expect(invoke()).resolves.toEqual(plainText(200, 'Succeeded'));
  });

  it('retries when the refetch leaves exactly the shortest retry and the answer', async () => {
    const remaining = [NEEDED_MS, MIN_RETRY_TIMEOUT_MS + ANSWER_RESERVE_MS];
    const { invoke } = rejectedOnce(() => remaining.shift() ?? 0);
    await expect(invoke()).resolves.toEqual(plainText(200, 'Succeeded'));
  });

  it('gives the retry the time left after the answer, when that is below the upstream timeout', async () => {
    const timeout = vi.spyOn(AbortSignal, 'timeout');
    const remaining = [NEEDED_MS, ANSWER_RESERVE_MS + 1500];
    const { invoke } = rejectedOnce(() => remaining.shift() ?? 0);
    await invoke();
    expect(timeout.mock.calls.map(([ms]) => ms)).toEqual([5000, 1500]);
  });

  it('retries without a Lambda context, which sets no time limit', async () => {
    const fetch = answering(401, 200);
    const { handler } = injected(fetch, { secretProvider: rotatingProvider(TOKEN, ROTATED) });
    await expect(handler(EVENT)).resolves.toEqual(plainText(200, 'Succeeded'));
  });

  it('retries with a context that cannot tell the time left', async () => {
    const fetch = answering(401, 200);
    const { handler } = injected(fetch, { secretProvider: rotatingProvider(TOKEN, ROTATED) });
    await expect(handler(EVENT, CONTEXT)).resolves.toEqual(plainText(200, 'Succeeded'));
  });

  it('logs no error when the retry was made', async () => {
    const { invoke, logs } = rejectedOnce(() => Number.POSITIVE_INFINITY);
    await invoke();
    expect(logs.entries()[0]).not.toHaveProperty('error');
  });

  it('logs neither retried nor the rejected status when no retry was made', async () => {
    const { invoke, logs } = rejectedOnce(() => NEEDED_MS - 1);
    await invoke();
    expect(logs.entries()[0]).not.toHaveProperty('retried');
  });
});
