import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignEvidenceCsv, campaignResults } from '../../src/domain/campaigns/campaign-results.ts';
import { cancelCampaign, createCampaign, launchCampaign, pauseCampaign, resumeCampaign, sendCampaignMessage, type SendPolicy } from '../../src/domain/campaigns/campaigns.service.ts';
import { OFFERS_DISCLOSURE, RETENTION_DISCLOSURE } from '../../src/domain/demo/demo-data.ts';
import { recordMarketingConsent, recordOptOut, recordProgramConsent } from '../../src/domain/contact-policy/consent.service.ts';
import { placeProductOrder } from '../../src/domain/orders/product-orders.service.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { createCampaignDispatchProcessor, type CampaignWorkDeps } from '../../src/queues/campaign.processor.ts';
import { createDemoDatabase, type DemoDatabase } from '../support/demo-database.ts';

// A campaign from launch to results against the demo customers: the audience frozen with its
// seeded holdout, every send through the gate in its transaction, nothing sent twice, pause and
// cancel taking effect at the next message, and the results read from the records.

let database: DemoDatabase;
const redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true });
const prefix = `test-campaign-${randomUUID()}`;
// 12:00 in San Francisco, where the demo customers live: inside the window.
const noon = new Date('2026-12-07T20:00:00Z');
const policy: SendPolicy = { operatorName: 'Northwind Telecom', frequencyCap: { messages: 2, days: 7 }, minWindowMinutes: 15, suppressSlaBreachDays: 30 };
const settings = { operatorName: 'Northwind Telecom', senderAddress: '+15557770000' };
const queued: string[] = [];

const prisma = () => database.db.prisma;

function deps(): CampaignWorkDeps {
  return {
    prisma: prisma(),
    redis,
    redisPrefix: prefix,
    queues: {
      enqueueCampaignSends: async (_campaignId, customerIds) => void queued.push(...customerIds),
      enqueueDelivery: async () => undefined,
    },
    policy,
    ratePerSecond: 100,
    dailyCap: 1000,
    logger: createLogger('silent'),
    now: () => noon,
  };
}

let samId: string;
let alexId: string;
let optedOutId: string;
let faultId: string;

beforeAll(async () => {
  database = await createDemoDatabase();
  await redis.connect();
  samId = await database.customerId('+15551230002');
  alexId = await database.customerId('+15551230001');
  optedOutId = await database.customerId('+15551230003');
  faultId = await database.customerId('+15551230004');
  // Everyone but Alex agreed to marketing texts; customer 3 then texted STOP; customer 4 has an open fault.
  const phones = await prisma().contactMedium.findMany({ where: { mediumType: 'phone', phoneNumber: { not: null } }, select: { phoneNumber: true, customerId: true } });
  for (const phone of phones) {
    if (!phone.phoneNumber || phone.customerId === alexId) continue;
    await recordProgramConsent(prisma(), { channel: 'sms', address: phone.phoneNumber, customerId: phone.customerId, program: 'offers', disclosureText: OFFERS_DISCLOSURE, source: 'web-form', where: 'https://example.com/offers-sign-up' }, true);
  }
  await recordOptOut(prisma(), { channel: 'sms', address: '+15551230003', customerId: optedOutId, source: 'sms-keyword:STOP' });
  await prisma().troubleTicket.create({
    data: { customerId: faultId, serviceType: 'internet', name: 'Down', description: 'down', channel: 'sms', idempotencyKey: `fault-${randomUUID()}`, status: 'inProgress' },
  });
}, 180_000);

afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await database?.drop();
});

