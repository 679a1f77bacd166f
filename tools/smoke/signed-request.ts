/** Requests to a function URL with `AWS_IAM` auth: signed with SigV4 for the service `lambda`. */
import { createHash, createHmac, type BinaryLike, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';

type SourceData = string | ArrayBuffer | ArrayBufferView;

function bytes(data: SourceData): BinaryLike {
  if (typeof data === 'string') return data;
  return ArrayBuffer.isView(data)
    ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    : new Uint8Array(data);
}

/** SHA-256, or HMAC-SHA-256 with a secret, from node:crypto, as the signer's `sha256`. */
export class NodeSha256 {
  #hash: Hash | Hmac;

  constructor(private readonly secret?: SourceData) {
    this.#hash = this.#fresh();
  }

  #fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(this.secret));
  }

  update(chunk: Uint8Array): void {
    this.#hash.update(chunk);
  }

  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.#hash.digest()));
  }

  reset(): void {
    this.#hash = this.#fresh();
  }
}

/** The credentials a request is signed with, as the AWS SDK resolves them. */
export type Credentials = ConstructorParameters<typeof SignatureV4>[0]['credentials'];

/** What a function URL answered. */
export interface UrlAnswer {
  readonly statusCode: number;
  readonly body: string;
}

/** Milliseconds one request to a function URL may take: the function's own 10 s and a margin. */
const REQUEST_TIMEOUT_MS = 15_000;

/**
 * POSTs `body` (JSON) to a function URL, signed with SigV4 for `lambda` in `region`.
 * @param signingDate for a reproducible signature (tests); @default now
 */
export async function signedRequest(
  url: string,
  options: { region: string; credentials: Credentials; body?: string; signingDate?: Date },
): Promise<{ readonly headers: Record<string, string>; readonly body: string }> {
  const target = new URL(url);
  const body = options.body ?? '{}';
  const signer = new SignatureV4({
    service: 'lambda',
    region: options.region,
    credentials: options.credentials,
    sha256: NodeSha256,
  });
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port ? Number(target.port) : undefined,
      path: target.pathname,
      query: Object.fromEntries(target.searchParams),
      headers: { host: target.host, 'content-type': 'application/json' },
      body,
    },
    { signingDate: options.signingDate },
  );
  return { headers: signed.headers, body };
}

/** POSTs to a function URL, signed (see {@link signedRequest}), and reads the answer. */
export async function postSigned(
  url: string,
  options: { region: string; credentials: Credentials; body?: string },
): Promise<UrlAnswer> {
  const { headers, body } = await signedRequest(url, options);
  // fetch sets Host itself, from the URL: the same value that was signed.
  const sent = Object.fromEntries(Object.entries(headers).filter(([name]) => name !== 'host'));
  const response = await fetch(url, {
    method: 'POST',
    headers: sent,
    body,
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  return { statusCode: response.status, body: await response.text() };
}

/** POSTs to a URL without signing it, with `Authorization: <authorization>`. */
export async function postUnsigned(url: string, authorization: string): Promise<UrlAnswer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/json' },
    body: '{}',
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  return { statusCode: response.status, body: await response.text() };
}
