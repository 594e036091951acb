import { z } from 'zod';
import type { AdjustmentPolicySettings } from './adjustment-policy.ts';
import type { AdjustmentStatus, Channel, Prisma } from '../../generated/prisma/client.ts';
import type { DbClient } from '../../lib/db-types.ts';
import { inTransaction, isUniqueViolation } from '../../lib/db-types.ts';
import { recordAuditEvent } from '../audit/audit.service.ts';
import { decideAdjustment, POLICY_DECIDER, type AdjustmentDecision } from './adjustment-policy.ts';
import { formatAdjustmentReference, formatBillReference } from '../references.ts';
import { nextBillDate } from './bills.service.ts';
import { isDisputable } from './charge-matching.ts';
import { centsToDecimal, parseCents, sumCents, toCents } from './money.ts';

// Bill adjustments (credits against a bill charge). The customer-facing reference is ADJ-<number>.
// A charge is disputed at most once (any adjustment on it that is not rejected), even when two
// turns race: the decision runs in a transaction holding the customer's and the charge's row locks.

export interface AdjustmentView {
  id: string;
  number: number;
  reference: string;
  billId: string;
  billReference: string;
  chargeId: string | null;
  chargeDescription: string | null;
  /** Decimal string. */
  amount: string;
  currency: string;
  reason: string;
  status: AdjustmentStatus;
  decisionReason: string | null;
  decidedBy: string | null;
  createdAt: Date;
  /** For an approved credit not applied yet: the bill it is expected on. */
  expectedOnBillDate: Date | null;
}

export interface RequestBillAdjustment {
  customerId: string;
  billId: string;
  chargeId: string;
  /** Decimal string, more than zero and at most what is left of the charge. */
  amount: string;
  /** The customer's words. */
  reason: string;
  channel: Channel;
  /** The same key records the same adjustment: a retried turn never asks twice. */
  idempotencyKey: string;
  correlationId?: string | undefined;
  now?: Date | undefined;
  /** Who asked, when not the customer themselves (a staff member in the console). */
  requestedBy?: { actorType: 'staff'; actorId: string } | undefined;
}

export type AdjustmentOutcome =
  /** Recorded now (created) or earlier under the same idempotency key; `decision` is set when created. */
  | { kind: 'recorded'; created: boolean; adjustment: AdjustmentView; decision: AdjustmentDecision | null }
  /** The charge already has an adjustment that is not rejected. */
  | { kind: 'alreadyDisputed'; adjustment: AdjustmentView }
  /** No such charge on this customer's bill, or not one that can be disputed (tax, credit). */
  | { kind: 'chargeNotFound' }
  /** More than what is left of the charge; `available` is the most that can be asked. */
  | { kind: 'amountTooHigh'; available: string }
  | { kind: 'invalidAmount' };

/** How soon the billing team decides a pending adjustment: what the customer is told to expect. */
export const PENDING_REVIEW_BUSINESS_DAYS = 2;


export const adjustmentSelect = {
  id: true,
  number: true,
  billId: true,
  chargeId: true,
  amount: true,
  reason: true,
  status: true,
  decisionReason: true,
  decidedBy: true,
  createdAt: true,
  bill: { select: { number: true, currency: true, account: { select: { billCycleDay: true } } } },
  charge: { select: { description: true } },
} as const;

type AdjustmentRow = Prisma.BillAdjustmentGetPayload<{ select: typeof adjustmentSelect }>;

export function toView(row: AdjustmentRow): AdjustmentView {
  return {
    id: row.id,
    number: row.number,
    reference: formatAdjustmentReference(row.number),
    billId: row.billId,
    billReference: formatBillReference(row.bill.number),
    chargeId: row.chargeId,
    chargeDescription: row.charge?.description ?? null,
    amount: row.amount.toFixed(2),
    currency: row.bill.currency,
    reason: row.reason,
    status: row.status,
    decisionReason: row.decisionReason,
    decidedBy: row.decidedBy,
    createdAt: row.createdAt,
    // Credits are applied by the billing run that makes the next bill.
    expectedOnBillDate: row.status === 'approved' ? nextBillDate(row.bill.account.billCycleDay, row.createdAt) : null,
  };
}

const NOT_REJECTED: readonly AdjustmentStatus[] = ['pending', 'approved', 'applied'];
const APPROVED: readonly AdjustmentStatus[] = ['approved', 'applied'];

const lockedRows = z.array(z.object({ id: z.string() }));

/**
 * Asks for a credit on a charge of the customer's bill. The policy approves it at once or leaves
 * it pending for a person; either way it is recorded with an audit event, once per idempotency
 * key and once per charge.
 */
