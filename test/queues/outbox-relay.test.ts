import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { relayStrandedMessages } from '../../src/queues/outbox-relay.processor.ts';
import { createDemoDatabase, type DemoDatabase } from '../support/demo-database.ts';

// The outbox relay re-enqueues stored work whose job was lost. A stored message's age counts
// from its arrival, and web chat holds its turn until the visitor's echo is published: under
// load that took more than 3 s, and the relay ran the turn first (the reply reached the visitor
// before their own message). A message is taken for stranded only after 10 s; a reply after 3 s.

let database: DemoDatabase;

beforeAll(async () => {
  database = await createDemoDatabase();
});

afterAll(async () => {
  await database?.drop();
});

async function storedMessage(ageMs: number): Promise<string> {
  const { prisma } = database.db;
  const conversationId = randomUUID();
  const at = new Date(Date.now() - ageMs);
  await prisma.conversation.create({ data: { id: conversationId, channel: 'webchat', externalId: `relay-${conversationId}`, serviceAddress: 'bot' } });
  const message = await prisma.interaction.create({
    data: { conversationId, direction: 'inbound', channel: 'webchat', fromAddress: `dl_${conversationId.slice(0, 8)}`, toAddress: 'bot', text: 'hello', status: 'received', seq: 1, createdAt: at },
  });
  return message.id;
}

describe('the outbox relay', () => {
  it('leaves a stored message alone for 10 s, then runs its turn', async () => {
    const young = await storedMessage(5_000);
    const old = await storedMessage(11_000);
    const requeued: string[] = [];
    const queues = {
      requeueTurn: async (turn: { interactionId: string }) => void requeued.push(turn.interactionId),
      requeueDelivery: async () => undefined,
    };
    await relayStrandedMessages({ prisma: database.db.prisma, queues, logger: pino({ level: 'silent' }) });
    expect(requeued).toContain(old);
    expect(requeued).not.toContain(young);
  });
});