describe('a campaign from launch to results', () => {
  let campaignId: string;

  it('launches, freezes the audience with its holdout, and queues a send per messaged customer', async () => {
    const campaign = await createCampaign(
      prisma(),
      {
        name: 'Extra data',
        segment: { productsHeld: [], productsNotHeld: ['ADDON-EXTRA-DATA-10GB'] },
        variants: [
          { key: 'A', template: 'Hi {firstName}, add {offerName} for {offerPrice}. Reply YES to order.', weight: 50 },
          { key: 'B', template: '{firstName}, never run out: {offerName}, {offerPrice}. Reply YES.', weight: 50 },
        ],
        offerCode: 'ADDON-EXTRA-DATA-10GB',
        holdoutPercent: 20,
        seed: 'test-seed',
      },
      settings,
      null,
    );
    campaignId = campaign.id;
    const launched = await launchCampaign(prisma(), campaignId, null, noon);
    expect(launched).toMatchObject({ status: 'running', dispatchRound: 1 });
    const dispatched = await createCampaignDispatchProcessor(deps())({ name: 'dispatch', data: { campaignId, round: 1 } });
    const recipients = await prisma().campaignRecipient.findMany({ where: { campaignId } });
    const holdout = recipients.filter((recipient) => recipient.status === 'holdout');
    expect(recipients.length).toBeGreaterThan(30);
    expect(holdout.length).toBeGreaterThan(0);
    expect(dispatched).toEqual({ queued: recipients.length - holdout.length });
    expect(new Set(queued)).toEqual(new Set(recipients.filter((recipient) => recipient.status === 'pending').map((recipient) => recipient.customerId)));
    expect((await prisma().campaign.findUniqueOrThrow({ where: { id: campaignId } })).audienceSize).toBe(recipients.length);
  });

  it('sends through the gate: consent, opt-out and open faults held, others stored for delivery once', async () => {
    const pending = await prisma().campaignRecipient.findMany({ where: { campaignId, status: 'pending' }, orderBy: { customerId: 'asc' } });
    const half = pending.slice(0, Math.ceil(pending.length / 2));
    const outcomes = new Map<string, string>();
    for (const recipient of half) outcomes.set(recipient.customerId, (await sendCampaignMessage(prisma(), campaignId, recipient.customerId, policy, noon)).outcome);
    // A second job for the same recipient (a crash after the commit, a duplicate) sends nothing.
    for (const recipient of half) expect(await sendCampaignMessage(prisma(), campaignId, recipient.customerId, policy, noon)).toEqual({ outcome: 'skipped', reason: 'not-pending' });

    const byCustomer = new Map((await prisma().campaignRecipient.findMany({ where: { campaignId } })).map((recipient) => [recipient.customerId, recipient]));
    for (const [customerId, expected] of [
      [alexId, 'consent'],
      [optedOutId, 'consent'],
      [faultId, 'suppression'],
    ] as const) {
      const recipient = byCustomer.get(customerId);
      if (recipient && recipient.status !== 'holdout' && outcomes.has(customerId)) expect(recipient).toMatchObject({ status: 'held', heldReason: expected });
    }
    const sent = [...byCustomer.values()].filter((recipient) => recipient.status === 'sent');
    expect(sent.length).toBeGreaterThan(5);
    const messages = await prisma().interaction.findMany({ where: { reason: { startsWith: `campaign:${campaignId}:` } } });
    expect(messages).toHaveLength(sent.length);
    for (const message of messages) {
      expect(message).toMatchObject({ direction: 'outbound', channel: 'sms', deliveryStatus: 'pending', fromAddress: '+15557770000' });
      expect(message.text).toMatch(/Extra Data 10 GB.*\$10\.00\/mo.* Reply STOP to opt out\.$/);
    }
    // Every decision is evidence; nobody in the holdout was ever decided on, let alone messaged.
    const holdoutIds = [...byCustomer.values()].filter((recipient) => recipient.status === 'holdout').map((recipient) => recipient.customerId);
    expect(await prisma().campaignDecision.count({ where: { campaignId, customerId: { in: holdoutIds } } })).toBe(0);
    expect(await prisma().interaction.count({ where: { customerId: { in: holdoutIds }, direction: 'outbound' } })).toBe(0);
    expect(await prisma().campaignDecision.count({ where: { campaignId } })).toBe(half.length);
  });

  it('a pause stops the next message, a resume lets it go, a cancel ends it', async () => {
    const [next, after, last] = await prisma().campaignRecipient.findMany({ where: { campaignId, status: 'pending' }, orderBy: { customerId: 'asc' }, take: 3 });
    if (!next || !after || !last) throw new Error('too few pending recipients');
    await pauseCampaign(prisma(), campaignId, null, noon);
    expect(await sendCampaignMessage(prisma(), campaignId, next.customerId, policy, noon)).toEqual({ outcome: 'skipped', reason: 'paused' });
    expect(await prisma().campaignRecipient.findUniqueOrThrow({ where: { id: next.id } })).toMatchObject({ status: 'pending' });
    const resumed = await resumeCampaign(prisma(), campaignId, null);
    expect(resumed.dispatchRound).toBe(2);
    queued.length = 0;
    await createCampaignDispatchProcessor(deps())({ name: 'dispatch', data: { campaignId, round: 2 } });
    expect(queued).toContain(next.customerId);
    expect((await sendCampaignMessage(prisma(), campaignId, next.customerId, policy, noon)).outcome).not.toBe('skipped');
    await cancelCampaign(prisma(), campaignId, null, noon);
    expect(await sendCampaignMessage(prisma(), campaignId, after.customerId, policy, noon)).toEqual({ outcome: 'skipped', reason: 'not-pending' });
    expect(await prisma().campaignRecipient.count({ where: { campaignId, status: 'pending' } })).toBe(0);
    await expect(pauseCampaign(prisma(), campaignId, null, noon)).rejects.toMatchObject({ code: 'campaign_state' });
  });

  it('counts results per variant and the holdout, a conversion included, and exports the evidence', async () => {
    const converted = await prisma().campaignRecipient.findFirstOrThrow({ where: { campaignId, status: 'sent' } });
    const order = await placeProductOrder(prisma(), {
      customerId: converted.customerId,
      offeringCode: 'ADDON-EXTRA-DATA-10GB',
      channel: 'sms',
      idempotencyKey: `conversion-${randomUUID()}`,
      now: new Date(noon.getTime() + 3600_000),
    });
    if (order.status !== 'created') throw new Error(`order not placed: ${order.status}`);
    // The campaign ran on a fixed clock; the order happened an hour after its message.
    await prisma().productOrder.update({ where: { id: order.order.id }, data: { createdAt: new Date(noon.getTime() + 3600_000) } });
    const results = await campaignResults(prisma(), campaignId, 7);
    if (!results) throw new Error('no results');
    const sentTotal = results.groups.reduce((sum, group) => sum + group.sent, 0);
    expect(sentTotal).toBe(await prisma().campaignRecipient.count({ where: { campaignId, status: 'sent' } }));
    expect(results.groups.map((group) => group.group)).toEqual(expect.arrayContaining(['A', 'holdout']));
    const convertedGroup = results.groups.find((group) => group.group === converted.variant);
    expect(convertedGroup?.converted).toBe(1);
    expect(results.groups.find((group) => group.group === 'holdout')?.sent).toBe(0);
    expect(results.heldReasons['consent']).toBeGreaterThan(0);
    expect(convertedGroup).toBeDefined();
    const csv: string[] = [];
    for await (const chunk of campaignEvidenceCsv(prisma(), campaignId)) csv.push(chunk);
    const lines = csv.join('').trim().split('\n');
    expect(lines[0]).toBe('decidedAt,customerId,recipientId,outcome,timeZones,checks');
    expect(lines.length - 1).toBe(await prisma().campaignDecision.count({ where: { campaignId } }));
    expect(lines.some((line) => line.includes(',held,') && line.includes('consent=FAIL'))).toBe(true);
    expect(lines.some((line) => line.includes(',sent,') && line.includes('local-window=pass (CA (postcode)'))).toBe(true);
  });
});

