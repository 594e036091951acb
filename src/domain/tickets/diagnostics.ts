import type { Prisma, ServiceType } from '../../generated/prisma/client.ts';
import { recordAuditEvent } from '../audit/audit.service.ts';
import { formatTicketReference } from '../references.ts';
import { completeStepOnce, isStepDone, recordTimelineEvent } from '../timeline/timeline.service.ts';
import type { JobRun } from '../timeline/tracking-jobs.ts';
import { NetworkError, type LineTestResult } from '../network/network.ts';
import { formatDate } from '../../lib/dates.ts';
import { STOPPED_STATUSES, textAboutTicket, type AssuranceDeps } from './assurance-deps.ts';

// Automated diagnostics of a new trouble ticket: a known outage in the customer's area links the
// ticket to it (held until the outage is restored); otherwise a line test runs and its result
// lands on the ticket, which goes to field repair (fault found) or to support (line clean). The
// SLA clock starts either way.

export const WORK_QUEUES = { repair: 'field-repair', support: 'support', outage: 'network-operations' } as const;

type DiagnosticResult =
  | { kind: 'outage'; outageId: string; linkedBy: 'report' | 'diagnostics' }
  | { kind: 'lineTest'; verdict: LineTestResult['verdict']; faultCode: string | null; detail: string; reference: string }
  | { kind: 'lineTestUnavailable'; error: string }
  | { kind: 'skipped'; reason: string };

/**
 * Diagnoses the ticket once. Throws a transient NetworkError for the job to retry; after the
 * last attempt the ticket goes to support without a line test.
 */
export async function diagnoseTicket(deps: AssuranceDeps, ticketId: string, run: JobRun): Promise<void> {
  const stepKey = `${ticketId}-diagnose`;
  if (await isStepDone(deps.prisma, stepKey)) return;
  const ticket = await deps.prisma.troubleTicket.findUnique({
    where: { id: ticketId },
    include: { customer: { select: { serviceArea: true } }, product: { select: { serviceIdentifier: true } } },
  });
  if (!ticket || ticket.diagnosedAt || STOPPED_STATUSES.some((stopped) => stopped === ticket.status)) return;

  const outage = ticket.outageId
    ? null
    : ticket.customer.serviceArea && ticket.ticketType !== 'orderFallout'
      ? await deps.prisma.outage.findFirst({ where: { area: ticket.customer.serviceArea, serviceType: ticket.serviceType, status: 'active' }, orderBy: { startedAt: 'desc' } })
      : null;

  let result: DiagnosticResult;
  if (ticket.ticketType === 'orderFallout') result = { kind: 'skipped', reason: 'An order that could not be fulfilled: the operator works on it' };
  else if (ticket.outageId) result = { kind: 'outage', outageId: ticket.outageId, linkedBy: 'report' };
  else if (outage) result = { kind: 'outage', outageId: outage.id, linkedBy: 'diagnostics' };
  else {
    try {
      const test = await deps.network.runLineTest({
        idempotencyKey: `${ticketId}-linetest`,
        ticketId,
        serviceType: ticket.serviceType,
        serviceIdentifier: ticket.product?.serviceIdentifier ?? null,
        area: ticket.customer.serviceArea,
        attempt: run.attempt,
      });
      result = { kind: 'lineTest', verdict: test.verdict, faultCode: test.faultCode ?? null, detail: test.detail, reference: test.reference };
    } catch (error) {
      const failure = error instanceof NetworkError ? error : new NetworkError('transient', 'unexpected', error instanceof Error ? error.message : String(error));
      if (failure.kind === 'transient' && !run.final) {
        await recordTimelineEvent(deps.prisma, { subjectType: 'troubleTicket', subjectId: ticketId, kind: 'attempt', name: 'line-test', outcome: 'retrying', attempt: run.attempt, error: `${failure.code}: ${failure.message}` });
        throw failure;
      }
      result = { kind: 'lineTestUnavailable', error: `${failure.code}: ${failure.message}` };
    }
  }

  const now = deps.now();
  const reference = formatTicketReference(ticket.number);
  await completeStepOnce(
    deps.prisma,
    { subjectType: 'troubleTicket', subjectId: ticketId, kind: 'step', name: 'diagnose', attempt: run.attempt, detail: describe(result, ticket.serviceType), data: result, stepKey },
    async (context) => {
      const { tx } = context;
      const update: Prisma.TroubleTicketUpdateInput = { diagnosticResult: result, diagnosedAt: now, slaStartedAt: ticket.slaStartedAt ?? ticket.createdAt };
      // Someone may have moved the ticket meanwhile (pending, held, resolved): their status stands.
      const { status: current } = await tx.troubleTicket.findUniqueOrThrow({ where: { id: ticketId }, select: { status: true } });
      const untouched = current === 'acknowledged';
      if (result.kind === 'outage' && outage) {
        const reason = `Part of a known outage: ${outage.description}`;
        Object.assign(update, {
          outage: { connect: { id: outage.id } },
          workQueue: WORK_QUEUES.outage,
          expectedResolutionDate: outage.expectedRestoreAt,
        } satisfies Prisma.TroubleTicketUpdateInput);
        if (untouched || current === 'inProgress') {
          Object.assign(update, { status: 'held', statusChangeDate: now, statusChangeReason: reason, statusChanges: { create: { status: 'held', reason, changedAt: now } } } satisfies Prisma.TroubleTicketUpdateInput);
          await recordTimelineEvent(tx, { subjectType: 'troubleTicket', subjectId: ticketId, kind: 'state', name: 'held', detail: reason, at: now });
        }
        const expected = outage.expectedRestoreAt ? ` We expect it fixed by ${formatDate(outage.expectedRestoreAt, 'weekdayTime', deps.timeZone)}.` : '';
        await textAboutTicket(context, deps, now, {
          customerId: ticket.customerId,
          subjectId: ticketId,
          key: `${ticketId}-outage`,
          reason: 'ticket.outage',
          urgent: false,
          text: `${reference}: your ${ticket.serviceType} problem is part of a known outage in your area.${expected} We will let you know when it is back.`,
        });
      } else if (result.kind === 'outage') {
        update.workQueue = WORK_QUEUES.outage;
      } else if (result.kind !== 'skipped') {
        const fault = result.kind === 'lineTest' && result.verdict === 'fault';
        const test = capitalise(testName(ticket.serviceType));
        const reason = fault ? `${test} found a fault: ${result.kind === 'lineTest' ? result.detail : ''}` : result.kind === 'lineTest' ? `${test} clean: with a support engineer` : `${test} unavailable: with a support engineer`;
        update.workQueue = fault ? WORK_QUEUES.repair : WORK_QUEUES.support;
        if (untouched) {
          Object.assign(update, { status: 'inProgress', statusChangeDate: now, statusChangeReason: reason, statusChanges: { create: { status: 'inProgress', reason, changedAt: now } } } satisfies Prisma.TroubleTicketUpdateInput);
          await recordTimelineEvent(tx, { subjectType: 'troubleTicket', subjectId: ticketId, kind: 'state', name: 'inProgress', detail: reason, at: now });
        } else {
          await recordTimelineEvent(tx, { subjectType: 'troubleTicket', subjectId: ticketId, kind: 'note', name: 'diagnosed', detail: `${reason}; the ticket stays ${current}`, at: now });
        }
        if (fault) {
          await textAboutTicket(context, deps, now, {
            customerId: ticket.customerId,
            subjectId: ticketId,
            key: `${ticketId}-fault-found`,
            reason: 'ticket.diagnosed',
            urgent: false,
            text: faultFoundText(reference, ticket.serviceType, result.kind === 'lineTest' ? result.detail : undefined),
          });
        }
      }
      await tx.troubleTicket.update({ where: { id: ticketId }, data: update });
      await recordAuditEvent(tx, { actorType: 'system', action: 'troubleTicket.diagnose', entityType: 'troubleTicket', entityId: ticketId, details: result });
    },
    (error) => deps.logger.warn({ err: error, ticketId }, 'after diagnostics: a follow-up failed; the sweep will retry'),
  );
  await deps.jobs.checkSla(ticketId).catch((error: unknown) => deps.logger.warn({ err: error, ticketId }, 'SLA clock not queued; the sweep will start it'));
}

