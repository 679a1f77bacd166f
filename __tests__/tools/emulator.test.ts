import { describe, expect, it } from 'vitest';
import { requestedEmulatorPort } from '../../tools/emulator';
import { InvalidEnvironmentVariableError } from '../../tools/errors';

describe('requestedEmulatorPort', () => {
  it('leaves the port to the system when MOTO_PORT is unset', () => {
    expect(requestedEmulatorPort({})).toBeUndefined();
  });

  it('leaves the port to the system when MOTO_PORT is empty', () => {
    expect(requestedEmulatorPort({ MOTO_PORT: '' })).toBeUndefined();
  });

  it('returns the port MOTO_PORT names', () => {
    expect(requestedEmulatorPort({ MOTO_PORT: '5055' })).toBe(5055);
  });

  it.each(['abc', '0', '65536', '50.5', '-1', ' 5055'])('rejects MOTO_PORT=%j, naming the variable', (value) => {
    expect(() => requestedEmulatorPort({ MOTO_PORT: value })).toThrow(
      expect.objectContaining({
        constructor: InvalidEnvironmentVariableError,
        variable: 'MOTO_PORT',
        message: expect.stringContaining('MOTO_PORT must be a TCP port from 1 to 65535'),
      }),
    );
  });
});
