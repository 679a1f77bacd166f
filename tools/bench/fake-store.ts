/**
 * A local stand-in for KMS and SSM that the real AWS SDK clients talk to through
 * AWS_ENDPOINT_URL: it speaks the AWS JSON protocol for exactly the two calls the handlers
 * make, KMS Decrypt and SSM GetParameter, and counts them. Unlike the emulator it starts in
 * milliseconds, answers at once and can stall, so that what the benchmark times is the
 * handlers, not the emulator.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

/** How the fake store behaves. */
export interface FakeStoreOptions {
  /** The token that Decrypt and GetParameter answer with. */
  readonly secret: string;
  /** The only ciphertext (base64) that Decrypt accepts; any other is an InvalidCiphertextException. */
  readonly ciphertextBase64: string;
  /**
   * Accept the first request and never answer it, as a store behind a stalled connection
   * does; every later request is answered.
   */
  readonly stallFirstRequest?: boolean;
}

/** A running fake store on 127.0.0.1. */
export interface FakeStore {
  /** `http://127.0.0.1:<port>`, the value of AWS_ENDPOINT_URL. */
  readonly endpoint: string;
  /** Requests received so far, the stalled one included. */
  calls(): number;
  /** Stops it, cutting the stalled connection. */
  close(): Promise<void>;
}

const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';
/** A key ARN of the shape KMS answers with; the account is the documentation's example account. */
const KEY_ID = 'arn:aws:kms:us-east-1:111122223333:key/00000000-0000-4000-8000-000000000000';

type Answer = readonly [status: number, body: Record<string, unknown>];

function decrypt(request: Record<string, unknown>, options: FakeStoreOptions): Answer {
  if (request.CiphertextBlob !== options.ciphertextBase64) {
    return [400, { __type: 'InvalidCiphertextException', message: 'The ciphertext is not the one this store holds' }];
  }
  return [200, { KeyId: KEY_ID, Plaintext: Buffer.from(options.secret).toString('base64') }];
}

function getParameter(request: Record<string, unknown>, options: FakeStoreOptions): Answer {
  if (typeof request.Name !== 'string') return [400, { __type: 'ValidationException', message: 'Name is missing' }];
  return [200, { Parameter: { Name: request.Name, Type: 'SecureString', Value: options.secret, Version: 1 } }];
}

const OPERATIONS: Record<string, (request: Record<string, unknown>, options: FakeStoreOptions) => Answer> = {
  'TrentService.Decrypt': decrypt,
  'AmazonSSM.GetParameter': getParameter,
};

function answer(response: ServerResponse, [status, body]: Answer): void {
  response.writeHead(status, { 'content-type': JSON_CONTENT_TYPE }).end(JSON.stringify(body));
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** Starts a fake store on a free port of 127.0.0.1. */
export async function startFakeStore(options: FakeStoreOptions): Promise<FakeStore> {
  let calls = 0;
  const server = createServer((request, response) => {
    calls += 1;
    if (options.stallFirstRequest && calls === 1) {
      // Read and held: the client's request is sent, its answer never comes.
      request.resume();
      return;
    }
    void readBody(request).then(
      (text) => {
        const operation = OPERATIONS[String(request.headers['x-amz-target'])];
        if (!operation) {
          answer(response, [
            400,
            { __type: 'UnknownOperationException', message: 'Only KMS Decrypt and SSM GetParameter' },
          ]);
          return;
        }
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        answer(
          response,
          typeof parsed === 'object' && parsed !== null
            ? operation(parsed as Record<string, unknown>, options)
            : [400, { __type: 'SerializationException', message: 'The body is not a JSON object' }],
        );
      },
      () => response.destroy(),
    );
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls: () => calls,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
