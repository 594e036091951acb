import type { Redis } from 'ioredis';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { customerIdsPage, customersWithChurnEvents, recomputeChurnScore } from '../domain/churn/churn.service.ts';
import type { Logger } from '../lib/logger.ts';
import type { JobOf, QueueRegistry } from './registry.ts';

/** Customers read per page by the sweeps. */
const PAGE = 500;

export interface ChurnProcessorDeps {
  prisma: PrismaClient;
  redis: Redis;
  /** REDIS_PREFIX: where the event sweep keeps how far it has read. */
  redisPrefix: string;
  queues: Pick<QueueRegistry, 'scoreChurn'>;
  logger: Logger;
}

/**
 * The churn queue: `score` recomputes one customer; `event-sweep` finds customers with something
 * new since its last run (a ticket, an SLA breach, a bill, a dispute, a cancellation request, a
 * failed order) and queues their scores; `nightly` queues every customer.
 */
export function createChurnProcessor(deps: ChurnProcessorDeps): (job: JobOf<'churn'>) => Promise<unknown> {
  const watermarkKey = `${deps.redisPrefix}:churn:event-sweep-since`;
  return async function processChurn(job) {
    switch (job.name) {
      case 'score': {
        const assessment = await recomputeChurnScore(deps.prisma, job.data.customerId, job.data.trigger);
        return assessment ? { score: assessment.score, band: assessment.band } : { unknownCustomer: true };
      }
      case 'event-sweep': {
        const startedAt = new Date();
        const stored = await deps.redis.get(watermarkKey);
        // First run: the last day's events (the nightly rescore covers anything older).
        const since = stored ? new Date(Number(stored)) : new Date(startedAt.getTime() - 86_400_000);
        let after: string | null = null;
        let queued = 0;
        for (;;) {
          const page = await customersWithChurnEvents(deps.prisma, since, after, PAGE);
          for (const { customerId, trigger } of page) await deps.queues.scoreChurn(customerId, trigger);
          queued += page.length;
          const last = page.at(-1);
          if (!last || page.length < PAGE) break;
          after = last.customerId;
        }
        // A second of overlap: a row committed just as the sweep read is seen next time (scores are deduplicated).
        await deps.redis.set(watermarkKey, String(startedAt.getTime() - 1000));
        return { queued };
      }
      case 'nightly': {
        let after: string | null = null;
        let queued = 0;
        for (;;) {
          const ids = await customerIdsPage(deps.prisma, after, PAGE);
          for (const id of ids) await deps.queues.scoreChurn(id, 'nightly');
          queued += ids.length;
          const last = ids.at(-1);
          if (!last) break;
          after = last;
        }
        deps.logger.info({ queued }, 'nightly churn rescore queued');
        return { queued };
      }
    }
  };
}
