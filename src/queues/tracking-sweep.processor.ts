import type { PrismaClient } from '../generated/prisma/client.ts';
import { listTicketsToDiagnose } from '../domain/tickets/diagnostics.ts';
import { listRestoredOutagesWithOpenTickets } from '../domain/tickets/outage-restoration.ts';
import { listTicketsForSlaCheck } from '../domain/tickets/sla-clock.ts';
import { listExpiredConfirmations, listResolvedWithoutQuestion } from '../domain/tickets/ticket-lifecycle.ts';
import { listApprovedUnapplied, listRejectedUnexplained } from '../domain/billing/apply-adjustments.ts';
import { listDueScheduledTexts } from '../domain/notifications/customer-updates.ts';
import { listOrdersInProgress, listOrdersToStart } from '../domain/orders/order-fulfillment.ts';
import type { Logger } from '../lib/logger.ts';
import type { TrackingJobs } from '../domain/timeline/tracking-jobs.ts';
import type { QueueProcessor, QueueRegistry } from './registry.ts';

// The tracking sweep (a recovery sweep of the registry: a job scheduler, every TRACKING_SWEEP_MS): finds in the database the work
// that has no job yet or lost it, and queues it. It is what starts requests nobody started
// (orders and tickets made by the dialogs, credits approved by the policy or by staff), and what
// recovers after Redis lost jobs. Job ids make a repeat harmless.

/** How far back the sweep looks for resolutions and rejections made elsewhere. */
const LOOKBACK_MS = 7 * 86_400_000;

export interface SweepDeps {
  prisma: PrismaClient;
  queues: Pick<QueueRegistry, keyof TrackingJobs | 'hasOrderFlow'>;
  /** An in-progress order untouched this long with no flow in Redis gets its flow again. */
  staleAfterMs: number;
  logger: Logger;
}

export interface SweepResult {
  queued: number;
}

export function createTrackingSweepProcessor(deps: SweepDeps): QueueProcessor<'tracking-sweep'> {
  return async function processTrackingSweep(): Promise<SweepResult> {
    return sweepTrackedWork(deps);
  };
}

export async function sweepTrackedWork(deps: SweepDeps): Promise<SweepResult> {
  const { prisma, queues } = deps;
  const now = new Date();
  const since = new Date(now.getTime() - LOOKBACK_MS);
  const db = { prisma };
  let queued = 0;
  const each = async <T>(items: T[], queue: (item: T) => Promise<void>) => {
    for (const item of items) {
      await queue(item);
      queued++;
    }
  };
  await each(await listOrdersToStart(prisma), (orderId) => queues.startOrder(orderId));
  for (const order of await listOrdersInProgress(prisma, new Date(now.getTime() - deps.staleAfterMs))) {
    if (order.itemIds.length > 0 && !(await queues.hasOrderFlow(order.id))) {
      await queues.addOrderFlow(order.id, order.itemIds);
      queued++;
    }
  }
  await each(await listTicketsToDiagnose(db), (ticketId) => queues.startTicket(ticketId));
  await each(await listTicketsForSlaCheck(db, now), (ticketId) => queues.checkSla(ticketId));
  await each(await listResolvedWithoutQuestion(db, since), (ticket) => queues.confirmResolution(ticket.id, ticket.round));
  await each(await listExpiredConfirmations(db, now), (ticket) => queues.expireConfirmation(ticket.id, ticket.round, now));
  await each(await listRestoredOutagesWithOpenTickets(db), (outageId) => queues.resolveOutageTickets(outageId));
  await each(await listApprovedUnapplied(prisma), (adjustmentId) => queues.applyAdjustment(adjustmentId));
  await each(await listRejectedUnexplained(prisma, since), (adjustmentId) => queues.explainRejection(adjustmentId));
  await each(await listDueScheduledTexts(prisma, now), (stepKey) => queues.sendScheduledText(stepKey, now));
  if (queued > 0) deps.logger.debug({ queued }, 'tracking sweep queued work');
  return { queued };
}
