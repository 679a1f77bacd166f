/**
 * The smoke run's stand-in for the upstream API, deployed as a Lambda function behind a public
 * function URL (see upstream-stack.ts): it answers 200 only to `Authorization: Bearer <token>`
 * whose SHA-256 its environment holds, and 401 to anything else. It holds the digest, never the
 * token, and compares digests in constant time. Bundled by NodejsBundle, so it imports nothing
 * but Node.js.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';

/** The environment variable with the SHA-256 (hex) of the one token the stand-in accepts. */
export const EXPECTED_TOKEN_SHA256 = 'EXPECTED_TOKEN_SHA256';

/** The body of the stand-in's answers: `ok` to the token, `unauthorized` to anything else. */
export const UPSTREAM_ANSWERS = { accepted: 'ok', refused: 'unauthorized' } as const;

/**
 * The expected digest from the environment.
 * @throws Error naming the variable when it is not 64 hex digits
 */
export function expectedDigest(env: NodeJS.ProcessEnv): Buffer {
  const value = env[EXPECTED_TOKEN_SHA256] ?? '';
  if (!/^[0-9a-f]{64}$/.test(value)) {
    throw new Error(`${EXPECTED_TOKEN_SHA256} must be the SHA-256 of the token, as 64 lowercase hex digits`);
  }
  return Buffer.from(value, 'hex');
}

/** Whether `authorization` is `Bearer <token>` for the token whose SHA-256 is `expected`. */
export function isExpectedBearer(authorization: string | undefined, expected: Buffer): boolean {
  const match = /^Bearer (.+)$/.exec(authorization ?? '');
  if (!match) return false;
  // Digests of equal length: timingSafeEqual tells nothing about the token by its time.
  return timingSafeEqual(createHash('sha256').update(match[1], 'utf8').digest(), expected);
}

/** The handler for `env`, which is read at the first request (Lambda's init), not when this module loads. */
export function createUpstreamHandler(
  env: NodeJS.ProcessEnv,
): (event: LambdaFunctionURLEvent) => Promise<LambdaFunctionURLResult> {
  let expected: Buffer | undefined;
  // A rejected promise, not a throw, for a missing digest: what Lambda reports for an async handler.
  return (event) =>
    Promise.resolve().then(() => {
      expected ??= expectedDigest(env);
      // A function URL hands the handler its header names in lowercase.
      const authorized = isExpectedBearer(event.headers?.authorization, expected);
      // One structured line per request; never the header, which holds the token.
      console.log(JSON.stringify({ level: 'info', message: 'smoke upstream request', authorized }));
      return {
        statusCode: authorized ? 200 : 401,
        headers: { 'content-type': 'text/plain' },
        body: authorized ? UPSTREAM_ANSWERS.accepted : UPSTREAM_ANSWERS.refused,
      };
    });
}

/** Lambda's entry: `index.handler` in the bundle. */
export const handler = createUpstreamHandler(process.env);
