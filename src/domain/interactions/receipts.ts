import { z } from 'zod';
import type { Channel } from '../../generated/prisma/enums.ts';
import { GroupCommit } from '../../db/group-commit.ts';
import { statement, type Sql, type Statement } from '../../db/sql.ts';
import { interactionStatusFor, statusesBelow } from './delivery-status.ts';
import type { DeliveryReceipt } from './messages.ts';

// Delivery status callbacks: the provider tells how far a message got; a stale status changes nothing.

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
