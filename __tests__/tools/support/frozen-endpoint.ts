/** Endpoints that do not answer, as a frozen emulator or a black-holed network would be. */
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { freePort } from '../../../tools/local/emulator';

/** What {@link useDeadEndpoints} gives a test file. */
export interface DeadEndpoints {
  /** Accepts connections and never answers. */
  readonly frozen: string;
  /** Refuses connections: nothing listens there. */
  readonly closed: string;
}

/** Starts, for the calling test file, an endpoint that never answers, and finds one that is closed. */
export function useDeadEndpoints(): DeadEndpoints {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  const endpoints = { frozen: '', closed: '' };

  beforeAll(async () => {
    server = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    endpoints.frozen = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    endpoints.closed = `http://127.0.0.1:${await freePort()}`;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server?.close(resolve));
  });

  return endpoints;
}
