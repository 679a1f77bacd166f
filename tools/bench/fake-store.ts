/**
 * A local stand-in for KMS, SSM and Secrets Manager that the real AWS SDK clients talk to through
 * AWS_ENDPOINT_URL: it speaks the AWS JSON protocol for exactly the three calls the handlers
 * make, KMS Decrypt, SSM GetParameter and Secrets Manager GetSecretValue, and counts them. Unlike the emulator it starts in
 * milliseconds, answers at once and can stall, so that what the benchmark times is the
 * handlers, not the emulator.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

/**
 * Decides whether the request numbered `index` (0-based, in arrival order) is read and never
 * answered, as by a store behind a stalled connection.
 */
export type StallRule = (request: IncomingMessage, index: number) => boolean;

/** Stalls the first request the store receives and answers every later one. */
export const stallFirstRequest: StallRule = (_request, index) => index === 0;

/**
 * Stalls every call's first attempt and answers its retries, going by the attempt number the
 * SDK sends in `amz-sdk-request` (`attempt=1; max=2`): concurrent cold clients each meet a stall.
 */
export const stallFirstAttempts: StallRule = (request) =>
  /(?:^|;)\s*attempt=1(?:;|$)/.test(request.headers['amz-sdk-request']?.toString() ?? '');

/** How the fake store behaves. */
export interface FakeStoreOptions {
  /** The token that Decrypt, GetParameter and GetSecretValue (as its whole SecretString) answer with. */
  readonly secret: string;
  /** The only ciphertext (base64) that Decrypt accepts; any other is an InvalidCiphertextException. */
  readonly ciphertextBase64: string;
  /**
   * Which requests stall.
   * @default none
   */
  readonly stall?: StallRule;
}

/** A request the store received. */
export interface StoreRequest {
  /** The operation, from `X-Amz-Target`, e.g. `TrentService.Decrypt`. */
  readonly target: string | undefined;
  /** The SDK's attempt header, e.g. `attempt=2; max=2`. */
  readonly attempt: string | undefined;
  /** Whether the store left it unanswered. */
  readonly stalled: boolean;
}

/** A running fake store on 127.0.0.1. */
export interface FakeStore {
  /** `http://127.0.0.1:<port>`, the value of AWS_ENDPOINT_URL. */
  readonly endpoint: string;
  /** Requests received so far, the stalled ones included. */
  calls(): number;
  /** Every request so far, in arrival order. */
  readonly requests: readonly StoreRequest[];
  /** Stops it, cutting the stalled connections. */
  close(): Promise<void>;
}

const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';
/** A key ARN of the shape KMS answers with; the account is the documentation's example account. */
const KEY_ID = 'arn:aws:kms:us-east-1:111122223333:key/00000000-0000-4000-8000-000000000000';

/** Where a secret named without its ARN lives, in the same example account. */
const SECRET_ARN_PREFIX = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:';
/** The one version every secret has. */
const SECRET_VERSION_ID = '00000000-0000-4000-8000-000000000001';

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

/** The AWSCURRENT version of any secret named: the token as its whole SecretString. */
function getSecretValue(request: Record<string, unknown>, options: FakeStoreOptions): Answer {
  if (typeof request.SecretId !== 'string' || request.SecretId === '') {
    return [400, { __type: 'InvalidParameterException', message: 'SecretId is missing' }];
  }
  const name = request.SecretId.startsWith('arn:') ? request.SecretId.split(':').slice(6).join(':') : request.SecretId;
  return [
    200,
    {
      ARN: request.SecretId.startsWith('arn:') ? request.SecretId : `${SECRET_ARN_PREFIX}${name}-AbCdEf`,
      Name: name,
      VersionId: SECRET_VERSION_ID,
      SecretString: options.secret,
      VersionStages: ['AWSCURRENT'],
      CreatedDate: 1_764_892_800,
    },
  ];
}

const OPERATIONS: Record<string, (request: Record<string, unknown>, options: FakeStoreOptions) => Answer> = {
  'TrentService.Decrypt': decrypt,
  'AmazonSSM.GetParameter': getParameter,
  'secretsmanager.GetSecretValue': getSecretValue,
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
  const requests: StoreRequest[] = [];
  const server = createServer((request, response) => {
    const stalled = options.stall?.(request, requests.length) ?? false;
    requests.push({
      target: request.headers['x-amz-target']?.toString(),
      attempt: request.headers['amz-sdk-request']?.toString(),
      stalled,
    });
    if (stalled) {
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
            {
              __type: 'UnknownOperationException',
              message: 'Only KMS Decrypt, SSM GetParameter and Secrets Manager GetSecretValue',
            },
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
    calls: () => requests.length,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
