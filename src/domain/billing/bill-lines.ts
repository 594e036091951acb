import type { ChargeType, ServiceType } from '../../generated/prisma/enums.ts';
import type { DbClient } from '../../lib/db-types.ts';
import { centsToDecimal } from './money.ts';
import { nextBillDate } from './bills.service.ts';

// Lines that jobs put on bills: a credit for an approved adjustment, the recurring charge of a
// product an order added. Each line has a unique key, so a re-run job never writes it twice.

const DAY_MS = 86_400_000;
/** Days from the bill date to its due date, for bills opened here. */
const PAYMENT_TERMS_DAYS = 21;

export interface BillRef {
  id: string;
  number: number;
}

/**
 * The account's bill for the coming cycle (TMF678 state `new`: open, not yet issued), opened
 * when there is none. Takes the account's row lock, so two jobs never open two.
 */
export async function findOrOpenNextBill(tx: DbClient, accountId: string, now: Date): Promise<BillRef> {
  await tx.$executeRaw`SELECT 1 FROM "Account" WHERE "id" = ${accountId} FOR UPDATE`;
  const open = await tx.bill.findFirst({ where: { accountId, state: 'new', billDate: { gt: now } }, orderBy: { billDate: 'asc' }, select: { id: true, number: true } });
  if (open) return open;
  const account = await tx.account.findUniqueOrThrow({ where: { id: accountId }, select: { billCycleDay: true } });
  const latest = await tx.bill.findFirst({ where: { accountId }, orderBy: { billDate: 'desc' }, select: { billDate: true, currency: true } });
  const billDate = nextBillDate(account.billCycleDay, now);
  return tx.bill.create({
    data: {
      accountId,
      billDate,
      periodStart: latest && latest.billDate < billDate ? latest.billDate : now,
      periodEnd: billDate,
      dueDate: new Date(billDate.getTime() + PAYMENT_TERMS_DAYS * DAY_MS),
      amountDue: '0.00',
      currency: latest?.currency ?? 'USD',
      state: 'new',
    },
    select: { id: true, number: true },
  });
}

/** What a product's line bills, as issued: kept on the line, whatever the product becomes later. */
export interface BilledProduct {
  productName: string;
  offeringCode: string;
  serviceType: ServiceType;
}

export interface BillLine {
  billId: string;
  productId?: string | null | undefined;
  /** Set with productId: the offering billed. */
  billed?: BilledProduct | undefined;
  chargeType: ChargeType;
  description: string;
  /** Negative for credits. */
  amountCents: bigint;
  /** Unique: the same key is never written twice. */
  key: string;
}

/** Adds the line and moves the bill's amount due by it; false when a line with this key exists. */
export async function addBillLineOnce(tx: DbClient, line: BillLine): Promise<boolean> {
  if (await tx.billCharge.findUnique({ where: { idempotencyKey: line.key }, select: { id: true } })) return false;
  const amount = centsToDecimal(line.amountCents);
  // A monthly charge covers the bill's period.
  const period = line.chargeType === 'recurring' ? await tx.bill.findUniqueOrThrow({ where: { id: line.billId }, select: { periodStart: true, periodEnd: true } }) : null;
  await tx.billCharge.create({
    data: {
      billId: line.billId,
      productId: line.productId ?? null,
      chargeType: line.chargeType,
      description: line.description,
      amount,
      idempotencyKey: line.key,
      productName: line.billed?.productName ?? null,
      offeringCode: line.billed?.offeringCode ?? null,
      serviceType: line.billed?.serviceType ?? null,
      periodStart: period?.periodStart ?? null,
      periodEnd: period?.periodEnd ?? null,
    },
  });
  await tx.bill.update({ where: { id: line.billId }, data: { amountDue: { increment: amount } } });
  return true;
}
