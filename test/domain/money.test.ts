import { describe, expect, it } from 'vitest';
import { formatMoney } from '../../src/domain/billing/money.ts';

describe('formatMoney', () => {
  it.each<[bigint | string, string, string]>([
    ['1234.5', 'USD', '$1,234.50'],
    ['-10', 'USD', '-$10.00'],
    ['0', 'USD', '$0.00'],
    [-123456789012345n, 'USD', '-$1,234,567,890,123.45'],
    ['5', 'EUR', '€5.00'],
    ['5', 'GBP', '£5.00'],
    ['5', 'CAD', 'CA$5.00'],
    ['5', 'AUD', 'A$5.00'],
    ['5', 'CHF', 'CHF 5.00'],
  ])('%s %s → %s', (amount, currency, text) => {
    expect(formatMoney(amount, currency)).toBe(text);
  });
});
