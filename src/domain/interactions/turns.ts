import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { Channel, type InteractionItemType } from '../../generated/prisma/enums.ts';
import type { CustomerSummary } from '../customers/customers.service.ts';
import { statement, type Sql } from '../../db/sql.ts';
import type { OutboundForDelivery } from './outbound.ts';

// A conversation's turns: its unhandled inbound messages (with customer, opt-out and bot state in
// one read), and a turn's outcome (the message marked handled, its replies and links) in one write.

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
  /** Who owns the conversation (src/domain/agents), as of the read; null when only the bot ever had it. */
  owner: TurnOwner | null;
}

/** The conversation's owner as the routing point needs it. */
export interface TurnOwner {
  state: 'bot' | 'queued' | 'offered' | 'agent' | 'closed';
  staffId: string | null;
  version: number;
  /** After a handback: what the bot does with the next message (src/domain/agents handbackResume). */
  resume: unknown;
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
  ownerState: z.enum(['bot', 'queued', 'offered', 'agent', 'closed']).nullable(),
  ownerStaffId: z.string().nullable(),
  ownerVersion: z.number().nullable(),
  ownerResume: z.json().nullable(),
});
const pendingTurnRows = z.array(pendingTurnRow);

const LIST_PENDING_TURNS = statement(
  'interactions.listPendingTurns',
  `SELECT i."id", i."conversationId", c."id" AS "customerId", i."channel"::text AS "channel", i."fromAddress", i."toAddress", i."text", i."seq", i."correlationId",
     c."givenName", c."familyName", c."status"::text AS "customerStatus", COALESCE(consent."status" = 'revoked', false) AS "optedOut",
     state."key" AS "stateKey", state."data" AS "stateData", state."version" AS "stateVersion",
     owner."state"::text AS "ownerState", owner."ownerStaffId", owner."version" AS "ownerVersion", owner."resume" AS "ownerResume"
   FROM "Interaction" i
   JOIN "Conversation" conv ON conv."id" = i."conversationId"
   LEFT JOIN "Customer" c ON c."id" = COALESCE(i."customerId", CASE WHEN i."channel" <> 'sms' THEN conv."customerId" END)
   LEFT JOIN "Consent" consent ON consent."channel" = i."channel" AND consent."address" = i."fromAddress" AND consent."purpose" = 'service'
   LEFT JOIN "BotState" state ON state."key" = i."channel"::text || '/conversations/' || i."conversationId" || '/'
   LEFT JOIN "ConversationOwner" owner ON owner."conversationId" = i."conversationId"
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
    owner: row.ownerState !== null && row.ownerVersion !== null ? { state: row.ownerState, staffId: row.ownerStaffId, version: row.ownerVersion, resume: row.ownerResume } : null,
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
   ), earlier AS (
     -- An undelivered message is always status 'pending' too; naming it lets the (conversationId, status) index find them.
     SELECT EXISTS (SELECT 1 FROM "Interaction" WHERE "conversationId" = $4::text AND "status" = 'pending' AND "direction" = 'outbound' AND "deliveryStatus" = 'pending') AS "pending"
   ), replies AS (
     INSERT INTO "Interaction" ("id", "conversationId", "customerId", "direction", "channel", "fromAddress", "toAddress", "text", "reason", "suggestedActions", "status", "deliveryStatus", "inReplyToId", "correlationId", "sendStartedAt", "createdAt", "updatedAt")
     SELECT reply."id", $4::text, $5::text, 'outbound', $6::"Channel", $7::text, $8::text, reply."text", reply."reason",
       ARRAY(SELECT json_array_elements_text(reply."actions"::json)), 'pending', 'pending', marked."id", $9::text,
       -- Sent right after this write (nothing waits before them): their send's start goes in with them.
       CASE WHEN NOT earlier."pending" THEN $20::timestamp END,
       reply."createdAt"::timestamp, reply."createdAt"::timestamp
     FROM marked CROSS JOIN earlier CROSS JOIN unnest($10::text[], $11::text[], $12::text[], $13::text[], $14::text[]) AS reply("id", "text", "reason", "actions", "createdAt")
     RETURNING "id"
   ), links AS (
     INSERT INTO "InteractionItem" ("id", "interactionId", "itemType", "itemId", "action", "createdAt")
     SELECT link."id", link."interactionId", link."itemType"::"InteractionItemType", link."itemId", link."action", $1::timestamp
     FROM marked CROSS JOIN unnest($15::text[], $16::text[], $17::text[], $18::text[], $19::text[]) AS link("id", "interactionId", "itemType", "itemId", "action")
     ON CONFLICT ("interactionId", "itemType", "itemId", "action") DO NOTHING
   )
   SELECT EXISTS (SELECT 1 FROM marked) AS "marked",
     COALESCE((SELECT consent."status" = 'revoked' FROM "Consent" consent WHERE consent."channel" = $6::"Channel" AND consent."address" = $8::text AND consent."purpose" = 'service'), false) AS "recipientOptedOut",
     (SELECT "pending" FROM earlier) AS "earlierPending"`,
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
export interface RecordOutcomeOptions {
  /**
   * The replies go to a provider whose sends are looked up after a crash (SMS), right after this
   * write: their send's start is written with them, saving the separate write before the call.
   * Not when earlier messages of the conversation wait (those go first, read back from storage).
   */
  sendStartsNow?: boolean;
}

export async function recordTurnOutcome(sql: Sql, inbound: InboundTurnMessage, outcome: TurnOutcome, options: RecordOutcomeOptions = {}): Promise<RecordedTurn> {
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
    options.sendStartsNow ? handledAt : null,
  ]);
  const [result] = outcomeRows.parse(rows);
  if (!result?.marked) throw new TurnAlreadyHandledError(inbound.id);
  const sendStartRecorded = options.sendStartsNow === true && !result.earlierPending;
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
      sendStartRecorded,
    })),
    earlierPending: result.earlierPending,
  };
}
