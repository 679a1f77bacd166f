import { describe, expect, it } from 'vitest';
import {
  readExtensionConnection,
  readOptionalString,
  readCiphertext,
  readHttpUrl,
  readInteger,
  readKmsKeyArn,
  readRequiredString,
  readUpstreamConfig,
  type Environment,
} from '../../functions/shared/config';
import { SECRET_PLACEHOLDER } from '../../functions/shared/contract';
import { ConfigurationError } from '../../functions/shared/errors';
import { CIPHERTEXT, KEY_ARN } from './support/fakes';

function configurationErrorOf(read: () => unknown): ConfigurationError {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return error as ConfigurationError;
  }
  throw new Error('expected a ConfigurationError, but nothing was thrown');
}

const VALID: Environment = { TARGET_URL: 'https://api.example.com/hook' };

describe('readRequiredString', () => {
  it('returns the value without surrounding whitespace', () => {
    expect(readRequiredString({ NAME: '  value \n' }, 'NAME')).toBe('value');
  });

  it('rejects a missing variable, naming it', () => {
    expect(configurationErrorOf(() => readRequiredString({}, 'NAME')).variable).toBe('NAME');
  });

  it('rejects a blank variable, naming it', () => {
    expect(configurationErrorOf(() => readRequiredString({ NAME: '   ' }, 'NAME')).variable).toBe('NAME');
  });
});

describe('readHttpUrl', () => {
  it.each(['https://api.example.com/hook', 'http://127.0.0.1:8080', 'http://localhost:9000/x', 'http://[::1]:9000/'])(
    'accepts %s',
    (url) => {
      expect(readHttpUrl({ URL: url }, 'URL')).toBe(url);
    },
  );

  it.each([
    'not a url',
    '/relative/path',
    'ftp://files.example.com/x',
    'http://api.example.com/hook',
    'http://10.0.0.1/',
  ])('rejects "%s", naming the variable and echoing the value', (url) => {
    const error = configurationErrorOf(() => readHttpUrl({ URL: url }, 'URL'));
    expect(error.variable).toBe('URL');
    expect(error.message).toContain(url);
  });

  it('rejects a URL with credentials without echoing them', () => {
    const error = configurationErrorOf(() => readHttpUrl({ URL: 'https://user:s3cret@api.example.com' }, 'URL'));
    expect(error.message).toBe(
      'URL must be an absolute https URL without credentials (http only to a loopback host), got "(withheld: it may hold a password)"',
    );
  });
});

describe('readInteger', () => {
  const options = { defaultValue: 7, minimum: 1 };

  it('returns the default when the variable is unset', () => {
    expect(readInteger({}, 'N', options)).toBe(7);
  });

  it('returns the default when the variable is empty', () => {
    expect(readInteger({ N: '' }, 'N', options)).toBe(7);
  });

  it('parses a whole decimal number', () => {
    expect(readInteger({ N: '250' }, 'N', options)).toBe(250);
  });

  it('accepts the minimum itself', () => {
    expect(readInteger({ N: '0' }, 'N', { defaultValue: 5, minimum: 0 })).toBe(0);
  });

  it.each(['0', '-1', '2.5', '1e3', '0x10', 'ten', '99999999999999999999'])(
    'rejects "%s" when the minimum is 1, naming the variable',
    (value) => {
      expect(configurationErrorOf(() => readInteger({ N: value }, 'N', options)).variable).toBe('N');
    },
  );
});

describe('readCiphertext', () => {
  it('accepts base64', () => {
    expect(readCiphertext({ C: CIPHERTEXT }, 'C')).toBe(CIPHERTEXT);
  });

  it('accepts the placeholder, which is reported per request instead', () => {
    expect(readCiphertext({ C: SECRET_PLACEHOLDER }, 'C')).toBe(SECRET_PLACEHOLDER);
  });

  it('rejects a missing variable, naming it', () => {
    expect(configurationErrorOf(() => readCiphertext({}, 'C')).variable).toBe('C');
  });

  it('rejects a value that is not base64, naming the variable', () => {
    expect(configurationErrorOf(() => readCiphertext({ C: 'tok_live_pasted!token' }, 'C')).variable).toBe('C');
  });

  it('does not repeat a non-base64 value in the message, since it may be a pasted token', () => {
    const value = 'tok_live_pasted!token';
    expect(configurationErrorOf(() => readCiphertext({ C: value }, 'C')).message).not.toContain(value);
  });

  it('rejects base64 with missing padding', () => {
    expect(configurationErrorOf(() => readCiphertext({ C: 'YWJjZA' }, 'C')).variable).toBe('C');
  });
});

describe('readKmsKeyArn', () => {
  it('accepts a key ARN', () => {
    expect(readKmsKeyArn({ K: KEY_ARN }, 'K')).toBe(KEY_ARN);
  });

  it('rejects an alias, which anyone allowed to manage aliases can repoint', () => {
    expect(configurationErrorOf(() => readKmsKeyArn({ K: 'alias/method1-sample' }, 'K')).variable).toBe('K');
  });

  it('rejects an alias ARN', () => {
    const aliasArn = 'arn:aws:kms:ap-northeast-1:111122223333:alias/method1-sample';
    expect(configurationErrorOf(() => readKmsKeyArn({ K: aliasArn }, 'K')).variable).toBe('K');
  });

  it('rejects a missing variable, naming it', () => {
    expect(configurationErrorOf(() => readKmsKeyArn({}, 'K')).variable).toBe('K');
  });
});

