import type { Prisma, TroubleTicketStatus } from '../../generated/prisma/client.ts';
import { recordAuditEvent } from '../audit/audit.service.ts';
import { formatTicketReference } from '../references.ts';
import { completeStepOnce, recordTimelineEvent, type StepContext } from '../timeline/timeline.service.ts';
import { sendableAt } from '../contact-policy/quiet-hours.ts';
import { AppError } from '../../lib/errors.ts';
import { STOPPED_STATUSES, textAboutTicket, type AssuranceDeps } from './assurance-deps.ts';

// A trouble ticket's life after diagnostics: status changes by staff (pausing or restarting the
// SLA clock), resolution, and the customer's confirmation that the service works again: yes
// closes the ticket, no reopens it with a fresh SLA clock, and no answer in time closes it.

/** Statuses staff may set through the API. */
export const STAFF_STATUSES = ['acknowledged', 'inProgress', 'pending', 'held', 'resolved', 'closed', 'cancelled'] as const;
export type StaffStatus = (typeof STAFF_STATUSES)[number];

const FINISHED: readonly TroubleTicketStatus[] = ['closed', 'cancelled', 'rejected'];

export interface Actor {
  actorType: 'staff' | 'system' | 'customer';
  actorId?: string | undefined;
}

async function writeStatus(tx: Prisma.TransactionClient, ticketId: string, status: TroubleTicketStatus, reason: string, now: Date, extra: Prisma.TroubleTicketUpdateInput = {}): Promise<void> {
  await tx.troubleTicket.update({
    where: { id: ticketId },
    data: { ...extra, status, statusChangeDate: now, statusChangeReason: reason, statusChanges: { create: { status, reason, changedAt: now } } },
  });
  await recordTimelineEvent(tx, { subjectType: 'troubleTicket', subjectId: ticketId, kind: 'state', name: status, detail: reason, at: now });
}

/**
 * Staff move a ticket: pending pauses its SLA clock, anything open restarts it, resolved asks the
 * customer to confirm. A closed, cancelled or rejected ticket cannot move.
 */
export async function changeTicketStatus(deps: AssuranceDeps, ticketId: string, status: StaffStatus, reason: string, actor: Actor): Promise<{ status: TroubleTicketStatus }> {
  const ticket = await deps.prisma.troubleTicket.findUnique({ where: { id: ticketId }, select: { status: true } });
  if (!ticket) throw new AppError('not_found', 'ticket_not_found', `No trouble ticket has the id ${ticketId}.`);
  if (FINISHED.includes(ticket.status)) throw new AppError('conflict', 'ticket_finished', `The ticket is ${ticket.status}; it cannot change any more.`);
  if (ticket.status === status) return { status };
  if (status === 'resolved') {
    await resolveTicket(deps, ticketId, reason, actor, `is resolved: ${reason}.`);
    return { status: 'resolved' };
  }
  const now = deps.now();
  await deps.prisma.$transaction(async (tx) => {
    const leavingResolved = ticket.status === 'resolved';
    await writeStatus(tx, ticketId, status, reason, now, leavingResolved ? { confirmationRequestedAt: null, confirmationDueAt: null, resolutionDate: null } : {});
    await recordAuditEvent(tx, { ...actor, action: 'troubleTicket.status', entityType: 'troubleTicket', entityId: ticketId, details: { from: ticket.status, to: status, reason } });
  });
  await deps.jobs.checkSla(ticketId).catch((error: unknown) => deps.logger.warn({ err: error, ticketId }, 'SLA check not queued; the sweep will run it'));
  return { status };
}

/**
 * Resolves an open ticket once per round (a reopened ticket is a new round), stopping its SLA
 * clock and asking the customer whether the service works again. `news` completes the sentence
 * "TT-n ..." in the text. False when the ticket was not open.
 */
