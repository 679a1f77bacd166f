import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SECRET_PLACEHOLDER } from '../../functions/shared/contract';
import { CIPHERTEXT, EVENT, KEY_ARN, PARAMETER_NAME } from './support/fakes';
import { loadFresh, stubEnv } from './support/fresh-entry';

// Held in constants because a literal dynamic import would need a ".js" extension under NodeNext.

const COMMON = { TARGET_URL: 'https://api.example.com/hook', AWS_REGION: 'eu-west-1' };

describe('entry points', () => {
  beforeEach(() => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    vi.spyOn(console, 'error').mockImplementation(() => {});
  });

  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  describe('method1-sample', () => {
    const ENTRY = 'functions/method1-sample/index';
    const COMPLETE = {
      ...COMMON,
      ENCRYPTED_API_TOKEN: CIPHERTEXT,
      AWS_LAMBDA_FUNCTION_NAME: 'method1-sample',
      KMS_KEY_ARN: KEY_ARN,
    };

    it('exports a handler that answers 503 while ENCRYPTED_API_TOKEN is the placeholder', async () => {
      stubEnv({ ...COMPLETE, ENCRYPTED_API_TOKEN: SECRET_PLACEHOLDER });
      const { entry } = await loadFresh(ENTRY);
      const { handler } = await entry;
      await expect(handler(EVENT)).resolves.toMatchObject({ statusCode: 503 });
    });

    it.each(['TARGET_URL', 'ENCRYPTED_API_TOKEN', 'AWS_LAMBDA_FUNCTION_NAME', 'KMS_KEY_ARN'])(
      'throws a ConfigurationError naming %s at import when it is missing',
      async (variable) => {
        stubEnv({ ...COMPLETE, [variable]: undefined });
        const { entry, ConfigurationError } = await loadFresh(ENTRY);
        await expect(entry).rejects.toSatisfy(
          (error) => error instanceof ConfigurationError && error.variable === variable,
        );
      },
    );

    it('throws at import, without echoing it, when ENCRYPTED_API_TOKEN is not base64', async () => {
      const pastedToken = 'tok_live_pasted-by-mistake!';
      stubEnv({ ...COMPLETE, ENCRYPTED_API_TOKEN: pastedToken });
      const { entry, ConfigurationError } = await loadFresh(ENTRY);
      await expect(entry).rejects.toSatisfy(
        (error) =>
          error instanceof ConfigurationError &&
          error.variable === 'ENCRYPTED_API_TOKEN' &&
          !error.message.includes(pastedToken),
      );
    });
  });

  // Each entry that names its store in one variable: the SSM parameter's name, the secret's id.
  describe.each([
    ['method2-sample', 'functions/method2-sample/index', 'API_TOKEN_PARAMETER_NAME', PARAMETER_NAME],
    [
      'method2-sample through the extension',
      'functions/method2-sample/extension',
      'API_TOKEN_PARAMETER_NAME',
      PARAMETER_NAME,
    ],
    ['method3-sample', 'functions/method3-sample/index', 'API_TOKEN_SECRET_ID', 'sample-app/lambda/sample-api-token'],
    [
      'method3-sample through the extension',
      'functions/method3-sample/extension',
      'API_TOKEN_SECRET_ID',
      'sample-app/lambda/sample-api-token',
    ],
  ])('%s', (_name, ENTRY, STORE_VARIABLE, STORE) => {
    const COMPLETE = { ...COMMON, [STORE_VARIABLE]: STORE };

    it('exports a handler when the environment is complete', async () => {
      stubEnv(COMPLETE);
      const { entry } = await loadFresh(ENTRY);
      expect(typeof (await entry).handler).toBe('function');
    });

    it.each(['TARGET_URL', STORE_VARIABLE])(
      'throws a ConfigurationError naming %s at import when it is missing',
      async (variable) => {
        stubEnv({ ...COMPLETE, [variable]: undefined });
        const { entry, ConfigurationError } = await loadFresh(ENTRY);
        await expect(entry).rejects.toSatisfy(
          (error) => error instanceof ConfigurationError && error.variable === variable,
        );
      },
    );
  });

  it.each(['http', '0', '65536'])(
    'throws at import a ConfigurationError naming the extension port %s, which is no port',
    async (port) => {
      stubEnv({ ...COMMON, API_TOKEN_PARAMETER_NAME: PARAMETER_NAME, PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: port });
      const { entry, ConfigurationError } = await loadFresh('functions/method2-sample/extension');
      await expect(entry).rejects.toSatisfy(
        (error) => error instanceof ConfigurationError && error.variable === 'PARAMETERS_SECRETS_EXTENSION_HTTP_PORT',
      );
    },
  );
});
