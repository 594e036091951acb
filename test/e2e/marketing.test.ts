import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { OFFERS_DISCLOSURE } from '../../src/domain/demo/demo-data.ts';
import { recordProgramConsent } from '../../src/domain/contact-policy/consent.service.ts';
import { storeCustomerNotification } from '../../src/domain/notifications/notifications.service.ts';
import { sendCampaignTextAtNoon } from '../support/campaign-clock.ts';
import { createStaffUser, signInStaff } from '../support/staff.ts';
import { connectChat, generateToken, signUserToken, textOf } from '../support/webchat.ts';
import { ALEX, SAM, startTestEnv, type TestEnv } from '../support/service.ts';

// Marketing over HTTP: who may build and run campaigns (marketers, admins) and who may not
// (agents), bad input, and a campaign text answered "YES" by SMS that becomes an order, counted
// as the campaign's conversion.

let env: TestEnv;
type Session = Awaited<ReturnType<typeof signInStaff>>;
let marketer: Session;
let agent: Session;
let samId: string;
/** Zoe Park, demo customer 8: Mobile Essentials, signed up to "offers" by the demo seed. */
const ZOE = '+15551230008';

const post = (session: Session, path: string, body: unknown) => session.request(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
const campaignBody = {
  name: 'Extra data for mobile',
  segment: { productsHeld: ['MOBILE-ESSENTIALS'] },
  variants: [{ key: 'A', template: 'Hi {firstName}, add {offerName} for {offerPrice}. Reply YES to order.', weight: 100 }],
  offerCode: 'ADDON-EXTRA-DATA-10GB',
  holdoutPercent: 0,
};

beforeAll(async () => {
  env = await startTestEnv();
  const db = env.database.db;
  marketer = await signInStaff(env.service.url, await createStaffUser(db, { role: 'marketer' }));
  agent = await signInStaff(env.service.url, await createStaffUser(db, { role: 'agent' }));
  samId = (await db.prisma.contactMedium.findUniqueOrThrow({ where: { phoneNumber: SAM } })).customerId;
  await recordProgramConsent(db.prisma, { channel: 'sms', address: SAM, customerId: samId, program: 'offers', disclosureText: OFFERS_DISCLOSURE, source: 'web-form', where: 'https://example.com/offers-sign-up' }, true);
}, 180_000);

afterAll(async () => {
  await env?.close();
});

describe('marketing console API', () => {
  it('refuses agents: no campaign list, preview, creation or launch', async () => {
    for (const response of [
      await agent.request('/console/api/marketing/campaigns'),
      await post(agent, '/console/api/marketing/preview', campaignBody),
      await post(agent, '/console/api/marketing/campaigns', campaignBody),
    ]) {
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ error: { code: 'staff_role_forbidden' } });
    }
  });

  it('answers bad input with a 4xx and a code, writing nothing', async () => {
    const before = await env.database.db.prisma.campaign.count();
    const bad = await post(marketer, '/console/api/marketing/campaigns', { ...campaignBody, variants: [] });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'invalid_campaign' } });
    const placeholder = await post(marketer, '/console/api/marketing/campaigns', { ...campaignBody, variants: [{ key: 'A', template: 'Hi {nickname}' }] });
    expect(await placeholder.json()).toMatchObject({ error: { code: 'campaign_invalid' } });
    const offer = await post(marketer, '/console/api/marketing/campaigns', { ...campaignBody, offerCode: 'NO-SUCH-OFFER' });
    expect(await offer.json()).toMatchObject({ error: { code: 'offer_not_found' } });
    const noOffer = await post(marketer, '/console/api/marketing/campaigns', { ...campaignBody, offerCode: undefined });
    expect(noOffer.status).toBe(400);
    expect(await noOffer.json()).toMatchObject({ error: { code: 'campaign_invalid', message: '{offerPrice} needs an offer: choose one from the catalog' } });
    const badProgram = await post(marketer, '/console/api/marketing/campaigns', { ...campaignBody, program: 'Retention Offers!' });
    expect(badProgram.status).toBe(400);
    expect(await badProgram.json()).toMatchObject({ error: { code: 'invalid_campaign' } });
    // The preview refuses what creation would, so the builder shows it while the marketer types.
    const preview = await post(marketer, '/console/api/marketing/preview', { ...campaignBody, variants: [{ key: 'A', template: 'Hi {nickname}' }] });
    expect(preview.status).toBe(400);
    expect(await preview.json()).toMatchObject({ error: { code: 'campaign_invalid', message: 'unknown placeholders: nickname' } });
    expect((await marketer.request('/console/api/marketing/campaigns/7d0a4c57-1111-4a4a-8a8a-000000000000')).status).toBe(404);
    expect(await env.database.db.prisma.campaign.count()).toBe(before);
  });

  it('previews a segment: audience, consent, and messages as they will read', async () => {
    const response = await post(marketer, '/console/api/marketing/preview', campaignBody);
    expect(response.status).toBe(200);
    const preview = z.object({ audience: z.number(), withMarketingConsent: z.number(), samples: z.array(z.object({ text: z.string() })) }).parse(await response.json());
    expect(preview.audience).toBeGreaterThan(0);
    expect(preview.withMarketingConsent).toBeGreaterThanOrEqual(1);
    expect(preview.samples[0]?.text).toMatch(/^Hi \w+, add Extra Data 10 GB for \$10\.00\/mo\. Reply YES to order\. Reply STOP to opt out\.$/);
  });

  it('a marketer launches; an agent cannot; a "YES" by SMS orders the offer and counts as a conversion', async () => {
    const created = await post(marketer, '/console/api/marketing/campaigns', campaignBody);
    expect(created.status).toBe(201);
    const { campaign } = z.object({ campaign: z.object({ id: z.string() }) }).parse(await created.json());
    expect((await post(agent, `/console/api/marketing/campaigns/${campaign.id}/launch`, {})).status).toBe(403);
    const launched = await post(marketer, `/console/api/marketing/campaigns/${campaign.id}/launch`, {});
    expect(launched.status).toBe(200);
    expect(await launched.json()).toMatchObject({ campaign: { status: 'running' } });

    // The workers send on the wall clock (which may be night in San Francisco); Sam's message goes
    // through the same gate here at the latest noon there, whichever comes first.
    const prisma = env.database.db.prisma;
    await expect.poll(() => prisma.campaignRecipient.count({ where: { campaignId: campaign.id, customerId: samId } }), { timeout: 20_000 }).toBe(1);
    await sendCampaignTextAtNoon(env, prisma, campaign.id, samId);
    const [offerText] = await env.twilio.state.waitForMessages(SAM, 1, 20_000);
    expect(offerText?.body).toMatch(/^Hi Sam, add Extra Data 10 GB for \$10\.00\/mo\. Reply YES to order\. Reply STOP to opt out\.$/);
    // Twilio is told to drop it if it is still queued when Sam's window closes.
    const stored = await prisma.interaction.findFirstOrThrow({ where: { customerId: samId, reason: { startsWith: `campaign:${campaign.id}:` } } });
    expect(stored.validUntil).not.toBeNull();
    const secondsLeft = ((stored.validUntil?.getTime() ?? 0) - (offerText?.at.getTime() ?? 0)) / 1000;
    expect(offerText?.validityPeriod).toBeGreaterThanOrEqual(Math.floor(secondsLeft) - 2);
    expect(offerText?.validityPeriod).toBeLessThanOrEqual(Math.min(36_000, Math.ceil(secondsLeft)));

    const [summary] = await env.converse(SAM, 'YES');
    expect(summary).toMatch(/^Add Extra Data 10 GB to your mobile: \$10\.00 a month, no one-time fee, no commitment\. Shall I place the order\?/);
    const [done] = await env.converse(SAM, 'yes');
    expect(done).toMatch(/^Done\. Your order is ORD-\d+ \(Extra Data 10 GB\)/);

    const details = z
      .object({ results: z.object({ groups: z.array(z.object({ group: z.string(), sent: z.number(), converted: z.number(), replied: z.number() })) }) })
      .parse(await (await marketer.request(`/console/api/marketing/campaigns/${campaign.id}`)).json());
    const group = details.results.groups.find((entry) => entry.group === 'A');
    expect(group).toMatchObject({ sent: expect.any(Number), converted: 1, replied: 1 });
    const csv = await (await marketer.request(`/console/api/marketing/campaigns/${campaign.id}/evidence.csv`)).text();
    expect(csv.split('\n')[0]).toBe('decidedAt,customerId,recipientId,outcome,timeZones,checks');
    expect(csv).toContain(samId);

  });

  it('a campaign text answered "yes" in web chat (signed in on the website) orders the offer in that chat and counts as a conversion', async () => {
    const prisma = env.database.db.prisma;
    const zoe = await prisma.contactMedium.findUniqueOrThrow({ where: { phoneNumber: ZOE } });
    const created = await post(marketer, '/console/api/marketing/campaigns', { ...campaignBody, name: 'Extra data, web chat' });
    const { campaign } = z.object({ campaign: z.object({ id: z.string() }) }).parse(await created.json());
    expect((await post(marketer, `/console/api/marketing/campaigns/${campaign.id}/launch`, {})).status).toBe(200);
    await expect.poll(() => prisma.campaignRecipient.count({ where: { campaignId: campaign.id, customerId: zoe.customerId } }), { timeout: 20_000 }).toBe(1);
    await sendCampaignTextAtNoon(env, prisma, campaign.id, zoe.customerId);
    const [offerText] = await env.twilio.state.waitForMessages(ZOE, 1, 20_000);
    expect(offerText?.body).toMatch(/^Hi Zoe, add Extra Data 10 GB for \$10\.00\/mo\./);

    // Zoe answers on the operator's website, where she is signed in, rather than by text.
    const secret = env.config.webchat.userTokenSecret;
    if (!secret) throw new Error('test services have a web chat user token secret');
    const { token, conversationId } = await generateToken(env.service.url, await signUserToken(secret, zoe.customerId));
    const chat = connectChat(env.service.url, { token, webSocket: true });
    try {
      await chat.say('yes');
      expect(textOf(await chat.botMessage(0))).toMatch(/^Add Extra Data 10 GB to your mobile: \$10\.00 a month, no one-time fee, no commitment\. Shall I place the order\?/);
      await chat.say('yes please');
      expect(textOf(await chat.botMessage(1))).toMatch(/^Done\. Your order is ORD-\d+ \(Extra Data 10 GB\)/);
    } finally {
      chat.close();
    }
    const order = await prisma.productOrder.findFirstOrThrow({ where: { customerId: zoe.customerId, items: { some: { offering: { code: 'ADDON-EXTRA-DATA-10GB' } } } } });
    expect(order.channel).toBe('webchat');
    const chatConversation = await prisma.conversation.findUniqueOrThrow({ where: { channel_externalId: { channel: 'webchat', externalId: conversationId } } });
    const replies = await prisma.interaction.findMany({ where: { conversationId: chatConversation.id, direction: 'outbound' }, orderBy: { createdAt: 'asc' } });
    expect(replies.some((reply) => reply.text.startsWith('Done. Your order is ORD-'))).toBe(true);
    // Nothing about it went by text: the SMS thread holds only campaign messages (the first campaign's too, if its workers sent one).
    for (const text of env.twilio.state.messagesTo(ZOE)) expect(text.body).toMatch(/^Hi Zoe, add Extra Data 10 GB for \$10\.00\/mo\. Reply YES to order\. Reply STOP to opt out\.$/);

    const details = z
      .object({ results: z.object({ groups: z.array(z.object({ group: z.string(), converted: z.number() })) }) })
      .parse(await (await marketer.request(`/console/api/marketing/campaigns/${campaign.id}`)).json());
    expect(details.results.groups.find((group) => group.group === 'A')?.converted).toBe(1);
  });

  it('does not send a marketing text whose validity ended before it could go (a backlog never texts after the window)', async () => {
    const prisma = env.database.db.prisma;
    const alexId = (await prisma.contactMedium.findUniqueOrThrow({ where: { phoneNumber: ALEX } })).customerId;
    const before = env.twilio.state.messagesTo(ALEX).length;
    const stored = await storeCustomerNotification(prisma, '+15557770000', {
      customerId: alexId,
      text: 'Hi Alex, a late offer. Reply STOP to opt out.',
      reason: 'campaign:test:A',
      idempotencyKey: 'expired-campaign-text',
      validUntil: new Date(Date.now() - 60_000),
    });
    if (!stored) throw new Error('not stored');
    await env.service.queues.enqueueDelivery(stored.conversationId, [stored.id], stored.correlationId);
    await expect.poll(async () => (await prisma.interaction.findUniqueOrThrow({ where: { id: stored.id } })).deliveryStatus, { timeout: 20_000 }).toBe('failed');
    expect(await prisma.interaction.findUniqueOrThrow({ where: { id: stored.id } })).toMatchObject({ deliveryErrorCode: 'expired', providerMessageId: null });
    expect(env.twilio.state.messagesTo(ALEX).length).toBe(before);
  });

  it('schedules, pauses, resumes and cancels; a cancelled campaign cannot resume', async () => {
    const { campaign } = z.object({ campaign: z.object({ id: z.string() }) }).parse(await (await post(marketer, '/console/api/marketing/campaigns', { ...campaignBody, name: 'Later' })).json());
    const at = new Date(Date.now() + 86_400_000).toISOString();
    const scheduled = await post(marketer, `/console/api/marketing/campaigns/${campaign.id}/launch`, { scheduledAt: at });
    expect(await scheduled.json()).toMatchObject({ campaign: { status: 'scheduled' } });
    expect(await (await post(marketer, `/console/api/marketing/campaigns/${campaign.id}/pause`, {})).json()).toMatchObject({ campaign: { status: 'paused' } });
    expect((await post(agent, `/console/api/marketing/campaigns/${campaign.id}/resume`, {})).status).toBe(403);
    expect(await (await post(marketer, `/console/api/marketing/campaigns/${campaign.id}/resume`, {})).json()).toMatchObject({ campaign: { status: 'running' } });
    expect(await (await post(marketer, `/console/api/marketing/campaigns/${campaign.id}/cancel`, {})).json()).toMatchObject({ campaign: { status: 'cancelled' } });
    const again = await post(marketer, `/console/api/marketing/campaigns/${campaign.id}/resume`, {});
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: { code: 'campaign_state' } });
  });

  it('shows an agent a customer\'s churn risk and TMF680 recommendations', async () => {
    const churn = await agent.request(`/console/api/customers/${samId}/churn`);
    expect(churn.status).toBe(200);
    const recommendation = z.object({ item: z.array(z.unknown()) }).passthrough().parse(await (await agent.request(`/console/api/customers/${samId}/recommendations`)).json());
    expect(recommendation).toMatchObject({ recommendationType: expect.stringMatching(/crossSell|retention/), relatedParty: [{ id: samId, role: 'Customer' }] });
    expect(recommendation.item.length).toBeGreaterThan(0);
    for (const item of recommendation.item) expect(item).toMatchObject({ priority: expect.any(Number), offering: { code: expect.any(String) }, reason: expect.any(String) });
  });
});
