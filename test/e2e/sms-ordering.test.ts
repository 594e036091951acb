import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_OUTAGE } from '../../src/domain/demo/demo-data.ts';
import { ALEX, SAM, eventually, startTestEnv, type TestEnv } from '../support/service.ts';

// Turns for one conversation run one at a time in arrival order, whatever order the parallel
// requests and the queue's workers happen to run in; different conversations run in parallel.

let env: TestEnv;
const BURST_FROM = '+15551230004';

beforeAll(async () => {
  env = await startTestEnv();
});

afterAll(async () => {
  await env?.close();
});

describe('turn ordering', () => {
  it('answers a 20-message burst from one number in the order the messages were stored', async () => {
    const from = BURST_FROM;
    // Each message asks for a different (unknown) ticket, so each reply names its message.
    const texts = Array.from({ length: 20 }, (_, i) => `status of TT-${900 + i}`);
    const responses = await Promise.all(texts.map((text) => env.sms(from, text)));
    expect(responses.map((r) => r.status)).toEqual(texts.map(() => 200));

    const replies = await env.twilio.state.waitForMessages(from, 20, 20_000);
    const inbound = await env.database.db.prisma.interaction.findMany({
      where: { direction: 'inbound', fromAddress: from },
      orderBy: { seq: 'asc' },
    });
    expect(inbound).toHaveLength(20);
    expect(inbound.map((i) => i.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(inbound.every((i) => i.status === 'handled')).toBe(true);

    const askedInOrder = inbound.map((i) => /TT-\d+/.exec(i.text)?.[0]);
    const answeredInOrder = replies.map((r) => /TT-\d+/.exec(r.body)?.[0]);
    expect(answeredInOrder).toEqual(askedInOrder);
    // Exactly one reply each: nothing handled twice.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(env.twilio.state.messagesTo(from)).toHaveLength(20);
  });

  it('keeps dialog state intact through a burst that walks a dialog', async () => {
    // A customer with internet outside the demo outage's area (there, a fault report links to the
    // outage instead), other than those the other tests text.
    const customer = await env.database.db.prisma.customer.findFirstOrThrow({
      where: { status: 'active', serviceArea: { not: DEMO_OUTAGE.area }, products: { some: { serviceType: 'internet', status: 'active' } }, contactMedia: { some: { phoneNumber: { not: null } } }, NOT: { contactMedia: { some: { phoneNumber: { in: [ALEX, SAM, BURST_FROM] } } } } },
      include: { products: { include: { offering: true } }, contactMedia: true },
      orderBy: { createdAt: 'asc' },
    });
    const from = customer.contactMedia.find((medium) => medium.phoneNumber)?.phoneNumber ?? '';
    // A fault report, its answers (skip the self-help step) and the yes, sent at once: only arrival
    // order makes them a conversation.
    const steps = ['my internet is not working since yesterday', '1', 'skip', 'yes'];
    // Add-ons (mesh Wi-Fi, static IP) are internet products too, but not services to report on.
    const hasOneInternet = customer.products.filter((p) => p.serviceType === 'internet' && p.status === 'active' && !p.offering.isAddOn).length === 1;
    const burst = hasOneInternet ? ['my internet is not working since yesterday', 'skip', 'yes'] : steps;
    for (const text of burst) expect((await env.sms(from, text)).status).toBe(200);
    const replies = await env.twilio.state.waitForMessages(from, burst.length, 15_000);
    expect(replies.at(-1)?.body, JSON.stringify(replies.map((reply) => reply.body))).toMatch(/Your ticket is TT-\d+/);
    expect(await env.database.db.prisma.troubleTicket.count({ where: { customerId: customer.id } })).toBe(1);
  });

  it('runs two customers’ conversations in parallel, each intact', async () => {
    const run = async (from: string, text: string) => {
      for (const message of [text, 'skip']) {
        const before = env.twilio.state.messagesTo(from).length;
        await env.sms(from, message);
        await env.twilio.state.waitForMessages(from, before + 1);
      }
      await env.sms(from, 'yes');
    };
    const alexBefore = env.twilio.state.messagesTo(ALEX).length;
    const samBefore = env.twilio.state.messagesTo(SAM).length;
    await Promise.all([run(ALEX, 'my tv has no picture since this morning'), run(SAM, 'no signal on my mobile since yesterday')]);
    const alexReplies = (await env.twilio.state.waitForMessages(ALEX, alexBefore + 3)).slice(alexBefore);
    const samReplies = (await env.twilio.state.waitForMessages(SAM, samBefore + 3)).slice(samBefore);
    expect(alexReplies[2]?.body, JSON.stringify(alexReplies.map((reply) => reply.body))).toMatch(/Your ticket is TT-\d+/);
    expect(samReplies[2]?.body, JSON.stringify(samReplies.map((reply) => reply.body))).toMatch(/Your ticket is TT-\d+/);
    const tickets = await eventually(async () => {
      const found = await env.database.db.prisma.troubleTicket.findMany({ where: { customer: { contactMedia: { some: { phoneNumber: { in: [ALEX, SAM] } } } } }, include: { customer: true } });
      return found.length === 2 ? found : undefined;
    }, 'both tickets');
    expect(tickets.map((t) => `${t.customer.givenName}:${t.serviceType}`).sort()).toEqual(['Alex:tv', 'Sam:mobile']);
  });
});
