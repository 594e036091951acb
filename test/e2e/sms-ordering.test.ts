import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALEX, SAM, eventually, startTestEnv, type TestEnv } from '../support/service.ts';

// Turns for one conversation run one at a time in arrival order, whatever order the parallel
// requests and the queue's workers happen to run in; different conversations run in parallel.

let env: TestEnv;

beforeAll(async () => {
  env = await startTestEnv();
});

afterAll(async () => {
  await env?.close();
});

describe('turn ordering', () => {
  it('answers a 20-message burst from one number in the order the messages were stored', async () => {
    const from = '+15551230004';
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
    const from = '+15551230006';
    const customer = await env.database.db.prisma.customer.findFirstOrThrow({ where: { contactMedia: { some: { phoneNumber: from } } }, include: { products: true } });
    // A fault report, its answers and the yes, sent at once: only arrival order makes them a conversation.
    const steps = ['my internet is not working since yesterday', '1', 'yes'];
    const hasOneInternet = customer.products.filter((p) => p.serviceType === 'internet').length === 1;
    const burst = hasOneInternet ? ['my internet is not working since yesterday', 'yes'] : steps;
    for (const text of burst) expect((await env.sms(from, text)).status).toBe(200);
    const replies = await env.twilio.state.waitForMessages(from, burst.length, 15_000);
    expect(replies.at(-1)?.body).toMatch(/Your ticket is TT-\d+/);
    expect(await env.database.db.prisma.troubleTicket.count({ where: { customerId: customer.id } })).toBe(1);
  });

  it('runs two customers’ conversations in parallel, each intact', async () => {
    const run = async (from: string, text: string) => {
      await env.sms(from, text);
      await env.twilio.state.waitForMessages(from, env.twilio.state.messagesTo(from).length + 1);
      await env.sms(from, 'yes');
    };
    const alexBefore = env.twilio.state.messagesTo(ALEX).length;
    const samBefore = env.twilio.state.messagesTo(SAM).length;
    await Promise.all([run(ALEX, 'my tv has no picture since this morning'), run(SAM, 'no signal on my mobile since yesterday')]);
    const alexReplies = (await env.twilio.state.waitForMessages(ALEX, alexBefore + 2)).slice(alexBefore);
    const samReplies = (await env.twilio.state.waitForMessages(SAM, samBefore + 2)).slice(samBefore);
    expect(alexReplies[1]?.body).toMatch(/Your ticket is TT-\d+/);
    expect(samReplies[1]?.body).toMatch(/Your ticket is TT-\d+/);
    const tickets = await eventually(async () => {
      const found = await env.database.db.prisma.troubleTicket.findMany({ where: { customer: { contactMedia: { some: { phoneNumber: { in: [ALEX, SAM] } } } } }, include: { customer: true } });
      return found.length === 2 ? found : undefined;
    }, 'both tickets');
    expect(tickets.map((t) => `${t.customer.givenName}:${t.serviceType}`).sort()).toEqual(['Alex:tv', 'Sam:mobile']);
  });
});
