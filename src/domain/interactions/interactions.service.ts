import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { Channel, DeliveryStatus, type InteractionItemType } from '../../generated/prisma/enums.ts';
import type { CustomerSummary } from '../customers/customers.service.ts';
import type { DbClient } from '../../lib/db-types.ts';
import { GroupCommit } from '../../db/group-commit.ts';
import { statement, type Sql, type Statement } from '../../db/sql.ts';
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
// Row schemas are built once: zod compiles each schema on first use, and `.extend` costs ~70 µs.
const storedRows = z.array(storedRow);
const foundRows = z.array(storedRow.extend({ correlationId: z.string() }));

/** Who sent an inbound message: known already (a verified channel), or the owner of this phone number (SMS). */
export type InboundSender = { customerId: string | null } | { phone: string };

const STORE_INBOUND = statement(
  'interactions.storeInbound',
  `WITH sender AS (
     SELECT COALESCE($1::text, (SELECT "customerId" FROM "ContactMedium" WHERE "phoneNumber" = $2::text)) AS "customerId"
   ), conversation AS (
     INSERT INTO "Conversation" ("id", "channel", "externalId", "serviceAddress", "customerId", "nextInboundSeq", "lastMessageAt", "createdAt", "updatedAt")
     SELECT $3::text, $4::"Channel", $5::text, $6::text, sender."customerId", 2, $7::timestamp, $7::timestamp, $7::timestamp FROM sender
     ON CONFLICT ("channel", "externalId") DO UPDATE SET
       "nextInboundSeq" = "Conversation"."nextInboundSeq" + 1,
       "lastMessageAt" = EXCLUDED."lastMessageAt",
       "updatedAt" = EXCLUDED."updatedAt",
       "customerId" = COALESCE(EXCLUDED."customerId", "Conversation"."customerId")
     RETURNING "id", "nextInboundSeq"
   )
   INSERT INTO "Interaction" ("id", "conversationId", "customerId", "direction", "channel", "fromAddress", "toAddress", "text", "status", "seq", "providerMessageId", "deliveryStatus", "correlationId", "createdAt", "updatedAt")
   SELECT $8::text, conversation."id", sender."customerId", 'inbound', $4::"Channel", $5::text, $6::text, $9::text, 'received', conversation."nextInboundSeq" - 1, $10::text, 'received', $11::text, $7::timestamp, $7::timestamp
   FROM conversation CROSS JOIN sender
   ON CONFLICT ("channel", "providerMessageId") DO NOTHING
   RETURNING "id", "conversationId", "customerId", "seq"`,
);

const FIND_INBOUND = statement(
  'interactions.findInboundByProviderId',
  `SELECT "id", "conversationId", "customerId", COALESCE("seq", 0) AS "seq", COALESCE("correlationId", "id") AS "correlationId"
   FROM "Interaction" WHERE "channel" = $1::"Channel" AND "providerMessageId" = $2::text`,
);

/**
 * Stores an inbound message and gives it the conversation's next sequence number, in one SQL
 * statement (the hottest write of the product: one round trip, no interactive transaction), which
 * also identifies an SMS sender by the number on file. The conversation row's lock orders
 * concurrent messages of one conversation. A message whose provider id is already stored is
 * reported as a duplicate (its seq increment leaves a harmless gap).
 */
export async function storeInboundMessage(
  sql: Sql,
  message: InboundMessage,
  sender: InboundSender,
  correlationId: string,
): Promise<{ interaction: StoredInbound; duplicate: boolean }> {
  // Timestamps are written as UTC wall time, as Prisma writes TIMESTAMP(3) columns.
  const receivedAt = message.receivedAt.toISOString();
  const rows = await sql.rows(STORE_INBOUND, [
    'customerId' in sender ? sender.customerId : null,
    'phone' in sender ? sender.phone : null,
    randomUUID(),
    message.channel,
    message.from,
    message.to,
    receivedAt,
    randomUUID(),
    message.text,
    message.providerMessageId,
    correlationId,
  ]);
  const [stored] = storedRows.parse(rows);
  if (stored) return { interaction: { ...stored, correlationId }, duplicate: false };
  const [existing] = foundRows.parse(await sql.rows(FIND_INBOUND, [message.channel, message.providerMessageId]));
  if (!existing) throw new Error(`Inbound message ${message.providerMessageId} was neither stored nor found`);
  return { interaction: existing, duplicate: true };
}