export async function requestBillAdjustment(db: DbClient, request: RequestBillAdjustment, policy: AdjustmentPolicySettings): Promise<AdjustmentOutcome> {
  const replay = await db.billAdjustment.findUnique({ where: { idempotencyKey: request.idempotencyKey }, select: adjustmentSelect });
  if (replay) return { kind: 'recorded', created: false, adjustment: toView(replay), decision: null };
  const requested = parseCents(request.amount);
  if (requested === undefined || requested <= 0n) return { kind: 'invalidAmount' };
  const now = request.now ?? new Date();
  try {
    return await inTransaction(db, async (tx) => {
      // The customer's row serialises their policy count; the charge's row, disputes of that charge.
      await tx.$queryRaw`SELECT "id" FROM "Customer" WHERE "id" = ${request.customerId} FOR NO KEY UPDATE`;
      const charges = lockedRows.parse(
        await tx.$queryRaw`
          SELECT c."id" FROM "BillCharge" c
          JOIN "Bill" b ON b."id" = c."billId"
          JOIN "Account" a ON a."id" = b."accountId"
          WHERE c."id" = ${request.chargeId} AND c."billId" = ${request.billId} AND a."customerId" = ${request.customerId}
          FOR UPDATE OF c`,
      );
      if (charges.length === 0) return { kind: 'chargeNotFound' };
      const raced = await tx.billAdjustment.findUnique({ where: { idempotencyKey: request.idempotencyKey }, select: adjustmentSelect });
      if (raced) return { kind: 'recorded', created: false, adjustment: toView(raced), decision: null };

      const charge = await tx.billCharge.findUniqueOrThrow({
        where: { id: request.chargeId },
        select: {
          id: true,
          chargeType: true,
          amount: true,
          adjustments: { where: { status: { in: [...NOT_REJECTED] } }, orderBy: { createdAt: 'asc' }, select: adjustmentSelect },
        },
      });
      if (!isDisputable({ chargeType: charge.chargeType, amount: charge.amount.toFixed(2) })) return { kind: 'chargeNotFound' };
      const [earlier] = charge.adjustments;
      if (earlier) return { kind: 'alreadyDisputed', adjustment: toView(earlier) };
      const available = toCents(charge.amount) - sumCents(charge.adjustments.map((adjustment) => toCents(adjustment.amount)));
      if (requested > available) return { kind: 'amountTooHigh', available: centsToDecimal(available) };

      const policyApprovedInPeriod = await tx.billAdjustment.count({
        where: {
          customerId: request.customerId,
          decidedBy: POLICY_DECIDER,
          status: { in: [...APPROVED] },
          decidedAt: { gte: new Date(now.getTime() - policy.periodDays * 86_400_000) },
        },
      });
      const decision = decideAdjustment({ amountCents: requested, chargeOnBill: true, policyApprovedInPeriod }, policy);
      const approved = decision.status === 'approved';
      const created = await tx.billAdjustment.create({
        data: {
          customerId: request.customerId,
          billId: request.billId,
          chargeId: request.chargeId,
          amount: centsToDecimal(requested),
          reason: request.reason,
          status: decision.status,
          decisionReason: decision.reason,
          channel: request.channel,
          decidedBy: approved ? POLICY_DECIDER : null,
          decidedAt: approved ? now : null,
          idempotencyKey: request.idempotencyKey,
        },
        select: adjustmentSelect,
      });
      await recordAuditEvent(tx, {
        actorType: request.requestedBy?.actorType ?? 'customer',
        actorId: request.requestedBy?.actorId ?? request.customerId,
        action: 'billAdjustment.request',
        entityType: 'billAdjustment',
        entityId: created.id,
        details: { billId: request.billId, chargeId: request.chargeId, amount: centsToDecimal(requested), channel: request.channel },
        correlationId: request.correlationId,
      });
      await recordAuditEvent(tx, {
        actorType: 'bot',
        actorId: POLICY_DECIDER,
        action: approved ? 'billAdjustment.approve' : 'billAdjustment.refer',
        entityType: 'billAdjustment',
        entityId: created.id,
        details: { status: decision.status, code: decision.code, reason: decision.reason, policyApprovedInPeriod },
        correlationId: request.correlationId,
      });
      return { kind: 'recorded', created: true, adjustment: toView(created), decision };
    });
  } catch (error) {
    // The same key committed by a racing attempt: answer with what it recorded.
    if (!isUniqueViolation(error)) throw error;
    const raced = await db.billAdjustment.findUniqueOrThrow({ where: { idempotencyKey: request.idempotencyKey }, select: adjustmentSelect });
    return { kind: 'recorded', created: false, adjustment: toView(raced), decision: null };
  }
}

/** The adjustment already asked for on this charge (not rejected), if any. */
export async function findChargeDispute(db: DbClient, customerId: string, chargeId: string): Promise<AdjustmentView | null> {
  const adjustment = await db.billAdjustment.findFirst({
    where: { customerId, chargeId, status: { in: [...NOT_REJECTED] } },
    orderBy: { createdAt: 'asc' },
    select: adjustmentSelect,
  });
  return adjustment ? toView(adjustment) : null;
}

/** The customer's own adjustment with this number; another customer's is never returned. */
export async function findCustomerAdjustment(db: DbClient, customerId: string, number: number): Promise<AdjustmentView | null> {
  const adjustment = await db.billAdjustment.findFirst({ where: { customerId, number }, select: adjustmentSelect });
  return adjustment ? toView(adjustment) : null;
}

/** An adjustment by its id or its number, for staff tools (the number parsed from an ADJ- reference). */
export async function findAdjustmentByIdOrNumber(db: DbClient, key: { id: string } | { number: number }) {
  return db.billAdjustment.findFirst({ where: key, select: { id: true, number: true, status: true, customerId: true } });
}
