import type { Redis } from 'ioredis';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { Logger } from '../lib/logger.ts';
import { createCampaignDispatchProcessor, createCampaignSendProcessor, type CampaignWorkDeps } from '../queues/campaign.processor.ts';
import { createChurnProcessor } from '../queues/churn.processor.ts';
import type { QueueProcessors, QueueRegistry } from '../queues/registry.ts';
import type { Config } from './config/index.ts';

// Marketing wired: the churn and campaign queues' processors with their dependencies.

/** A campaign message needs this much of the recipient's window left (its delivery must end inside it). */
export const MIN_WINDOW_MINUTES = 15;

export function campaignWorkDeps(config: Config, prisma: PrismaClient, queues: QueueRegistry, redis: Redis, logger: Logger, clock?: () => Date): CampaignWorkDeps {
  const { marketing } = config;
  return {
    prisma,
    redis,
    redisPrefix: config.redis.prefix,
    queues,
    policy: { operatorName: config.operator.name, frequencyCap: marketing.frequencyCap, minWindowMinutes: MIN_WINDOW_MINUTES, suppressSlaBreachDays: marketing.suppressSlaBreachDays },
    ratePerSecond: marketing.ratePerSecond,
    dailyCap: marketing.dailyCap,
    logger,
    ...(clock ? { now: clock } : {}),
  };
}

export function marketingProcessors(config: Config, prisma: PrismaClient, queues: QueueRegistry, redis: Redis, logger: Logger, clock?: () => Date): NonNullable<QueueProcessors['marketing']> {
  const campaigns = campaignWorkDeps(config, prisma, queues, redis, logger, clock);
  return {
    churn: createChurnProcessor({ prisma, redis, redisPrefix: config.redis.prefix, queues, logger }),
    'campaign-dispatch': createCampaignDispatchProcessor(campaigns),
    'campaign-sends': createCampaignSendProcessor(campaigns),
  };
}