export interface PendingTurn {
  message: InboundTurnMessage;
  customer: CustomerSummary | null;
  /** The sender's service consent on the channel is revoked (read with the message). */
  optedOut: boolean;
  /**
   * The conversation's stored bot state as of the read (botbuilder's conversation-state row,
   * keyed `<channel>/conversations/<conversation id>/`), null when there is none: it saves the
   * first turn of a batch a query. Later turns of the batch must read it again.
   */
  state: StoredBotState | null;
}

export interface StoredBotState {
  key: string;
  data: unknown;
  version: number;
}

const pendingTurnRow = z.object({
  id: z.string(),
  conversationId: z.string(),
  customerId: z.string().nullable(),
  channel: z.enum(Channel),
  fromAddress: z.string(),
  toAddress: z.string(),
  text: z.string(),
  seq: z.number().nullable(),
  correlationId: z.string().nullable(),
  givenName: z.string().nullable(),
  familyName: z.string().nullable(),
  customerStatus: z.string().nullable(),
  optedOut: z.boolean(),
  stateKey: z.string().nullable(),
  stateData: z.json().nullable(),
  stateVersion: z.number().nullable(),
});
const pendingTurnRows = z.array(pendingTurnRow);

const LIST_PENDING_TURNS = statement(
  'interactions.listPendingTurns',
  `SELECT i."id", i."conversationId", c."id" AS "customerId", i."channel"::text AS "channel", i."fromAddress", i."toAddress", i."text", i."seq", i."correlationId",
     c."givenName", c."familyName", c."status"::text AS "customerStatus", COALESCE(consent."status" = 'revoked', false) AS "optedOut",
     state."key" AS "stateKey", state."data" AS "stateData", state."version" AS "stateVersion"
   FROM "Interaction" i
   JOIN "Conversation" conv ON conv."id" = i."conversationId"
   LEFT JOIN "Customer" c ON c."id" = COALESCE(i."customerId", CASE WHEN i."channel" <> 'sms' THEN conv."customerId" END)
   LEFT JOIN "Consent" consent ON consent."channel" = i."channel" AND consent."address" = i."fromAddress" AND consent."purpose" = 'service'
   LEFT JOIN "BotState" state ON state."key" = i."channel"::text || '/conversations/' || i."conversationId" || '/'
   WHERE i."conversationId" = $1::text AND i."direction" = 'inbound' AND i."status" = 'received'
   ORDER BY i."seq" ASC
   LIMIT $2::int`,
);

/**
 * The conversation's unhandled inbound messages in arrival order, each with its customer and the
 * sender's opt-out status, in one query (the turn's first read). The customer is the one the
 * message was identified as, else (web chat, voice) the one who signed in to the conversation; on
 * SMS only the number on file identifies. The opt-out status is as of the
 * read: a turn that changes consent must read again before handling the next message.
 */
export async function listPendingTurns(sql: Sql, conversationId: string, limit = 50): Promise<PendingTurn[]> {
  const rows = await sql.rows(LIST_PENDING_TURNS, [conversationId, limit]);
  return pendingTurnRows.parse(rows).map((row) => ({
    message: {
      id: row.id,
      conversationId: row.conversationId,
      customerId: row.customerId,
      channel: row.channel,
      fromAddress: row.fromAddress,
      toAddress: row.toAddress,
      text: row.text,
      seq: row.seq ?? 0,
      correlationId: row.correlationId,
    },
    customer:
      row.customerId && row.givenName !== null && row.familyName !== null && row.customerStatus !== null
        ? { id: row.customerId, givenName: row.givenName, familyName: row.familyName, status: row.customerStatus }
        : null,
    optedOut: row.optedOut,
    state: row.stateKey !== null && row.stateVersion !== null ? { key: row.stateKey, data: row.stateData, version: row.stateVersion } : null,
  }));
}

