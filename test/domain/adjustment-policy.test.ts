import { describe, expect, it } from 'vitest';
import type { AdjustmentPolicySettings } from '../../src/app/config/index.ts';
import { decideAdjustment, needsOneTimeCode, type AdjustmentFacts } from '../../src/domain/billing/adjustment-policy.ts';
import { centsToDecimal, formatMoney, parseCents, toCents } from '../../src/domain/billing/money.ts';

const settings: AdjustmentPolicySettings = { autoApproveLimit: '25.00', autoApprovePerPeriod: 2, periodDays: 90, otpThreshold: '10.00' };

const facts = (amount: string, policyApprovedInPeriod = 0, chargeOnBill = true): AdjustmentFacts => ({
  amountCents: toCents(amount),
  chargeOnBill,
  policyApprovedInPeriod,
});

describe('decideAdjustment', () => {
  it.each([
    { name: 'one cent', facts: facts('0.01'), status: 'approved', code: 'withinPolicy' },
    { name: 'exactly at the limit', facts: facts('25.00'), status: 'approved', code: 'withinPolicy' },
    { name: 'one cent above the limit', facts: facts('25.01'), status: 'pending', code: 'overLimit' },
    { name: 'far above the limit', facts: facts('80.00'), status: 'pending', code: 'overLimit' },
    { name: 'one policy credit already', facts: facts('5.00', 1), status: 'approved', code: 'withinPolicy' },
    { name: 'as many policy credits as allowed', facts: facts('5.00', 2), status: 'pending', code: 'overPeriodCount' },
    { name: 'more policy credits than allowed', facts: facts('5.00', 7), status: 'pending', code: 'overPeriodCount' },
    { name: 'a charge not on the bill', facts: facts('5.00', 0, false), status: 'pending', code: 'chargeNotOnBill' },
    { name: 'over the limit and over the count', facts: facts('30.00', 2), status: 'pending', code: 'overLimit' },
  ] as const)('$name → $status ($code)', ({ facts: input, status, code }) => {
    const decision = decideAdjustment(input, settings);
    expect(decision.status).toBe(status);
    expect(decision.code).toBe(code);
    expect(decision.reason.length).toBeGreaterThan(10);
  });

  it('says why in the decision reason, with exact amounts', () => {
    expect(decideAdjustment(facts('25.01'), settings).reason).toContain('25.01 is above the auto-approval limit of 25.00');
    expect(decideAdjustment(facts('5.00', 2), settings).reason).toMatch(/2 credit\(s\) approved automatically in the last 90 days/);
    expect(decideAdjustment(facts('25.00', 1), settings).reason).toMatch(/credit 2 of 2 in 90 days/);
  });

  it('never approves anything when the period allows no automatic credits', () => {
    expect(decideAdjustment(facts('0.01'), { ...settings, autoApprovePerPeriod: 0 }).status).toBe('pending');
  });

  it('honours a limit with cents', () => {
    const odd = { ...settings, autoApproveLimit: '12.34' };
    expect(decideAdjustment(facts('12.34'), odd).status).toBe('approved');
    expect(decideAdjustment(facts('12.35'), odd).status).toBe('pending');
  });
});

describe('needsOneTimeCode', () => {
  it.each([
    ['9.99', false],
    ['10.00', false],
    ['10.01', true],
    ['80.00', true],
  ] as const)('%s → %s', (amount, expected) => {
    expect(needsOneTimeCode(toCents(amount), settings)).toBe(expected);
  });
});

describe('money', () => {
  it.each([
    ['20', 2000n],
    ['20.5', 2050n],
    ['0.01', 1n],
    ['-10.00', -1000n],
    ['1234567.89', 123456789n],
  ] as const)('parses %s exactly', (text, cents) => {
    expect(parseCents(text)).toBe(cents);
  });

  it.each(['', 'abc', '1.234', '1e3', '0x10', '12.3.4'])('refuses %j', (text) => {
    expect(parseCents(text)).toBeUndefined();
  });

  it('formats without floating point', () => {
    expect(formatMoney('334.17')).toBe('$334.17');
    expect(formatMoney(-1000n)).toBe('-$10.00');
    expect(formatMoney('1234567.89')).toBe('$1,234,567.89');
    expect(formatMoney('0.10', 'EUR')).toBe('€0.10');
    expect(formatMoney('5.00', 'CHF')).toBe('CHF 5.00');
    expect(centsToDecimal(toCents('0.1') + toCents('0.2'))).toBe('0.30');
  });
});
