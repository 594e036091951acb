import { describe, expect, it } from 'vitest';
import { faultFoundText, testName } from '../../src/domain/tickets/diagnostics.ts';

// What the customer is told when the automated test finds the fault: in words for their service.
describe('diagnostic wording', () => {
  it('calls a mobile test a network check, never a line test', () => {
    const text = faultFoundText('TT-100001', 'mobile', 'The phone is not registered on the network');
    expect(text).toBe('TT-100001: our network check found the problem (the phone is not registered on the network). Our network team is on it and we will keep you posted.');
    expect(text).not.toMatch(/line/i);
  });

  it('keeps the line test for fixed lines', () => {
    expect(faultFoundText('TT-100002', 'internet', 'High noise on the line')).toBe(
      'TT-100002: our line test found the problem (high noise on the line). A repair technician is on it and we will keep you posted.',
    );
    expect([testName('internet'), testName('landline'), testName('mobile'), testName('tv')]).toEqual(['line test', 'line test', 'network check', 'TV box check']);
  });
});