/** What the automated test of a service is called: only fixed lines have a line test. */
export function testName(serviceType: ServiceType): string {
  switch (serviceType) {
    case 'internet':
    case 'landline':
      return 'line test';
    case 'mobile':
      return 'network check';
    case 'tv':
      return 'TV box check';
  }
}

/** The text telling the customer the test found the fault, in words for their kind of service. */
export function faultFoundText(reference: string, serviceType: ServiceType, detail: string | undefined): string {
  const found = detail ? detail.charAt(0).toLowerCase() + detail.slice(1) : 'a fault';
  const who = serviceType === 'mobile' ? 'Our network team is' : 'A repair technician is';
  return `${reference}: our ${testName(serviceType)} found the problem (${found}). ${who} on it and we will keep you posted.`;
}

function describe(result: DiagnosticResult, serviceType: ServiceType): string {
  const test = capitalise(testName(serviceType));
  switch (result.kind) {
    case 'outage':
      return result.linkedBy === 'report' ? 'Linked to a known outage when reported' : 'Matched a known outage in the area';
    case 'lineTest':
      return result.verdict === 'fault' ? `${test}: fault ${result.faultCode ?? ''} (${result.detail})` : `${test}: clean (${result.detail})`;
    case 'lineTestUnavailable':
      return `${test} could not run: ${result.error}`;
    case 'skipped':
      return result.reason;
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Open tickets not diagnosed yet (for the sweep). */
export async function listTicketsToDiagnose(deps: Pick<AssuranceDeps, 'prisma'>, limit = 50): Promise<string[]> {
  const tickets = await deps.prisma.troubleTicket.findMany({
    where: { diagnosedAt: null, status: { notIn: [...STOPPED_STATUSES] } },
    orderBy: { createdAt: 'asc' },
    take: limit,
    select: { id: true },
  });
  return tickets.map((ticket) => ticket.id);
}
