import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Channel, DeliveryStatus, InteractionItemType } from '../../generated/prisma/client.ts';
import type { DbClient } from '../../lib/db-types.ts';
import type { DeliveryReceipt, InboundMessage } from '../../channels/channel.ts';

export interface StoredInbound {
  id: string;
  conversationId: string;
  customerId: string | null;
  seq: number;
  correlationId: string;
}

export interface InboundTurnMessage {
  id: string;
  conversationId: string;
  customerId: string | null;
  channel: Channel;
  fromAddress: string;
  toAddress: string;
  text: string;
  seq: number;
  correlationId: string | null;
}

const storedRow = z.object({ id: z.string(), conversationId: z.string(), customerId: z.string().nullable(), seq: z.number() });

/**
 * Stores an inbound message and gives it the conversation's next sequence number, in one SQL
 * statement (the hottest write of the product: one round trip, no interactive transaction). The
 * conversation row's lock orders concurrent messages of one conversation. A message whose
 * provider id is already stored is reported as a duplicate (its seq increment leaves a harmless gap).
 */
export async function storeInboundMessage(
  db: DbClient,
  message: InboundMessage,
  customerId: string | null,
  correlationId: string,
): Promise<{ interaction: StoredInbound; duplicate: boolean }> {
  // Timestamps are written as UTC wall time, as Prisma writes TIMESTAMP(3) columns.
  const receivedAt = message.receivedAt.toISOString();
  const rows = await db.$queryRaw`
    WITH conversation AS (
      INSERT INTO "Conversation" ("id", "channel", "externalId", "serviceAddress", "customerId", "nextInboundSeq", "lastMessageAt", "createdAt", "updatedAt")
      VALUES (${randomUUID()}, ${message.channel}::"Channel", ${message.from}, ${message.to}, ${customerId}, 2, ${receivedAt}::timestamp, ${receivedAt}::timestamp, ${receivedAt}::timestamp)
      ON CONFLICT ("channel", "externalId") DO UPDATE SET
        "nextInboundSeq" = "Conversation"."nextInboundSeq" + 1,
        "lastMessageAt" = EXCLUDED."lastMessageAt",
        "updatedAt" = EXCLUDED."updatedAt",
        "customerId" = COALESCE(EXCLUDED."customerId", "Conversation"."customerId")
      RETURNING "id", "nextInboundSeq"
    )
    INSERT INTO "Interaction" ("id", "conversationId", "customerId", "direction", "channel", "fromAddress", "toAddress", "text", "status", "seq", "providerMessageId", "deliveryStatus", "correlationId", "createdAt", "updatedAt")
    SELECT ${randomUUID()}, conversation."id", ${customerId}, 'inbound', ${message.channel}::"Channel", ${message.from}, ${message.to}, ${message.text}, 'received', conversation."nextInboundSeq" - 1, ${message.providerMessageId}, 'received', ${correlationId}, ${receivedAt}::timestamp, ${receivedAt}::timestamp
    FROM conversation
    ON CONFLICT ("channel", "providerMessageId") DO NOTHING
    RETURNING "id", "conversationId", "customerId", "seq"`;
  const [stored] = z.array(storedRow).parse(rows);
  if (stored) return { interaction: { ...stored, correlationId }, duplicate: false };
  const existing = await findInboundByProviderId(db, message.channel, message.providerMessageId);
  if (!existing) throw new Error(`Inbound message ${message.providerMessageId} was neither stored nor found`);
  return { interaction: existing, duplicate: true };
}

async function findInboundByProviderId(db: DbClient, channel: Channel, providerMessageId: string): Promise<StoredInbound | null> {
  const found = await db.interaction.findUnique({
    where: { channel_providerMessageId: { channel, providerMessageId } },
    select: { id: true, conversationId: true, customerId: true, seq: true, correlationId: true },
  });
  return found ? { ...found, seq: found.seq ?? 0, correlationId: found.correlationId ?? found.id } : null;
}

const inboundTurnSelect = {
  id: true,
  conversationId: true,
  customerId: true,
  channel: true,
  fromAddress: true,
  toAddress: true,
  text: true,
  seq: true,
  correlationId: true,
} as const;

/** The conversation's inbound messages no turn has handled yet, in arrival order. */
export async function listUnhandledInbound(db: DbClient, conversationId: string, limit = 50): Promise<InboundTurnMessage[]> {
  const rows = await db.interaction.findMany({
    where: { conversationId, direction: 'inbound', status: 'received' },
    orderBy: { seq: 'asc' },
    take: limit,
    select: inboundTurnSelect,
  });
  return rows.map((row) => ({ ...row, seq: row.seq ?? 0 }));
}

