import { z } from 'zod';
import type { DbClient } from '../../lib/db-types.ts';
import { inTransaction } from '../../lib/db-types.ts';
import { recordAuditEvent } from '../audit/audit.service.ts';
import { recordTimelineEvent } from '../timeline/timeline.service.ts';
import { adjustmentSelect, toView, type AdjustmentView } from './adjustments.service.ts';
import { centsToDecimal, parseCents, toCents } from './money.ts';

// A person decides the bill credits the policy left pending: approve within their own limit
// (above it, only someone whose limit covers it), or reject with a reason. The decision is a
// compare-and-set on the pending status, so two people deciding at once never both win; the
// tracking sweep then applies an approved credit or texts the customer why it was rejected.

export interface PendingAdjustment extends AdjustmentView {
  customerId: string;
  customerName: string;
}

/** Who decides, and how much they may approve (a decimal string). */
export interface AdjustmentDecider {
  staffUserId: string;
  approvalLimit: string;
}

export type AdjustmentDecisionOutcome =
  | { kind: 'decided'; adjustment: AdjustmentView }
  | { kind: 'notFound' }
  /** Someone decided it already (or it was never pending). */
  | { kind: 'notPending'; adjustment: AdjustmentView }
  /** Above the decider's limit: someone with a higher limit (a supervisor) must approve it. */
  | { kind: 'overLimit'; adjustment: AdjustmentView; limit: string };

/** Credits waiting for a person, oldest first; one customer's when `customerId` is given. */
export async function listPendingAdjustments(db: DbClient, options: { customerId?: string; limit?: number } = {}): Promise<PendingAdjustment[]> {
  const rows = await db.billAdjustment.findMany({
    where: { status: 'pending', ...(options.customerId ? { customerId: options.customerId } : {}) },
    orderBy: { createdAt: 'asc' },
    take: options.limit ?? 100,
    select: { ...adjustmentSelect, customerId: true, customer: { select: { givenName: true, familyName: true } } },
  });
  return rows.map((row) => ({ ...toView(row), customerId: row.customerId, customerName: `${row.customer.givenName} ${row.customer.familyName}` }));
}

const lockedAdjustment = z.array(z.object({ id: z.string() }));

/** Approves or rejects a pending credit, with the reason on the record and in the audit. */
export async function decidePendingAdjustment(
  db: DbClient,
  request: { adjustmentId: string; decision: 'approve' | 'reject'; reason: string; decider: AdjustmentDecider; now?: Date },
): Promise<AdjustmentDecisionOutcome> {
  const now = request.now ?? new Date();
  const limitCents = parseCents(request.decider.approvalLimit);
  if (limitCents === undefined) throw new Error(`Approval limit is not an amount: ${request.decider.approvalLimit}`);
  return inTransaction(db, async (tx) => {
    const locked = lockedAdjustment.parse(await tx.$queryRaw`SELECT "id" FROM "BillAdjustment" WHERE "id" = ${request.adjustmentId} FOR UPDATE`);
    if (locked.length === 0) return { kind: 'notFound' };
    const row = await tx.billAdjustment.findUniqueOrThrow({ where: { id: request.adjustmentId }, select: adjustmentSelect });
    if (row.status !== 'pending') return { kind: 'notPending', adjustment: toView(row) };
    if (request.decision === 'approve' && toCents(row.amount) > limitCents) {
      return { kind: 'overLimit', adjustment: toView(row), limit: centsToDecimal(limitCents) };
    }
    const status = request.decision === 'approve' ? 'approved' : 'rejected';
    const moved = await tx.billAdjustment.updateMany({
      where: { id: request.adjustmentId, status: 'pending' },
      data: { status, decisionReason: request.reason, decidedBy: request.decider.staffUserId, decidedAt: now },
    });
    if (moved.count === 0) return { kind: 'notPending', adjustment: toView(row) };
    await recordTimelineEvent(tx, { subjectType: 'billAdjustment', subjectId: request.adjustmentId, kind: 'state', name: status, detail: request.reason, at: now });
    await recordAuditEvent(tx, {
      actorType: 'staff',
      actorId: request.decider.staffUserId,
      action: request.decision === 'approve' ? 'billAdjustment.approve' : 'billAdjustment.reject',
      entityType: 'billAdjustment',
      entityId: request.adjustmentId,
      details: { amount: row.amount.toFixed(2), reason: request.reason, approvalLimit: centsToDecimal(limitCents) },
    });
    const decided = await tx.billAdjustment.findUniqueOrThrow({ where: { id: request.adjustmentId }, select: adjustmentSelect });
    return { kind: 'decided', adjustment: toView(decided) };
  });
}
