import { UnrecoverableError } from 'bullmq';
import { completeOrder, runItemStep, validateOrder, type FulfillmentDeps } from '../domain/orders/order-fulfillment.ts';
import type { QueueProcessor } from './registry.ts';

/**
 * The fulfillment queue: `validate` (then adds the order's flow), the item steps `reserve`,
 * `provision`, `activate`, `test`, and `complete`, the flow's root. A step that failed the item
 * for good (recorded by runItemStep) fails its job without retry; the flow goes on to `complete`.
 */
export function createFulfillmentProcessor(deps: FulfillmentDeps): QueueProcessor<'fulfillment'> {
  return async function processFulfillment(job, { run }) {
    switch (job.name) {
      case 'validate': {
        const itemIds = await validateOrder(deps, job.data.orderId);
        if (itemIds) await deps.jobs.addOrderFlow(job.data.orderId, itemIds);
        return { accepted: itemIds !== null };
      }
      case 'reserve':
      case 'provision':
      case 'activate':
      case 'test': {
        const outcome = await runItemStep(deps, job.data.itemId, job.name, run);
        if (outcome === 'failed') throw new UnrecoverableError(`${job.name} failed the item for good (see its order's timeline)`);
        return { outcome };
      }
      case 'complete':
        return { state: await completeOrder(deps, job.data.orderId, run) };
    }
  };
}
