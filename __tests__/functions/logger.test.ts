import { afterEach, describe, expect, it, vi } from 'vitest';
import { SecretRetrievalError } from '../../functions/shared/errors';
import { createLogger } from '../../functions/shared/logger';
import { accessDenied, captureLogs } from './support/fakes';

describe('createLogger', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('writes one JSON object per line with level, message and fields', () => {
    const logs = captureLogs();
    logs.logger.info('Upstream API accepted the request', { status: 200, durationMs: 12 });
    expect(logs.lines).toHaveLength(1);
    expect(JSON.parse(logs.lines[0])).toEqual({
      level: 'info',
      message: 'Upstream API accepted the request',
      status: 200,
      durationMs: 12,
    });
  });

  it.each(['info', 'warn', 'error'] as const)('records the %s level', (level) => {
    const logs = captureLogs();
    logs.logger[level]('message');
    expect(logs.entries()[0].level).toBe(level);
  });

  it('logs an error as its name and message only', () => {
    const logs = captureLogs();
    logs.logger.error('Invocation failed', { error: new Error('boom') });
    expect(logs.entries()[0].error).toEqual({ name: 'Error', message: 'boom' });
  });

  it('logs the name and message of the cause, such as an AWS SDK error', () => {
    const logs = captureLogs();
    logs.logger.error('Invocation failed', {
      error: new SecretRetrievalError('Could not retrieve the secret', { cause: accessDenied() }),
    });
    expect(logs.entries()[0].error).toEqual({
      name: 'SecretRetrievalError',
      message: 'Could not retrieve the secret',
      cause: { name: 'AccessDeniedException', message: accessDenied().message },
    });
  });

  it("withholds a parse error's message, which quotes the text it could not parse", () => {
    const logs = captureLogs();
    const parseError = (() => {
      try {
        return JSON.parse('tok_live_secret_answer') as never;
      } catch (error) {
        return error as SyntaxError;
      }
    })();
    logs.logger.error('Invocation failed', { error: new SecretRetrievalError('outer', { cause: parseError }) });
    expect(logs.lines[0]).not.toContain('tok_live');
    expect(logs.entries()[0].error).toMatchObject({ cause: { name: 'SyntaxError' } });
  });

  it('never prints a stack trace', () => {
    const logs = captureLogs();
    logs.logger.error('Invocation failed', {
      error: new SecretRetrievalError('outer', { cause: accessDenied() }),
    });
    expect(logs.lines[0]).not.toMatch(/stack|\bat .+:\d+:\d+/);
  });

  it('writes info lines to console.log by default', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    createLogger().info('hello');
    expect(log).toHaveBeenCalledWith('{"level":"info","message":"hello"}');
  });

  it.each(['warn', 'error'] as const)('writes %s lines to console.error by default', (level) => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    createLogger()[level]('hello');
    expect(error).toHaveBeenCalledWith(`{"level":"${level}","message":"hello"}`);
  });
});

describe('createLogger, withholding a parse error', () => {
  it('says why the message is withheld', () => {
    const logs = captureLogs();
    logs.logger.error('Invocation failed', {
      error: new SyntaxError('Unexpected token t in JSON at position 0: tok_live'),
    });
    expect(logs.entries()[0].error).toEqual({
      name: 'SyntaxError',
      message: '(withheld: a parse error quotes its input)',
    });
  });
});