export interface OutboundDraft {
  text: string;
  /** What the reply is about (the dialog or keyword that produced it). */
  reason: string;
}

export interface InteractionLink {
  itemType: InteractionItemType;
  itemId: string;
  action: 'created' | 'viewed' | 'updated';
}

export interface TurnOutcome {
  /** The recognised intent or keyword, recorded as the inbound interaction's reason. */
  reason: string | null;
  replies: OutboundDraft[];
  links: InteractionLink[];
}

export class TurnAlreadyHandledError extends Error {
  constructor(interactionId: string) {
    super(`Inbound interaction ${interactionId} was handled by another turn`);
    this.name = 'TurnAlreadyHandledError';
  }
}

/**
 * Marks the inbound message handled and stores its replies (pending delivery) and links, in the
 * caller's transaction, so a turn's effects are all written or none are.
 */
export async function recordTurnOutcome(tx: DbClient, inbound: InboundTurnMessage, outcome: TurnOutcome): Promise<string[]> {
  const marked = await tx.interaction.updateMany({
    where: { id: inbound.id, status: 'received' },
    data: { status: 'handled', handledAt: new Date(), reason: outcome.reason },
  });
  if (marked.count === 0) throw new TurnAlreadyHandledError(inbound.id);

  const now = Date.now();
  const replies = outcome.replies.map((reply, index) => ({
    id: randomUUID(),
    conversationId: inbound.conversationId,
    customerId: inbound.customerId,
    direction: 'outbound' as const,
    channel: inbound.channel,
    fromAddress: inbound.toAddress,
    toAddress: inbound.fromAddress,
    text: reply.text,
    reason: reply.reason,
    status: 'pending' as const,
    deliveryStatus: 'pending' as const,
    inReplyToId: inbound.id,
    correlationId: inbound.correlationId,
    // Distinct timestamps keep the timeline in the order the bot spoke.
    createdAt: new Date(now + index),
  }));
  if (replies.length > 0) await tx.interaction.createMany({ data: replies });

  const links = outcome.links.flatMap((link) => [
    { interactionId: inbound.id, ...link },
    ...replies.map((reply) => ({ interactionId: reply.id, ...link })),
  ]);
  if (links.length > 0) await tx.interactionItem.createMany({ data: links, skipDuplicates: true });
  return replies.map((reply) => reply.id);
}

export interface OutboundForDelivery {
  id: string;
  channel: Channel;
  fromAddress: string;
  toAddress: string;
  text: string;
  reason: string | null;
  deliveryStatus: DeliveryStatus | null;
  correlationId: string | null;
}

/** How far along a message is; a status never replaces one of a higher rank. */
const DELIVERY_RANK: Record<DeliveryStatus, number> = {
  pending: 0,
  queued: 1,
  sending: 2,
  sent: 3,
  delivered: 4,
  undelivered: 4,
  failed: 4,
  read: 5,
  received: 5,
};

