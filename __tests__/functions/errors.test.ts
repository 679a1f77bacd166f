import { describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  LambdaSecretsError,
  SecretNotProvisionedError,
  SecretRetrievalError,
  UpstreamRequestError,
  UpstreamTimeoutError,
} from '../../functions/shared/errors';

describe('errors', () => {
  it.each([
    ['ConfigurationError', new ConfigurationError('TARGET_URL', 'must be set')],
    ['SecretNotProvisionedError', new SecretNotProvisionedError('SSM parameter /p')],
    ['SecretRetrievalError', new SecretRetrievalError('failed')],
    ['UpstreamTimeoutError', new UpstreamTimeoutError(50)],
    ['UpstreamRequestError', new UpstreamRequestError('failed')],
  ])('names a %s after its class and derives it from the base class', (name, error) => {
    expect(error.name).toBe(name);
    expect(error).toBeInstanceOf(LambdaSecretsError);
  });

  it('keeps the cause it was given', () => {
    const cause = new Error('AccessDeniedException');
    expect(new SecretRetrievalError('failed', { cause }).cause).toBe(cause);
  });

  it('records the variable a ConfigurationError is about and names it in the message', () => {
    const error = new ConfigurationError('UPSTREAM_TIMEOUT_MS', 'must be an integer >= 1, got "0"');
    expect(error.variable).toBe('UPSTREAM_TIMEOUT_MS');
    expect(error.message).toBe('UPSTREAM_TIMEOUT_MS must be an integer >= 1, got "0"');
  });

  it('says how long the upstream was given in an UpstreamTimeoutError', () => {
    expect(new UpstreamTimeoutError(50).message).toContain('50 ms');
  });
});

describe('error names and messages', () => {
  it('names the base class after itself', () => {
    expect(new LambdaSecretsError('failed').name).toBe('LambdaSecretsError');
  });

  it('says which secret is not provisioned yet', () => {
    expect(new SecretNotProvisionedError('SSM parameter /p').message).toBe(
      'The secret held in SSM parameter /p has not been provisioned yet: it still holds the placeholder',
    );
  });
});
