/** The local stand-in for the upstream API: it accepts only the run's token, known by its digest. */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';

/** SHA-256 of a token, hex: what the local run keeps instead of the token itself. */
export function tokenDigest(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A stand-in for the upstream API on 127.0.0.1. */
export interface Upstream {
  /** `http://127.0.0.1:<port>/`, the functions' target URL. */
  readonly url: string;
  readonly port: number;
  /** For each request received, in order: whether it carried exactly the expected token. */
  readonly authorized: boolean[];
  /** From now on, accept only the token with this digest (after a rotation). */
  acceptOnly(digest: string): void;
  close(): Promise<void>;
}

/**
 * Starts an upstream that answers 200 only to `Authorization: Bearer <token>` whose SHA-256 is
 * `expectedDigest`, and 401 to anything else. It keeps only the digest, never a token.
 * @param port a fixed port (a rerun must find the URL the functions were deployed with), or a free one
 */
export async function startUpstream(expectedDigest: string, port = 0): Promise<Upstream> {
  let expected = Buffer.from(expectedDigest, 'hex');
  const authorized: boolean[] = [];
  const server: Server = createServer((request, response) => {
    const match = /^Bearer (.+)$/.exec(request.headers.authorization ?? '');
    const ok = match !== null && timingSafeEqual(Buffer.from(tokenDigest(match[1]), 'hex'), expected);
    authorized.push(ok);
    request.resume();
    response.writeHead(ok ? 200 : 401, { 'content-type': 'text/plain' }).end(ok ? 'ok' : 'unauthorized');
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  const actualPort = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${actualPort}/`,
    port: actualPort,
    authorized,
    acceptOnly: (digest) => {
      expected = Buffer.from(digest, 'hex');
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
