import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALEX, startTestEnv, type TestEnv } from '../support/service.ts';
import { connectChat, generateToken, isWelcome, signUserToken, textOf, type ChatClient } from '../support/webchat.ts';
import { trackingSettings } from './fulfillment-support.ts';

// An order placed in web chat: the bot's promise about updates is about this chat, the progress
// messages come into the chat (not by SMS), and "where's my order" is about the order just placed,
// not an older one still open.

let env: TestEnv;
let client: ChatClient | undefined;

beforeAll(async () => {
  env = await startTestEnv({ env: trackingSettings() });
  // Seeding takes a while on a busy machine.
}, 180_000);

afterAll(async () => {
  client?.close();
  await env?.close();
});

const prisma = () => env.database.db.prisma;

describe('an order placed in web chat', () => {
  it('keeps its updates in the chat and answers "where\'s my order" about it', async () => {
    const medium = await prisma().contactMedium.findUniqueOrThrow({ where: { phoneNumber: ALEX } });
    const customerId = medium.customerId;
    const account = await prisma().account.findFirstOrThrow({ where: { customerId } });
    // An older request still open: a cancellation a person is holding since last week.
    const older = await prisma().productOrder.create({
      data: { customerId, accountId: account.id, state: 'held', category: 'cancellation', channel: 'sms', idempotencyKey: `older-${Date.now()}`, createdAt: new Date(Date.now() - 7 * 86_400_000) },
    });

    const secret = env.config.webchat.userTokenSecret;
    if (!secret) throw new Error('the test service has no user token secret');
    const { token } = await generateToken(env.service.url, await signUserToken(secret, customerId));
    client = connectChat(env.service.url, { token, webSocket: true });
    const botTexts = () => client?.activities.filter((a) => a.type === 'message' && a.from.role === 'bot' && !isWelcome(a)).map(textOf) ?? [];
    const reply = async (text: string, count = 1): Promise<string[]> => {
      const before = botTexts().length;
      await client?.say(text);
      await client?.botMessage(before + count - 1, 30_000);
      return botTexts().slice(before);
    };

    const [question] = await reply('add the movies package');
    expect(question).toMatch(/Movies Package/);
    const [done] = await reply('yes');
    const reference = /ORD-\d+/.exec(done ?? '')?.[0];
    expect(done).toMatch(/we'll post updates in this chat as it goes\. Type "order status" anytime\.$/);
    expect(done).not.toMatch(/\btext\b/i);
    if (!reference) throw new Error(`no order reference in ${done}`);

    // The progress messages come into the chat as the order goes; none goes by SMS.
    await client.waitFor((all) => all.find((a) => a.type === 'message' && a.from.role === 'bot' && textOf(a).startsWith(`${reference} is complete`)), 'the order completed message in the chat', 60_000);
    const order = await prisma().productOrder.findFirstOrThrow({ where: { number: Number(reference.slice(4)) } });
    const progress = await prisma().interaction.findMany({ where: { customerId, direction: 'outbound', items: { some: { itemId: order.id, action: 'updated' } } } });
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.map((message) => message.channel)).toEqual(progress.map(() => 'webchat'));
    expect(env.twilio.state.messagesTo(ALEX).filter((message) => message.body.includes(reference))).toEqual([]);

    // "where's my order": the one just placed first, then the older one still open.
    const [status] = await reply("where's my order");
    expect(status?.startsWith(`${reference} (`)).toBe(true);
    expect(status).toContain(`ORD-${older.number}`);
  }, 180_000);
});