export interface OutboundDraft {
  text: string;
  /** What the reply is about (the dialog or keyword that produced it). */
  reason: string;
  /** Quick replies offered with it: buttons on web chat, numbered options on SMS. */
  suggestedActions?: string[];
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

const outcomeRow = z.object({ marked: z.boolean(), recipientOptedOut: z.boolean(), earlierPending: z.boolean() });
const outcomeRows = z.array(outcomeRow);

const RECORD_TURN_OUTCOME = statement(
  'interactions.recordTurnOutcome',
  `WITH marked AS (
     UPDATE "Interaction" SET "status" = 'handled', "handledAt" = $1::timestamp, "reason" = $2::text, "updatedAt" = $1::timestamp
     WHERE "id" = $3::text AND "status" = 'received'
     RETURNING "id"
   ), replies AS (
     INSERT INTO "Interaction" ("id", "conversationId", "customerId", "direction", "channel", "fromAddress", "toAddress", "text", "reason", "suggestedActions", "status", "deliveryStatus", "inReplyToId", "correlationId", "createdAt", "updatedAt")
     SELECT reply."id", $4::text, $5::text, 'outbound', $6::"Channel", $7::text, $8::text, reply."text", reply."reason",
       ARRAY(SELECT json_array_elements_text(reply."actions"::json)), 'pending', 'pending', marked."id", $9::text, reply."createdAt"::timestamp, reply."createdAt"::timestamp
     FROM marked CROSS JOIN unnest($10::text[], $11::text[], $12::text[], $13::text[], $14::text[]) AS reply("id", "text", "reason", "actions", "createdAt")
     RETURNING "id"
   ), links AS (
     INSERT INTO "InteractionItem" ("id", "interactionId", "itemType", "itemId", "action", "createdAt")
     SELECT link."id", link."interactionId", link."itemType"::"InteractionItemType", link."itemId", link."action", $1::timestamp
     FROM marked CROSS JOIN unnest($15::text[], $16::text[], $17::text[], $18::text[], $19::text[]) AS link("id", "interactionId", "itemType", "itemId", "action")
     ON CONFLICT ("interactionId", "itemType", "itemId", "action") DO NOTHING
   )
   SELECT EXISTS (SELECT 1 FROM marked) AS "marked",
     COALESCE((SELECT consent."status" = 'revoked' FROM "Consent" consent WHERE consent."channel" = $6::"Channel" AND consent."address" = $8::text AND consent."purpose" = 'service'), false) AS "recipientOptedOut",
     -- An undelivered message is always status 'pending' too; naming it lets the (conversationId, status) index find them.
     EXISTS (SELECT 1 FROM "Interaction" WHERE "conversationId" = $4::text AND "status" = 'pending' AND "direction" = 'outbound' AND "deliveryStatus" = 'pending') AS "earlierPending"`,
);

/** A turn's stored replies, ready for delivery without reading them back. */
export interface RecordedTurn {
  replies: OutboundForDelivery[];
  /**
   * Other outbound messages of the conversation were already waiting for delivery (a retry, a
   * notification, a code texted during the turn): these replies must go out after them.
   */
  earlierPending: boolean;
}

/**
 * Marks the inbound message handled and stores its replies (pending delivery) and links in one
 * SQL statement: the replies and links are written only if the mark succeeds, so a turn's effects
 * are all written or none are, even outside a transaction. Run it in the caller's transaction
 * when the turn has other writes (bot state, consent). The same statement reads what delivery
 * needs (the recipient's opt-out, earlier undelivered messages), so the replies can be handed to
 * the channel without reading them back.
 */
export async function recordTurnOutcome(sql: Sql, inbound: InboundTurnMessage, outcome: TurnOutcome): Promise<RecordedTurn> {
  const now = Date.now();
  const handledAt = new Date(now).toISOString();
  const replies = outcome.replies.map((reply, index) => ({
    id: randomUUID(),
    draft: reply,
    text: reply.text,
    reason: reply.reason,
    actions: JSON.stringify(reply.suggestedActions ?? []),
    // Distinct timestamps keep the timeline in the order the bot spoke.
    createdAt: new Date(now + index).toISOString(),
  }));
  const links = outcome.links.flatMap((link) => [inbound.id, ...replies.map((reply) => reply.id)].map((interactionId) => ({ id: randomUUID(), interactionId, ...link })));
  // Timestamps are written as UTC wall time, as Prisma writes TIMESTAMP(3) columns.
  const rows = await sql.rows(RECORD_TURN_OUTCOME, [
    handledAt,
    outcome.reason,
    inbound.id,
    inbound.conversationId,
    inbound.customerId,
    inbound.channel,
    inbound.toAddress,
    inbound.fromAddress,
    inbound.correlationId,
    replies.map((reply) => reply.id),
    replies.map((reply) => reply.text),
    replies.map((reply) => reply.reason),
    replies.map((reply) => reply.actions),
    replies.map((reply) => reply.createdAt),
    links.map((link) => link.id),
    links.map((link) => link.interactionId),
    links.map((link) => link.itemType),
    links.map((link) => link.itemId),
    links.map((link) => link.action),
  ]);
  const [result] = outcomeRows.parse(rows);
  if (!result?.marked) throw new TurnAlreadyHandledError(inbound.id);
  return {
    replies: replies.map((reply) => ({
      id: reply.id,
      channel: inbound.channel,
      fromAddress: inbound.toAddress,
      toAddress: inbound.fromAddress,
      text: reply.text,
      reason: reply.reason,
      suggestedActions: reply.draft.suggestedActions ?? [],
      deliveryStatus: 'pending',
      correlationId: inbound.correlationId,
      recipientOptedOut: result.recipientOptedOut,
    })),
    earlierPending: result.earlierPending,
  };
}

export interface OutboundForDelivery {
  id: string;
  channel: Channel;
  fromAddress: string;
  toAddress: string;
  text: string;
  reason: string | null;
  suggestedActions: string[];
  deliveryStatus: DeliveryStatus | null;
  correlationId: string | null;
  /** The recipient has opted out of service messages on the channel (as of the read). */
  recipientOptedOut: boolean;
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

/**
 * The provider accepted these messages: remember each one's id and count the attempt, and move
 * its status forward unless a status callback got there first with a later one (one UPDATE).
 */
const RECORD_PROVIDER_ACCEPTANCES = statement(
  'interactions.recordProviderAcceptances',
  `UPDATE "Interaction" i SET
     "providerMessageId" = input."sid",
     "deliveryAttempts" = i."deliveryAttempts" + 1,
     "deliveryStatus" = CASE WHEN (i."deliveryStatus" IS NULL OR i."deliveryStatus"::text = ANY(string_to_array(input."below", ','))) THEN input."status"::"DeliveryStatus" ELSE i."deliveryStatus" END,
     "status" = CASE WHEN (i."deliveryStatus" IS NULL OR i."deliveryStatus"::text = ANY(string_to_array(input."below", ','))) THEN input."interactionStatus"::"InteractionStatus" ELSE i."status" END,
     "updatedAt" = $5::timestamp
   FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $6::text[]) AS input("id", "sid", "status", "interactionStatus", "below")
   WHERE i."id" = input."id"
   RETURNING i."id"`,
);

/** The same for one message: a quiet worker's acceptances come one at a time, and this form costs PostgreSQL less. */
const RECORD_PROVIDER_ACCEPTANCE = statement(
  'interactions.recordProviderAcceptance',
  `UPDATE "Interaction" SET
     "providerMessageId" = $1::text,
     "deliveryAttempts" = "deliveryAttempts" + 1,
     "deliveryStatus" = CASE WHEN ("deliveryStatus" IS NULL OR "deliveryStatus"::text = ANY($2::text[])) THEN $3::"DeliveryStatus" ELSE "deliveryStatus" END,
     "status" = CASE WHEN ("deliveryStatus" IS NULL OR "deliveryStatus"::text = ANY($2::text[])) THEN $4::"InteractionStatus" ELSE "status" END,
     "updatedAt" = $5::timestamp
   WHERE "id" = $6::text
   RETURNING "id"`,
);

export interface ProviderAcceptance {
  interactionId: string;
  providerMessageId: string;
  status: DeliveryStatus;
}

/**
 * Records that the provider accepted a message. On a busy worker, acceptances that arrive while
 * one is being written go together in the next statement; each is committed before it returns.
 */
export function createAcceptanceWriter(sql: Sql): (acceptance: ProviderAcceptance) => Promise<void> {
  const commit = new GroupCommit<ProviderAcceptance, boolean>(
    async (acceptances) => {
      const [only] = acceptances;
      if (only && acceptances.length === 1) {
        const { interactionId, providerMessageId, status } = only;
        const updated = await sql.rows(RECORD_PROVIDER_ACCEPTANCE, [providerMessageId, statusesBelow(status), status, interactionStatusFor(status), new Date().toISOString(), interactionId]);
        return [updated.length > 0];
      }
      const rows = await sql.rows(RECORD_PROVIDER_ACCEPTANCES, [
        acceptances.map((acceptance) => acceptance.interactionId),
        acceptances.map((acceptance) => acceptance.providerMessageId),
        acceptances.map((acceptance) => acceptance.status),
        acceptances.map((acceptance) => interactionStatusFor(acceptance.status)),
        new Date().toISOString(),
        acceptances.map((acceptance) => statusesBelow(acceptance.status).join(',')),
      ]);
      const updated = new Set(idRows.parse(rows).map((row) => row.id));
      return acceptances.map((acceptance) => updated.has(acceptance.interactionId));
    },
    { key: (acceptance) => acceptance.interactionId },
  );
  return async (acceptance) => {
    if (!(await commit.submit(acceptance))) throw new Error(`Outbound interaction ${acceptance.interactionId} not found`);
  };
}

export async function recordDeliveryFailure(db: DbClient, interactionId: string, errorCode: string, final: boolean): Promise<void> {
  await db.interaction.update({ where: { id: interactionId }, data: { deliveryAttempts: { increment: 1 }, deliveryErrorCode: errorCode } });
  if (final) await advanceDeliveryStatus(db, interactionId, 'failed', errorCode);
}

const receiptRow = z.object({ applied: z.boolean(), known: z.boolean() });
const receiptRows = z.array(receiptRow);

/** A status callback's update, for a message found by `target` ($1, $2: the ids it is found by). */
function receiptStatement(name: string, target: string): Statement {
  return statement(
    name,
    `WITH applied AS (
       UPDATE "Interaction" SET
         "providerMessageId" = $2::text,
         "deliveryStatus" = $3::"DeliveryStatus",
         "status" = $4::"InteractionStatus",
         "deliveryErrorCode" = COALESCE($5::text, "deliveryErrorCode"),
         "updatedAt" = $6::timestamp
       WHERE ${target} AND "direction" = 'outbound' AND ("deliveryStatus" IS NULL OR "deliveryStatus"::text = ANY($7::text[]))
       RETURNING "id"
     )
     SELECT EXISTS (SELECT 1 FROM applied) AS "applied", EXISTS (SELECT 1 FROM "Interaction" WHERE ${target} AND "direction" = 'outbound') AS "known"`,
  );
}

const RECEIPT_BY_INTERACTION = receiptStatement('interactions.receiptByInteraction', `"id" = $1::text AND ("providerMessageId" IS NULL OR "providerMessageId" = $2::text)`);
const RECEIPT_BY_PROVIDER_ID = receiptStatement('interactions.receiptByProviderId', `"channel" = $1::"Channel" AND "providerMessageId" = $2::text`);

/**
 * Applies a provider's status callback. It finds the message by our interaction id (carried in
 * the callback URL, so it works even before the provider's id was recorded) or by provider id.
 * One statement: a conditional UPDATE, and a look that tells "stale" from "unknown".
 */
export async function applyDeliveryReceipt(sql: Sql, channel: Channel, receipt: DeliveryReceipt): Promise<'applied' | 'stale' | 'unknown'> {
  const [target, key] = receipt.interactionId ? [RECEIPT_BY_INTERACTION, receipt.interactionId] : [RECEIPT_BY_PROVIDER_ID, channel];
  const rows = await sql.rows(target, [
    key,
    receipt.providerMessageId,
    receipt.status,
    interactionStatusFor(receipt.status),
    receipt.errorCode ?? null,
    new Date().toISOString(),
    statusesBelow(receipt.status),
  ]);
  const [result] = receiptRows.parse(rows);
  if (result?.applied) return 'applied';
  return result?.known ? 'stale' : 'unknown';
}

const batchReceiptRow = z.object({ id: z.string(), applied: z.boolean(), known: z.boolean() });
const batchReceiptRows = z.array(batchReceiptRow);
const idRows = z.array(z.object({ id: z.string() }));

/**
 * Many status callbacks (each for a different message, found by our interaction id) in one
 * statement: each row is the statement receiptByInteraction runs for one callback.
 */
const RECEIPTS_BY_INTERACTION = statement(
  'interactions.receiptsByInteraction',
  `WITH input AS (
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS r("id", "sid", "status", "interactionStatus", "errorCode", "below")
   ), applied AS (
     UPDATE "Interaction" i SET
       "providerMessageId" = input."sid",
       "deliveryStatus" = input."status"::"DeliveryStatus",
       "status" = input."interactionStatus"::"InteractionStatus",
       "deliveryErrorCode" = COALESCE(input."errorCode", i."deliveryErrorCode"),
       "updatedAt" = $7::timestamp
     FROM input
     WHERE i."id" = input."id" AND (i."providerMessageId" IS NULL OR i."providerMessageId" = input."sid") AND i."direction" = 'outbound'
       AND (i."deliveryStatus" IS NULL OR i."deliveryStatus"::text = ANY(string_to_array(input."below", ',')))
     RETURNING i."id"
   )
   SELECT input."id",
     EXISTS (SELECT 1 FROM applied WHERE applied."id" = input."id") AS "applied",
     EXISTS (SELECT 1 FROM "Interaction" k WHERE k."id" = input."id" AND (k."providerMessageId" IS NULL OR k."providerMessageId" = input."sid") AND k."direction" = 'outbound') AS "known"
   FROM input`,
);

type ReceiptOutcome = 'applied' | 'stale' | 'unknown';

/**
 * Applies status callbacks as applyDeliveryReceipt does, but writes the ones that arrive together
 * in one statement (a busy number gets two or three callbacks per message). Callbacks for one
 * message still apply one after another, in arrival order.
 */
export function createReceiptWriter(sql: Sql, channel: Channel): (receipt: DeliveryReceipt) => Promise<ReceiptOutcome> {
  const byInteraction = new GroupCommit<DeliveryReceipt & { interactionId: string }, ReceiptOutcome>(
    async (receipts) => {
      const [only] = receipts;
      if (only && receipts.length === 1) return [await applyDeliveryReceipt(sql, channel, only)];
      const rows = batchReceiptRows.parse(
        await sql.rows(RECEIPTS_BY_INTERACTION, [
          receipts.map((receipt) => receipt.interactionId),
          receipts.map((receipt) => receipt.providerMessageId),
          receipts.map((receipt) => receipt.status),
          receipts.map((receipt) => interactionStatusFor(receipt.status)),
          receipts.map((receipt) => receipt.errorCode ?? null),
          receipts.map((receipt) => statusesBelow(receipt.status).join(',')),
          new Date().toISOString(),
        ]),
      );
      const outcomes = new Map(rows.map((row) => [row.id, row.applied ? 'applied' : row.known ? 'stale' : 'unknown'] as const));
      return receipts.map((receipt) => outcomes.get(receipt.interactionId) ?? 'unknown');
    },
    { key: (receipt) => receipt.interactionId },
  );
  return (receipt) => {
    const { interactionId } = receipt;
    return interactionId ? byInteraction.submit({ ...receipt, interactionId }) : applyDeliveryReceipt(sql, channel, receipt);
  };
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

const outboundForDeliveryRow = z.object({
  id: z.string(),
  channel: z.enum(Channel),
  fromAddress: z.string(),
  toAddress: z.string(),
  text: z.string(),
  reason: z.string().nullable(),
  suggestedActions: z.array(z.string()).nullable().transform((actions) => actions ?? []),
  deliveryStatus: z.enum(DeliveryStatus).nullable(),
  correlationId: z.string().nullable(),
  recipientOptedOut: z.boolean(),
});
const outboundForDeliveryRows = z.array(outboundForDeliveryRow);

const LIST_PENDING_OUTBOUND = statement(
  'interactions.listPendingOutbound',
  `SELECT i."id", i."channel"::text AS "channel", i."fromAddress", i."toAddress", i."text", i."reason", i."suggestedActions", i."deliveryStatus"::text AS "deliveryStatus", i."correlationId",
     COALESCE(consent."status" = 'revoked', false) AS "recipientOptedOut"
   FROM "Interaction" i
   LEFT JOIN "Consent" consent ON consent."channel" = i."channel" AND consent."address" = i."toAddress" AND consent."purpose" = 'service'
   WHERE i."conversationId" = $1::text AND i."direction" = 'outbound' AND i."deliveryStatus" = 'pending'
   ORDER BY i."createdAt" ASC, i."id" ASC
   LIMIT $2::int`,
);

/**
 * A conversation's outbound messages not yet handed to the provider, oldest first, each with the
 * recipient's opt-out status on its channel (read in the same query).
 */
export async function listPendingOutbound(sql: Sql, conversationId: string, limit = 50): Promise<OutboundForDelivery[]> {
  return outboundForDeliveryRows.parse(await sql.rows(LIST_PENDING_OUTBOUND, [conversationId, limit]));
}
