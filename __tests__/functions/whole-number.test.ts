import { describe, expect, it } from 'vitest';
import { parseWholeNumber } from '../../functions/shared/whole-number';

describe('parseWholeNumber', () => {
  it.each([
    ['0', 0],
    ['7', 7],
    ['6000', 6000],
    ['007', 7],
  ])('reads %o as %d', (text, value) => {
    expect(parseWholeNumber(text)).toBe(value);
  });

  it.each(['', ' ', ' 5', '5 ', '1e3', '0x10', '0b1', '2.0', '2.5', '-1', '+1', 'Infinity', 'NaN', '9007199254740993'])(
    'refuses %o, which Number() would read as something else or which is out of the safe range',
    (text) => {
      expect(parseWholeNumber(text)).toBeUndefined();
    },
  );
});