export async function resolveTicket(deps: AssuranceDeps, ticketId: string, reason: string, actor: Actor, news: string): Promise<boolean> {
  const ticket = await deps.prisma.troubleTicket.findUnique({ where: { id: ticketId }, select: { status: true, reopenCount: true } });
  if (!ticket || STOPPED_STATUSES.some((stopped) => stopped === ticket.status)) return false;
  const now = deps.now();
  let confirmation: { round: number; dueAt: Date } | undefined;
  const resolved = await completeStepOnce(
    deps.prisma,
    { subjectType: 'troubleTicket', subjectId: ticketId, kind: 'step', name: 'resolve', detail: reason, stepKey: `${ticketId}-resolved-${ticket.reopenCount}` },
    async (context) => {
      await writeStatus(context.tx, ticketId, 'resolved', reason, now, { resolutionDate: now, slaDueAt: null });
      await recordAuditEvent(context.tx, { ...actor, action: 'troubleTicket.resolve', entityType: 'troubleTicket', entityId: ticketId, details: { reason } });
      confirmation = await askConfirmation(context, deps, ticketId, now, news);
    },
    (error) => deps.logger.warn({ err: error, ticketId }, 'after resolving a ticket: a follow-up failed; the sweep will retry'),
  );
  await followUpConfirmation(deps, ticketId, confirmation);
  return resolved;
}

/** For a ticket resolved elsewhere (an agent, a script): asks the customer once per round. */
export async function askToConfirmResolution(deps: AssuranceDeps, ticketId: string, round: number): Promise<void> {
  const ticket = await deps.prisma.troubleTicket.findUnique({ where: { id: ticketId }, select: { status: true, reopenCount: true, confirmationRequestedAt: true, statusChangeReason: true } });
  if (!ticket || ticket.status !== 'resolved' || ticket.reopenCount !== round || ticket.confirmationRequestedAt) return;
  const now = deps.now();
  let confirmation: { round: number; dueAt: Date } | undefined;
  await completeStepOnce(
    deps.prisma,
    { subjectType: 'troubleTicket', subjectId: ticketId, kind: 'step', name: 'ask-confirmation', stepKey: `${ticketId}-confirmation-asked-${round}` },
    async (context) => {
      confirmation = await askConfirmation(context, deps, ticketId, now, `is resolved${ticket.statusChangeReason ? `: ${ticket.statusChangeReason}` : ''}.`);
    },
  );
  await followUpConfirmation(deps, ticketId, confirmation);
}

/** Texts the question (after quiet hours if need be) and records until when an answer is awaited. */
async function askConfirmation(context: StepContext, deps: AssuranceDeps, ticketId: string, now: Date, news: string): Promise<{ round: number; dueAt: Date } | undefined> {
  const ticket = await context.tx.troubleTicket.findUniqueOrThrow({ where: { id: ticketId }, select: { number: true, customerId: true, serviceType: true, ticketType: true, reopenCount: true } });
  // An order's fallout ticket is the operator's own work: nothing for the customer to confirm.
  if (ticket.ticketType === 'orderFallout') return undefined;
  const askedAt = sendableAt(now, deps.texts.quietHours, deps.timeZone);
  const dueAt = new Date(askedAt.getTime() + deps.sla.confirmationTimeoutMs);
  await context.tx.troubleTicket.update({ where: { id: ticketId }, data: { confirmationRequestedAt: askedAt, confirmationDueAt: dueAt } });
  await textAboutTicket(context, deps, now, {
    customerId: ticket.customerId,
    subjectId: ticketId,
    key: `${ticketId}-confirm-${ticket.reopenCount}`,
    reason: 'ticket.confirmResolution',
    urgent: false,
    text: `${formatTicketReference(ticket.number)} ${news} Is your ${ticket.serviceType} working again? Reply YES or NO.`,
  });
  return { round: ticket.reopenCount, dueAt };
}

async function followUpConfirmation(deps: AssuranceDeps, ticketId: string, confirmation: { round: number; dueAt: Date } | undefined): Promise<void> {
  try {
    await deps.jobs.checkSla(ticketId);
    if (confirmation) await deps.jobs.expireConfirmation(ticketId, confirmation.round, confirmation.dueAt);
  } catch (error) {
    deps.logger.warn({ err: error, ticketId }, 'confirmation follow-up not queued; the sweep will pick it up');
  }
}

