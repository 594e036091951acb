import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/logger.ts';
import { createRedis } from '../../src/queues/connections.ts';
import { QueueRegistry, type JobOf } from '../../src/queues/registry.ts';
import { deleteRedisKeys, eventually } from '../support/service.ts';

// The queue registry against the real Redis, with processors of the test's own: typed jobs reach
// their processor, a job the registry cannot read fails at once without retries, and a recovery
// sweep's scheduler that Redis lost is put back by the watch.

const url = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const prefix = `t${randomUUID().slice(0, 8)}`;
const producer = createRedis(url, 'producer');
const worker = createRedis(url, 'worker');
let registry: QueueRegistry;
const turns: Array<JobOf<'turns'>> = [];
let relayRuns = 0;

beforeAll(async () => {
  await Promise.all([producer.connect(), worker.connect()]);
  registry = new QueueRegistry({
    settings: {
      prefix,
      turns: { concurrency: 1 },
      delivery: { concurrency: 1, attempts: 3, backoffMs: 50 },
      outbox: { intervalMs: 100 },
      tracking: { attempts: 3, backoffMs: 50, lockMs: 5000, concurrency: 1, sweepMs: 60_000 },
    },
    producer,
    worker,
    logger: createLogger('silent'),
  });
  await registry.startWorkers({
    turns: async (job) => {
      turns.push(job);
      return {};
    },
    deliveries: async () => ({}),
    'outbox-relay': async () => {
      relayRuns++;
      return {};
    },
  });
});

afterAll(async () => {
  await registry?.close();
  producer.disconnect();
  worker.disconnect();
  await deleteRedisKeys(url, prefix);
});

describe('queue registry', () => {
  it('hands a typed job to its processor, once per deterministic id', async () => {
    const turn = { interactionId: randomUUID(), conversationId: randomUUID(), correlationId: randomUUID() };
    await registry.enqueueTurn(turn);
    await registry.enqueueTurn(turn);
    await eventually(async () => (turns.length > 0 ? true : undefined), 'the turn job to run');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(turns).toEqual([{ name: 'turn', data: turn }]);
    expect(await (await registry.queue('turns').getJob(`turn-${turn.interactionId}`))?.getState()).toBe('completed');
  });

  it('fails a job it cannot read at once, without retries', async () => {
    await registry.queue('turns').add('turn', { interactionId: 42 }, { jobId: 'unreadable', attempts: 5 });
    await eventually(async () => ((await registry.queue('turns').getJobState('unreadable')) === 'failed' ? true : undefined), 'the unreadable job to fail');
    const failed = await registry.queue('turns').getJob('unreadable');
    expect(failed?.attemptsMade).toBe(1);
    expect(failed?.failedReason).toMatch(/^Unknown turns job turn/);
  });

  it('runs the outbox relay on its scheduler, and puts the scheduler back when Redis lost it', async () => {
    await eventually(async () => (relayRuns >= 2 ? true : undefined), 'the relay to run');
    const relay = registry.queue('outbox-relay');
    await relay.removeJobScheduler('outbox-relay');
    expect(await relay.getJobScheduler('outbox-relay')).toBeUndefined();
    await eventually(async () => ((await relay.getJobScheduler('outbox-relay')) ? true : undefined), 'the scheduler to be put back');
    const runs = relayRuns;
    await eventually(async () => (relayRuns > runs ? true : undefined), 'the relay to run again');
  });
});
