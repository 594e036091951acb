import { describe, expect, it } from 'vitest';
import { toE164 } from '../../src/lib/phone.ts';

describe('toE164', () => {
  it.each(['(555) 123-0001', '555 123 0001', '555.123.0001', '+1 555 123 0001', '15551230001', '1-555-123-0001', '+15551230001', 'my number is 555 123 0001'])(
    'reads the US number in "%s"',
    (text) => {
      expect(toE164(text)).toBe('+15551230001');
    },
  );

  it.each([
    ['+44 20 7946 0958', '+442079460958'],
    ['+4915112345678', '+4915112345678'],
    ['+49 151 1234 5678', '+4915112345678'],
    ['+33 6 12 34 56 78', '+33612345678'],
  ])('reads the international number %s', (text, e164) => {
    expect(toE164(text)).toBe(e164);
  });

  it('reads a national number in the country given', () => {
    expect(toE164('020 7946 0958', 'GB')).toBe('+442079460958');
    expect(toE164('0151 12345678', 'DE')).toBe('+4915112345678');
    expect(toE164('020 7946 0958')).toBeUndefined();
  });

  it.each(['', 'hello', '12345', '555 1230', '555123000123', '2026-11-27', '+999 1234567'])('reads no number in "%s"', (text) => {
    expect(toE164(text)).toBeUndefined();
  });

  it('answers the same when asked again (answers are kept), in each country apart', () => {
    for (let round = 0; round < 2; round++) {
      expect(toE164('(555) 123-0001')).toBe('+15551230001');
      expect(toE164('hello')).toBeUndefined();
      expect(toE164('020 7946 0958', 'GB')).toBe('+442079460958');
      expect(toE164('020 7946 0958')).toBeUndefined();
    }
  });
});
