/**
 * A real HTTP server standing in for KMS and SSM that stalls chosen requests: it accepts the
 * connection, reads the request and never answers, as a store behind a broken network path
 * does. The other requests get a valid AWS JSON answer holding the token, so a client whose
 * timeouts work gets its secret on a later attempt. Shared by the tests and the benchmark.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Decides whether the request numbered `index` (0-based, in arrival order) is left unanswered. */
export type StallRule = (request: IncomingMessage, index: number) => boolean;

/** Stalls the first request the server receives and answers every later one. */
export const stallFirstRequest: StallRule = (_request, index) => index === 0;

/**
 * Stalls every call's first attempt and answers its retries, going by the attempt number the
 * SDK sends in `amz-sdk-request` (`attempt=1; max=2`): concurrent cold clients each meet a stall.
 */
export const stallFirstAttempts: StallRule = (request) =>
  /(?:^|;)\s*attempt=1(?:;|$)/.test(request.headers['amz-sdk-request']?.toString() ?? '');

/** A request the server received. */
export interface StoreRequest {
  /** The operation, from `X-Amz-Target`, e.g. `TrentService.Decrypt`. */
  readonly target: string | undefined;
  /** The SDK's attempt header, e.g. `attempt=2; max=2`. */
  readonly attempt: string | undefined;
  /** Whether the server left it unanswered. */
  readonly stalled: boolean;
}

/** A running stalled store. */
export interface StalledStore {
  /** Where to point a client's `endpoint`, e.g. `http://127.0.0.1:41234`. */
  readonly endpoint: string;
  /** Every request so far, in arrival order. */
  readonly requests: readonly StoreRequest[];
  /** Drops the stalled connections and stops the server. */
  close(): Promise<void>;
}

/** What the store puts in its answers. */
export interface StalledStoreOptions {
  /** The secret that Decrypt returns as plaintext and GetParameter as the parameter's value. */
  readonly token: string;
  /** Which requests stall. @default stallFirstRequest */
  readonly stall?: StallRule;
}

const KEY_ID = 'arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555';

/** The answer of an AWS JSON 1.1 operation: KMS and SSM both speak it. */
function answer(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
  response.end(JSON.stringify(body));
}

function operationOutput(target: string | undefined, input: { Name?: string }, token: string): unknown {
  switch (target) {
    case 'TrentService.Decrypt':
      return {
        KeyId: KEY_ID,
        Plaintext: Buffer.from(token).toString('base64'),
        EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
      };
    case 'AmazonSSM.GetParameter':
      return { Parameter: { Name: input.Name, Type: 'SecureString', Value: token, Version: 1 } };
    default:
      return undefined;
  }
}

/** Starts a stalled store on 127.0.0.1; call `close` when done. */
export async function startStalledStore(options: StalledStoreOptions): Promise<StalledStore> {
  const { token, stall = stallFirstRequest } = options;
  const requests: StoreRequest[] = [];
  const server = createServer((request, response) => {
    const target = request.headers['x-amz-target']?.toString();
    const stalled = stall(request, requests.length);
    requests.push({ target, attempt: request.headers['amz-sdk-request']?.toString(), stalled });
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (stalled) return;
      const output = operationOutput(target, JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'), token);
      if (output === undefined) {
        answer(response, 400, { __type: 'UnknownOperationException', message: `unknown operation ${target}` });
      } else {
        answer(response, 200, output);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () => {
      // A stalled request would keep close() waiting forever.
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
