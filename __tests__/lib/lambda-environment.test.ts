import { describe, expect, it } from 'vitest';
import {
  assertEnvironmentFits,
  EnvironmentTooLargeError,
  environmentSize,
  LAMBDA_ENVIRONMENT_LIMIT_BYTES,
} from '../../lib/lambda-environment';

describe('environmentSize', () => {
  it('measures the UTF-8 JSON of the variables, as Lambda does', () => {
    expect(environmentSize({ A: 'b' })).toBe('{"A":"b"}'.length);
    expect(environmentSize({ A: 'é' })).toBe('{"A":"é"}'.length + 1);
  });
});

describe('assertEnvironmentFits', () => {
  const fill = (size: number) => ({ K: 'x'.repeat(size - environmentSize({ K: '' })) });

  it('accepts an environment of exactly 4096 bytes', () => {
    expect(() => assertEnvironmentFits('fn', fill(LAMBDA_ENVIRONMENT_LIMIT_BYTES))).not.toThrow();
  });

  it('names the largest variables, so the one to shorten is plain', () => {
    expect(() => assertEnvironmentFits('fn', { SMALL: 'x', TARGET_URL: 'x'.repeat(4100) })).toThrow(
      'Largest variables: TARGET_URL (4100 bytes), SMALL (1 bytes)',
    );
  });

  it('advises SSM only when the secret itself is the largest variable', () => {
    const advice = 'keep a large secret in SSM Parameter Store';
    expect(() => assertEnvironmentFits('fn', { ENCRYPTED_API_TOKEN: 'x'.repeat(4100) })).toThrow(advice);
    expect(() => assertEnvironmentFits('fn', { TARGET_URL: 'x'.repeat(4100) })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(advice) }),
    );
  });

  it('rejects 4097 bytes with the function name and the size', () => {
    expect(() => assertEnvironmentFits('fn', fill(4097))).toThrow(EnvironmentTooLargeError);
    expect(() => assertEnvironmentFits('fn', fill(4097))).toThrow('Environment of function "fn" is 4097 bytes');
  });
});
