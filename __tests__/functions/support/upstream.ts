/** A real HTTP server standing in for the upstream API, so the handler's fetch runs for real. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onTestFinished } from 'vitest';

/**
 * How the fake upstream answers: 200, 500, 307 to another path on itself, never (to trigger
 * the handler's timeout), or 200 to one token and `rejectStatus` (401 or 403) to any other,
 * as an API does once it has revoked a rotated token.
 */
export type UpstreamBehaviour =
  'ok' | 'error' | 'redirect' | 'hang' | { readonly accepts: string; readonly rejectStatus: 401 | 403 };

const STATUS = { ok: 200, error: 500, redirect: 307 } as const;

/** A request the fake upstream received. */
export interface ReceivedRequest {
  readonly method: string | undefined;
  readonly path: string | undefined;
  readonly contentType: string | undefined;
  readonly authorization: string | undefined;
}

/** A running fake upstream. */
export interface Upstream {
  readonly url: string;
  readonly requests: readonly ReceivedRequest[];
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve(`http://127.0.0.1:${port}/hook`);
    });
  });
}

function close(server: Server): Promise<void> {
  // Hanging requests would keep close() waiting forever.
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Starts a fake upstream on 127.0.0.1 that is stopped when the current test finishes. */
export async function startUpstream(behaviour: UpstreamBehaviour): Promise<Upstream> {
  const requests: ReceivedRequest[] = [];
  const server = createServer((request, response) => {
    requests.push({
      method: request.method,
      path: request.url,
      contentType: request.headers['content-type'],
      authorization: request.headers.authorization,
    });
    request.resume();
    if (behaviour === 'hang') {
      return;
    }
    if (typeof behaviour === 'object') {
      response.statusCode =
        request.headers.authorization === `Bearer ${behaviour.accepts}` ? 200 : behaviour.rejectStatus;
      response.end();
      return;
    }
    response.statusCode = STATUS[behaviour];
    if (behaviour === 'redirect') {
      response.setHeader('location', '/elsewhere');
    }
    response.end();
  });
  const url = await listen(server);
  onTestFinished(() => close(server));
  return { url, requests };
}

/** A URL on 127.0.0.1 where nothing listens, so connecting to it is refused. */
export async function refusingUrl(): Promise<string> {
  const server = createServer();
  const url = await listen(server);
  await close(server);
  return url;
}
