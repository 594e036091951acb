import { z } from 'zod';
import { Channel, DeliveryStatus } from '../../generated/prisma/enums.ts';
import type { DbClient } from '../../lib/db-types.ts';
import { GroupCommit } from '../../db/group-commit.ts';
import { statement, type Sql } from '../../db/sql.ts';
import { interactionStatusFor, statusesBelow } from './delivery-status.ts';

// The outbox: outbound messages waiting for delivery, the provider's acceptances (group-committed
// on a busy worker), failed attempts, and the ones never handed to the provider.

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
  /**
   * When a hand-over to the provider began and never settled (a crash or a timeout while
   * sending): the provider may have the message, so it is looked up there before any resend.
   * Absent or null: never started (a reply fresh from its turn).
   */
  sendStartedAt?: Date | null;
  /**
   * Fresh from its turn, with its send's start written in the same statement (recordTurnOutcome's
   * sendStartsNow): never sent before, so nothing to look up and nothing more to record first.
   */
  sendStartRecorded?: boolean;
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
  sendStartedAt: z.iso.datetime().nullable().transform((at) => (at === null ? null : new Date(at))),
});
const outboundForDeliveryRows = z.array(outboundForDeliveryRow);

const LIST_PENDING_OUTBOUND = statement(
  'interactions.listPendingOutbound',
  `SELECT i."id", i."channel"::text AS "channel", i."fromAddress", i."toAddress", i."text", i."reason", i."suggestedActions", i."deliveryStatus"::text AS "deliveryStatus", i."correlationId",
     COALESCE(consent."status" = 'revoked', false) AS "recipientOptedOut",
     to_char(i."sendStartedAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "sendStartedAt"
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

const idRows = z.array(z.object({ id: z.string() }));

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

/** Outbound messages stored but never handed to the provider. */
export async function listStrandedOutbound(db: DbClient, olderThan: Date, limit = 200) {
  return db.interaction.findMany({
    where: { direction: 'outbound', deliveryStatus: 'pending', createdAt: { lt: olderThan } },
    orderBy: { createdAt: 'asc' },
    take: limit,
    select: { id: true, conversationId: true, correlationId: true },
  });
}

const RECORD_SENDS_STARTED = statement(
  'interactions.recordSendsStarted',
  `UPDATE "Interaction" SET "sendStartedAt" = $2::timestamp
   WHERE "id" = ANY($1::text[]) AND "direction" = 'outbound'
   RETURNING "id"`,
);

/**
 * Records, durably, that messages are about to be handed to the provider (before the call), so
 * that a send which never comes back (the process killed, the answer lost) is known to be
 * ambiguous: it is looked up at the provider before any resend. On a busy worker the marks of
 * concurrent sends go together in one statement; each is committed before it returns.
 */
export function createSendStartWriter(sql: Sql): (interactionId: string) => Promise<Date> {
  const commit = new GroupCommit<string, Date | undefined>(
    async (ids) => {
      const startedAt = new Date();
      const rows = idRows.parse(await sql.rows(RECORD_SENDS_STARTED, [ids, startedAt.toISOString()]));
      const marked = new Set(rows.map((row) => row.id));
      return ids.map((id) => (marked.has(id) ? startedAt : undefined));
    },
    { key: (id) => id },
  );
  return async (interactionId) => {
    const startedAt = await commit.submit(interactionId);
    if (!startedAt) throw new Error(`Outbound interaction ${interactionId} not found`);
    return startedAt;
  };
}

const ADOPTED_PROVIDER_IDS = statement(
  'interactions.adoptedProviderIds',
  `SELECT "providerMessageId" AS "id" FROM "Interaction"
   WHERE "channel" = $1::"Channel" AND "providerMessageId" = ANY($2::text[]) AND "id" <> $3::text`,
);

/** Which of these provider ids already belong to another of our messages (so cannot be this one's). */
export async function providerIdsTakenByOthers(sql: Sql, channel: Channel, providerMessageIds: string[], interactionId: string): Promise<Set<string>> {
  if (providerMessageIds.length === 0) return new Set();
  return new Set(idRows.parse(await sql.rows(ADOPTED_PROVIDER_IDS, [channel, providerMessageIds, interactionId])).map((row) => row.id));
}
