import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { churnRiskLookup, customersWithChurnEvents, listChurnScores, recomputeChurnScore } from '../../src/domain/churn/churn.service.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { createChurnProcessor } from '../../src/queues/churn.processor.ts';
import { createDemoDatabase, type DemoDatabase } from '../support/demo-database.ts';

// Churn scores from the database: what the customer's record says, stored with its history, and
// the event sweep that finds customers with something new.

let database: DemoDatabase;
let samId: string;
let alexId: string;
/** After the demo data went in (its bills count as new events). */
let seededAt: Date;
const redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true });
const prefix = `test-churn-${randomUUID()}`;

beforeAll(async () => {
  database = await createDemoDatabase();
  samId = await database.customerId('+15551230002');
  alexId = await database.customerId('+15551230001');
  await redis.connect();
  seededAt = new Date();
}, 180_000);

afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await database?.drop();
});

const prisma = () => database.db.prisma;
const DAY = 86_400_000;

async function faultWithBreach(customerId: string, daysAgo: number, now: Date) {
  const openedAt = new Date(now.getTime() - daysAgo * DAY);
  await prisma().troubleTicket.create({
    data: {
      customerId,
      serviceType: 'mobile',
      name: 'No signal',
      description: 'no signal at home',
      channel: 'sms',
      idempotencyKey: `churn-test-${randomUUID()}`,
      createdAt: openedAt,
      slaBreachedAt: new Date(openedAt.getTime() + DAY),
    },
  });
}

describe('churn scores from the record', () => {
  it('scores a customer with repeated faults and SLA breaches higher, names them, and keeps the history', async () => {
    const now = new Date();
    const before = await recomputeChurnScore(prisma(), samId, 'manual', now);
    if (!before) throw new Error('Sam not scored');
    for (const days of [3, 10, 20]) await faultWithBreach(samId, days, now);
    const conversation = await prisma().conversation.create({ data: { channel: 'sms', externalId: `churn-test-${randomUUID()}`, customerId: samId } });
    await prisma().interaction.create({
      data: {
        conversationId: conversation.id,
        customerId: samId,
        direction: 'inbound',
        channel: 'sms',
        fromAddress: '+15551230002',
        toAddress: '+15557770000',
        text: 'I am thinking of switching to T-Mobile',
        status: 'handled',
      },
    });
    const after = await recomputeChurnScore(prisma(), samId, 'ticket', new Date(Date.now() + 1000));
    if (!after) throw new Error('Sam not scored');
    expect(after.score).toBeGreaterThan(before.score);
    expect(after.band).toBe('high');
    // "switching to" reads as an intent to leave (and names a rival, the fourth reason).
    expect(after.reasons.map((reason) => reason.code)).toEqual(['slaBreaches90', 'cancelIntent90', 'repeatFaults90']);

    const risk = await churnRiskLookup(prisma())(samId);
    expect(risk).toEqual({ score: after.score, band: 'high', reasons: after.reasons.map((reason) => reason.text) });
    const history = await listChurnScores(prisma(), samId);
    expect(history.map((entry) => entry.trigger)).toEqual(['ticket', 'manual']);
  });

  it('an unknown customer has no score, and one never scored has no risk yet', async () => {
    expect(await recomputeChurnScore(prisma(), randomUUID(), 'manual')).toBeNull();
    expect(await churnRiskLookup(prisma())(alexId)).toBeNull();
  });

  it('the event sweep finds customers with new tickets and queues one score each', async () => {
    // The sweep reads a second back from its last run; let the tickets above be older than that.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const found = await customersWithChurnEvents(prisma(), seededAt, null, 100);
    expect(found.map((entry) => entry.customerId)).toContain(samId);
    expect(found.map((entry) => entry.customerId)).not.toContain(alexId);

    const queued: Array<{ customerId: string; trigger: string }> = [];
    const processor = createChurnProcessor({
      prisma: prisma(),
      redis,
      redisPrefix: prefix,
      queues: { scoreChurn: async (customerId, trigger) => void queued.push({ customerId, trigger }) },
      logger: createLogger('silent'),
    });
    await redis.set(`${prefix}:churn:event-sweep-since`, String(seededAt.getTime()));
    expect(await processor({ name: 'event-sweep', data: {} })).toEqual({ queued: 1 });
    expect(queued).toEqual([{ customerId: samId, trigger: 'ticket' }]);
    // The next sweep starts where this one ended (less a second of overlap): nothing new, nothing queued.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await processor({ name: 'event-sweep', data: {} })).toEqual({ queued: 0 });
    const nightly = await processor({ name: 'nightly', data: {} });
    expect(nightly).toEqual({ queued: await prisma().customer.count() });
  });
});
