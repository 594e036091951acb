import type { Job } from 'bullmq';
import { z } from 'zod';
import { applyApprovedAdjustment, explainRejectedAdjustment, type AdjustmentDeps } from '../domain/billing/apply-adjustments.ts';
import type { TrackingJobData } from './tracking-queues.ts';

const adjustmentJob = z.object({ adjustmentId: z.string() });

/** The adjustments queue: `apply` an approved credit to a bill, `explain-rejection` to the customer. */
export function createAdjustmentsProcessor(deps: AdjustmentDeps) {
  return async function processAdjustment(job: Job<TrackingJobData>): Promise<unknown> {
    const { adjustmentId } = adjustmentJob.parse(job.data);
    switch (job.name) {
      case 'apply':
        return { outcome: await applyApprovedAdjustment(deps, adjustmentId) };
      case 'explain-rejection':
        return { told: await explainRejectedAdjustment(deps, adjustmentId) };
      default:
        throw new Error(`Unknown adjustments job ${job.name}`);
    }
  };
}
