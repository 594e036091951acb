import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeSid } from '../../src/sandbox/twilio-signing.ts';
import { createAcceptanceWriter } from '../../src/domain/interactions/outbound.ts';
import { createReceiptWriter } from '../../src/domain/interactions/receipts.ts';
import { createDemoDatabase, type DemoDatabase } from '../support/demo-database.ts';

// Acceptances and status callbacks submitted together share one statement (the group commit):
// the many-row statements must write what the one-row ones write, message by message.

let database: DemoDatabase;
let conversationId: string;

beforeAll(async () => {
  database = await createDemoDatabase();
  const conversation = await database.db.prisma.conversation.create({ data: { channel: 'sms', externalId: '+15557770001', serviceAddress: '+15550000000' } });
  conversationId = conversation.id;
});

afterAll(async () => {
  await database?.drop();
});

async function pendingReplies(count: number) {
  return Promise.all(
    Array.from({ length: count }, (_, index) =>
      database.db.prisma.interaction.create({
        data: { conversationId, direction: 'outbound', channel: 'sms', fromAddress: '+15550000000', toAddress: '+15557770001', text: `reply ${index}`, status: 'pending', deliveryStatus: 'pending' },
      }),
    ),
  );
}

describe('delivery writes in groups', () => {
  it('records acceptances submitted together, each once, and refuses an unknown message', async () => {
    const replies = await pendingReplies(8);
    const record = createAcceptanceWriter(database.db.sql);
    const sids = replies.map(() => fakeSid('SM'));
    // Submitted in one tick: the first writes alone, the rest wait and go together.
    await Promise.all(replies.map((reply, index) => record({ interactionId: reply.id, providerMessageId: sids[index] ?? '', status: 'queued' })));
    await expect(record({ interactionId: '00000000-0000-4000-8000-000000000000', providerMessageId: fakeSid('SM'), status: 'queued' })).rejects.toThrow(/not found/);
    const rows = await database.db.prisma.interaction.findMany({ where: { id: { in: replies.map((reply) => reply.id) } } });
    for (const [index, reply] of replies.entries()) {
      const row = rows.find((candidate) => candidate.id === reply.id);
      expect([row?.providerMessageId, row?.deliveryStatus, row?.status, row?.deliveryAttempts]).toEqual([sids[index], 'queued', 'pending', 1]);
    }
  });

  it('applies callbacks submitted together as one at a time would, and tells stale and unknown apart', async () => {
    const replies = await pendingReplies(6);
    const apply = createReceiptWriter(database.db.sql, 'sms');
    const sids = replies.map(() => fakeSid('SM'));
    const outcomes = await Promise.all([
      ...replies.map((reply, index) => apply({ interactionId: reply.id, providerMessageId: sids[index] ?? '', status: index === 0 ? 'undelivered' : 'delivered', errorCode: index === 0 ? '30003' : undefined })),
      // The same message again, behind its first callback: a lower status is stale once that one applied.
      apply({ interactionId: replies[1]?.id ?? '', providerMessageId: sids[1] ?? '', status: 'sent', errorCode: undefined }),
      apply({ interactionId: replies[2]?.id ?? '', providerMessageId: fakeSid('SM'), status: 'read', errorCode: undefined }),
    ]);
    expect(outcomes).toEqual(['applied', 'applied', 'applied', 'applied', 'applied', 'applied', 'stale', 'unknown']);
    const rows = await database.db.prisma.interaction.findMany({ where: { id: { in: replies.map((reply) => reply.id) } } });
    for (const [index, reply] of replies.entries()) {
      const row = rows.find((candidate) => candidate.id === reply.id);
      const expected = index === 0 ? ['undelivered', '30003', 'failed'] : ['delivered', null, 'completed'];
      expect([row?.deliveryStatus, row?.deliveryErrorCode, row?.status, row?.providerMessageId]).toEqual([...expected, sids[index]]);
    }
  });
});
