/** Fake AWS clients, a log capture, and the values the tests must never see leaked. */
import { KMSServiceException, type DecryptCommandOutput } from '@aws-sdk/client-kms';
import { ParameterNotFound, type GetParameterCommandOutput } from '@aws-sdk/client-ssm';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { vi } from 'vitest';
import type { KmsDecryptClient } from '../../../functions/shared/kms-secret-provider';
import { createLogger, type Logger } from '../../../functions/shared/logger';
import type { SsmGetParameterClient } from '../../../functions/shared/ssm-secret-provider';

/** The API token; must appear only in the Authorization header the upstream receives. */
export const TOKEN = 'tok_live_7Qx9Vb2Lm4Zp8Rc1';
/** Raw bytes a real KMS would return as the ciphertext blob. */
export const CIPHERTEXT_BYTES = Buffer.from('AQICAHj-fake-kms-ciphertext-blob');
/** {@link CIPHERTEXT_BYTES} as base64, as found in ENCRYPTED_API_TOKEN. */
export const CIPHERTEXT = CIPHERTEXT_BYTES.toString('base64');
export const FUNCTION_NAME = 'method1-sample';
/** The ARN of the function's own key, which Decrypt must name. */
export const KEY_ARN = 'arn:aws:kms:ap-northeast-1:111122223333:key/0f1e2d3c-4b5a-6978-8a9b-acbdcedf0011';
/** What Method 1's ciphertext is bound to in the tests. */
export const BINDING = { functionName: FUNCTION_NAME, keyArn: KEY_ARN };
export const PARAMETER_NAME = '/method2-sample/api-token';

/** A minimal Function URL event carrying a request id. */
export const EVENT = { requestContext: { requestId: 'url-request-1' } } as LambdaFunctionURLEvent;

/** A KMS client whose Decrypt returns {@link TOKEN} unless `respond` says otherwise. */
export function fakeKms(
  respond: KmsDecryptClient['send'] = () => Promise.resolve({ Plaintext: Buffer.from(TOKEN), $metadata: {} }),
) {
  return { send: vi.fn<KmsDecryptClient['send']>(respond) };
}

/** An SSM client whose GetParameter returns `value` unless `respond` says otherwise. */
export function fakeSsm(
  value: string = TOKEN,
  respond: SsmGetParameterClient['send'] = (): Promise<GetParameterCommandOutput> =>
    Promise.resolve({
      Parameter: { Name: PARAMETER_NAME, Type: 'SecureString', Value: value },
      $metadata: {},
    }),
) {
  return { send: vi.fn<SsmGetParameterClient['send']>(respond) };
}

/** The error KMS raises when the role lacks kms:Decrypt, shaped as the SDK builds it. */
export function accessDenied(): KMSServiceException {
  return new KMSServiceException({
    name: 'AccessDeniedException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400, requestId: 'kms-request-1' },
    message: 'User: arn:aws:sts::123456789012:assumed-role/method1 is not authorized to perform: kms:Decrypt',
  });
}

/** The error SSM raises for a parameter that does not exist. */
export function parameterNotFound(): ParameterNotFound {
  return new ParameterNotFound({ $metadata: { httpStatusCode: 400 }, message: '' });
}

/** A KMS Decrypt that fails with {@link accessDenied}. */
export const denyDecrypt = (): Promise<DecryptCommandOutput> => Promise.reject(accessDenied());

/** A logger whose lines are kept for inspection instead of printed. */
export function captureLogs(): {
  logger: Logger;
  lines: string[];
  entries: () => Record<string, unknown>[];
} {
  const lines: string[] = [];
  return {
    logger: createLogger((_level, line) => lines.push(line)),
    lines,
    entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

/** A promise with its resolve and reject exposed, to hold a fetch in flight. */
export function deferred<T>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (reason: unknown) => void;
} {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
