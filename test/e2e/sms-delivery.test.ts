import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALEX, OUR_NUMBER, eventually, startTestEnv, type TestEnv } from '../support/service.ts';

// Replies are stored first, then delivered by the delivery worker through the official twilio
// client: transient failures retry with backoff, permanent ones do not, opted-out numbers get nothing.

let env: TestEnv;

beforeAll(async () => {
  env = await startTestEnv({ env: { DELIVERY_ATTEMPTS: '4', DELIVERY_BACKOFF_MS: '50' } });
});

afterAll(async () => {
  await env?.close();
});

async function outboundTo(to: string) {
  return env.database.db.prisma.interaction.findMany({ where: { direction: 'outbound', toAddress: to }, orderBy: { createdAt: 'asc' } });
}

describe('delivery', () => {
  it('retries after a 500 and delivers exactly once', async () => {
    env.twilio.state.failNext(1, 500);
    const requestsBefore = env.twilio.state.requests;
    await env.sms(ALEX, 'hello');
    const [reply] = await env.twilio.state.waitForMessages(ALEX, 1);
    expect(reply?.body).toMatch(/^Hi Alex!/);
    expect(env.twilio.state.requests - requestsBefore).toBe(2);
    const [stored] = await eventually(async () => {
      const rows = await outboundTo(ALEX);
      return rows[0]?.deliveryStatus === 'delivered' ? rows : undefined;
    }, 'the reply to be delivered');
    expect(stored?.deliveryAttempts).toBe(2);
    expect(stored?.providerMessageId).toBe(reply?.sid);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(env.twilio.state.messagesTo(ALEX)).toHaveLength(1);
  });

  it('gives up after the configured attempts and marks the message failed', async () => {
    const to = '+15551230010';
    env.twilio.state.failNext(4, 503);
    await env.sms(to, 'hello');
    const [failed] = await eventually(async () => {
      const rows = await outboundTo(to);
      return rows[0]?.deliveryStatus === 'failed' ? rows : undefined;
    }, 'the reply to be marked failed', 15_000);
    expect(failed?.deliveryAttempts).toBe(4);
    expect(failed?.status).toBe('failed');
    expect(env.twilio.state.messagesTo(to)).toHaveLength(0);
  });

  it('does not retry a permanent refusal (unsubscribed recipient, 21610)', async () => {
    const to = '+15551230011';
    env.twilio.state.refuse(to);
    const requestsBefore = env.twilio.state.requests;
    await env.sms(to, 'hello');
    const [refused] = await eventually(async () => {
      const rows = await outboundTo(to);
      return rows[0]?.deliveryStatus === 'failed' ? rows : undefined;
    }, 'the reply to be refused');
    expect(refused?.deliveryErrorCode).toBe('twilio_21610');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(env.twilio.state.requests - requestsBefore).toBe(1);
  });

  it('never sends to a number that opted out (except the opt-out confirmation)', async () => {
    const to = '+15551230012';
    await env.sms(to, 'STOP');
    await env.twilio.state.waitForMessages(to, 1);
    // A reply produced before the STOP was handled, still waiting for delivery.
    const conversation = await env.database.db.prisma.conversation.findFirstOrThrow({ where: { externalId: to } });
    const late = await env.database.db.prisma.interaction.create({
      data: { conversationId: conversation.id, direction: 'outbound', channel: 'sms', fromAddress: OUR_NUMBER, toAddress: to, text: 'late reply', status: 'pending', deliveryStatus: 'pending', reason: 'greeting' },
    });
    await env.service.queues.enqueueDelivery(conversation.id, [late.id], 'test');
    const blocked = await eventually(async () => {
      const row = await env.database.db.prisma.interaction.findUniqueOrThrow({ where: { id: late.id } });
      return row.deliveryStatus === 'failed' ? row : undefined;
    }, 'the late reply to be blocked');
    expect(blocked.deliveryErrorCode).toBe('opted_out');
    expect(env.twilio.state.messagesTo(to).map((m) => m.body)).toEqual([expect.stringMatching(/unsubscribed/)]);
  });

  it('hands a conversation’s replies to Twilio in the order they were stored', async () => {
    const to = '+15551230013';
    const conversation = await env.database.db.prisma.conversation.create({ data: { channel: 'sms', externalId: to, serviceAddress: OUR_NUMBER } });
    const base = Date.now();
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const row = await env.database.db.prisma.interaction.create({
        data: { conversationId: conversation.id, direction: 'outbound', channel: 'sms', fromAddress: OUR_NUMBER, toAddress: to, text: `part ${i}`, status: 'pending', deliveryStatus: 'pending', createdAt: new Date(base + i) },
      });
      ids.push(row.id);
    }
    // Two jobs for the same conversation race; the per-conversation lock keeps the order.
    await Promise.all([env.service.queues.enqueueDelivery(conversation.id, ids.slice(3), 'a'), env.service.queues.enqueueDelivery(conversation.id, ids, 'b')]);
    const sent = await env.twilio.state.waitForMessages(to, 6);
    expect(sent.map((m) => m.body)).toEqual(['part 0', 'part 1', 'part 2', 'part 3', 'part 4', 'part 5']);
  });

  it('sends a message already waiting for delivery before the next reply of the conversation', async () => {
    const to = '+15551230014';
    await env.sms(to, 'hello');
    await env.twilio.state.waitForMessages(to, 1);
    // A notification stored for this conversation whose delivery has not run yet (no job for it).
    const conversation = await env.database.db.prisma.conversation.findFirstOrThrow({ where: { externalId: to } });
    await env.database.db.prisma.interaction.create({
      data: { conversationId: conversation.id, direction: 'outbound', channel: 'sms', fromAddress: OUR_NUMBER, toAddress: to, text: 'earlier notice', status: 'pending', deliveryStatus: 'pending', reason: 'notification' },
    });
    await env.sms(to, 'hello again');
    const sent = await env.twilio.state.waitForMessages(to, 3);
    expect(sent.map((m) => m.body)).toEqual([expect.any(String), 'earlier notice', expect.any(String)]);
    await eventually(async () => ((await outboundTo(to)).every((row) => row.providerMessageId !== null) ? true : undefined), 'all three to be recorded as handed over');
  });
});
