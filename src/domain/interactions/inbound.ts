import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { DbClient } from '../../lib/db-types.ts';
import { toStorableText } from '../../lib/storable-text.ts';
import { statement, type Sql } from '../../db/sql.ts';
import type { InboundMessage } from './messages.ts';

// Intake: an inbound message stored durably with its conversation's next sequence number, and
// the ones whose turn job was lost.

export interface StoredInbound {
  id: string;
  conversationId: string;
  customerId: string | null;
  seq: number;
  correlationId: string;
  /** The text as stored (what a channel may show back to the sender; see toStorableText). */
  text: string;
}

const storedRow = z.object({ id: z.string(), conversationId: z.string(), customerId: z.string().nullable(), seq: z.number(), text: z.string() });
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
     SELECT $3::text, $4::"Channel", COALESCE($12::text, $5::text), $6::text, sender."customerId", 2, $7::timestamp, $7::timestamp, $7::timestamp FROM sender
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
   RETURNING "id", "conversationId", "customerId", "seq", "text"`,
);

const FIND_INBOUND = statement(
  'interactions.findInboundByProviderId',
  `SELECT "id", "conversationId", "customerId", COALESCE("seq", 0) AS "seq", COALESCE("correlationId", "id") AS "correlationId", "text"
   FROM "Interaction" WHERE "channel" = $1::"Channel" AND "providerMessageId" = $2::text`,
);

/**
 * Stores an inbound message and gives it the conversation's next sequence number, in one SQL
 * statement (the hottest write of the product: one round trip, no interactive transaction), which
 * also identifies an SMS sender by the number on file. The conversation row's lock orders
 * concurrent messages of one conversation. A message whose provider id is already stored is
 * reported as a duplicate (its seq increment leaves a harmless gap). Every channel's messages come
 * through here, so this is where text from outside is made storable: a NUL or a lone surrogate
 * would make PostgreSQL refuse the whole message.
 */
export async function storeInboundMessage(
  sql: Sql,
  received: InboundMessage,
  sender: InboundSender,
  correlationId: string,
): Promise<{ interaction: StoredInbound; duplicate: boolean }> {
  const message = storableMessage(received);
  // Timestamps are written as UTC wall time, as Prisma writes TIMESTAMP(3) columns.
  const receivedAt = message.receivedAt.toISOString();
  const rows = await sql.rows(STORE_INBOUND, [
    'customerId' in sender ? sender.customerId : null,
    'phone' in sender ? toStorableText(sender.phone) : null,
    randomUUID(),
    message.channel,
    message.from,
    message.to,
    receivedAt,
    randomUUID(),
    message.text,
    message.providerMessageId,
    correlationId,
    message.conversationKey ?? null,
  ]);
  const [stored] = storedRows.parse(rows);
  if (stored) return { interaction: { ...stored, correlationId }, duplicate: false };
  const [existing] = foundRows.parse(await sql.rows(FIND_INBOUND, [message.channel, message.providerMessageId]));
  if (!existing) throw new Error(`Inbound message ${message.providerMessageId} was neither stored nor found`);
  return { interaction: existing, duplicate: true };
}

/** The message with every string from outside replaced by its storable form. */
function storableMessage(message: InboundMessage): InboundMessage {
  return {
    ...message,
    providerMessageId: toStorableText(message.providerMessageId),
    from: toStorableText(message.from),
    to: toStorableText(message.to),
    text: toStorableText(message.text),
    ...(message.conversationKey === undefined ? {} : { conversationKey: toStorableText(message.conversationKey) }),
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
