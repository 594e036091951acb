import type { Job } from 'bullmq';
import { z } from 'zod';
import type { JobRun } from '../domain/timeline/tracking-jobs.ts';
import { completeOrder, runItemStep, validateOrder, type FulfillmentDeps } from '../domain/orders/order-fulfillment.ts';
import type { TrackingJobData } from './tracking-queues.ts';

const orderJob = z.object({ orderId: z.string() });
const itemJob = z.object({ orderId: z.string(), itemId: z.string() });

/** Which try of its job this is, and whether a failure now is final. */
export function jobRun(job: Job<TrackingJobData>): JobRun {
  const attempt = job.attemptsMade + 1;
  return { attempt, final: attempt >= (job.opts.attempts ?? 1) };
}

/**
 * The fulfillment queue: `validate` (then adds the order's flow), the item steps `reserve`,
 * `provision`, `activate`, `test`, and `complete`, the flow's root.
 */
export function createFulfillmentProcessor(deps: FulfillmentDeps) {
  return async function processFulfillment(job: Job<TrackingJobData>): Promise<unknown> {
    const run = jobRun(job);
    switch (job.name) {
      case 'validate': {
        const { orderId } = orderJob.parse(job.data);
        const itemIds = await validateOrder(deps, orderId);
        if (itemIds) await deps.jobs.addOrderFlow(orderId, itemIds);
        return { accepted: itemIds !== null };
      }
      case 'reserve':
      case 'provision':
      case 'activate':
      case 'test': {
        const { itemId } = itemJob.parse(job.data);
        return { outcome: await runItemStep(deps, itemId, job.name, run) };
      }
      case 'complete': {
        const { orderId } = orderJob.parse(job.data);
        return { state: await completeOrder(deps, orderId, run) };
      }
      default:
        throw new Error(`Unknown fulfillment job ${job.name}`);
    }
  };
}
