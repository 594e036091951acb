import type { Prisma } from '../../generated/prisma/client.ts';

// Money is exact: decimal strings ("20.00") or integer cents (bigint), never floats. Prisma
// Decimal values are read through their string form.

const DECIMAL = /^(-?)(\d{1,12})(?:\.(\d{1,2}))?$/;

// Customer texts are in US English ("$1,234.50"); exact cents always, whatever the currency's usual digits.
const formatters = new Map<string, Intl.NumberFormat>();

function formatterFor(currency: string): Intl.NumberFormat {
  let formatter = formatters.get(currency);
  if (!formatter) {
    formatter = new Intl.NumberFormat('en-US', { style: 'currency', currency, currencyDisplay: 'symbol', minimumFractionDigits: 2, maximumFractionDigits: 2 });
    formatters.set(currency, formatter);
  }
  return formatter;
}

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

/** What a customer reads: "$1,234.50", "-$10.00", "€5.00", "CHF 5.00" for a currency without a symbol in US English. */
export function formatMoney(amount: bigint | Prisma.Decimal | string, currency = 'USD'): string {
  const cents = typeof amount === 'bigint' ? amount : toCents(amount);
  // A decimal string keeps the amount exact: Intl formats it digit for digit, no float on the way.
  const decimal = centsToDecimal(cents);
  if (!isDecimal(decimal)) throw new Error(`Not a money amount: ${decimal}`);
  return formatterFor(currency).format(decimal).replace(/\u00a0/g, ' ');
}

function isDecimal(text: string): text is `${number}` {
  return /^-?\d+\.\d{2}$/.test(text);
}

export function sumCents(amounts: readonly bigint[]): bigint {
  return amounts.reduce((sum, amount) => sum + amount, 0n);
}
