import { applyApprovedAdjustment, explainRejectedAdjustment, type AdjustmentDeps } from '../domain/billing/apply-adjustments.ts';
import type { QueueProcessor } from './registry.ts';

/** The adjustments queue: `apply` an approved credit to a bill, `explain-rejection` to the customer. */
export function createAdjustmentsProcessor(deps: AdjustmentDeps): QueueProcessor<'adjustments'> {
  return async function processAdjustment(job) {
    switch (job.name) {
      case 'apply':
        return { outcome: await applyApprovedAdjustment(deps, job.data.adjustmentId) };
      case 'explain-rejection':
        return { told: await explainRejectedAdjustment(deps, job.data.adjustmentId) };
    }
  };
}
