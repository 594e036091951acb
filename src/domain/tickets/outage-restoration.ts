import { recordAuditEvent } from '../audit/audit.service.ts';
import { recordTimelineEvent } from '../timeline/timeline.service.ts';
import { AppError } from '../../lib/errors.ts';
import { STOPPED_STATUSES, type AssuranceDeps } from './assurance-deps.ts';
import type { Actor } from './ticket-lifecycle.ts';
import { resolveTicket } from './ticket-lifecycle.ts';

// Restoring a network outage resolves every open ticket linked to it, and each customer is told
// (and asked to confirm their service works again).

/** Marks the outage restored (once) and queues the resolution of its tickets. */
export async function restoreOutage(deps: AssuranceDeps, outageId: string, actor: Actor, note?: string): Promise<{ restoredAt: Date; openTickets: number }> {
  const outage = await deps.prisma.outage.findUnique({ where: { id: outageId }, select: { status: true, restoredAt: true } });
  if (!outage) throw new AppError('not_found', 'outage_not_found', `No outage has the id ${outageId}.`);
  const now = deps.now();
  if (outage.status === 'active') {
    await deps.prisma.$transaction(async (tx) => {
      const moved = await tx.outage.updateMany({ where: { id: outageId, status: 'active' }, data: { status: 'restored', restoredAt: now } });
      if (moved.count === 0) return;
      await recordTimelineEvent(tx, { subjectType: 'outage', subjectId: outageId, kind: 'state', name: 'restored', detail: note ?? 'Service restored', at: now });
      await recordAuditEvent(tx, { ...actor, action: 'outage.restore', entityType: 'outage', entityId: outageId, details: { note: note ?? null } });
    });
  }
  const openTickets = await deps.prisma.troubleTicket.count({ where: { outageId, status: { notIn: [...STOPPED_STATUSES] } } });
  await deps.jobs.resolveOutageTickets(outageId).catch((error: unknown) => deps.logger.warn({ err: error, outageId }, 'outage tickets not queued; the sweep will resolve them'));
  return { restoredAt: outage.restoredAt ?? now, openTickets };
}

/** Resolves each open ticket linked to the restored outage; returns how many it resolved now. */
export async function resolveOutageTickets(deps: AssuranceDeps, outageId: string): Promise<number> {
  const outage = await deps.prisma.outage.findUnique({ where: { id: outageId }, select: { status: true, serviceType: true } });
  if (outage?.status !== 'restored') return 0;
  const tickets = await deps.prisma.troubleTicket.findMany({ where: { outageId, status: { notIn: [...STOPPED_STATUSES] } }, select: { id: true } });
  let resolved = 0;
  for (const ticket of tickets) {
    const done = await resolveTicket(deps, ticket.id, `The ${outage.serviceType} outage in the area was fixed`, { actorType: 'system' }, `is resolved: the ${outage.serviceType} outage in your area is fixed.`);
    if (done) resolved++;
  }
  if (resolved > 0) {
    await recordTimelineEvent(deps.prisma, { subjectType: 'outage', subjectId: outageId, kind: 'note', name: 'tickets-resolved', detail: `${resolved} linked ticket(s) resolved and their customers told` });
  }
  return resolved;
}

/** Restored outages that still have open linked tickets (for the sweep). */
export async function listRestoredOutagesWithOpenTickets(deps: Pick<AssuranceDeps, 'prisma'>, limit = 20): Promise<string[]> {
  const outages = await deps.prisma.outage.findMany({
    where: { status: 'restored', tickets: { some: { status: { notIn: [...STOPPED_STATUSES] } } } },
    take: limit,
    select: { id: true },
  });
  return outages.map((outage) => outage.id);
}