describe('consent per program', () => {
  it('sends only to addresses that agreed to the campaign\'s program; a general revocation overrides a program', async () => {
    const campaign = await createCampaign(
      prisma(),
      { name: 'Loyalty', program: 'retention', segment: {}, variants: [{ key: 'A', template: 'Hi {firstName}, a thank-you from us. Reply YES.', weight: 100 }], holdoutPercent: 0 },
      settings,
      null,
    );
    await launchCampaign(prisma(), campaign.id, null, noon);
    await createCampaignDispatchProcessor(deps())({ name: 'dispatch', data: { campaignId: campaign.id, round: 1 } });
    const fiveId = await database.customerId('+15551230005');
    // Customer 5 signs up to the retention program on a web form; Alex too, then texts "no more promo texts".
    for (const [customerId, address] of [
      [fiveId, '+15551230005'],
      [alexId, '+15551230001'],
    ] as const) {
      await recordProgramConsent(prisma(), { channel: 'sms', address, customerId, program: 'retention', disclosureText: RETENTION_DISCLOSURE, source: 'web-form', where: 'https://www.example.com/sign-up/retention', at: noon }, true);
    }
    await recordMarketingConsent(prisma(), { channel: 'sms', address: '+15551230001', customerId: alexId, source: 'bot' }, false);

    const consentCheck = async (customerId: string) => {
      const outcome = await sendCampaignMessage(prisma(), campaign.id, customerId, policy, noon);
      if (outcome.outcome === 'skipped') throw new Error(`skipped: ${outcome.reason}`);
      return outcome.decision.checks.find((check) => check.check === 'consent');
    };
    // Sam agreed to "offers" only.
    expect(await consentCheck(samId)).toEqual({ check: 'consent', passed: false, detail: 'no consent to retention on record' });
    expect(await consentCheck(alexId)).toEqual({ check: 'consent', passed: false, detail: 'marketing consent for retention revoked' });
    expect(await consentCheck(fiveId)).toEqual({ check: 'consent', passed: true, detail: 'consent to retention on record' });

    const record = await prisma().programConsent.findUniqueOrThrow({ where: { channel_address_program: { channel: 'sms', address: '+15551230005', program: 'retention' } } });
    expect(record).toMatchObject({ status: 'granted', disclosureText: RETENTION_DISCLOSURE, source: 'web-form', capturedWhere: 'https://www.example.com/sign-up/retention', capturedAt: noon, customerId: fiveId });
    await expect(
      recordProgramConsent(prisma(), { channel: 'sms', address: '+15551230005', customerId: fiveId, program: 'Retention Offers!', disclosureText: RETENTION_DISCLOSURE, source: 'web-form' }, true),
    ).rejects.toThrow(/program name/);
    await expect(recordProgramConsent(prisma(), { channel: 'sms', address: '+15551230005', customerId: fiveId, program: 'retention', disclosureText: '  ', source: 'web-form' }, true)).rejects.toThrow(/disclosure text/);
  });
});
