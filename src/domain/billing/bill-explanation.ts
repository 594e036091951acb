import type { ServiceType } from '../../generated/prisma/client.ts';
import { SERVICE_TYPES } from '../service-types.ts';
import type { BillView, ChargeView } from './bills.service.ts';
import { sumCents, toCents } from './money.ts';

// What a bill is made of, and why it differs from the one before, in a few groups rather than
// every line: the facts a short reply is worded from. Pure.

export type ChargeGroup =
  | { kind: 'service'; serviceType: ServiceType; cents: bigint; names: string[] }
  | { kind: 'oneTime'; cents: bigint; names: string[] }
  | { kind: 'usage'; cents: bigint; names: string[] }
  | { kind: 'credit'; cents: bigint; names: string[] }
  | { kind: 'tax'; cents: bigint }
  | { kind: 'other'; cents: bigint; names: string[] };

/** The bill's lines grouped: monthly charges per service, then one-time fees, usage, credits, taxes. */
export function groupCharges(bill: BillView): ChargeGroup[] {
  const groups: ChargeGroup[] = [];
  const recurring = bill.charges.filter((charge) => charge.chargeType === 'recurring');
  for (const serviceType of SERVICE_TYPES) {
    const lines = recurring.filter((charge) => charge.serviceType === serviceType);
    if (lines.length > 0) groups.push({ kind: 'service', serviceType, cents: total(lines), names: lines.map(chargeName) });
  }
  const unassigned = recurring.filter((charge) => charge.serviceType === null);
  if (unassigned.length > 0) groups.push({ kind: 'other', cents: total(unassigned), names: unassigned.map(chargeName) });
  for (const kind of ['oneTime', 'usage', 'credit'] as const) {
    const lines = bill.charges.filter((charge) => charge.chargeType === kind);
    if (lines.length > 0) groups.push({ kind, cents: total(lines), names: lines.map(chargeName) });
  }
  const taxes = bill.charges.filter((charge) => charge.chargeType === 'tax');
  if (taxes.length > 0) groups.push({ kind: 'tax', cents: total(taxes) });
  return groups;
}

export type BillChange =
  /** A product billed now that was not billed last time. */
  | { kind: 'newProduct'; name: string; cents: bigint }
  /** A product billed last time and not now. */
  | { kind: 'endedProduct'; name: string; cents: bigint }
  | { kind: 'priceChange'; name: string; cents: bigint }
  /** A one-time fee on this bill (cents > 0) or on the last one only (cents < 0). */
  | { kind: 'oneTimeFee'; name: string; cents: bigint }
  /** Usage in total; names are this bill's usage lines (or the last bill's, when usage fell). */
  | { kind: 'usage'; cents: bigint; names: string[] }
  /** Credits in total: positive when there is less credit than last time. */
  | { kind: 'credits'; cents: bigint }
  | { kind: 'taxes'; cents: bigint };

export interface BillComparison {
  /** This bill's total minus the previous bill's. */
  differenceCents: bigint;
  /** Largest effect first; they add up to the difference when each bill's total is the sum of its lines. */
  changes: BillChange[];
}

/** Why `current` differs from `previous`, by product and by kind of charge. */
export function compareBills(current: BillView, previous: BillView): BillComparison {
  const changes: BillChange[] = [];
  const recurringNow = byProduct(current.charges.filter((charge) => charge.chargeType === 'recurring'));
  const recurringBefore = byProduct(previous.charges.filter((charge) => charge.chargeType === 'recurring'));
  for (const [key, now] of recurringNow) {
    const before = recurringBefore.get(key);
    if (!before) changes.push({ kind: 'newProduct', name: now.name, cents: now.cents });
    else if (before.cents !== now.cents) changes.push({ kind: 'priceChange', name: now.name, cents: now.cents - before.cents });
  }
  for (const [key, before] of recurringBefore) {
    if (!recurringNow.has(key)) changes.push({ kind: 'endedProduct', name: before.name, cents: -before.cents });
  }
  for (const charge of current.charges.filter((line) => line.chargeType === 'oneTime')) {
    changes.push({ kind: 'oneTimeFee', name: chargeName(charge), cents: toCents(charge.amount) });
  }
  for (const charge of previous.charges.filter((line) => line.chargeType === 'oneTime')) {
    changes.push({ kind: 'oneTimeFee', name: chargeName(charge), cents: -toCents(charge.amount) });
  }
  const usageNow = current.charges.filter((charge) => charge.chargeType === 'usage');
  const usageBefore = previous.charges.filter((charge) => charge.chargeType === 'usage');
  const usageDelta = total(usageNow) - total(usageBefore);
  if (usageDelta !== 0n) changes.push({ kind: 'usage', cents: usageDelta, names: (usageDelta > 0n ? usageNow : usageBefore).map(chargeName) });
  const creditDelta = kindTotal(current, 'credit') - kindTotal(previous, 'credit');
  if (creditDelta !== 0n) changes.push({ kind: 'credits', cents: creditDelta });
  const taxDelta = kindTotal(current, 'tax') - kindTotal(previous, 'tax');
  if (taxDelta !== 0n) changes.push({ kind: 'taxes', cents: taxDelta });
  changes.sort((a, b) => compareMagnitude(b.cents, a.cents));
  return { differenceCents: toCents(current.amountDue) - toCents(previous.amountDue), changes };
}

/** A charge's name without the words every line of its kind repeats ("International calls", "Mesh Wi-Fi Extender setup"). */
export function chargeName(charge: ChargeView): string {
  if (charge.chargeType === 'recurring' && charge.productName) return charge.productName;
  return charge.description
    .replace(/\s+monthly charge$/i, '')
    .replace(/\s+setup and activation$/i, ' setup')
    .replace(/:\s.*$/, '');
}

function byProduct(charges: readonly ChargeView[]): Map<string, { name: string; cents: bigint }> {
  const map = new Map<string, { name: string; cents: bigint }>();
  for (const charge of charges) {
    const key = charge.productId ?? charge.description;
    const entry = map.get(key);
    map.set(key, { name: entry?.name ?? chargeName(charge), cents: (entry?.cents ?? 0n) + toCents(charge.amount) });
  }
  return map;
}

function total(charges: readonly ChargeView[]): bigint {
  return sumCents(charges.map((charge) => toCents(charge.amount)));
}

function kindTotal(bill: BillView, kind: ChargeView['chargeType']): bigint {
  return total(bill.charges.filter((charge) => charge.chargeType === kind));
}

function compareMagnitude(a: bigint, b: bigint): number {
  const absA = a < 0n ? -a : a;
  const absB = b < 0n ? -b : b;
  return absA === absB ? 0 : absA > absB ? 1 : -1;
}
