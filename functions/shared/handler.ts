/**
 * The Function URL handler both methods share: get the token, POST to the upstream API
 * with it, and map every outcome to a plain-text response and one structured log line.
 */
import type { APIGatewayProxyStructuredResultV2, Context, LambdaFunctionURLEvent } from 'aws-lambda';
import { SecretNotProvisionedError, UpstreamRequestError, UpstreamTimeoutError } from './errors';
import { createLogger, type LogFields, type Logger, type LogLevel } from './logger';
import type { SecretProvider } from './secret-provider';
import { ANSWER_RESERVE_MS, MIN_RETRY_TIMEOUT_MS, SECRET_FETCH_TIMEOUT_MS } from './timing-budget';

/** The response shape the handler returns; one of the shapes a Function URL accepts. */
export type FunctionUrlResponse = APIGatewayProxyStructuredResultV2;

/** A Lambda Function URL handler that always resolves, never rejects. */
export type FunctionUrlHandler = (
  event: LambdaFunctionURLEvent,
  context?: Pick<Context, 'awsRequestId' | 'functionName'> & Partial<Pick<Context, 'getRemainingTimeInMillis'>>,
) => Promise<FunctionUrlResponse>;

/** Upstream statuses that say the token itself was refused, so a rotated one may succeed. */
const TOKEN_REJECTED = new Set([401, 403]);

/** What came of the retry after a rejected token: its status, or why none was made. */
interface Retry {
  readonly status?: number;
  /** The refetch failed: the first answer stands, and the log says why. */
  readonly refetchError?: unknown;
}

/** What {@link createHandler} needs; everything with a side effect is injectable. */
export interface HandlerDependencies {
  /** Supplies the token; expected to cache it, and to fetch it again when it is rejected. */
  readonly secretProvider: Pick<SecretProvider, 'get' | 'refetch'>;
  /** Absolute http(s) URL that receives the token. */
  readonly targetUrl: string;
  /** Milliseconds before the upstream call is abandoned with a 504. */
  readonly upstreamTimeoutMs: number;
  /** Defaults to the global `fetch`. */
  readonly fetch?: typeof fetch;
  /** Defaults to a logger writing to the console. */
  readonly logger?: Logger;
}

interface Outcome {
  readonly statusCode: number;
  readonly body: string;
  readonly level: LogLevel;
  readonly message: string;
  readonly fields: LogFields;
}

/**
 * Creates the handler. Every failure, including an asynchronous rejection of the secret
 * provider or of fetch, becomes a response: 200 "Succeeded" on an upstream 2xx, 502 "Failed"
 * on any other upstream status (redirects are not followed) or a network failure, 504 on
 * timeout, 503 while the secret is not provisioned and 500 otherwise. A 401 or 403 is answered
 * after one retry with the token refetched, when the store holds another. Neither the token nor
 * a stack trace reaches a response or a log line.
 */
export function createHandler(deps: HandlerDependencies): FunctionUrlHandler {
  const { secretProvider, targetUrl, upstreamTimeoutMs, fetch: send = fetch, logger = createLogger() } = deps;

  async function postWithToken(token: string, timeoutMs: number): Promise<number> {
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const response = await send(targetUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        // Following a redirect would re-send the token to a URL nobody configured; a 3xx
        // is reported as an upstream error status instead.
        redirect: 'manual',
        signal,
      });
      // The body is not used; cancelling it frees the connection for the next invocation.
      await response.body?.cancel();
      return response.status;
    } catch (error) {
      if (signal.aborted) {
        throw new UpstreamTimeoutError(timeoutMs, { cause: error });
      }
      // undici reports every network failure as TypeError("fetch failed") and keeps the
      // reason (ECONNREFUSED, ENOTFOUND, a TLS error) in its cause; the log shows one level.
      const reason = error instanceof TypeError && error.cause instanceof Error ? error.cause : error;
      throw new UpstreamRequestError('The request to the upstream API failed', { cause: reason });
    }
  }

  /**
   * After a rotation the upstream refuses the token this warm environment cached, until the
   * environment recycles (hours). So a 401 or 403 refetches the token and, if the store now
   * holds another one, sends the request once more with it. The provider bounds the refetches;
   * the remaining time bounds the retry, which must still be answered before the function times out.
   */
  async function retryWithRotatedToken(rejected: string, remainingMs: () => number): Promise<Retry> {
    const shortestRetry = Math.min(MIN_RETRY_TIMEOUT_MS, upstreamTimeoutMs);
    if (remainingMs() < SECRET_FETCH_TIMEOUT_MS + shortestRetry + ANSWER_RESERVE_MS) return {};
    let token: string;
    try {
      token = await secretProvider.refetch(rejected);
    } catch (error) {
      return { refetchError: error };
    }
    const timeoutMs = Math.min(upstreamTimeoutMs, remainingMs() - ANSWER_RESERVE_MS);
    if (token === rejected || timeoutMs < shortestRetry) return {};
    return { status: await postWithToken(token, timeoutMs) };
  }

  async function forward(remainingMs: () => number): Promise<Outcome> {
    const token = await secretProvider.get();
    const firstStatus = await postWithToken(token, upstreamTimeoutMs);
    const retry = TOKEN_REJECTED.has(firstStatus) ? await retryWithRotatedToken(token, remainingMs) : {};
    const upstreamStatus = retry.status ?? firstStatus;
    const fields: LogFields = {
      upstreamStatus,
      ...(retry.status !== undefined && { rejectedStatus: firstStatus, retried: true }),
      ...(retry.refetchError !== undefined && { error: retry.refetchError }),
    };
    return upstreamStatus >= 200 && upstreamStatus < 300
      ? outcome(200, 'Succeeded', 'info', 'Upstream API accepted the request', fields)
      : outcome(502, 'Failed', 'error', 'Upstream API answered with an error status', fields);
  }

  return async (event, context) => {
    const startedAt = performance.now();
    let result: Outcome;
    try {
      // The await is the point: returning the promise un-awaited (the original article's
      // bug) lets its rejection escape this catch, and Lambda answers with its own error.
      result = await forward(() => context?.getRemainingTimeInMillis?.() ?? Number.POSITIVE_INFINITY);
    } catch (error) {
      result = outcomeOfError(error, context?.functionName);
    }
    logger[result.level](result.message, {
      requestId: context?.awsRequestId ?? event?.requestContext?.requestId,
      status: result.statusCode,
      durationMs: Math.round(performance.now() - startedAt),
      ...result.fields,
    });
    return {
      statusCode: result.statusCode,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: result.body,
    };
  };
}

function outcomeOfError(error: unknown, functionName = '<function>'): Outcome {
  if (error instanceof SecretNotProvisionedError) {
    return outcome(
      503,
      'Secret not provisioned',
      'warn',
      `Secret not provisioned: run \`npm run secret -- set ${functionName}\` to store the API token`,
      { error },
    );
  }
  if (error instanceof UpstreamTimeoutError) {
    return outcome(504, 'Upstream timed out', 'error', 'Upstream API timed out', { error });
  }
  if (error instanceof UpstreamRequestError) {
    return outcome(502, 'Failed', 'error', 'Upstream API could not be reached', { error });
  }
  return outcome(500, 'Internal Server Error', 'error', 'Invocation failed', { error });
}

function outcome(statusCode: number, body: string, level: LogLevel, message: string, fields: LogFields): Outcome {
  return { statusCode, body, level, message, fields };
}
