import type { Channel, ServiceType } from '../../generated/prisma/client.ts';
import type { DbClient } from '../../lib/db-types.ts';
import { isUniqueViolation } from '../../lib/db-types.ts';
import { recordAuditEvent } from '../audit/audit.service.ts';
import { ticketSelect, toTicketView, type TicketView } from './trouble-tickets.service.ts';

// Assurance: a fault inside a known network outage is not investigated again. The customer is
// recorded as affected (a held trouble ticket linked to the outage), so that everyone linked can
// be told when it is restored.

export interface OutageView {
  id: string;
  serviceType: ServiceType;
  area: string;
  description: string;
  startedAt: Date;
  expectedRestoreAt: Date | null;
}

export interface LinkToOutageRequest {
  customerId: string;
  outageId: string;
  productId: string | null;
  /** What the customer said, if anything; the outage's own description otherwise. */
  description: string | null;
  issueStartedAt: Date | null;
  channel: Channel;
  correlationId?: string | undefined;
}

/** The active outage of this service type in the customer's service area, if there is one. */
export async function findActiveOutageFor(db: DbClient, customerId: string, serviceType: ServiceType): Promise<OutageView | null> {
  const customer = await db.customer.findUnique({ where: { id: customerId }, select: { serviceArea: true } });
  if (!customer?.serviceArea) return null;
  return db.outage.findFirst({
    where: { area: customer.serviceArea, serviceType, status: 'active' },
    orderBy: { startedAt: 'desc' },
    select: { id: true, serviceType: true, area: true, description: true, startedAt: true, expectedRestoreAt: true },
  });
}

/**
 * Records the customer as affected by the outage: a held trouble ticket of type "outage" linked to
 * it. A customer has at most one such ticket per outage: a second report returns the first.
 */
export async function linkCustomerToOutage(db: DbClient, request: LinkToOutageRequest): Promise<{ ticket: TicketView; created: boolean }> {
  const existing = await db.troubleTicket.findFirst({
    where: { customerId: request.customerId, outageId: request.outageId },
    orderBy: { createdAt: 'asc' },
    select: ticketSelect,
  });
  if (existing) return { ticket: toTicketView(existing), created: false };

  const outage = await db.outage.findUniqueOrThrow({ where: { id: request.outageId }, select: { serviceType: true, description: true, expectedRestoreAt: true } });
  const reason = 'Linked to a known network outage: held until it is restored';
  // One key per customer and outage, so two reports racing each other still make one ticket.
  const idempotencyKey = `outage-${request.outageId}-${request.customerId}`;
  try {
    const ticket = await db.troubleTicket.create({
      data: {
        customerId: request.customerId,
        productId: request.productId,
        serviceType: outage.serviceType,
        ticketType: 'outage',
        status: 'held',
        severity: 'major',
        name: `${capitalise(outage.serviceType)} outage`,
        description: request.description ?? outage.description,
        issueStartedAt: request.issueStartedAt,
        channel: request.channel,
        outageId: request.outageId,
        expectedResolutionDate: outage.expectedRestoreAt,
        statusChangeReason: reason,
        idempotencyKey,
        statusChanges: { create: { status: 'held', reason } },
      },
      select: ticketSelect,
    });
    await recordAuditEvent(db, {
      actorType: 'customer',
      actorId: request.customerId,
      action: 'troubleTicket.linkToOutage',
      entityType: 'troubleTicket',
      entityId: ticket.id,
      details: { outageId: request.outageId, serviceType: outage.serviceType, channel: request.channel },
      correlationId: request.correlationId,
    });
    return { ticket: toTicketView(ticket), created: true };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const raced = await db.troubleTicket.findUniqueOrThrow({ where: { idempotencyKey }, select: ticketSelect });
    return { ticket: toTicketView(raced), created: false };
  }
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** An outage by id, for staff tools. */
export async function findOutageById(db: DbClient, id: string) {
  return db.outage.findUnique({ where: { id }, select: { id: true, area: true, serviceType: true, status: true } });
}
