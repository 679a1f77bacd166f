/** Each entry builds its store client with AWS_CLIENT_CONFIG, whose timeouts are proven elsewhere. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AWS_CLIENT_CONFIG } from '../../functions/shared/aws-client-config';
import { CIPHERTEXT, KEY_ARN, PARAMETER_NAME } from './support/fakes';

// Records every client construction, then builds the real client.
const constructed = vi.hoisted(() => [] as [string, unknown][]);

vi.mock('@aws-sdk/client-kms', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@aws-sdk/client-kms')>();
  class KMSClient extends actual.KMSClient {
    constructor(...args: ConstructorParameters<typeof actual.KMSClient>) {
      super(...args);
      constructed.push(['KMSClient', args[0]]);
    }
  }
  return { ...actual, KMSClient };
});

vi.mock('@aws-sdk/client-ssm', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@aws-sdk/client-ssm')>();
  class SSMClient extends actual.SSMClient {
    constructor(...args: ConstructorParameters<typeof actual.SSMClient>) {
      super(...args);
      constructed.push(['SSMClient', args[0]]);
    }
  }
  return { ...actual, SSMClient };
});

const COMMON = { TARGET_URL: 'https://api.example.com/hook', AWS_REGION: 'eu-west-1' };

describe('entry clients', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
    constructed.length = 0;
  });

  it.each([
    [
      'method1-sample',
      'KMSClient',
      { ...COMMON, ENCRYPTED_API_TOKEN: CIPHERTEXT, AWS_LAMBDA_FUNCTION_NAME: 'method1-sample', KMS_KEY_ARN: KEY_ARN },
    ],
    ['method2-sample', 'SSMClient', { ...COMMON, API_TOKEN_PARAMETER_NAME: PARAMETER_NAME }],
  ])('%s builds its %s with AWS_CLIENT_CONFIG', async (entry, client, environment) => {
    for (const [name, value] of Object.entries(environment)) vi.stubEnv(name, value);
    await import(`../../functions/${entry}/index.ts`);
    expect(constructed).toEqual([[client, AWS_CLIENT_CONFIG]]);
  });
});
