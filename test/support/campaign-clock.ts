import type { PrismaClient } from '../../src/generated/prisma/client.ts';
import { sendCampaignMessage, type SendOutcome } from '../../src/domain/campaigns/campaigns.service.ts';
import { localMinute } from '../../src/domain/contact-policy/local-window.ts';
import type { TestEnv } from './service.ts';

// The service's campaign workers send on the wall clock, which may be night where the demo
// customers live (San Francisco), so a test that needs a campaign text runs the same gate itself
// at the latest noon there and hands the message to delivery. A message sent at that noon was
// valid only until the window closed that evening; the test delivers it now, so it moves that
// end to an hour from now (what a send at this moment inside the window would have had).

const POLICY = { operatorName: 'Northwind Telecom', frequencyCap: { messages: 2, days: 7 }, minWindowMinutes: 15, suppressSlaBreachDays: 30 };

/** The latest moment at or before now when it was 12:00-12:59 in San Francisco. */
export function latestNoonInSanFrancisco(): Date {
  let at = Date.now();
  while (Math.floor(localMinute(new Date(at), 'America/Los_Angeles') / 60) !== 12) at -= 15 * 60_000;
  return new Date(at);
}

/** Runs the gate for one recipient at the latest San Francisco noon and, if it sends, queues the delivery. */
export async function sendCampaignTextAtNoon(env: TestEnv, prisma: PrismaClient, campaignId: string, customerId: string): Promise<SendOutcome> {
  const result = await sendCampaignMessage(prisma, campaignId, customerId, POLICY, latestNoonInSanFrancisco());
  if (result.outcome === 'sent') {
    const inAnHour = new Date(Date.now() + 3_600_000);
    await prisma.interaction.updateMany({ where: { id: result.stored.id, validUntil: { lt: inAnHour } }, data: { validUntil: inAnHour } });
    await env.service.queues.enqueueDelivery(result.stored.conversationId, [result.stored.id], result.stored.correlationId);
  }
  return result;
}
