import { describe, expect, it } from 'vitest';
import {
  BEARER_TOKEN_RULE,
  ENCRYPTION_CONTEXT_KEY,
  isBearerToken,
  isTargetUrl,
  KMS_KEY_ARN,
  TARGET_URL_RULE,
  targetUrlForMessage,
} from '../../functions/shared/contract';

describe('isTargetUrl', () => {
  it.each(['http://127.0.0.1:8080/hook', 'http://127.100.200.255/', 'http://localhost/', 'http://[::1]/'])(
    'allows plain http to the loopback host %s',
    (url) => {
      expect(isTargetUrl(url)).toBe(true);
    },
  );

  it.each(['http://127.0.0.1.example.com/', 'http://localhost.example.com/', 'http://128.0.0.1/'])(
    'refuses plain http to %s, which only looks like a loopback host',
    (url) => {
      expect(isTargetUrl(url)).toBe(false);
    },
  );

  it.each(['ftp://127.0.0.1/', 'ws://localhost/', 'file://localhost/etc/passwd'])(
    'refuses a scheme other than http(s), even to a loopback host: %s',
    (url) => {
      expect(isTargetUrl(url)).toBe(false);
    },
  );

  it('allows https to any host', () => {
    expect(isTargetUrl('https://api.example.com/hook')).toBe(true);
  });

  it.each(['https://user@api.example.com/', 'https://:s3cret@api.example.com/', 'http://user:pw@127.0.0.1/'])(
    'refuses a URL that carries credentials: %s',
    (url) => {
      expect(isTargetUrl(url)).toBe(false);
    },
  );
});

describe('targetUrlForMessage', () => {
  it('repeats a URL without "@"', () => {
    expect(targetUrlForMessage('https://api.example.com/hook')).toBe('https://api.example.com/hook');
  });

  it('withholds a URL with "@", which may hold a password', () => {
    expect(targetUrlForMessage('https://user:pw@api.example.com/')).toBe('(withheld: it may hold a password)');
  });
});

describe('KMS_KEY_ARN', () => {
  it.each([
    'arn:aws:kms:ap-northeast-1:111122223333:key/0f1e2d3c-4b5a-6978-8a9b-acbdcedf0011',
    'arn:aws-cn:kms:cn-north-1:111122223333:key/mrk-1234abcd',
    'arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/0f1e2d3c',
  ])('matches the key ARN %s', (arn) => {
    expect(KMS_KEY_ARN.test(arn)).toBe(true);
  });

  it('captures the key id', () => {
    expect(KMS_KEY_ARN.exec('arn:aws:kms:eu-west-1:111122223333:key/mrk-1234abcd')?.[1]).toBe('mrk-1234abcd');
  });

  it.each([
    ['an alias ARN', 'arn:aws:kms:eu-west-1:111122223333:alias/method1-sample'],
    ['text before the ARN', 'x-arn:aws:kms:eu-west-1:111122223333:key/1234abcd'],
    ['text after the key id', 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd/extra'],
    ['an account that is not 12 digits', 'arn:aws:kms:eu-west-1:11112222333:key/1234abcd'],
    ['another service', 'arn:aws:ssm:eu-west-1:111122223333:key/1234abcd'],
  ])('does not match %s', (_name, arn) => {
    expect(KMS_KEY_ARN.test(arn)).toBe(false);
  });
});

describe('isBearerToken', () => {
  it('accepts printable ASCII', () => {
    expect(isBearerToken('tok_live_7Qx9~!#')).toBe(true);
  });

  it.each([
    ['an empty value', ''],
    ['a space', 'tok en'],
    ['a line break at the end', 'token\n'],
    ['a control character at the start', '\x01token'],
    ['DEL', 'token\x7f'],
  ])('refuses %s', (_name, value) => {
    expect(isBearerToken(value)).toBe(false);
  });
});

describe('rules repeated in messages', () => {
  it('states the target URL rule', () => {
    expect(TARGET_URL_RULE).toBe('an absolute https URL without credentials (http only to a loopback host)');
  });

  it('states the Bearer token rule', () => {
    expect(BEARER_TOKEN_RULE).toBe('printable ASCII without spaces or control characters');
  });

  it('binds ciphertexts to the function with the encryption context key the Lambda console uses', () => {
    expect(ENCRYPTION_CONTEXT_KEY).toBe('LambdaFunctionName');
  });
});
