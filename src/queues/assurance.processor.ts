import type { Job } from 'bullmq';
import { z } from 'zod';
import type { AssuranceDeps } from '../domain/tickets/assurance-deps.ts';
import { diagnoseTicket } from '../domain/tickets/diagnostics.ts';
import { resolveOutageTickets } from '../domain/tickets/outage-restoration.ts';
import { reconcileSlaClock } from '../domain/tickets/sla-clock.ts';
import { askToConfirmResolution, expireResolutionConfirmation } from '../domain/tickets/ticket-lifecycle.ts';
import { jobRun } from './fulfillment.processor.ts';
import type { TrackingJobData } from './tracking-queues.ts';

const ticketJob = z.object({ ticketId: z.string() });
const roundJob = z.object({ ticketId: z.string(), round: z.number().int() });
const outageJob = z.object({ outageId: z.string() });

/**
 * The assurance queue: `diagnose` a new ticket, `sla-check` (delayed to when a warning or breach
 * falls due), `confirm-resolution`, `confirmation-timeout` (delayed), `outage-restored`.
 */
export function createAssuranceProcessor(deps: AssuranceDeps) {
  return async function processAssurance(job: Job<TrackingJobData>): Promise<unknown> {
    switch (job.name) {
      case 'diagnose':
        await diagnoseTicket(deps, ticketJob.parse(job.data).ticketId, jobRun(job));
        return {};
      case 'sla-check':
        await reconcileSlaClock(deps, ticketJob.parse(job.data).ticketId);
        return {};
      case 'confirm-resolution': {
        const { ticketId, round } = roundJob.parse(job.data);
        await askToConfirmResolution(deps, ticketId, round);
        return {};
      }
      case 'confirmation-timeout': {
        const { ticketId, round } = roundJob.parse(job.data);
        await expireResolutionConfirmation(deps, ticketId, round);
        return {};
      }
      case 'outage-restored':
        return { resolved: await resolveOutageTickets(deps, outageJob.parse(job.data).outageId) };
      default:
        throw new Error(`Unknown assurance job ${job.name}`);
    }
  };
}