describe('readUpstreamConfig', () => {
  it('defaults to a 5000 ms timeout and a 300 s cache', () => {
    expect(readUpstreamConfig(VALID)).toEqual({
      targetUrl: 'https://api.example.com/hook',
      upstreamTimeoutMs: 5000,
      secretCacheTtlSeconds: 300,
    });
  });

  it('reads the optional timeout and TTL', () => {
    const config = readUpstreamConfig({ ...VALID, UPSTREAM_TIMEOUT_MS: '1500', SECRET_CACHE_TTL_SECONDS: '0' });
    expect([config.upstreamTimeoutMs, config.secretCacheTtlSeconds]).toEqual([1500, 0]);
  });

  it('names TARGET_URL when it is missing', () => {
    expect(configurationErrorOf(() => readUpstreamConfig({})).variable).toBe('TARGET_URL');
  });

  it('names TARGET_URL when it is malformed', () => {
    expect(configurationErrorOf(() => readUpstreamConfig({ TARGET_URL: 'api.example.com' })).variable).toBe(
      'TARGET_URL',
    );
  });

  it('names UPSTREAM_TIMEOUT_MS when it is 0', () => {
    expect(configurationErrorOf(() => readUpstreamConfig({ ...VALID, UPSTREAM_TIMEOUT_MS: '0' })).variable).toBe(
      'UPSTREAM_TIMEOUT_MS',
    );
  });

  it('names UPSTREAM_TIMEOUT_MS when it is not a number', () => {
    expect(configurationErrorOf(() => readUpstreamConfig({ ...VALID, UPSTREAM_TIMEOUT_MS: '5s' })).variable).toBe(
      'UPSTREAM_TIMEOUT_MS',
    );
  });

  it('names SECRET_CACHE_TTL_SECONDS when it is negative', () => {
    expect(configurationErrorOf(() => readUpstreamConfig({ ...VALID, SECRET_CACHE_TTL_SECONDS: '-5' })).variable).toBe(
      'SECRET_CACHE_TTL_SECONDS',
    );
  });
});

describe('configuration messages', () => {
  it('says that a missing variable must be set', () => {
    expect(configurationErrorOf(() => readRequiredString({}, 'NAME')).message).toBe('NAME must be set');
  });

  it('reads an integer written with surrounding whitespace', () => {
    expect(readInteger({ N: ' 42\n' }, 'N', { defaultValue: 7, minimum: 1 })).toBe(42);
  });

  it('accepts the maximum itself', () => {
    expect(readInteger({ N: '10' }, 'N', { defaultValue: 7, minimum: 1, maximum: 10 })).toBe(10);
  });

  it('refuses one above the maximum, stating the range', () => {
    const error = configurationErrorOf(() =>
      readInteger({ N: '11' }, 'N', { defaultValue: 7, minimum: 1, maximum: 10 }),
    );
    expect(error.message).toBe('N must be an integer from 1 to 10, got "11"');
  });

  it('states the lower bound alone when there is no maximum', () => {
    const error = configurationErrorOf(() => readInteger({ N: '0' }, 'N', { defaultValue: 7, minimum: 1 }));
    expect(error.message).toBe('N must be an integer >= 1, got "0"');
  });

  it('says what a ciphertext must be', () => {
    expect(configurationErrorOf(() => readCiphertext({ C: 'not base64!' }, 'C')).message).toBe(
      'C must be base64-encoded KMS ciphertext',
    );
  });

  it('says what a key ARN must be', () => {
    expect(configurationErrorOf(() => readKmsKeyArn({ K: 'alias/x' }, 'K')).message).toBe(
      'K must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), got "alias/x"',
    );
  });
});

describe('readCiphertext, base64 as KMS writes it', () => {
  it.each([
    ['one padding character', 'YWJjZGU='],
    ['two padding characters', 'YWJjZA=='],
    ['no padding', 'YWJjZGVm'],
  ])('accepts base64 with %s', (_name, value) => {
    expect(readCiphertext({ C: value }, 'C')).toBe(value);
  });

  it.each([
    ['a character outside the alphabet first', '!WJjZGVm'],
    ['a character outside the alphabet last', 'YWJjZGV!'],
    ['a group of three without padding', 'YWJjZGV'],
    ['padding inside', 'YW==ZGVm'],
    ['two padding characters after three', 'YWJ=='],
    ['one padding character after two', 'YW='],
  ])('refuses %s', (_name, value) => {
    expect(configurationErrorOf(() => readCiphertext({ C: value }, 'C')).variable).toBe('C');
  });
});

describe('readExtensionConnection', () => {
  it('reaches the extension on its default port unless told otherwise', () => {
    expect(readExtensionConnection({}).port).toBe(2773);
    expect(readExtensionConnection({ PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: '3000' }).port).toBe(3000);
  });

  it('refuses a port outside 1 to 65535, naming the variable', () => {
    expect(() => readExtensionConnection({ PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: '65536' })).toThrow(
      /PARAMETERS_SECRETS_EXTENSION_HTTP_PORT/,
    );
  });

  it('reads the session token on each request, as Lambda may renew it', () => {
    const env: Record<string, string> = { AWS_SESSION_TOKEN: 'first' };
    const { sessionToken } = readExtensionConnection(env);
    env.AWS_SESSION_TOKEN = 'renewed';
    expect(sessionToken()).toBe('renewed');
  });
});

describe('readOptionalString', () => {
  it.each([
    ['unset', {}],
    ['empty', { FIELD: '' }],
    ['blank', { FIELD: ' \t ' }],
  ])('means "not given" when the variable is %s', (_, env) => {
    expect(readOptionalString(env, 'FIELD')).toBeUndefined();
  });

  it('gives the value without surrounding whitespace', () => {
    expect(readOptionalString({ FIELD: '  token  ' }, 'FIELD')).toBe('token');
  });
});
