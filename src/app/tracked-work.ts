import type { PrismaClient } from '../generated/prisma/client.ts';
import type { AdjustmentDeps } from '../domain/billing/apply-adjustments.ts';
import type { Network } from '../domain/network/network.ts';
import type { CustomerTextDeps } from '../domain/notifications/customer-updates.ts';
import type { FulfillmentDeps } from '../domain/orders/order-fulfillment.ts';
import type { AssuranceDeps } from '../domain/tickets/assurance-deps.ts';
import type { Logger } from '../lib/logger.ts';
import { createAdjustmentsProcessor } from '../queues/adjustments.processor.ts';
import { createAssuranceProcessor } from '../queues/assurance.processor.ts';
import { createCustomerUpdatesProcessor } from '../queues/customer-updates.processor.ts';
import { createFulfillmentProcessor } from '../queues/fulfillment.processor.ts';
import type { QueueProcessors, QueueRegistry } from '../queues/registry.ts';
import { recordingFailures } from '../queues/timeline-failures.ts';
import { createTrackingSweepProcessor } from '../queues/tracking-sweep.processor.ts';
import type { Config } from './config/index.ts';

// Tracking requests to completion, wired: the domain steps' dependencies (the queue registry as
// their TrackingJobs, the network, customer texts) and the processors of the tracked queues.

export interface TrackedWork {
  /** What the assurance steps, the staff routes and the bot's ticket services share. */
  assurance: AssuranceDeps;
  /** The tracked queues' processors, for QueueRegistry.startWorkers. */
  processors: NonNullable<QueueProcessors['tracking']>;
}

export function createTrackedWork(config: Config, prisma: PrismaClient, queues: QueueRegistry, network: Network, logger: Logger): TrackedWork {
  const now = () => new Date();
  const texts: CustomerTextDeps = {
    smsFrom: config.twilio.phoneNumber,
    quietHours: config.quietHours,
    timeZone: config.operator.timeZone,
    deliverSoon: (conversationId, interactionId, correlationId) => queues.enqueueDelivery(conversationId, [interactionId], correlationId),
    scheduleText: (stepKey, at) => queues.sendScheduledText(stepKey, at),
  };
  const common = { prisma, texts, jobs: queues, timeZone: config.operator.timeZone, supportPhone: config.operator.supportPhone, now, logger };
  const fulfillment: FulfillmentDeps = { ...common, network };
  const assurance: AssuranceDeps = { ...common, network, sla: config.sla, adjustments: config.adjustments };
  const adjustments: AdjustmentDeps = { prisma, texts, supportPhone: config.operator.supportPhone, now, logger };
  return {
    assurance,
    processors: {
      fulfillment: recordingFailures(prisma, createFulfillmentProcessor(fulfillment)),
      assurance: recordingFailures(prisma, createAssuranceProcessor(assurance)),
      adjustments: recordingFailures(prisma, createAdjustmentsProcessor(adjustments)),
      'customer-updates': createCustomerUpdatesProcessor(prisma, texts),
      // An in-progress order's flow is looked for only once it has been quiet for a while.
      'tracking-sweep': createTrackingSweepProcessor({ prisma, queues, staleAfterMs: Math.max(60_000, 2 * config.tracking.lockMs), logger }),
    },
  };
}
