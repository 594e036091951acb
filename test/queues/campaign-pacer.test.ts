import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CampaignPacer } from '../../src/queues/campaign.processor.ts';

// The campaign pacer against real Redis: a sender's per-second budget, and a token a message did
// not use (held by the gate) given back while its second lasts, never into the next second.

const redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true });
const prefix = `${process.env['REDIS_PREFIX'] ?? 'test'}-pacer-${randomUUID()}`;

beforeAll(async () => {
  await redis.connect();
});

afterAll(async () => {
  const keys = await redis.keys(`*${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

/** How long one acquire took, in ms. */
async function timed(pacer: CampaignPacer, sender: string): Promise<number> {
  const started = performance.now();
  await pacer.acquire(sender);
  return performance.now() - started;
}

describe('campaign pacer', () => {
  it('lets the rate through in a second, makes the next one wait for the next second', async () => {
    const pacer = new CampaignPacer(redis, `${prefix}-a`, 3, 1000);
    await pacer.acquire('+15550000001');
    await pacer.acquire('+15550000001');
    await pacer.acquire('+15550000001');
    expect(await timed(pacer, '+15550000001')).toBeGreaterThan(300);
    // Another sender has its own budget.
    expect(await timed(pacer, '+15550000002')).toBeLessThan(300);
  });

  it('a token given back in its second lets one more message go in that second', async () => {
    const pacer = new CampaignPacer(redis, `${prefix}-b`, 3, 1000);
    await pacer.acquire('+15550000003');
    await pacer.acquire('+15550000003');
    await pacer.acquire('+15550000003');
    await pacer.giveBack('+15550000003');
    expect(await timed(pacer, '+15550000003')).toBeLessThan(300);
    expect(await timed(pacer, '+15550000003')).toBeGreaterThan(300);
  });

  it('a token given back after its second ended is carried into the current one, once', async () => {
    const pacer = new CampaignPacer(redis, `${prefix}-c`, 2, 1000);
    await pacer.acquire('+15550000004');
    // The gate took longer than the second: its token comes back in the next.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await pacer.giveBack('+15550000004');
    expect(await timed(pacer, '+15550000004')).toBeLessThan(300);
    expect(await timed(pacer, '+15550000004')).toBeLessThan(300);
    expect(await timed(pacer, '+15550000004')).toBeLessThan(300);
    expect(await timed(pacer, '+15550000004')).toBeGreaterThan(300);
  });
});
