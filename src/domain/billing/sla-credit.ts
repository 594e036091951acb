import type { AdjustmentPolicySettings } from './adjustment-policy.ts';
import type { Channel, Prisma, ServiceType } from '../../generated/prisma/client.ts';
import { recordAuditEvent } from '../audit/audit.service.ts';
import { decideAdjustment, POLICY_DECIDER } from './adjustment-policy.ts';
import { formatAdjustmentReference, formatTicketReference } from '../references.ts';
import { centsToDecimal, toCents } from './money.ts';

// A fault that took the service down and broke its SLA earns the customer a credit for the days
// without service: a day's share of the product's monthly price per started day, at most a month.
// It is proposed under the same policy as the credits customers ask for: approved at once within
// the limits (then applied by the adjustments job), otherwise left pending for a person.

const DAY_MS = 86_400_000;
const DAYS_PER_MONTH = 30n;

export interface ProposedCredit {
  adjustmentId: string;
  reference: string;
  /** Decimal string. */
  amount: string;
  currency: string;
  status: 'approved' | 'pending';
}

/** What the credit is worked out from: the breached ticket, as the tickets process read it. */
export interface BreachedTicket {
  id: string;
  number: number;
  customerId: string;
  productId: string | null;
  serviceType: ServiceType;
  issueStartedAt: Date | null;
  createdAt: Date;
  reopenCount: number;
  channel: Channel;
}

/** Proposes the SLA credit for a breached ticket, once per ticket and reopening; null when there is nothing to credit. */
export async function proposeSlaCredit(tx: Prisma.TransactionClient, ticket: BreachedTicket, policy: AdjustmentPolicySettings, now: Date): Promise<ProposedCredit | null> {
  const idempotencyKey = `sla-credit-${ticket.id}-${ticket.reopenCount}`;
  const existing = await tx.billAdjustment.findUnique({ where: { idempotencyKey }, select: { id: true, number: true, amount: true, status: true, bill: { select: { currency: true } } } });
  if (existing) {
    const status = existing.status === 'pending' ? 'pending' : 'approved';
    return { adjustmentId: existing.id, reference: formatAdjustmentReference(existing.number), amount: existing.amount.toFixed(2), currency: existing.bill.currency, status };
  }

  const product = await tx.product.findFirst({
    where: ticket.productId ? { id: ticket.productId } : { customerId: ticket.customerId, serviceType: ticket.serviceType, status: 'active' },
    orderBy: { createdAt: 'asc' },
    select: { id: true, accountId: true, offering: { select: { name: true, recurringPrice: true } } },
  });
  if (!product) return null;
  const bill = await tx.bill.findFirst({ where: { accountId: product.accountId, state: { not: 'new' } }, orderBy: [{ billDate: 'desc' }, { number: 'desc' }], select: { id: true, currency: true } });
  if (!bill) return null;

  const monthly = toCents(product.offering.recurringPrice);
  const since = ticket.issueStartedAt ?? ticket.createdAt;
  const days = BigInt(Math.min(30, Math.max(1, Math.ceil((now.getTime() - since.getTime()) / DAY_MS))));
  // Rounded half up to the cent.
  const amountCents = (monthly * days * 2n + DAYS_PER_MONTH) / (DAYS_PER_MONTH * 2n);
  if (amountCents <= 0n) return null;

  const periodStart = new Date(now.getTime() - policy.periodDays * DAY_MS);
  const policyApprovedInPeriod = await tx.billAdjustment.count({
    where: { customerId: ticket.customerId, decidedBy: POLICY_DECIDER, status: { in: ['approved', 'applied'] }, decidedAt: { gte: periodStart } },
  });
  const decision = decideAdjustment({ amountCents, chargeOnBill: true, policyApprovedInPeriod }, policy);
  const amount = centsToDecimal(amountCents);
  const adjustment = await tx.billAdjustment.create({
    data: {
      customerId: ticket.customerId,
      billId: bill.id,
      // Not tied to a charge: the customer may still dispute any charge on that bill.
      chargeId: null,
      amount,
      reason: `SLA breached on ${formatTicketReference(ticket.number)}: ${product.offering.name} down for ${days} day(s)`,
      status: decision.status,
      decisionReason: decision.reason,
      channel: ticket.channel,
      decidedBy: decision.status === 'approved' ? POLICY_DECIDER : null,
      decidedAt: decision.status === 'approved' ? now : null,
      troubleTicketId: ticket.id,
      idempotencyKey,
    },
    select: { id: true, number: true },
  });
  await recordAuditEvent(tx, {
    actorType: 'system',
    action: 'billAdjustment.proposeSlaCredit',
    entityType: 'billAdjustment',
    entityId: adjustment.id,
    details: { ticketId: ticket.id, amount, days: Number(days), status: decision.status, code: decision.code },
  });
  return { adjustmentId: adjustment.id, reference: formatAdjustmentReference(adjustment.number), amount, currency: bill.currency, status: decision.status };
}
