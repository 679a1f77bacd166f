/**
 * The timing budget's arithmetic (functions/shared/timing-budget.ts): every limit fits in the
 * ones around it, the limits that are derived are the largest that fit, and the code that
 * applies them (the SDK settings, the handler's retry check, the options, the synthesized
 * function) applies these and no others. Each test states a relation between limits rather than
 * a number, so it fails when a derivation breaks, not only when a value changes.
 */
import { describe, expect, it } from 'vitest';
import { AWS_CLIENT_CONFIG } from '../../functions/shared/aws-client-config';
import * as contract from '../../functions/shared/contract';
import { createHandler } from '../../functions/shared/handler';
import {
  ANSWER_RESERVE_MS,
  ATTEMPT_TIMEOUT_MS,
  DEFAULT_UPSTREAM_TIMEOUT_MS,
  EXTENSION_REPLY_MARGIN_MS,
  EXTENSION_SSM_TIMEOUT_MS,
  FUNCTION_TIMEOUT_MS,
  FUNCTION_TIMEOUT_SECONDS,
  MAX_ATTEMPTS,
  MAX_UPSTREAM_TIMEOUT_MS,
  MIN_RETRY_TIMEOUT_MS,
  SECRET_FETCH_TIMEOUT_MS,
} from '../../functions/shared/timing-budget';
import { DEFAULT_OPTIONS, InvalidOptionError, parseOptions } from '../../stacks/config';
import { METHODS } from '../../stacks/methods';
import { extensionEnvironment } from '../../lib/parameters-extension';
import { single, synthStack } from '../support/synth';
import { captureLogs, EVENT, FUNCTION_NAME } from './support/fakes';

/**
 * The longest backoff the SDK's standard retry strategy waits before a retry: a random delay
 * below its 50 ms base on the first retry (`computeNextBackoffDelay` in @smithy/util-retry).
 */
const SDK_FIRST_BACKOFF_MS = 50;

describe('the secret fetch', () => {
  it('fits every SDK attempt and the backoff before each retry', () => {
    const backoff = (MAX_ATTEMPTS - 1) * SDK_FIRST_BACKOFF_MS;
    expect(MAX_ATTEMPTS * ATTEMPT_TIMEOUT_MS + backoff).toBeLessThanOrEqual(SECRET_FETCH_TIMEOUT_MS);
  });

  it('keeps at least one attempt’s share for what lies outside the attempts (backoff, credentials, signing)', () => {
    expect(SECRET_FETCH_TIMEOUT_MS - MAX_ATTEMPTS * ATTEMPT_TIMEOUT_MS).toBeGreaterThanOrEqual(ATTEMPT_TIMEOUT_MS);
  });

  it('gives each attempt as long as fits: one more attempt’s share would not fit', () => {
    expect(ATTEMPT_TIMEOUT_MS).toBeGreaterThan(0);
    expect((MAX_ATTEMPTS + 1) * (ATTEMPT_TIMEOUT_MS + 1)).toBeGreaterThan(SECRET_FETCH_TIMEOUT_MS);
  });

  it('is what the SDK clients are built with', () => {
    expect(AWS_CLIENT_CONFIG).toMatchObject({
      maxAttempts: MAX_ATTEMPTS,
      requestHandler: { connectionTimeout: ATTEMPT_TIMEOUT_MS, requestTimeout: ATTEMPT_TIMEOUT_MS },
    });
  });

  it('is the one the contract exports to the stacks and the tools', () => {
    expect(contract.SECRET_FETCH_TIMEOUT_MS).toBe(SECRET_FETCH_TIMEOUT_MS);
    expect(contract.DEFAULT_UPSTREAM_TIMEOUT_MS).toBe(DEFAULT_UPSTREAM_TIMEOUT_MS);
  });
});

describe('one invocation', () => {
  it('is the function timeout, in milliseconds', () => {
    expect(FUNCTION_TIMEOUT_MS).toBe(FUNCTION_TIMEOUT_SECONDS * 1000);
  });

  it('fits a whole secret fetch, the longest upstream call and the answer in the function timeout', () => {
    expect(SECRET_FETCH_TIMEOUT_MS + MAX_UPSTREAM_TIMEOUT_MS + ANSWER_RESERVE_MS).toBeLessThanOrEqual(
      FUNCTION_TIMEOUT_MS,
    );
  });

  it('gives the upstream all the rest: a millisecond more would not fit', () => {
    expect(SECRET_FETCH_TIMEOUT_MS + MAX_UPSTREAM_TIMEOUT_MS + 1 + ANSWER_RESERVE_MS).toBeGreaterThan(
      FUNCTION_TIMEOUT_MS,
    );
  });

  it('keeps every share positive', () => {
    for (const share of [SECRET_FETCH_TIMEOUT_MS, MAX_UPSTREAM_TIMEOUT_MS, ANSWER_RESERVE_MS]) {
      expect(share).toBeGreaterThan(0);
    }
  });

  it('has a default upstream timeout within what the options accept', () => {
    expect(DEFAULT_UPSTREAM_TIMEOUT_MS).toBeGreaterThanOrEqual(1);
    expect(DEFAULT_UPSTREAM_TIMEOUT_MS).toBeLessThanOrEqual(MAX_UPSTREAM_TIMEOUT_MS);
    expect(DEFAULT_OPTIONS.upstreamTimeoutMs).toBe(DEFAULT_UPSTREAM_TIMEOUT_MS);
  });
});

