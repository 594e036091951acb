import type { TroubleTicketStatus } from '../../generated/prisma/enums.ts';
import { recordAuditEvent } from '../audit/audit.service.ts';
import { proposeSlaCredit, type ProposedCredit } from '../billing/sla-credit.ts';
import { formatMoney } from '../billing/money.ts';
import { formatTicketReference } from '../references.ts';
import { completeStepOnce, recordTimelineEvent } from '../timeline/timeline.service.ts';
import { formatDate } from '../../lib/dates.ts';
import { STOPPED_STATUSES, textAboutTicket, type AssuranceDeps } from './assurance-deps.ts';

// The SLA clock of a trouble ticket, per severity. It runs from the ticket's opening (or its
// reopening), pauses while the ticket waits on the customer (`pending`), keeps running while it
// is `held`, and stops when it is resolved. The clock is not kept anywhere: it is worked out from
// the ticket's status history whenever it is checked, and the checks are delayed jobs at the
// moments a warning or a breach would fall due. A check at the wrong moment (the ticket was
// paused meanwhile) changes nothing and schedules the next one.

export interface StatusPoint {
  status: TroubleTicketStatus;
  at: Date;
}

/** Work queue of an escalated ticket. */
export const SUPERVISOR_QUEUE = 'supervisors';

function clockRuns(status: TroubleTicketStatus): boolean {
  return status !== 'pending' && !STOPPED_STATUSES.some((stopped) => stopped === status);
}

/** Milliseconds the clock has run from `startedAt` to `now`, given the status history. */
export function slaElapsedMs(startedAt: Date, history: readonly StatusPoint[], now: Date): number {
  const sorted = [...history].sort((a, b) => a.at.getTime() - b.at.getTime());
  let status = [...sorted].reverse().find((point) => point.at.getTime() <= startedAt.getTime())?.status ?? sorted[0]?.status ?? 'acknowledged';
  let since = startedAt.getTime();
  let elapsed = 0;
  for (const point of sorted) {
    const at = point.at.getTime();
    if (at <= startedAt.getTime() || at > now.getTime()) continue;
    if (clockRuns(status)) elapsed += at - since;
    status = point.status;
    since = at;
  }
  if (clockRuns(status)) elapsed += Math.max(0, now.getTime() - since);
  return elapsed;
}

/**
 * Brings the ticket's SLA clock up to date: warns, or breaches and escalates, when due; records
 * when it will run out; and schedules the next check.
 */
export async function reconcileSlaClock(deps: AssuranceDeps, ticketId: string): Promise<void> {
  const now = deps.now();
  const ticket = await deps.prisma.troubleTicket.findUnique({ where: { id: ticketId }, include: { statusChanges: { select: { status: true, changedAt: true } } } });
  if (!ticket) return;
  const startedAt = ticket.slaStartedAt ?? ticket.createdAt;
  const budget = deps.sla.bySeverity[ticket.severity];
  const warnAfter = Math.floor((budget * deps.sla.warningPercent) / 100);
  const history: StatusPoint[] = [...ticket.statusChanges.map((change) => ({ status: change.status, at: change.changedAt })), { status: ticket.status, at: ticket.statusChangeDate }];
  const elapsed = slaElapsedMs(startedAt, history, now);
  const open = !STOPPED_STATUSES.some((stopped) => stopped === ticket.status);
  const round = ticket.reopenCount;
  const reference = formatTicketReference(ticket.number);

  let warned = ticket.slaWarnedAt !== null;
  if (open && !warned && elapsed >= warnAfter) {
    await completeStepOnce(
      deps.prisma,
      {
        subjectType: 'troubleTicket',
        subjectId: ticketId,
        kind: 'sla',
        name: 'warning',
        outcome: 'warned',
        detail: `${deps.sla.warningPercent}% of the ${formatDuration(budget)} SLA used; it runs out ${formatDate(new Date(now.getTime() + budget - elapsed), 'weekdayTime', deps.timeZone)}`,
        stepKey: `${ticketId}-sla-warning-${round}`,
      },
      async ({ tx }) => {
        await tx.troubleTicket.update({ where: { id: ticketId }, data: { slaWarnedAt: now } });
      },
    );
    warned = true;
  }

  let breached = ticket.slaBreachedAt !== null;
  if (open && !breached && elapsed >= budget) {
    await breachSla(deps, ticketId, reference, round, budget, now);
    breached = true;
  }

  const running = open && clockRuns(ticket.status);
  await deps.prisma.troubleTicket.update({
    where: { id: ticketId },
    data: { slaStartedAt: startedAt, slaDueAt: running ? new Date(now.getTime() + budget - elapsed) : null, slaCheckedAt: now },
  });
  if (!running || breached) return;
  const next = new Date(now.getTime() + (warned ? budget : warnAfter) - elapsed);
  await deps.jobs.checkSla(ticketId, next);
}