const DELIVERY_STATUSES: DeliveryStatus[] = ['pending', 'queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'read', 'received'];

function statusesBelow(status: DeliveryStatus): DeliveryStatus[] {
  return DELIVERY_STATUSES.filter((candidate) => DELIVERY_RANK[candidate] < DELIVERY_RANK[status]);
}

function interactionStatusFor(status: DeliveryStatus): 'pending' | 'completed' | 'failed' {
  if (status === 'failed' || status === 'undelivered') return 'failed';
  if (status === 'delivered' || status === 'read' || status === 'sent') return 'completed';
  return 'pending';
}

/** Moves an outbound message's delivery status forward; a stale status changes nothing. */
async function advanceDeliveryStatus(db: DbClient, interactionId: string, status: DeliveryStatus, errorCode: string | undefined): Promise<boolean> {
  const updated = await db.interaction.updateMany({
    where: { id: interactionId, direction: 'outbound', OR: [{ deliveryStatus: null }, { deliveryStatus: { in: statusesBelow(status) } }] },
    data: { deliveryStatus: status, status: interactionStatusFor(status), ...(errorCode ? { deliveryErrorCode: errorCode } : {}) },
  });
  return updated.count > 0;
}

/** The provider accepted the message: remember its id and status (one UPDATE when the status moves forward). */
export async function recordProviderAcceptance(db: DbClient, interactionId: string, providerMessageId: string, status: DeliveryStatus): Promise<void> {
  const forward = await db.interaction.updateMany({
    where: { id: interactionId, OR: [{ deliveryStatus: null }, { deliveryStatus: { in: statusesBelow(status) } }] },
    data: { providerMessageId, deliveryAttempts: { increment: 1 }, deliveryStatus: status, status: interactionStatusFor(status) },
  });
  // A status callback got there first with a later status: keep it, record only the id.
  if (forward.count === 0) {
    await db.interaction.update({ where: { id: interactionId }, data: { providerMessageId, deliveryAttempts: { increment: 1 } } });
  }
}

export async function recordDeliveryFailure(db: DbClient, interactionId: string, errorCode: string, final: boolean): Promise<void> {
  await db.interaction.update({ where: { id: interactionId }, data: { deliveryAttempts: { increment: 1 }, deliveryErrorCode: errorCode } });
  if (final) await advanceDeliveryStatus(db, interactionId, 'failed', errorCode);
}

/**
 * Applies a provider's status callback. It finds the message by our interaction id (carried in
 * the callback URL, so it works even before the provider's id was recorded) or by provider id.
 */
export async function applyDeliveryReceipt(db: DbClient, channel: Channel, receipt: DeliveryReceipt): Promise<'applied' | 'stale' | 'unknown'> {
  const target = receipt.interactionId
    ? { id: receipt.interactionId, OR: [{ providerMessageId: null }, { providerMessageId: receipt.providerMessageId }] }
    : { channel, providerMessageId: receipt.providerMessageId };
  // One conditional UPDATE in the usual case; a second look only tells "stale" from "unknown".
  const applied = await db.interaction.updateMany({
    where: { AND: [target, { direction: 'outbound' }, { OR: [{ deliveryStatus: null }, { deliveryStatus: { in: statusesBelow(receipt.status) } }] }] },
    data: {
      providerMessageId: receipt.providerMessageId,
      deliveryStatus: receipt.status,
      status: interactionStatusFor(receipt.status),
      ...(receipt.errorCode ? { deliveryErrorCode: receipt.errorCode } : {}),
    },
  });
  if (applied.count > 0) return 'applied';
  const known = await db.interaction.count({ where: { AND: [target, { direction: 'outbound' }] } });
  return known > 0 ? 'stale' : 'unknown';
}

/** Inbound messages stored but never handled (their job was lost, e.g. Redis was down). */
export async function listStrandedInbound(db: DbClient, olderThan: Date, limit = 200) {
  return db.interaction.findMany({
    where: { direction: 'inbound', status: 'received', createdAt: { lt: olderThan } },
    orderBy: { createdAt: 'asc' },
    take: limit,
    select: { id: true, conversationId: true, correlationId: true },
  });
}

/** Outbound messages stored but never handed to the provider. */
export async function listStrandedOutbound(db: DbClient, olderThan: Date, limit = 200) {
  return db.interaction.findMany({
    where: { direction: 'outbound', deliveryStatus: 'pending', createdAt: { lt: olderThan } },
    orderBy: { createdAt: 'asc' },
    take: limit,
    select: { id: true, conversationId: true, correlationId: true },
  });
}

export interface TimelineQuery {
  limit: number;
  /** Only interactions before this instant (for paging back). */
  before?: Date | undefined;
}

/** A customer's contact log across channels, newest first, in TMF683 PartyInteraction shape. */
export async function getCustomerTimeline(db: DbClient, customerId: string, query: TimelineQuery) {
  const rows = await db.interaction.findMany({
    where: { customerId, ...(query.before ? { createdAt: { lt: query.before } } : {}) },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: query.limit,
    include: { items: { select: { itemType: true, itemId: true, action: true } } },
  });
  return rows.map((row) => ({
    id: row.id,
    '@type': 'PartyInteraction',
    direction: row.direction,
    channel: [{ role: 'interactionChannel', name: row.channel }],
    interactionDate: { startDateTime: row.createdAt.toISOString() },
    conversationId: row.conversationId,
    reason: row.reason,
    status: row.status,
    description: row.text,
    from: row.fromAddress,
    to: row.toAddress,
    providerMessageId: row.providerMessageId,
    deliveryStatus: row.deliveryStatus,
    deliveryErrorCode: row.deliveryErrorCode,
    inReplyToId: row.inReplyToId,
    interactionItem: row.items.map((item) => ({ item: { '@referredType': item.itemType, id: item.itemId }, action: item.action })),
  }));
}

/** A conversation's outbound messages not yet handed to the provider, oldest first. */
export async function listPendingOutbound(db: DbClient, conversationId: string, limit = 50): Promise<OutboundForDelivery[]> {
  return db.interaction.findMany({
    where: { conversationId, direction: 'outbound', deliveryStatus: 'pending' },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    take: limit,
    select: { id: true, channel: true, fromAddress: true, toAddress: true, text: true, reason: true, deliveryStatus: true, correlationId: true },
  });
}
