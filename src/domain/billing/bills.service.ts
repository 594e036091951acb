import type { BillState, ChargeType, Prisma, ServiceType } from '../../generated/prisma/client.ts';
import type { DbClient } from '../../lib/db-types.ts';
import { formatBillReference } from '../references.ts';
import { centsToDecimal, sumCents, toCents } from './money.ts';

// TMF678 customer bills as the customer sees them: only their own, with amounts as exact
// decimal strings. The customer-facing reference is INV-<number>.

export interface ChargeView {
  id: string;
  chargeType: ChargeType;
  description: string;
  /** Decimal string; negative for credits. */
  amount: string;
  productId: string | null;
  /** The offering billed ("Fiber 1 Gig"), as the bill was issued, when the line is for a product. */
  productName: string | null;
  serviceType: ServiceType | null;
}

export interface BillSummary {
  id: string;
  number: number;
  reference: string;
  accountId: string;
  billDate: Date;
  periodStart: Date;
  periodEnd: Date;
  dueDate: Date;
  /** Decimal string. */
  amountDue: string;
  currency: string;
  state: BillState;
}

export interface BillView extends BillSummary {
  /** Recurring charges first, then one-time fees, usage, credits and taxes. */
  charges: ChargeView[];
}

export interface UnpaidBill extends BillSummary {
  overdue: boolean;
}

export interface BalanceView {
  currency: string;
  /** What is owed across the unpaid bills, as a decimal string. */
  owed: string;
  /** Oldest first. */
  unpaid: UnpaidBill[];
  latest: BillSummary | null;
  /** When the next bill is expected, from the account's bill cycle. */
  nextBillDate: Date | null;
}

// Bills still owed. A part-paid bill counts in full: payments are not recorded yet.
const UNPAID_STATES: readonly BillState[] = ['sent', 'partiallyPaid'];

// Customers see issued bills only: a `new` bill is still being filled (next cycle's credits and charges).
const ISSUED = { state: { not: 'new' } } as const;

const CHARGE_ORDER: Record<ChargeType, number> = { recurring: 0, oneTime: 1, usage: 2, credit: 3, tax: 4 };

export function isUnpaid(state: BillState): boolean {
  return UNPAID_STATES.includes(state);
}

const summarySelect = {
  id: true,
  number: true,
  accountId: true,
  billDate: true,
  periodStart: true,
  periodEnd: true,
  dueDate: true,
  amountDue: true,
  currency: true,
  state: true,
} as const;

const billSelect = {
  ...summarySelect,
  charges: {
    select: {
      id: true,
      chargeType: true,
      description: true,
      amount: true,
      productId: true,
      createdAt: true,
      // What was billed is on the line itself (as issued), never read from the product's plan today.
      productName: true,
      serviceType: true,
    },
  },
} as const;

type SummaryRow = Prisma.BillGetPayload<{ select: typeof summarySelect }>;
type BillRow = Prisma.BillGetPayload<{ select: typeof billSelect }>;

function toSummary(row: SummaryRow): BillSummary {
  return { ...row, reference: formatBillReference(row.number), amountDue: row.amountDue.toFixed(2) };
}

function toView(row: BillRow): BillView {
  const { charges, ...bill } = row;
  const views = [...charges]
    .sort((a, b) => CHARGE_ORDER[a.chargeType] - CHARGE_ORDER[b.chargeType] || a.createdAt.getTime() - b.createdAt.getTime() || a.description.localeCompare(b.description) || a.id.localeCompare(b.id))
    .map(
      (charge): ChargeView => ({
        id: charge.id,
        chargeType: charge.chargeType,
        description: charge.description,
        amount: charge.amount.toFixed(2),
        productId: charge.productId,
        productName: charge.productName,
        serviceType: charge.serviceType,
      }),
    );
  return { ...toSummary(bill), charges: views };
}

/** The customer's own bill with this number; another customer's bill is never returned. */
export async function findCustomerBill(db: DbClient, customerId: string, number: number): Promise<BillView | null> {
  const bill = await db.bill.findFirst({ where: { number, account: { customerId }, ...ISSUED }, select: billSelect });
  return bill ? toView(bill) : null;
}

