/**
 * A test harness for Method 2's `extension` reader, not the AWS Parameters and Secrets Lambda
 * Extension: a local HTTP server that serves the extension's parameter contract from the
 * emulator's SSM, so that the function's extension path runs end to end on a laptop.
 *
 * What it covers: GET `/systemsmanager/parameters/get?name=…&withDecryption=true`, the
 * `X-Aws-Parameters-Secrets-Token` header (a request without the function's session token is
 * refused with 401), SSM's GetParameter answer as JSON, and SSM's errors as HTTP 400 naming them.
 * What it does not: the extension's cache (the stacks turn it off), its answering only during an
 * invocation and never at init, its own timeout and retries, version and label selectors, Secrets
 * Manager, its exact error statuses and bodies, and running as a process of the execution
 * environment under Lambda's Extensions API. Nor does it prove the layer ARN: the emulator holds a
 * placeholder layer under the extension's name.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { PARAMETERS_EXTENSION } from '../../functions/shared/contract';

/** A running stand-in. */
export interface ExtensionStandIn {
  /** Its port on 127.0.0.1, for PARAMETERS_SECRETS_EXTENSION_HTTP_PORT. */
  readonly port: number;
  /** The session token it requires, for the function's AWS_SESSION_TOKEN. */
  readonly sessionToken: string;
  /** How many parameter requests it answered with a value. */
  readonly served: () => number;
  close(): Promise<void>;
}

/**
 * Starts a stand-in on 127.0.0.1 that answers parameter requests carrying a fresh session token
 * by asking `ssm`.
 */
export async function startExtensionStandIn(ssm: Pick<SSMClient, 'send'>): Promise<ExtensionStandIn> {
  const sessionToken = randomBytes(24).toString('base64url');
  let served = 0;
  const server = createServer((request, response) => {
    const answer = (status: number, body: unknown) =>
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const url = new URL(request.url ?? '/', 'http://localhost');
    const name = url.searchParams.get('name');
    if (request.method !== 'GET' || url.pathname !== PARAMETERS_EXTENSION.parameterPath || !name) {
      answer(404, { message: 'not a parameter request' });
      return;
    }
    const presented = Buffer.from(String(request.headers[PARAMETERS_EXTENSION.tokenHeader.toLowerCase()] ?? ''));
    const expected = Buffer.from(sessionToken);
    if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
      answer(401, { message: `missing or wrong ${PARAMETERS_EXTENSION.tokenHeader}` });
      return;
    }
    ssm
      .send(new GetParameterCommand({ Name: name, WithDecryption: url.searchParams.get('withDecryption') === 'true' }))
      .then(({ Parameter }) => {
        served += 1;
        answer(200, { Parameter });
      })
      .catch((error: unknown) => answer(400, { __type: error instanceof Error ? error.name : 'Error' }));
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    sessionToken,
    served: () => served,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
