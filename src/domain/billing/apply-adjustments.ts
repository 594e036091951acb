import type { PrismaClient } from '../../generated/prisma/client.ts';
import { queueCustomerText, type CustomerTextDeps } from '../notifications/customer-updates.ts';
import type { Logger } from '../../lib/logger.ts';
import { recordAuditEvent } from '../audit/audit.service.ts';
import { POLICY_DECIDER } from './adjustment-policy.ts';
import { formatAdjustmentReference, formatBillReference } from '../references.ts';
import { formatMoney, toCents } from './money.ts';
import { completeStepOnce } from '../timeline/timeline.service.ts';
import { addBillLineOnce, findOrOpenNextBill } from './bill-lines.ts';

// Approved bill adjustments become a credit line on a bill, exactly once: the line has a unique
// key, and the line, the adjustment's `applied` status and the completion of the step are written
// in one transaction. The credit goes on the adjusted bill while it is still open (not issued),
// otherwise on the account's next bill. Rejected adjustments are explained to the customer.

export interface AdjustmentDeps {
  prisma: PrismaClient;
  texts: CustomerTextDeps;
  supportPhone: string;
  now: () => Date;
  logger: Logger;
}

/** Bills not issued yet: a credit can still go on them. */
const OPEN_BILL_STATES = ['new', 'onHold'] as const;

/** Applies the approved adjustment; 'applied' now, 'already' if it was, 'skipped' when it is not approved. */
export async function applyApprovedAdjustment(deps: AdjustmentDeps, adjustmentId: string): Promise<'applied' | 'already' | 'skipped'> {
  const adjustment = await deps.prisma.billAdjustment.findUnique({
    where: { id: adjustmentId },
    select: { id: true, number: true, customerId: true, amount: true, reason: true, status: true, appliedAt: true, bill: { select: { id: true, number: true, state: true, accountId: true, currency: true } } },
  });
  if (!adjustment) return 'skipped';
  if (adjustment.status === 'applied') return 'already';
  if (adjustment.status !== 'approved') return 'skipped';
  const now = deps.now();
  const reference = formatAdjustmentReference(adjustment.number);
  const done = await completeStepOnce(
    deps.prisma,
    { subjectType: 'billAdjustment', subjectId: adjustmentId, kind: 'step', name: 'apply', stepKey: `${adjustmentId}-applied` },
    async (context) => {
      const { tx } = context;
      const claimed = await tx.billAdjustment.updateMany({ where: { id: adjustmentId, status: 'approved', appliedAt: null }, data: { status: 'applied', appliedAt: now } });
      if (claimed.count === 0) throw new Error(`${reference} is no longer approved and unapplied`);
      const onAdjustedBill = OPEN_BILL_STATES.some((state) => state === adjustment.bill.state);
      const bill = onAdjustedBill ? { id: adjustment.bill.id, number: adjustment.bill.number } : await findOrOpenNextBill(tx, adjustment.bill.accountId, now);
      const amountCents = toCents(adjustment.amount);
      await addBillLineOnce(tx, { billId: bill.id, chargeType: 'credit', description: `Credit ${reference}: ${adjustment.reason}`, amountCents: -amountCents, key: `adj-${adjustmentId}` });
      const billReference = formatBillReference(bill.number);
      await tx.timelineEvent.create({
        data: { subjectType: 'billAdjustment', subjectId: adjustmentId, kind: 'state', name: 'applied', detail: `Credit of ${formatMoney(amountCents, adjustment.bill.currency)} on ${billReference}`, data: { billId: bill.id }, at: now },
      });
      await recordAuditEvent(tx, { actorType: 'system', action: 'billAdjustment.apply', entityType: 'billAdjustment', entityId: adjustmentId, details: { billId: bill.id, amount: adjustment.amount.toFixed(2) } });
      await queueCustomerText(
        context,
        deps.texts,
        {
          customerId: adjustment.customerId,
          subjectType: 'billAdjustment',
          subjectId: adjustmentId,
          key: `${adjustmentId}-applied`,
          reason: 'adjustment.applied',
          urgent: false,
          text: `${reference}: your credit of ${formatMoney(amountCents, adjustment.bill.currency)} is now on ${onAdjustedBill ? 'bill' : 'your next bill,'} ${billReference}.`,
        },
        now,
      );
    },
    (error) => deps.logger.warn({ err: error, adjustmentId }, 'after applying a credit: a follow-up failed; the sweep will retry'),
  );
  return done ? 'applied' : 'already';
}

/** Tells the customer once why a person rejected their adjustment. */
export async function explainRejectedAdjustment(deps: AdjustmentDeps, adjustmentId: string): Promise<boolean> {
  const adjustment = await deps.prisma.billAdjustment.findUnique({
    where: { id: adjustmentId },
    select: { number: true, customerId: true, amount: true, status: true, decisionReason: true, bill: { select: { currency: true } } },
  });
  if (adjustment?.status !== 'rejected') return false;
  const now = deps.now();
  const reference = formatAdjustmentReference(adjustment.number);
  const why = adjustment.decisionReason ? ` ${adjustment.decisionReason.replace(/\.?$/, '.')}` : '';
  return completeStepOnce(
    deps.prisma,
    { subjectType: 'billAdjustment', subjectId: adjustmentId, kind: 'step', name: 'explain-rejection', stepKey: `${adjustmentId}-rejection-explained` },
    async (context) => {
      await queueCustomerText(
        context,
        deps.texts,
        {
          customerId: adjustment.customerId,
          subjectType: 'billAdjustment',
          subjectId: adjustmentId,
          key: `${adjustmentId}-rejected`,
          reason: 'adjustment.rejected',
          urgent: false,
          text: `About ${reference}: we could not approve the credit of ${formatMoney(adjustment.amount, adjustment.bill.currency)}.${why} Questions? Call ${deps.supportPhone}.`,
        },
        now,
      );
    },
    (error) => deps.logger.warn({ err: error, adjustmentId }, 'rejection text not handed over; the sweep will retry'),
  );
}

/** Approved adjustments not applied yet (for the sweep). */
export async function listApprovedUnapplied(db: PrismaClient, limit = 50): Promise<string[]> {
  const rows = await db.billAdjustment.findMany({ where: { status: 'approved', appliedAt: null }, orderBy: { createdAt: 'asc' }, take: limit, select: { id: true } });
  return rows.map((row) => row.id);
}

/** Adjustments a person rejected recently whose customer was not told yet (for the sweep). */
export async function listRejectedUnexplained(db: PrismaClient, since: Date, limit = 50): Promise<string[]> {
  const rows = await db.billAdjustment.findMany({
    where: { status: 'rejected', decidedAt: { gte: since }, OR: [{ decidedBy: null }, { decidedBy: { not: POLICY_DECIDER } }] },
    orderBy: { decidedAt: 'asc' },
    take: limit * 2,
    select: { id: true },
  });
  if (rows.length === 0) return [];
  const explained = await db.timelineEvent.findMany({ where: { stepKey: { in: rows.map((row) => `${row.id}-rejection-explained`) } }, select: { subjectId: true } });
  const told = new Set(explained.map((event) => event.subjectId));
  return rows.filter((row) => !told.has(row.id)).slice(0, limit).map((row) => row.id);
}
