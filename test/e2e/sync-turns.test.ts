import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundMessage } from '../../src/channels/channel.ts';
import { fakeSid } from '../../src/sandbox/twilio-signing.ts';
import { ConversationLock } from '../../src/gateway/conversation-lock.ts';
import { acceptInboundMessage } from '../../src/gateway/intake.ts';
import type { TurnRunner } from '../../src/gateway/turn-runner.ts';
import { OUR_NUMBER, SAM, eventually, startTestEnv, type TestEnv } from '../support/service.ts';

// The synchronous path a voice call will take: a message stored through the gateway's intake
// (its turn left to the caller), then run at once by the turn runner, which hands back the
// replies it stored and delivered, within a time budget. Real database, Redis, bot and delivery.

let env: TestEnv;
let lockRedis: Redis;

beforeAll(async () => {
  env = await startTestEnv();
  lockRedis = new Redis(env.config.redis.url);
});

afterAll(async () => {
  lockRedis?.disconnect();
  await env?.close();
});

const prisma = () => env.database.db.prisma;

function runner(): TurnRunner {
  if (!env.service.turns) throw new Error('the test service runs no workers');
  return env.service.turns;
}

/** Stores a message from Sam as an SMS channel would hand it over, with its turn left to the caller. */
function storeFromSam(text: string) {
  const message: InboundMessage = { channel: 'sms', providerMessageId: fakeSid('SM'), from: SAM, to: OUR_NUMBER, text, receivedAt: new Date() };
  return acceptInboundMessage(
    { prisma: prisma(), sql: env.service.db.sql, logger: env.service.logger, enqueueTurn: (turn) => env.service.queues.enqueueTurn(turn) },
    message,
    { runTurn: 'caller' },
  );
}

describe('running turns synchronously', () => {
  it('runs the stored message at once and returns its replies, stored and delivered', async () => {
    const { turn } = await storeFromSam('hello');

    const result = await runner().runTurnsNow(turn, { budgetMs: 20_000 });

    expect(result.budgetExhausted).toBe(false);
    expect(result.replies.map((reply) => reply.text)).toEqual([expect.stringMatching(/^Hi Sam!/)]);
    const inbound = await prisma().interaction.findUniqueOrThrow({ where: { id: turn.interactionId } });
    expect(inbound.status).toBe('handled');
    const stored = await prisma().interaction.findMany({ where: { inReplyToId: turn.interactionId }, orderBy: { createdAt: 'asc' } });
    expect(stored.map((reply) => [reply.id, reply.text])).toEqual(result.replies.map((reply) => [reply.id, reply.text]));
    const [sent] = await env.twilio.state.waitForMessages(SAM, 1);
    expect(sent?.body).toBe(result.replies[0]?.text);
  });

  it('gives up at the budget while another turn holds the conversation, leaving the message to the queue', async () => {
    const before = env.twilio.state.messagesTo(SAM).length;
    const { turn } = await storeFromSam('thanks');
    const lock = new ConversationLock(lockRedis, env.config.redis.prefix);
    const token = await lock.acquire(turn.conversationId);
    if (!token) throw new Error('the conversation lock is held already');

    const started = Date.now();
    const result = await runner().runTurnsNow(turn, { budgetMs: 300 });

    expect(result).toEqual({ replies: [], budgetExhausted: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect((await prisma().interaction.findUniqueOrThrow({ where: { id: turn.interactionId } })).status).toBe('received');

    await lock.release(turn.conversationId, token);
    await eventually(async () => ((await prisma().interaction.findUniqueOrThrow({ where: { id: turn.interactionId } })).status === 'handled' ? true : undefined), 'the queue to handle the message');
    const replies = await env.twilio.state.waitForMessages(SAM, before + 1);
    expect(replies).toHaveLength(before + 1);
  });
});
