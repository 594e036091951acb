import { z } from 'zod';
import type { DbClient } from '../../lib/db-types.ts';

// How a campaign went, per variant and for the holdout, read from the records themselves: the
// recipient rows, the messages' delivery status, what the customer wrote back, the orders they
// placed for the campaign's offer and the consents they revoked, within the attribution window
// after the message (for the holdout, after the launch). Uplift is the conversion rate of everyone
// assigned a message (sent or not: intention to treat) minus the holdout's, with a 95 % interval.

export interface GroupResult {
  group: string;
  recipients: number;
  sent: number;
  delivered: number;
  failed: number;
  held: number;
  pending: number;
  replied: number;
  converted: number;
  optedOut: number;
}

export interface CampaignResults {
  status: string;
  groups: GroupResult[];
  uplift: { treatedRate: number; holdoutRate: number; difference: number; low: number; high: number } | null;
  heldReasons: Record<string, number>;
}

const count = z.coerce.number();
const resultRows = z.array(
  z.object({ group: z.string(), recipients: count, sent: count, delivered: count, failed: count, held: count, pending: count, replied: count, converted: count, optedOut: count }),
);

export async function campaignResults(db: DbClient, campaignId: string, attributionDays: number): Promise<CampaignResults | null> {
  const campaign = await db.campaign.findUnique({ where: { id: campaignId }, select: { status: true, startedAt: true, offerCode: true } });
  if (!campaign) return null;
  const windowMs = attributionDays * 86_400_000;
  const started = campaign.startedAt ?? new Date(0);
  const rows = await db.$queryRaw`
    WITH r AS (
      SELECT cr.*, CASE WHEN cr."status" = 'holdout' THEN 'holdout' ELSE cr."variant" END AS "group",
        COALESCE(cr."sentAt", ${started}) AS "from"
      FROM "CampaignRecipient" cr WHERE cr."campaignId" = ${campaignId}
    )
    SELECT r."group",
      count(*) AS "recipients",
      count(*) FILTER (WHERE r."status" = 'sent') AS "sent",
      count(*) FILTER (WHERE i."deliveryStatus" IN ('delivered', 'read')) AS "delivered",
      count(*) FILTER (WHERE i."deliveryStatus" IN ('failed', 'undelivered')) AS "failed",
      count(*) FILTER (WHERE r."status" = 'held') AS "held",
      count(*) FILTER (WHERE r."status" = 'pending') AS "pending",
      count(*) FILTER (WHERE r."status" = 'sent' AND EXISTS (
        SELECT 1 FROM "Interaction" reply WHERE reply."customerId" = r."customerId" AND reply."direction" = 'inbound'
          AND reply."createdAt" > r."sentAt" AND reply."createdAt" <= r."sentAt" + ${windowMs} * interval '1 millisecond')) AS "replied",
      count(*) FILTER (WHERE ${campaign.offerCode}::text IS NOT NULL AND r."status" IN ('sent', 'holdout') AND EXISTS (
        SELECT 1 FROM "ProductOrder" o JOIN "ProductOrderItem" oi ON oi."orderId" = o."id" JOIN "ProductOffering" po ON po."id" = oi."offeringId"
        WHERE o."customerId" = r."customerId" AND po."code" = ${campaign.offerCode} AND o."state" NOT IN ('rejected', 'cancelled')
          AND o."createdAt" > r."from" AND o."createdAt" <= r."from" + ${windowMs} * interval '1 millisecond')) AS "converted",
      count(*) FILTER (WHERE r."status" = 'sent' AND EXISTS (
        SELECT 1 FROM "Consent" k WHERE k."channel" = 'sms' AND k."address" = r."address" AND k."status" = 'revoked'
          AND k."updatedAt" > r."sentAt" AND k."updatedAt" <= r."sentAt" + ${windowMs} * interval '1 millisecond')) AS "optedOut"
    FROM r LEFT JOIN "Interaction" i ON i."id" = r."interactionId"
    GROUP BY r."group" ORDER BY r."group"`;
  const groups = resultRows.parse(rows);
  const holdout = groups.find((group) => group.group === 'holdout');
  const treated = groups.filter((group) => group.group !== 'holdout');
  const treatedN = treated.reduce((sum, group) => sum + group.recipients, 0);
  const treatedConverted = treated.reduce((sum, group) => sum + group.converted, 0);
  let uplift: CampaignResults['uplift'] = null;
  if (holdout && holdout.recipients > 0 && treatedN > 0) {
    const p1 = treatedConverted / treatedN;
    const p0 = holdout.converted / holdout.recipients;
    const se = Math.sqrt((p1 * (1 - p1)) / treatedN + (p0 * (1 - p0)) / holdout.recipients);
    uplift = { treatedRate: p1, holdoutRate: p0, difference: p1 - p0, low: p1 - p0 - 1.96 * se, high: p1 - p0 + 1.96 * se };
  }
  const held = await db.campaignRecipient.groupBy({ by: ['heldReason'], where: { campaignId, status: 'held' }, _count: { _all: true } });
  return { status: campaign.status, groups, uplift, heldReasons: Object.fromEntries(held.map((row) => [row.heldReason ?? 'unknown', row._count._all])) };
}

/** Every gate decision of the campaign as CSV: when, who, outcome and each check's result (why sent / why held). */
export async function* campaignEvidenceCsv(db: DbClient, campaignId: string): AsyncGenerator<string> {
  yield 'decidedAt,customerId,recipientId,outcome,timeZones,checks\n';
  let after: { decidedAt: Date; id: string } | null = null;
  for (;;) {
    const rows: Array<{ id: string; decidedAt: Date; customerId: string; recipientId: string; outcome: string; timeZones: string[]; checks: unknown }> = await db.campaignDecision.findMany({
      where: { campaignId, ...(after ? { OR: [{ decidedAt: { gt: after.decidedAt } }, { decidedAt: after.decidedAt, id: { gt: after.id } }] } : {}) },
      orderBy: [{ decidedAt: 'asc' }, { id: 'asc' }],
      take: 1000,
    });
    for (const row of rows) {
      const checks = z.array(z.object({ check: z.string(), passed: z.boolean(), detail: z.string() })).parse(row.checks);
      const summary = checks.map((check) => `${check.check}=${check.passed ? 'pass' : 'FAIL'} (${check.detail})`).join('; ');
      yield `${[row.decidedAt.toISOString(), row.customerId, row.recipientId, row.outcome, row.timeZones.join(' '), summary].map(csvField).join(',')}\n`;
    }
    const last = rows.at(-1);
    if (!last || rows.length < 1000) return;
    after = { decidedAt: last.decidedAt, id: last.id };
  }
}

function csvField(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
