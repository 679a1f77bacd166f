import { randomUUID } from 'node:crypto';
import type { LambdaFunctionURLEvent } from 'aws-lambda';

/** A function URL request as Lambda hands it to the handler (payload format 2.0): a bare POST /. */
export function functionUrlEvent(functionName: string, now = new Date()): LambdaFunctionURLEvent {
  const domainPrefix = `${functionName}-local`;
  const domainName = `${domainPrefix}.lambda-url.localhost`;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/',
    rawQueryString: '',
    headers: { host: domainName, 'content-type': 'application/json', 'user-agent': 'lambda-secrets-local' },
    requestContext: {
      accountId: 'anonymous',
      apiId: domainPrefix,
      domainName,
      domainPrefix,
      http: {
        method: 'POST',
        path: '/',
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'lambda-secrets-local',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: '{}',
    isBase64Encoded: false,
  };
}