export type ConfirmationOutcome = { outcome: 'closed' | 'reopened'; ticketId: string; reference: string } | { outcome: 'notAwaiting' };

/**
 * The customer's answer to "is it working again?": yes closes the ticket, no reopens it with a
 * fresh SLA clock. Once per round: a repeated answer changes nothing.
 */
export async function answerResolutionConfirmation(deps: AssuranceDeps, ticketId: string, answer: 'yes' | 'no', customerId: string): Promise<ConfirmationOutcome> {
  const ticket = await deps.prisma.troubleTicket.findUnique({ where: { id: ticketId }, select: { number: true, customerId: true, status: true, reopenCount: true, confirmationRequestedAt: true } });
  if (!ticket || ticket.customerId !== customerId || ticket.status !== 'resolved' || !ticket.confirmationRequestedAt) return { outcome: 'notAwaiting' };
  const round = ticket.reopenCount;
  const now = deps.now();
  const reference = formatTicketReference(ticket.number);
  if (answer === 'yes') {
    const done = await closeAwaitingTicket(deps, ticketId, round, 'The customer confirmed the service works again', { actorType: 'customer', actorId: customerId }, now);
    return done ? { outcome: 'closed', ticketId, reference } : { outcome: 'notAwaiting' };
  }
  const reason = 'The customer says the service still does not work: reopened';
  const reopened = await completeStepOnce(
    deps.prisma,
    { subjectType: 'troubleTicket', subjectId: ticketId, kind: 'step', name: 'reopen', detail: reason, stepKey: `${ticketId}-answered-${round}` },
    async ({ tx }) => {
      const claimed = await tx.troubleTicket.updateMany({ where: { id: ticketId, status: 'resolved', reopenCount: round }, data: { reopenCount: round + 1 } });
      if (claimed.count === 0) throw new AppError('conflict', 'not_awaiting', 'The ticket is no longer waiting for an answer.');
      // The clock restarts from zero for the new round.
      await writeStatus(tx, ticketId, 'inProgress', reason, now, {
        resolutionDate: null,
        confirmationRequestedAt: null,
        confirmationDueAt: null,
        slaStartedAt: now,
        slaWarnedAt: null,
        slaBreachedAt: null,
        slaDueAt: null,
      });
      await recordAuditEvent(tx, { actorType: 'customer', actorId: customerId, action: 'troubleTicket.reopen', entityType: 'troubleTicket', entityId: ticketId, details: { round: round + 1 } });
    },
  ).catch((error: unknown) => {
    if (error instanceof AppError) return false;
    throw error;
  });
  if (!reopened) return { outcome: 'notAwaiting' };
  await deps.jobs.checkSla(ticketId).catch((error: unknown) => deps.logger.warn({ err: error, ticketId }, 'SLA check not queued; the sweep will run it'));
  return { outcome: 'reopened', ticketId, reference };
}

/** No answer in time: the resolved ticket closes (a later one is rescheduled to its due time). */
export async function expireResolutionConfirmation(deps: AssuranceDeps, ticketId: string, round: number): Promise<void> {
  const ticket = await deps.prisma.troubleTicket.findUnique({ where: { id: ticketId }, select: { number: true, customerId: true, status: true, reopenCount: true, confirmationDueAt: true } });
  if (!ticket || ticket.status !== 'resolved' || ticket.reopenCount !== round || !ticket.confirmationDueAt) return;
  const now = deps.now();
  if (ticket.confirmationDueAt.getTime() > now.getTime()) {
    await deps.jobs.expireConfirmation(ticketId, round, ticket.confirmationDueAt);
    return;
  }
  await closeAwaitingTicket(deps, ticketId, round, 'No answer from the customer in time: closed', { actorType: 'system' }, now, async (context) => {
    await textAboutTicket(context, deps, now, {
      customerId: ticket.customerId,
      subjectId: ticketId,
      key: `${ticketId}-closed-${round}`,
      reason: 'ticket.closed',
      urgent: false,
      text: `We have closed ${formatTicketReference(ticket.number)}. If you still have trouble, just text us.`,
    });
  });
}

