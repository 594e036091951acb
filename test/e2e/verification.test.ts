import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoRecordId } from '../../src/domain/demo/seed.ts';
import { getCustomerTimeline } from '../../src/domain/timeline/customer-timeline.ts';
import { acceptInboundMessage } from '../../src/gateway/intake.ts';
import { eventually, startTestEnv, type TestEnv } from '../support/service.ts';

// Sign-in of an anonymous web chat visitor by a code texted to the number on file. The messages
// enter at the channel-neutral intake (as the web chat channel hands them over) and run through
// the real queues, turn worker, dialogs and delivery; the code arrives at the Twilio stand-in.

let env: TestEnv;

beforeAll(async () => {
  env = await startTestEnv();
});

afterAll(async () => {
  await env?.close();
});

const prisma = () => env.database.db.prisma;
const CODE_TEXT = /^(\d{6}) is your Northwind Telecom verification code\./;
const ASK_NUMBER = "First I need to check it's you. What's the mobile number on your account? I'll text it a code.";
const CODE_SENT = 'If that number is on an account, I\'ve texted it a 6-digit code. Please reply with the code, or "resend" for a new one.';

/** One web chat message from a visitor; returns the bot's replies to it. */
async function chat(visitor: string, text: string): Promise<string[]> {
  const { interactionId } = await acceptInboundMessage(
    { prisma: prisma(), sql: env.service.db.sql, logger: env.service.logger, enqueueTurn: (job) => env.service.queues.enqueueTurn(job) },
    { channel: 'webchat', providerMessageId: randomUUID(), from: visitor, to: 'webchat-bot', text, receivedAt: new Date() },
  );
  await eventually(async () => ((await prisma().interaction.findUniqueOrThrow({ where: { id: interactionId } })).status === 'handled' ? true : undefined), `the turn for "${text}"`);
  const replies = await prisma().interaction.findMany({ where: { inReplyToId: interactionId }, orderBy: { createdAt: 'asc' } });
  return replies.map((reply) => reply.text);
}

/** The latest code texted to a number. */
async function codeTextedTo(phone: string, count: number): Promise<string> {
  const messages = await env.twilio.state.waitForMessages(phone, count);
  const code = CODE_TEXT.exec(messages[count - 1]?.body ?? '')?.[1];
  if (!code) throw new Error(`No code in ${JSON.stringify(messages.map((message) => message.body))}`);
  return code;
}

const conversationOf = (visitor: string) => prisma().conversation.findUniqueOrThrow({ where: { channel_externalId: { channel: 'webchat', externalId: visitor } } });

describe('web chat sign-in by one-time code', () => {
  const phone = '+15551230004';
  const customerId = demoRecordId('customer', phone);
  const visitor = `visitor-${randomUUID()}`;

  it('asks for the number, texts it a code, signs in and carries on with the request', async () => {
    expect(await chat(visitor, 'show my profile')).toEqual([ASK_NUMBER]);
    expect(await chat(visitor, 'my number is 555 123 0004')).toEqual([CODE_SENT]);
    const code = await codeTextedTo(phone, 1);
    expect(await chat(visitor, '000000')).toEqual([`That code isn't right. 2 tries left. Please reply with the code, or "resend" for a new one.`]);
    const [signedIn, profile] = await chat(visitor, code);
    expect(signedIn).toMatch(/^Thanks, \w+, you're signed in\.$/);
    expect(profile).toMatch(/^On file: .* Phone: \+15551230004\./);

    const conversation = await conversationOf(visitor);
    expect(conversation.customerId).toBe(customerId);
    expect(await prisma().auditEvent.count({ where: { action: 'conversation.signedIn', entityId: conversation.id, actorId: customerId } })).toBe(1);
    const [challenge] = await prisma().verificationChallenge.findMany({ where: { conversationId: conversation.id } });
    expect([challenge?.status, challenge?.purpose, challenge?.customerId, challenge?.address]).toEqual(['verified', 'signIn', customerId, phone]);    // The codes typed back, wrong and right, are masked in the contact log and the customer's timeline.
    const inbound = await prisma().interaction.findMany({ where: { conversationId: conversation.id, direction: 'inbound' }, orderBy: { seq: 'asc' } });
    expect(inbound.map((message) => message.text)).toEqual(['show my profile', 'my number is 555 123 0004', '******', '******']);
    const log = await getCustomerTimeline(prisma(), customerId, { limit: 100 });
    expect(JSON.stringify(log)).not.toContain(code);
  });

  it('knows the customer on later turns, and needs no second code for a change within the window', async () => {
    const [profile] = await chat(visitor, "what's my email on file");
    expect(profile).toMatch(/^On file: /);
    expect(await chat(visitor, 'change my email to four@example.com')).toEqual(['Change your email to four@example.com?']);
    expect(await chat(visitor, 'yes')).toEqual(['Done. Your email is now four@example.com.']);
    const email = await prisma().contactMedium.findFirstOrThrow({ where: { customerId, mediumType: 'email' } });
    expect(email.email).toBe('four@example.com');
    // Only the sign-in code was ever texted.
    expect(await prisma().interaction.count({ where: { customerId, reason: 'verification.code' } })).toBe(1);
    const conversation = await conversationOf(visitor);
    const replies = await prisma().interaction.findMany({ where: { conversationId: conversation.id, direction: 'outbound', text: { startsWith: 'Done.' } } });
    expect(replies.map((reply) => reply.customerId)).toEqual([customerId]);
  });

  it('answers a number on no account exactly the same, texts nothing, and never signs in', async () => {
    const stranger = `visitor-${randomUUID()}`;
    const unknown = '+15559990001';
    expect(await chat(stranger, 'show my profile')).toEqual([ASK_NUMBER]);
    expect(await chat(stranger, '(555) 999-0001')).toEqual([CODE_SENT]);
    expect(await chat(stranger, '123456')).toEqual([`That code isn't right. 2 tries left. Please reply with the code, or "resend" for a new one.`]);
    expect(await chat(stranger, '654321')).toEqual([`That code isn't right. 1 try left. Please reply with the code, or "resend" for a new one.`]);
    expect(await chat(stranger, '111111')).toEqual(["That's too many wrong codes, so I can't go ahead. You can ask again for a new code."]);
    expect(env.twilio.state.messagesTo(unknown)).toEqual([]);
    expect(await prisma().interaction.count({ where: { toAddress: unknown } })).toBe(0);
    const conversation = await conversationOf(stranger);
    expect(conversation.customerId).toBeNull();
    const [challenge] = await prisma().verificationChallenge.findMany({ where: { conversationId: conversation.id } });
    expect([challenge?.status, challenge?.customerId, challenge?.address]).toEqual(['failed', null, unknown]);
    // Still anonymous: a request that needs a customer asks who it is again.
    expect(await chat(stranger, 'show my profile')).toEqual([ASK_NUMBER]);
  });
});
