/**
 * A test harness for Method 2's `extension` reader, not the AWS Parameters and Secrets Lambda
 * Extension: a local HTTP server that serves the extension's parameter contract from the
 * emulator's SSM, so that the function's extension path runs end to end on a laptop.
 *
 * What it covers: GET `/systemsmanager/parameters/get?name=…&withDecryption=true`, the
 * `X-Aws-Parameters-Secrets-Token` header (a request without the function's session token is
 * refused with 401), SSM's GetParameter answer as JSON, and SSM's errors as HTTP 400 naming them;
 * given a Secrets Manager client, GET `/secretsmanager/get?secretId=…` likewise (GetSecretValue's
 * answer as JSON, binary data in base64, its errors as HTTP 400 with their name and message,
 * which is where Method 3's reader finds "no value yet").
 * What it does not: the extension's cache (the stacks turn it off), its answering only during an
 * invocation and never at init, its own timeout and retries, version and label selectors, its
 * exact error statuses and bodies, and running as a process of the execution
 * environment under Lambda's Extensions API. Nor does it prove the layer ARN: the emulator holds a
 * placeholder layer under the extension's name.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { PARAMETERS_EXTENSION } from '../../functions/shared/contract';
import { saysNoCurrentVersion } from '../../functions/shared/secrets-manager-value';

/** A running stand-in. */
export interface ExtensionStandIn {
  /** Its port on 127.0.0.1, for PARAMETERS_SECRETS_EXTENSION_HTTP_PORT. */
  readonly port: number;
  /** The session token it requires, for the function's AWS_SESSION_TOKEN. */
  readonly sessionToken: string;
  /** How many parameter and secret requests it answered with a value. */
  readonly served: () => number;
  close(): Promise<void>;
}

/** One of the extension's paths: what it asks the store, and how it words a refusal. */
interface Route {
  readonly read: () => Promise<unknown>;
  readonly refusal: (error: unknown) => unknown;
}

const errorName = (error: unknown) => (error instanceof Error ? error.name : 'Error');

/** The route `url` asks for, or undefined (a secret request too when there is no Secrets Manager client). */
function routeOf(
  url: URL,
  ssm: Pick<SSMClient, 'send'>,
  secretsManager: Pick<SecretsManagerClient, 'send'> | undefined,
): Route | undefined {
  const name = url.searchParams.get('name');
  if (url.pathname === PARAMETERS_EXTENSION.parameterPath && name) {
    return {
      read: async () => {
        const withDecryption = url.searchParams.get('withDecryption') === 'true';
        const { Parameter } = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: withDecryption }));
        return { Parameter };
      },
      refusal: (error) => ({ __type: errorName(error) }),
    };
  }
  const secretId = url.searchParams.get('secretId');
  if (url.pathname === PARAMETERS_EXTENSION.secretPath && secretId && secretsManager) {
    return {
      read: async () => {
        const answer = await secretsManager.send(new GetSecretValueCommand({ SecretId: secretId }));
        const { ARN, Name, VersionId, SecretString, SecretBinary, VersionStages, CreatedDate } = answer;
        const binary = SecretBinary && { SecretBinary: Buffer.from(SecretBinary).toString('base64') };
        return { ARN, Name, VersionId, SecretString, VersionStages, CreatedDate, ...binary };
      },
      // The message only where it says that the secret has no value yet, which the function reads
      // there: another message may quote what the store answered (a parser's error quotes its input).
      refusal: (error) => ({
        __type: errorName(error),
        ...(error instanceof Error && saysNoCurrentVersion(error.message) && { message: error.message }),
      }),
    };
  }
  return undefined;
}

/**
 * Starts a stand-in on 127.0.0.1 that answers parameter requests carrying a fresh session token
 * by asking `ssm`, and secret requests by asking `secretsManager` (without it, they are not found).
 */
export async function startExtensionStandIn(
  ssm: Pick<SSMClient, 'send'>,
  secretsManager?: Pick<SecretsManagerClient, 'send'>,
): Promise<ExtensionStandIn> {
  const sessionToken = randomBytes(24).toString('base64url');
  let served = 0;
  const server = createServer((request, response) => {
    const answer = (status: number, body: unknown) =>
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const url = new URL(request.url ?? '/', 'http://localhost');
    const route = routeOf(url, ssm, secretsManager);
    if (request.method !== 'GET' || !route) {
      answer(404, { message: 'not a parameter or secret request' });
      return;
    }
    const presented = Buffer.from(String(request.headers[PARAMETERS_EXTENSION.tokenHeader.toLowerCase()] ?? ''));
    const expected = Buffer.from(sessionToken);
    if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
      answer(401, { message: `missing or wrong ${PARAMETERS_EXTENSION.tokenHeader}` });
      return;
    }
    route.read().then(
      (body) => {
        served += 1;
        answer(200, body);
      },
      (error: unknown) => answer(400, route.refusal(error)),
    );
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    sessionToken,
    served: () => served,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
