import type { DbClient } from '../../lib/db-types.ts';
import { STOPPED_STATUSES } from '../tickets/assurance-deps.ts';
import { formatAdjustmentReference, formatBillReference, formatOrderReference, formatTicketReference } from '../references.ts';
import type { HandoffPacket, HandoffReason } from './agent-values.ts';
import { suggestNextStep, type ChurnRiskLookup } from './routing-rules.ts';

// The handoff packet: what the agent reads before saying a word. Built from stored facts only
// (the conversation, the customer's open records, what the bot collected), so the same state
// always gives the same packet; an LLM summary may be added by the caller.

export interface PacketRequest {
  conversationId: string;
  reason: HandoffReason;
  intent: string | null;
  collected: Record<string, string>;
  /** The bot's own suggestion, when the dialog knows better than the generic rule. */
  suggestedNextStep?: string | undefined;
  now: Date;
}

const OPEN_ORDER_STATES = ['acknowledged', 'pending', 'held', 'inProgress', 'assessingCancellation', 'pendingCancellation'] as const;
const LAST_MESSAGES = 8;
const REPEAT_CONTACT_DAYS = 7;

export async function buildHandoffPacket(db: DbClient, churnRisk: ChurnRiskLookup | undefined, request: PacketRequest): Promise<HandoffPacket> {
  const conversation = await db.conversation.findUniqueOrThrow({
    where: { id: request.conversationId },
    select: { id: true, channel: true, externalId: true, customerId: true, createdAt: true },
  });
  const customerId = conversation.customerId;
  const [customer, codeVerified, lastMessages, items, tickets, orders, disputes, earlierContact, risk] = await Promise.all([
    customerId
      ? db.customer.findUnique({ where: { id: customerId }, select: { givenName: true, familyName: true, contactMedia: { where: { mediumType: 'phone' }, select: { phoneNumber: true, preferred: true } } } })
      : null,
    db.verificationChallenge.findFirst({ where: { conversationId: conversation.id, status: 'verified', ...(customerId ? { customerId } : {}) }, select: { id: true } }),
    db.interaction.findMany({
      where: { conversationId: conversation.id },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: LAST_MESSAGES,
      select: { direction: true, text: true, createdAt: true, reason: true },
    }),
    db.interactionItem.findMany({ where: { interaction: { conversationId: conversation.id } }, select: { itemType: true, itemId: true }, distinct: ['itemType', 'itemId'] }),
    customerId
      ? db.troubleTicket.findMany({ where: { customerId, status: { notIn: [...STOPPED_STATUSES] } }, orderBy: { createdAt: 'desc' }, take: 5, select: { number: true, status: true, name: true } })
      : [],
    customerId
      ? db.productOrder.findMany({ where: { customerId, state: { in: [...OPEN_ORDER_STATES] } }, orderBy: { createdAt: 'desc' }, take: 5, select: { number: true, state: true, description: true } })
      : [],
    customerId
      ? db.billAdjustment.findMany({ where: { customerId, status: 'pending' }, orderBy: { createdAt: 'desc' }, take: 5, select: { number: true, status: true, amount: true, reason: true } })
      : [],
    customerId
      ? db.interaction.findFirst({
          where: {
            customerId,
            direction: 'inbound',
            createdAt: { gte: new Date(request.now.getTime() - REPEAT_CONTACT_DAYS * 86_400_000) },
            OR: [{ conversationId: { not: conversation.id } }, { createdAt: { lt: new Date(request.now.getTime() - 86_400_000) } }],
          },
          select: { id: true },
        })
      : null,
    customerId && churnRisk ? churnRisk(customerId).catch(() => null) : null,
  ]);

  const references = await referencesOf(db, items);
  const phone = customer?.contactMedia.find((medium) => medium.preferred)?.phoneNumber ?? customer?.contactMedia[0]?.phoneNumber ?? null;
  // A call's customer comes from caller ID, which proves nothing: verified only by a code on the call.
  const callerIdOnly = conversation.channel === 'voice' && !codeVerified;
  const verifiedBy: HandoffPacket['who']['verifiedBy'] = !customerId || callerIdOnly
    ? 'none'
    : codeVerified
      ? 'one-time-code'
      : conversation.channel === 'sms'
        ? 'number-on-file'
        : 'signed-in';
  return {
    builtAt: request.now.toISOString(),
    reason: request.reason,
    who: {
      customerId,
      name: customer ? `${customer.givenName} ${customer.familyName}` : null,
      verified: customerId !== null && !callerIdOnly,
      verifiedBy,
      phone: conversation.channel === 'sms' ? conversation.externalId : phone,
    },
    channel: conversation.channel,
    intent: request.intent,
    collected: request.collected,
    references,
    lastMessages: lastMessages.reverse().map((message) => ({ direction: message.direction, text: message.text, at: message.createdAt.toISOString() })),
    open: {
      tickets: tickets.map((ticket) => ({ reference: formatTicketReference(ticket.number), status: ticket.status, title: ticket.name })),
      orders: orders.map((order) => ({ reference: formatOrderReference(order.number), state: order.state, description: order.description })),
      disputes: disputes.map((adjustment) => ({ reference: formatAdjustmentReference(adjustment.number), status: adjustment.status, amount: adjustment.amount.toFixed(2), reason: adjustment.reason })),
    },
    churnRisk: risk ?? null,
    repeatContact: earlierContact !== null,
    suggestedNextStep: request.suggestedNextStep ?? suggestNextStep(request.reason, request.intent, disputes.length > 0),
    summary: null,
  };
}

/** The customer-facing references of the records the conversation created or read. */
async function referencesOf(db: DbClient, items: Array<{ itemType: string; itemId: string }>): Promise<string[]> {
  const ids = (type: string) => items.filter((item) => item.itemType === type).map((item) => item.itemId);
  const [tickets, orders, bills, adjustments] = await Promise.all([
    db.troubleTicket.findMany({ where: { id: { in: ids('troubleTicket') } }, select: { number: true } }),
    db.productOrder.findMany({ where: { id: { in: ids('productOrder') } }, select: { number: true } }),
    db.bill.findMany({ where: { id: { in: ids('bill') } }, select: { number: true } }),
    db.billAdjustment.findMany({ where: { id: { in: ids('billAdjustment') } }, select: { number: true } }),
  ]);
  return [
    ...tickets.map((row) => formatTicketReference(row.number)),
    ...orders.map((row) => formatOrderReference(row.number)),
    ...bills.map((row) => formatBillReference(row.number)),
    ...adjustments.map((row) => formatAdjustmentReference(row.number)),
  ].sort();
}
