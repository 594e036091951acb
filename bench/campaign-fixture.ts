import type { PrismaClient } from '../src/generated/prisma/client.ts';
import { localMinute } from '../src/domain/contact-policy/local-window.ts';
import { createCampaign } from '../src/domain/campaigns/campaigns.service.ts';
import { startTwilioStandIn } from '../test/support/twilio-standin-server.ts';
import { createBenchDatabase, deleteRedisKeys } from './bench-env.ts';
import { BENCH_ACCOUNT_SID, BENCH_AUTH_TOKEN, BENCH_OUR_NUMBER } from './protocol.ts';

// What both campaign benches set up: synthetic customers and a clock inside their local window.

export const SEATTLE = 'America/Los_Angeles';

/** The campaign workers' clock: the wall clock if it is 9:00-19:59 in Seattle, else the next 9:00 there, moving with real time. */
export function clockInsideTheWindow(): () => Date {
  let at = Date.now();
  while (!(localMinute(new Date(at), SEATTLE) >= 9 * 60 && localMinute(new Date(at), SEATTLE) < 20 * 60)) at += 5 * 60_000;
  const offset = at - Date.now();
  return () => new Date(Date.now() + offset);
}

/** 100,000 customers in four INSERT ... SELECT statements (a few seconds), numbered 1..N. */
export async function addSyntheticCustomers(prisma: PrismaClient, count: number): Promise<void> {
  await prisma.$executeRaw`
    INSERT INTO "Customer" ("id", "givenName", "familyName", "status", "serviceArea", "preferredChannel", "createdAt", "updatedAt")
    SELECT md5('bench-customer-' || g)::uuid::text, 'Bench' || g, 'Customer', 'active', '98101', 'sms', now(), now() FROM generate_series(1, ${count}::int) g`;
  await prisma.$executeRaw`
    INSERT INTO "ContactMedium" ("id", "customerId", "mediumType", "preferred", "phoneNumber", "createdAt", "updatedAt")
    SELECT md5('bench-phone-' || g)::uuid::text, md5('bench-customer-' || g)::uuid::text, 'phone', true, '+1206' || lpad(g::text, 7, '0'), now(), now() FROM generate_series(1, ${count}::int) g`;
  // Every number may get service texts; every 50th texted STOP.
  await prisma.$executeRaw`
    INSERT INTO "Consent" ("id", "channel", "address", "purpose", "status", "source", "customerId", "createdAt", "updatedAt")
    SELECT md5('bench-consent-' || g)::uuid::text, 'sms', '+1206' || lpad(g::text, 7, '0'), 'service', CASE WHEN g % 50 = 0 THEN 'revoked' ELSE 'granted' END::"ConsentStatus",
      'bench', md5('bench-customer-' || g)::uuid::text, now(), now() FROM generate_series(1, ${count}::int) g`;
  // 7 in 10 signed up to "offers" on the website.
  await prisma.$executeRaw`
    INSERT INTO "ProgramConsent" ("id", "channel", "address", "program", "status", "disclosureText", "source", "capturedWhere", "capturedAt", "customerId", "createdAt", "updatedAt")
    SELECT md5('bench-offers-' || g)::uuid::text, 'sms', '+1206' || lpad(g::text, 7, '0'), 'offers', 'granted', 'Yes, text me offers (bench).', 'web-form', 'https://www.example.com/sign-up/offers',
      now() - interval '30 days', md5('bench-customer-' || g)::uuid::text, now(), now() FROM generate_series(1, ${count}::int) g WHERE g % 10 < 7`;
  await prisma.$executeRaw`ANALYZE`;
}


/** The benches' campaign: the extra-data add-on to every synthetic customer (all in 981..), two variants, a 10 % holdout. */
export function createBenchCampaign(prisma: PrismaClient, name: string, operatorName: string) {
  return createCampaign(
    prisma,
    {
      name,
      segment: { regions: ['981'] },
      variants: [
        { key: 'A', template: 'Hi {firstName}, add {offerName} for {offerPrice}. Reply YES to order.', weight: 50 },
        { key: 'B', template: '{firstName}, never run out: {offerName}, {offerPrice}. Reply YES.', weight: 50 },
      ],
      offerCode: 'ADDON-EXTRA-DATA-10GB',
      holdoutPercent: 10,
      seed: 'bench',
    },
    { operatorName, senderAddress: BENCH_OUR_NUMBER },
    null,
  );
}

/**
 * A campaign bench's own database, its Redis keys under `prefix`, and a Twilio stand-in that sends
 * no status callbacks; their removal is pushed onto `cleanups`.
 */
export async function startCampaignScratch(postgresUrl: string, redisUrl: string, prefix: string, cleanups: Array<() => Promise<unknown>>) {
  const database = await createBenchDatabase(postgresUrl);
  cleanups.push(() => database.drop());
  cleanups.push(() => deleteRedisKeys(redisUrl, prefix));
  const twilio = await startTwilioStandIn({ accountSid: BENCH_ACCOUNT_SID, authToken: BENCH_AUTH_TOKEN, callbackStatuses: [] });
  cleanups.push(() => twilio.close());
  return { database, twilio };
}
