import type { Job, Processor, Queue } from 'bullmq';
import { Router } from 'express';
import type { Redis } from 'ioredis';
import type { Config } from '../app/config/index.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { AssuranceDeps } from '../domain/tickets/assurance-deps.ts';
import { queueDashboardRoutes } from '../http/api/queue-dashboard.routes.ts';
import { trackingRoutes } from '../http/api/tracking.routes.ts';
import type { AdjustmentDeps } from '../domain/billing/apply-adjustments.ts';
import { recordTimelineEvent } from '../domain/timeline/timeline.service.ts';
import type { CustomerTextDeps } from '../domain/notifications/customer-updates.ts';
import type { FulfillmentDeps } from '../domain/orders/order-fulfillment.ts';
import type { Logger } from '../lib/logger.ts';
import { createNetwork } from '../network/create-network.ts';
import { NetworkError, type Network } from '../domain/network/network.ts';
import { createAdjustmentsProcessor } from './adjustments.processor.ts';
import { createAssuranceProcessor } from './assurance.processor.ts';
import { createCustomerUpdatesProcessor } from './customer-updates.processor.ts';
import { createFulfillmentProcessor, jobRun } from './fulfillment.processor.ts';
import { TrackingQueues, type TrackingJobData } from './tracking-queues.ts';
import { createTrackingSweepProcessor } from './tracking-sweep.processor.ts';

// Tracking requests to completion, wired together: the queues and their workers, the sweep, the
// staff routes (timelines, ticket and outage actions) and the queue dashboard.

export interface TrackingOptions {
  config: Config;
  prisma: PrismaClient;
  producer: Redis;
  worker: Redis;
  logger: Logger;
  /** Hands stored texts to the delivery queue (QueueHub.enqueueDelivery). */
  deliverSoon(conversationId: string, interactionId: string, correlationId: string): Promise<void>;
  /** The network to use instead of the one the settings name (tests). */
  network?: Network | undefined;
}

export interface Tracking {
  /**
   * Starts work at once instead of at the next sweep, e.g. `startOrder(orderId)` after an order
   * is placed, `startTicket(ticketId)`, `applyAdjustment(adjustmentId)`. Idempotent.
   */
  jobs: TrackingQueues;
  assurance: AssuranceDeps;
  /** Staff routes and the dashboard at /admin/queues, which also shows `otherQueues`. */
  routes(otherQueues: ReadonlyArray<Queue>): Router;
  /** Runs the workers and the sweep in this process. */
  startWorkers(): Promise<void>;
  counts(): Promise<Record<string, Record<string, number>>>;
  /** Stops this process's tracking workers without finishing their jobs, as a crash would (tests). */
  abandonWork(): Promise<void>;
  close(): Promise<void>;
}

export function createTracking(options: TrackingOptions): Tracking {
  const { config, prisma, logger } = options;
  const jobs = new TrackingQueues({
    prefix: config.redis.prefix,
    producer: options.producer,
    worker: options.worker,
    attempts: config.tracking.attempts,
    backoffMs: config.tracking.backoffMs,
    lockMs: config.tracking.lockMs,
    logger,
  });
  const network = options.network ?? createNetwork(config.network);
  const now = () => new Date();
  const texts: CustomerTextDeps = {
    smsFrom: config.twilio.phoneNumber,
    quietHours: config.quietHours,
    timeZone: config.operator.timeZone,
    deliverSoon: options.deliverSoon,
    scheduleText: (stepKey, at) => jobs.sendScheduledText(stepKey, at),
  };
  const common = { prisma, texts, jobs, timeZone: config.operator.timeZone, supportPhone: config.operator.supportPhone, now, logger };
  const fulfillment: FulfillmentDeps = { ...common, network };
  const assurance: AssuranceDeps = { ...common, network, sla: config.sla, adjustments: config.adjustments };
  const adjustments: AdjustmentDeps = { prisma, texts, supportPhone: config.operator.supportPhone, now, logger };

  return {
    jobs,
    assurance,
    routes(otherQueues) {
      const router = Router();
      router.use(trackingRoutes(assurance, config.devOpenStaffApi));
      router.use(queueDashboardRoutes([...otherQueues, ...Object.values(jobs.queues)], config.devOpenStaffApi));
      return router;
    },
    async startWorkers() {
      const concurrency = config.tracking.concurrency;
      jobs.startWorker('fulfillment', recordingFailures(prisma, createFulfillmentProcessor(fulfillment)), concurrency);
      jobs.startWorker('assurance', recordingFailures(prisma, createAssuranceProcessor(assurance)), concurrency);
      jobs.startWorker('adjustments', recordingFailures(prisma, createAdjustmentsProcessor(adjustments)), concurrency);
      jobs.startWorker('customer-updates', createCustomerUpdatesProcessor(prisma, texts), concurrency);
      // An in-progress order's flow is looked for only once it has been quiet for a while.
      jobs.startWorker('tracking-sweep', createTrackingSweepProcessor({ prisma, queues: jobs, staleAfterMs: Math.max(60_000, 2 * config.tracking.lockMs), logger }), 1);
      await jobs.scheduleSweep(config.tracking.sweepMs);
    },
    counts: () => jobs.counts(),
    abandonWork: () => jobs.abandonWork(),
    close: () => jobs.close(),
  };
}

/**
 * Puts an unexpected failure of a job (not a network one: the steps record those) on its
 * subject's timeline, so the timeline shows every attempt and error; best effort, since the
 * database may be what failed.
 */
function recordingFailures(prisma: PrismaClient, processor: Processor<TrackingJobData>): Processor<TrackingJobData> {
  return async (job: Job<TrackingJobData>, token?: string) => {
    try {
      return await processor(job, token);
    } catch (error) {
      const subject = subjectOf(job.data);
      if (subject && !(error instanceof NetworkError)) {
        const run = jobRun(job);
        await recordTimelineEvent(prisma, {
          ...subject,
          kind: 'attempt',
          name: job.name,
          outcome: run.final ? 'failed' : 'retrying',
          attempt: run.attempt,
          error: error instanceof Error ? error.message.slice(0, 500) : String(error),
        }).catch(() => undefined);
      }
      throw error;
    }
  };
}

function subjectOf(data: TrackingJobData) {
  const id = (key: string) => (typeof data[key] === 'string' ? String(data[key]) : undefined);
  const orderId = id('orderId');
  if (orderId) return { subjectType: 'productOrder' as const, subjectId: orderId };
  const ticketId = id('ticketId');
  if (ticketId) return { subjectType: 'troubleTicket' as const, subjectId: ticketId };
  const outageId = id('outageId');
  if (outageId) return { subjectType: 'outage' as const, subjectId: outageId };
  const adjustmentId = id('adjustmentId');
  return adjustmentId ? { subjectType: 'billAdjustment' as const, subjectId: adjustmentId } : undefined;
}
