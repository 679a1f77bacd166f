/**
 * The floor of the warm comparison: a handler that already holds the token (in plain text, which
 * only a benchmark may do) and does nothing but POST it to the upstream, as this project's
 * handler does. What any handler takes beyond it is overhead: fetching, caching, logging.
 */
import { readHttpUrl, readRequiredString, type Environment } from '../../functions/shared/config';
import { ENV } from '../../functions/shared/contract';
import type { FunctionUrlHandler } from '../../functions/shared/handler';

/** The variable that hands the floor its token; set by the bench alone, never by a stack. */
export const FLOOR_TOKEN_VARIABLE = 'BENCH_PLAINTEXT_API_TOKEN';

/** A handler that POSTs the token from {@link FLOOR_TOKEN_VARIABLE} to TARGET_URL and nothing else. */
export function createBareFetchHandler(env: Environment): FunctionUrlHandler {
  const targetUrl = readHttpUrl(env, ENV.targetUrl);
  const token = readRequiredString(env, FLOOR_TOKEN_VARIABLE);
  return async () => {
    const response = await fetch(targetUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      redirect: 'manual',
    });
    await response.body?.cancel();
    return { statusCode: response.ok ? 200 : 502 };
  };
}
