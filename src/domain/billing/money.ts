import type { Prisma } from '../../generated/prisma/client.ts';

// Money is exact: decimal strings ("20.00") or integer cents (bigint), never floats. Prisma
// Decimal values are read through their string form.

const DECIMAL = /^(-?)(\d{1,12})(?:\.(\d{1,2}))?$/;

const SYMBOLS: Record<string, string> = { USD: '$', CAD: 'CA$', AUD: 'A$', EUR: '€', GBP: '£' };

/** Cents in a decimal amount ("20.5" → 2050n); undefined when it is not one. */
export function parseCents(amount: string): bigint | undefined {
  const match = DECIMAL.exec(amount.trim());
  if (!match?.[2]) return undefined;
  const cents = BigInt(match[2]) * 100n + BigInt((match[3] ?? '0').padEnd(2, '0'));
  return match[1] === '-' ? -cents : cents;
}

/** Cents of a Prisma Decimal or decimal string; throws on anything else (a bug, not input). */
export function toCents(amount: Prisma.Decimal | string): bigint {
  const text = typeof amount === 'string' ? amount : amount.toFixed(2);
  const cents = parseCents(text);
  if (cents === undefined) throw new Error(`Not a money amount: ${text}`);
  return cents;
}

/** "2050n" → "20.50", the form Prisma stores and dialogs keep in state. */
export function centsToDecimal(cents: bigint): string {
  const sign = cents < 0n ? '-' : '';
  const absolute = cents < 0n ? -cents : cents;
  return `${sign}${absolute / 100n}.${String(absolute % 100n).padStart(2, '0')}`;
}

/** What a customer reads: "$1,234.50", "-$10.00", "EUR 5.00" for a currency without a symbol here. */
export function formatMoney(amount: bigint | Prisma.Decimal | string, currency = 'USD'): string {
  const cents = typeof amount === 'bigint' ? amount : toCents(amount);
  const absolute = cents < 0n ? -cents : cents;
  const whole = (absolute / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fraction = String(absolute % 100n).padStart(2, '0');
  const symbol = SYMBOLS[currency] ?? `${currency} `;
  return `${cents < 0n ? '-' : ''}${symbol}${whole}.${fraction}`;
}

export function sumCents(amounts: readonly bigint[]): bigint {
  return amounts.reduce((sum, amount) => sum + amount, 0n);
}
