import type { AssuranceDeps } from '../domain/tickets/assurance-deps.ts';
import { diagnoseTicket } from '../domain/tickets/diagnostics.ts';
import { resolveOutageTickets } from '../domain/tickets/outage-restoration.ts';
import { reconcileSlaClock } from '../domain/tickets/sla-clock.ts';
import { askToConfirmResolution, expireResolutionConfirmation } from '../domain/tickets/ticket-lifecycle.ts';
import type { QueueProcessor } from './registry.ts';

/**
 * The assurance queue: `diagnose` a new ticket, `sla-check` (delayed to when a warning or breach
 * falls due), `confirm-resolution`, `confirmation-timeout` (delayed), `outage-restored`.
 */
export function createAssuranceProcessor(deps: AssuranceDeps): QueueProcessor<'assurance'> {
  return async function processAssurance(job, { run }) {
    switch (job.name) {
      case 'diagnose':
        await diagnoseTicket(deps, job.data.ticketId, run);
        return {};
      case 'sla-check':
        await reconcileSlaClock(deps, job.data.ticketId);
        return {};
      case 'confirm-resolution':
        await askToConfirmResolution(deps, job.data.ticketId, job.data.round);
        return {};
      case 'confirmation-timeout':
        await expireResolutionConfirmation(deps, job.data.ticketId, job.data.round);
        return {};
      case 'outage-restored':
        return { resolved: await resolveOutageTickets(deps, job.data.outageId) };
    }
  };
}
