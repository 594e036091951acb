import { DelayedError } from 'bullmq';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { completeIfDone, dispatchPage, sendCampaignMessage, type SendPolicy } from '../domain/campaigns/campaigns.service.ts';
import type { Logger } from '../lib/logger.ts';
import type { JobContext, JobOf, QueueRegistry } from './registry.ts';

/** Recipients read and queued per dispatch page. */
export const DISPATCH_PAGE = 1000;

export interface CampaignWorkDeps {
  prisma: PrismaClient;
  redis: Redis;
  redisPrefix: string;
  queues: Pick<QueueRegistry, 'enqueueCampaignSends' | 'enqueueDelivery'>;
  policy: SendPolicy;
  /** Messages per second per sender, and per day for the brand. */
  ratePerSecond: number;
  dailyCap: number;
  logger: Logger;
  now?: () => Date;
}

/** How long a token a message did not use stays available to the sender's next message. */
const CARRY_MS = 5000;

/**
 * Carrier-aware pacing in Redis, shared by every worker process: a per-second budget per sending
 * number (BullMQ's own limiter is per queue, and one queue carries every sender) and a 24-hour
 * budget for the brand. A send waits for its second's token; over the daily cap it is delayed.
 */
export class CampaignPacer {
  private readonly perSender: RateLimiterRedis;
  private readonly perBrand: RateLimiterRedis;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    ratePerSecond: number,
    dailyCap: number,
  ) {
    this.perSender = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:campaign:pace`, points: ratePerSecond, duration: 1 });
    this.perBrand = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:campaign:daily`, points: dailyCap, duration: 86_400 });
  }

  /** Waits until the sender may send one more message: a token of this second, or one a message before it did not use. */
  async acquire(sender: string): Promise<void> {
    for (;;) {
      try {
        await this.perSender.consume(sender);
        return;
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        if (await this.takeCarried(sender)) return;
        await new Promise((resolve) => setTimeout(resolve, rejection.msBeforeNext + Math.random() * 20));
      }
    }
  }

  /**
   * Gives the sender back a token a message did not use (held, deferred, skipped), so a held
   * recipient does not spend the carrier's throughput: the next message refused a token of its own
   * second takes it. (The gate's transaction often outlasts the second the token was taken in, and
   * the messages waiting for a token sleep until the next second.) A carried token lasts 5 s.
   */
  async giveBack(sender: string): Promise<void> {
    await this.redis.multi().incr(this.carryKey(sender)).pexpire(this.carryKey(sender), CARRY_MS).exec();
  }

  private async takeCarried(sender: string): Promise<boolean> {
    const left = await this.redis.decr(this.carryKey(sender));
    if (left >= 0) return true;
    await this.redis.incr(this.carryKey(sender));
    return false;
  }

  private carryKey(sender: string): string {
    return `${this.prefix}:campaign:pace-carry:${sender}`;
  }

  /** Takes one from the brand's daily budget; the delay until there is one again when it is spent. */
  async takeDaily(brand: string): Promise<number | null> {
    try {
      await this.perBrand.consume(brand);
      return null;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return rejection.msBeforeNext;
      throw rejection;
    }
  }

  /** Gives back a daily unit a held or deferred message did not use. */
  async giveBackDaily(brand: string): Promise<void> {
    await this.perBrand.reward(brand, 1);
  }
}

/** `dispatch`: streams the audience in keyset pages into send jobs, until done or the campaign stops running. */
export function createCampaignDispatchProcessor(deps: CampaignWorkDeps): (job: JobOf<'campaign-dispatch'>) => Promise<unknown> {
  const now = deps.now ?? (() => new Date());
  return async function processCampaignDispatch(job) {
    const { campaignId, round } = job.data;
    let after: string | null = null;
    let queued = 0;
    for (;;) {
      const page = await dispatchPage(deps.prisma, campaignId, round, after, DISPATCH_PAGE, now());
      if (page.stopped) return { queued, stopped: true };
      if (page.customerIds.length > 0) await deps.queues.enqueueCampaignSends(campaignId, page.customerIds);
      queued += page.customerIds.length;
      if (!page.next) break;
      after = page.next;
    }
    await completeIfDone(deps.prisma, campaignId, now());
    return { queued };
  };
}

/** `send`: paced, then the gate and the store in one transaction, then delivery; a deferral moves the job to when it may go. */
export function createCampaignSendProcessor(deps: CampaignWorkDeps): (job: JobOf<'campaign-sends'>, context: JobContext) => Promise<unknown> {
  const now = deps.now ?? (() => new Date());
  const pacer = new CampaignPacer(deps.redis, deps.redisPrefix, deps.ratePerSecond, deps.dailyCap);
  const brand = deps.policy.operatorName;
  return async function processCampaignSend(job, context) {
    const { campaignId, customerId } = job.data;
    const campaign = await deps.prisma.campaign.findUnique({ where: { id: campaignId }, select: { status: true, senderAddress: true } });
    // Paused: the recipient stays pending and the resume's dispatch queues it again (finished send jobs are removed).
    if (!campaign || campaign.status !== 'running') {
      if (campaign?.status === 'cancelled') await sendCampaignMessage(deps.prisma, campaignId, customerId, deps.policy, now());
      return { skipped: campaign?.status ?? 'missing' };
    }
    const dailyWait = await pacer.takeDaily(brand);
    if (dailyWait !== null) return deferJob(context, Date.now() + dailyWait, 'daily-cap');
    await pacer.acquire(campaign.senderAddress);
    const result = await sendCampaignMessage(deps.prisma, campaignId, customerId, deps.policy, now());
    if (result.outcome !== 'sent') await Promise.all([pacer.giveBackDaily(brand), pacer.giveBack(campaign.senderAddress)]);
    if (result.outcome === 'sent') {
      await deps.queues.enqueueDelivery(result.stored.conversationId, [result.stored.id], result.stored.correlationId).catch((error: unknown) => {
        deps.logger.warn({ err: error, campaignId }, 'campaign message stored but not queued; the outbox relay will send it');
      });
    }
    if (result.outcome === 'deferred') return deferJob(context, result.until.getTime(), 'window');
    if (result.outcome !== 'skipped' || result.reason === 'cancelled') await completeIfDone(deps.prisma, campaignId, now());
    return { outcome: result.outcome };
  };
}

/** Moves the running job to `at` (BullMQ's manual delay: the job is not failed and keeps its attempts). */
async function deferJob(context: JobContext, at: number, why: string): Promise<never> {
  await context.job.moveToDelayed(at, context.token);
  throw new DelayedError(`deferred (${why}) until ${new Date(at).toISOString()}`);
}
