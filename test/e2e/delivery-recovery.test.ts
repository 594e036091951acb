import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestEnv, type TestEnv } from '../support/service.ts';

// A send that began and never came back (Twilio took the message, the answer was lost) is
// looked up in Twilio's Messages list before any resend, and its SID adopted: the customer gets
// one text. A send Twilio refused (a 5xx: nothing taken) is looked up, not found, and sent again.
// Same text twice to one number: the look-up never adopts the SID of the earlier, other message.

let env: TestEnv;

beforeAll(async () => {
  env = await startTestEnv({ env: { DELIVERY_ATTEMPTS: '4', DELIVERY_BACKOFF_MS: '50' } });
}, 300_000);

afterAll(async () => {
  await env?.close();
});

async function outboundTo(to: string) {
  return env.database.db.prisma.interaction.findMany({ where: { direction: 'outbound', toAddress: to }, orderBy: { createdAt: 'asc' } });
}

/** Waits until every reply to `to` is handed over (has a provider id), then a little more for any resend to show. */
async function settled(to: string, count: number) {
  await eventually(async () => {
    const rows = await outboundTo(to);
    return rows.length === count && rows.every((row) => row.providerMessageId !== null) ? true : undefined;
  }, `${count} repl(ies) to ${to} to be handed over`, 15_000);
  await new Promise((resolve) => setTimeout(resolve, 500));
  return outboundTo(to);
}

describe('a reply sent right after its turn', () => {
  it("carries its send's start from the turn's own write, and is not looked up", async () => {
    const to = '+15551230030';
    const listsBefore = env.twilio.state.listRequests;
    expect((await env.sms(to, 'hello')).status).toBe(200);

    const [reply] = await settled(to, 1);
    const inbound = await env.database.db.prisma.interaction.findFirstOrThrow({ where: { direction: 'inbound', fromAddress: to } });
    // Written in the statement that marked the message handled: one write fewer per SMS reply.
    expect(reply?.sendStartedAt?.getTime()).toBe(inbound.handledAt?.getTime());
    expect(env.twilio.state.messagesTo(to)).toHaveLength(1);
    expect(env.twilio.state.listRequests - listsBefore).toBe(0);
  });
});

describe('a send whose outcome is unknown', () => {
  it('is found at Twilio and adopted, not sent again, when its answer was lost', async () => {
    const to = '+15551230031';
    const listsBefore = env.twilio.state.listRequests;
    env.twilio.state.dropAnswersAfterRecording(1);
    expect((await env.sms(to, 'hello')).status).toBe(200);

    const [reply] = await settled(to, 1);
    const sent = env.twilio.state.messagesTo(to);
    expect(sent).toHaveLength(1);
    expect(reply?.providerMessageId).toBe(sent[0]?.sid);
    expect(reply?.sendStartedAt).not.toBeNull();
    expect(env.twilio.state.listRequests - listsBefore).toBe(1);
  });

  it('is looked up, not found, and sent once more when Twilio refused it with a 5xx', async () => {
    const to = '+15551230032';
    const listsBefore = env.twilio.state.listRequests;
    env.twilio.state.failNext(1, 503);
    expect((await env.sms(to, 'hello')).status).toBe(200);

    const [reply] = await settled(to, 1);
    const sent = env.twilio.state.messagesTo(to);
    expect(sent).toHaveLength(1);
    expect(reply?.providerMessageId).toBe(sent[0]?.sid);
    expect(env.twilio.state.listRequests - listsBefore).toBe(1);
  });

  it('adopts only a message that is not already another reply of ours (the same text twice)', async () => {
    const to = '+15559990077';
    expect((await env.sms(to, 'hello')).status).toBe(200);
    await settled(to, 1);
    env.twilio.state.dropAnswersAfterRecording(1);
    expect((await env.sms(to, 'hello')).status).toBe(200);

    const replies = await settled(to, 2);
    const sent = env.twilio.state.messagesTo(to);
    // The same words both times, so the look-up sees two candidates and must take the newer one.
    expect(sent.map((message) => message.body)).toEqual([sent[0]?.body, sent[0]?.body]);
    expect(sent).toHaveLength(2);
    expect(replies.map((reply) => reply.providerMessageId)).toEqual(sent.map((message) => message.sid));
  });
});