/** The customer's most recent bill. */
export async function findLatestBill(db: DbClient, customerId: string): Promise<BillView | null> {
  const bill = await db.bill.findFirst({ where: { account: { customerId }, ...ISSUED }, orderBy: [{ billDate: 'desc' }, { number: 'desc' }], select: billSelect });
  return bill ? toView(bill) : null;
}

/** The bill before this one on the same account. */
export async function findPreviousBill(db: DbClient, bill: BillSummary): Promise<BillView | null> {
  const previous = await db.bill.findFirst({
    where: { accountId: bill.accountId, billDate: { lt: bill.billDate }, ...ISSUED },
    orderBy: [{ billDate: 'desc' }, { number: 'desc' }],
    select: billSelect,
  });
  return previous ? toView(previous) : null;
}

/**
 * The customer's bill for a period the customer named ("last month", "october"): the one dated
 * in it, else the one whose service period covers most of it.
 */
export async function findCustomerBillForPeriod(db: DbClient, customerId: string, from: Date, to: Date): Promise<BillView | null> {
  const dated = await db.bill.findFirst({
    where: { account: { customerId }, billDate: { gte: from, lte: to }, ...ISSUED },
    orderBy: [{ billDate: 'desc' }, { number: 'desc' }],
    select: billSelect,
  });
  if (dated) return toView(dated);
  const middle = new Date((from.getTime() + to.getTime()) / 2);
  const covering = await db.bill.findFirst({
    where: { account: { customerId }, periodStart: { lte: middle }, periodEnd: { gte: middle }, ...ISSUED },
    orderBy: [{ billDate: 'desc' }, { number: 'desc' }],
    select: billSelect,
  });
  return covering ? toView(covering) : null;
}

/** The customer's latest bills, newest first. */
export async function listRecentBills(db: DbClient, customerId: string, limit = 3): Promise<BillSummary[]> {
  const bills = await db.bill.findMany({
    where: { account: { customerId }, ...ISSUED },
    orderBy: [{ billDate: 'desc' }, { number: 'desc' }],
    take: limit,
    select: summarySelect,
  });
  return bills.map(toSummary);
}

/** What the customer owes across unpaid bills, which of them are overdue, and when the next bill comes. */
export async function getBalance(db: DbClient, customerId: string, now: Date): Promise<BalanceView> {
  const [unpaidRows, latestRow, account] = await Promise.all([
    db.bill.findMany({ where: { account: { customerId }, state: { in: [...UNPAID_STATES] } }, orderBy: [{ billDate: 'asc' }, { number: 'asc' }], select: summarySelect }),
    db.bill.findFirst({ where: { account: { customerId }, ...ISSUED }, orderBy: [{ billDate: 'desc' }, { number: 'desc' }], select: summarySelect }),
    db.account.findFirst({ where: { customerId }, orderBy: { createdAt: 'asc' }, select: { billCycleDay: true } }),
  ]);
  const unpaid = unpaidRows.map((row): UnpaidBill => ({ ...toSummary(row), overdue: row.dueDate.getTime() < now.getTime() }));
  const latest = latestRow ? toSummary(latestRow) : null;
  return {
    currency: latest?.currency ?? 'USD',
    owed: centsToDecimal(sumCents(unpaid.map((bill) => toCents(bill.amountDue)))),
    unpaid,
    latest,
    nextBillDate: account ? nextBillDate(account.billCycleDay, now) : null,
  };
}

/** The next bill cycle day strictly after `now` (UTC calendar days, like the billing run). */
export function nextBillDate(billCycleDay: number, now: Date): Date {
  const thisMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), billCycleDay));
  return thisMonth.getTime() > now.getTime() ? thisMonth : new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, billCycleDay));
}

/** The customer a bill (by its number, from an INV- reference) belongs to, for staff search. */
export async function findBillCustomerId(db: DbClient, number: number): Promise<string | null> {
  const bill = await db.bill.findUnique({ where: { number }, select: { account: { select: { customerId: true } } } });
  return bill?.account.customerId ?? null;
}