describe("the options' upstream timeout", () => {
  it('accepts exactly 1 to MAX_UPSTREAM_TIMEOUT_MS', () => {
    expect(parseOptions({ upstreamTimeoutMs: MAX_UPSTREAM_TIMEOUT_MS }).upstreamTimeoutMs).toBe(
      MAX_UPSTREAM_TIMEOUT_MS,
    );
    expect(parseOptions({ upstreamTimeoutMs: 1 }).upstreamTimeoutMs).toBe(1);
    expect(() => parseOptions({ upstreamTimeoutMs: MAX_UPSTREAM_TIMEOUT_MS + 1 })).toThrow(InvalidOptionError);
    expect(() => parseOptions({ upstreamTimeoutMs: 0 })).toThrow(InvalidOptionError);
  });
});

describe("the extension's timeout on Parameter Store", () => {
  it('ends before the fetch budget, by the reply margin', () => {
    expect(EXTENSION_SSM_TIMEOUT_MS).toBeGreaterThan(0);
    expect(EXTENSION_SSM_TIMEOUT_MS).toBeLessThan(SECRET_FETCH_TIMEOUT_MS);
    expect(EXTENSION_SSM_TIMEOUT_MS + EXTENSION_REPLY_MARGIN_MS).toBeLessThanOrEqual(SECRET_FETCH_TIMEOUT_MS);
  });

  it("is what Method 3's stack configures the extension's calls to Secrets Manager with", () => {
    const fn = single(synthStack('method3-sample', { method3Reader: 'extension' }).json, 'aws_lambda_function');
    expect(fn.environment.variables).toMatchObject({
      [contract.PARAMETERS_EXTENSION.secretsManagerTimeoutVariable]: String(EXTENSION_SSM_TIMEOUT_MS),
      [contract.PARAMETERS_EXTENSION.secretsManagerTtlVariable]: '0',
      [contract.PARAMETERS_EXTENSION.cacheEnabledVariable]: 'FALSE',
    });
  });

  it('is what the stack configures the extension with', () => {
    const configured = Number(extensionEnvironment('ssm-parameter')[contract.PARAMETERS_EXTENSION.timeoutVariable]);
    expect(configured).toBe(EXTENSION_SSM_TIMEOUT_MS);
    const fn = single(synthStack('method2-sample', { method2Reader: 'extension' }).json, 'aws_lambda_function');
    expect(Number(fn.environment.variables[contract.PARAMETERS_EXTENSION.timeoutVariable])).toBeLessThan(
      SECRET_FETCH_TIMEOUT_MS,
    );
  });
});

describe('the retry after a rejected token', () => {
  it('fits even after a first fetch that took its whole budget: a refetch, the shortest retry and the answer', () => {
    expect(FUNCTION_TIMEOUT_MS - SECRET_FETCH_TIMEOUT_MS).toBeGreaterThanOrEqual(
      SECRET_FETCH_TIMEOUT_MS + MIN_RETRY_TIMEOUT_MS + ANSWER_RESERVE_MS,
    );
  });

  it('has a shortest timeout that the options can reach', () => {
    expect(MIN_RETRY_TIMEOUT_MS).toBeGreaterThan(0);
    expect(MIN_RETRY_TIMEOUT_MS).toBeLessThanOrEqual(MAX_UPSTREAM_TIMEOUT_MS);
  });

  /**
   * The handler with a token the upstream rejects and a store that holds a rotated one, in an
   * invocation with `remainingMs` left after the first answer; resolves to the tokens it sent.
   */
  async function tokensSent(remainingMs: number): Promise<string[]> {
    const sent: string[] = [];
    const send = (_url: string | URL | Request, init?: RequestInit): Promise<Response> => {
      const token = new Headers(init?.headers).get('Authorization') ?? '';
      sent.push(token);
      return Promise.resolve(new Response(null, { status: token === 'Bearer rotated' ? 200 : 401 }));
    };
    const handler = createHandler({
      secretProvider: { get: () => Promise.resolve('cached'), refetch: () => Promise.resolve('rotated') },
      targetUrl: 'https://example.com/hook',
      upstreamTimeoutMs: DEFAULT_UPSTREAM_TIMEOUT_MS,
      fetch: send,
      logger: captureLogs().logger,
    });
    const context = { awsRequestId: 'r', functionName: FUNCTION_NAME, getRemainingTimeInMillis: () => remainingMs };
    await handler(EVENT, context);
    return sent;
  }

  it('is made by the handler after a first fetch that took its whole budget', async () => {
    await expect(tokensSent(FUNCTION_TIMEOUT_MS - SECRET_FETCH_TIMEOUT_MS)).resolves.toEqual([
      'Bearer cached',
      'Bearer rotated',
    ]);
  });

  it('is made when the time left holds exactly a refetch, the shortest retry and the answer, and not 1 ms less', async () => {
    const needed = SECRET_FETCH_TIMEOUT_MS + MIN_RETRY_TIMEOUT_MS + ANSWER_RESERVE_MS;
    await expect(tokensSent(needed)).resolves.toHaveLength(2);
    await expect(tokensSent(needed - 1)).resolves.toHaveLength(1);
  });
});

describe('the synthesized functions', () => {
  it.each(METHODS.map(({ stackName }) => stackName))("%s's timeout is the budget's function timeout", (name) => {
    expect(single(synthStack(name).json, 'aws_lambda_function').timeout).toBe(FUNCTION_TIMEOUT_SECONDS);
  });
});