/** The SLA ran out: escalate to a supervisor, tell the customer, and propose a credit for a service that was down. */
async function breachSla(deps: AssuranceDeps, ticketId: string, reference: string, round: number, budget: number, now: Date): Promise<void> {
  const proposal: { credit: ProposedCredit | null } = { credit: null };
  await completeStepOnce(
    deps.prisma,
    { subjectType: 'troubleTicket', subjectId: ticketId, kind: 'sla', name: 'breach', outcome: 'breached', detail: `The ${formatDuration(budget)} SLA ran out`, stepKey: `${ticketId}-sla-breach-${round}` },
    async (context) => {
      const { tx } = context;
      const supervisor = await tx.staffUser.findFirst({ where: { role: 'supervisor', disabledAt: null }, orderBy: { createdAt: 'asc' }, select: { id: true, name: true } });
      const ticket = await tx.troubleTicket.update({
        where: { id: ticketId },
        data: { slaBreachedAt: now, workQueue: SUPERVISOR_QUEUE, assigneeId: supervisor?.id ?? null, escalationLevel: { increment: 1 } },
        // With what the SLA credit is worked out from (none of it changed by this update).
        select: { id: true, number: true, customerId: true, productId: true, severity: true, ticketType: true, serviceType: true, issueStartedAt: true, createdAt: true, reopenCount: true, channel: true, escalationLevel: true },
      });
      await recordTimelineEvent(tx, {
        subjectType: 'troubleTicket',
        subjectId: ticketId,
        kind: 'escalation',
        name: SUPERVISOR_QUEUE,
        detail: `Escalated (level ${ticket.escalationLevel}) to the ${SUPERVISOR_QUEUE} queue${supervisor ? `, assigned to ${supervisor.name}` : ''}`,
        data: { assigneeId: supervisor?.id ?? null, workQueue: SUPERVISOR_QUEUE, escalationLevel: ticket.escalationLevel },
      });
      await recordAuditEvent(tx, { actorType: 'system', action: 'troubleTicket.escalate', entityType: 'troubleTicket', entityId: ticketId, details: { reason: 'slaBreach', assigneeId: supervisor?.id ?? null, workQueue: SUPERVISOR_QUEUE } });
      // A fault that took the service down: critical or major (see deriveSeverity).
      const serviceDown = ticket.severity !== 'minor' && ticket.ticketType !== 'orderFallout';
      if (serviceDown) {
        const credit = await proposeSlaCredit(tx, ticket, deps.adjustments, now);
        proposal.credit = credit;
        if (credit) {
          await recordTimelineEvent(tx, { subjectType: 'troubleTicket', subjectId: ticketId, kind: 'note', name: 'credit', detail: `Proposed ${credit.reference} for ${credit.amount} (${credit.status})`, data: { adjustmentId: credit.adjustmentId } });
        }
      }
      const creditWords = creditSentence(proposal.credit);
      await textAboutTicket(context, deps, now, {
        customerId: ticket.customerId,
        subjectId: ticketId,
        key: `${ticketId}-sla-breach-${round}`,
        reason: 'ticket.delayed',
        urgent: false,
        text: `${reference} is taking longer than we promised. A supervisor now owns it and we will let you know when it is fixed.${creditWords}`,
      });
    },
    (error) => deps.logger.warn({ err: error, ticketId }, 'after an SLA breach: a follow-up failed; the sweep will retry'),
  );
  const proposed = proposal.credit;
  if (proposed?.status === 'approved') {
    await deps.jobs.applyAdjustment(proposed.adjustmentId).catch((error: unknown) => deps.logger.warn({ err: error, ticketId }, 'SLA credit not queued; the sweep will apply it'));
  }
}

function creditSentence(credit: ProposedCredit | null): string {
  if (!credit) return '';
  return credit.status === 'approved'
    ? ` For the trouble, a credit of ${formatMoney(credit.amount, credit.currency)} (${credit.reference}) goes on your bill.`
    : ` We have asked for a credit of ${formatMoney(credit.amount, credit.currency)} for the trouble (${credit.reference}).`;
}

function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s`;
}

/**
 * Open, diagnosed tickets whose clock needs a look (for the sweep): never checked, status changed
 * since the last check (by anyone), or due and not breached (its delayed job was lost).
 */
export async function listTicketsForSlaCheck(deps: Pick<AssuranceDeps, 'prisma'>, now: Date, limit = 50): Promise<string[]> {
  const fields = deps.prisma.troubleTicket.fields;
  const tickets = await deps.prisma.troubleTicket.findMany({
    where: {
      status: { notIn: [...STOPPED_STATUSES] },
      diagnosedAt: { not: null },
      OR: [{ slaCheckedAt: null }, { statusChangeDate: { gt: fields.slaCheckedAt } }, { slaBreachedAt: null, slaDueAt: { lte: now } }],
    },
    orderBy: { createdAt: 'asc' },
    take: limit,
    select: { id: true },
  });
  return tickets.map((ticket) => ticket.id);
}

/** A ticket's SLA clock as staff see it: how long it has run, how long is left (negative once breached), and whether it runs now. */
export interface SlaClockView {
  budgetMs: number;
  elapsedMs: number;
  remainingMs: number;
  running: boolean;
}

/** The SLA clocks of these tickets at `now`, worked out from their status history like the SLA checks do. */
export async function readSlaClocks(db: AssuranceDeps['prisma'], ticketIds: readonly string[], bySeverity: AssuranceDeps['sla']['bySeverity'], now: Date): Promise<Map<string, SlaClockView>> {
  if (ticketIds.length === 0) return new Map();
  const tickets = await db.troubleTicket.findMany({ where: { id: { in: [...ticketIds] } }, include: { statusChanges: { select: { status: true, changedAt: true } } } });
  return new Map(
    tickets.map((ticket) => {
      const history: StatusPoint[] = [...ticket.statusChanges.map((change) => ({ status: change.status, at: change.changedAt })), { status: ticket.status, at: ticket.statusChangeDate }];
      const elapsedMs = slaElapsedMs(ticket.slaStartedAt ?? ticket.createdAt, history, now);
      const budgetMs = bySeverity[ticket.severity];
      const open = !STOPPED_STATUSES.some((stopped) => stopped === ticket.status);
      return [ticket.id, { budgetMs, elapsedMs, remainingMs: budgetMs - elapsedMs, running: open && clockRuns(ticket.status) }];
    }),
  );
}