async function closeAwaitingTicket(deps: AssuranceDeps, ticketId: string, round: number, reason: string, actor: Actor, now: Date, more?: (context: StepContext) => Promise<void>): Promise<boolean> {
  return completeStepOnce(
    deps.prisma,
    { subjectType: 'troubleTicket', subjectId: ticketId, kind: 'step', name: 'close', detail: reason, stepKey: `${ticketId}-answered-${round}` },
    async (context) => {
      const claimed = await context.tx.troubleTicket.updateMany({ where: { id: ticketId, status: 'resolved', reopenCount: round }, data: { confirmationDueAt: null } });
      if (claimed.count === 0) return;
      await writeStatus(context.tx, ticketId, 'closed', reason, now);
      await recordAuditEvent(context.tx, { ...actor, action: 'troubleTicket.close', entityType: 'troubleTicket', entityId: ticketId, details: { reason } });
      await more?.(context);
    },
    (error) => deps.logger.warn({ err: error, ticketId }, 'after closing a ticket: a follow-up failed; the sweep will retry'),
  );
}

/** The customer's ticket waiting for their yes or no, most recently asked first. */
export async function findTicketAwaitingConfirmation(deps: Pick<AssuranceDeps, 'prisma'>, customerId: string): Promise<{ id: string; reference: string } | null> {
  const ticket = await deps.prisma.troubleTicket.findFirst({
    where: { customerId, status: 'resolved', confirmationRequestedAt: { not: null } },
    orderBy: { confirmationRequestedAt: 'desc' },
    select: { id: true, number: true },
  });
  return ticket ? { id: ticket.id, reference: formatTicketReference(ticket.number) } : null;
}

/**
 * The hook for the conversation: when a customer with a resolved ticket awaiting confirmation
 * answers yes (`affirm`) or no (`deny`), records the answer and returns the reply to send; null
 * when the message is not such an answer (the bot handles it as usual).
 */
export async function replyToResolutionQuestion(deps: AssuranceDeps, customerId: string, intent: string): Promise<{ reply: string; ticketId: string } | null> {
  if (intent !== 'affirm' && intent !== 'deny') return null;
  const ticket = await findTicketAwaitingConfirmation(deps, customerId);
  if (!ticket) return null;
  const result = await answerResolutionConfirmation(deps, ticket.id, intent === 'affirm' ? 'yes' : 'no', customerId);
  if (result.outcome === 'notAwaiting') return null;
  return {
    ticketId: ticket.id,
    reply:
      result.outcome === 'closed'
        ? `Great, thanks for letting us know. ${result.reference} is now closed.`
        : `Sorry it is still not working. We have reopened ${result.reference} and a technician will look again. We will keep you posted.`,
  };
}

/** Tickets resolved elsewhere (after `since`) whose customer was not asked to confirm yet (for the sweep). */
export async function listResolvedWithoutQuestion(deps: Pick<AssuranceDeps, 'prisma'>, since: Date, limit = 50): Promise<Array<{ id: string; round: number }>> {
  const tickets = await deps.prisma.troubleTicket.findMany({
    where: { status: 'resolved', confirmationRequestedAt: null, ticketType: { not: 'orderFallout' }, statusChangeDate: { gte: since } },
    take: limit,
    select: { id: true, reopenCount: true },
  });
  return tickets.map((ticket) => ({ id: ticket.id, round: ticket.reopenCount }));
}

/** Resolved tickets whose time to answer is over (their delayed job may have been lost; for the sweep). */
export async function listExpiredConfirmations(deps: Pick<AssuranceDeps, 'prisma'>, now: Date, limit = 50): Promise<Array<{ id: string; round: number }>> {
  const tickets = await deps.prisma.troubleTicket.findMany({
    where: { status: 'resolved', confirmationDueAt: { lte: now } },
    take: limit,
    select: { id: true, reopenCount: true },
  });
  return tickets.map((ticket) => ({ id: ticket.id, round: ticket.reopenCount }));
}
