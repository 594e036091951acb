import { z } from 'zod';
import { statement, type Sql } from '../../db/sql.ts';
import type { Channel } from '../../generated/prisma/client.ts';
import { ServiceType, TicketSeverity, TroubleTicketStatus } from '../../generated/prisma/enums.ts';
import type { DbClient } from '../../lib/db-types.ts';
import { isUniqueViolation } from '../../lib/db-types.ts';
import { recordAuditEvent } from '../audit/audit.service.ts';
import { formatTicketReference } from '../references.ts';
import { deriveSeverity } from './severity.ts';

export interface TicketView {
  id: string;
  reference: string;
  serviceType: ServiceType;
  /** "fault" for a ticket of its own, "outage" for a customer linked to a known network outage. */
  ticketType: string;
  status: TroubleTicketStatus;
  severity: TicketSeverity;
  description: string;
  createdAt: Date;
  expectedResolutionDate: Date | null;
  statusChangeDate: Date;
}

export interface OpenTroubleTicketRequest {
  customerId: string;
  serviceType: ServiceType;
  productId: string | null;
  description: string;
  issueStartedAt: Date | null;
  channel: Channel;
  /** The same key opens the same ticket: a retried turn never opens a second one. */
  idempotencyKey: string;
  correlationId?: string | undefined;
}

/** Hours to the expected resolution, by severity. */
const RESOLUTION_HOURS: Record<TicketSeverity, number> = { critical: 4, major: 24, minor: 72 };

export const ticketSelect = {
  id: true,
  number: true,
  serviceType: true,
  ticketType: true,
  status: true,
  severity: true,
  description: true,
  createdAt: true,
  expectedResolutionDate: true,
  statusChangeDate: true,
} as const;

export function toTicketView(ticket: { number: number } & Omit<TicketView, 'reference'>): TicketView {
  const { number, ...rest } = ticket;
  return { ...rest, reference: formatTicketReference(number) };
}

/** Opens a TMF621 trouble ticket, or returns the one this idempotency key already opened. */
export async function openTroubleTicket(db: DbClient, request: OpenTroubleTicketRequest): Promise<{ ticket: TicketView; created: boolean }> {
  const existing = await db.troubleTicket.findUnique({ where: { idempotencyKey: request.idempotencyKey }, select: ticketSelect });
  if (existing) return { ticket: toTicketView(existing), created: false };

  const severity = deriveSeverity(request.serviceType, request.description);
  const now = new Date();
  try {
    const ticket = await db.troubleTicket.create({
      data: {
        customerId: request.customerId,
        productId: request.productId,
        serviceType: request.serviceType,
        severity,
        name: `${capitalise(request.serviceType)} fault`,
        description: request.description,
        issueStartedAt: request.issueStartedAt,
        channel: request.channel,
        expectedResolutionDate: new Date(now.getTime() + RESOLUTION_HOURS[severity] * 3_600_000),
        idempotencyKey: request.idempotencyKey,
        statusChanges: { create: { status: 'acknowledged', reason: `Reported by the customer over ${request.channel}` } },
      },
      select: ticketSelect,
    });
    await recordAuditEvent(db, {
      actorType: 'customer',
      actorId: request.customerId,
      action: 'troubleTicket.create',
      entityType: 'troubleTicket',
      entityId: ticket.id,
      details: { serviceType: request.serviceType, severity, channel: request.channel },
      correlationId: request.correlationId,
    });
    return { ticket: toTicketView(ticket), created: true };
  } catch (error) {
    // Two attempts raced on the same key: the other one won, so answer with its ticket.
    if (!isUniqueViolation(error)) throw error;
    const raced = await db.troubleTicket.findUniqueOrThrow({ where: { idempotencyKey: request.idempotencyKey }, select: ticketSelect });
    return { ticket: toTicketView(raced), created: false };
  }
}

// Another customer's ticket is never returned: every look-up is by the asking customer.
// The ticket status questions (the commonest request by SMS) run on the driver, like the rest of
// a message's hot path. Timestamps are stored as UTC wall time; AT TIME ZONE 'UTC' makes them instants.
const TICKET_COLUMNS = `"id", "number", "serviceType"::text AS "serviceType", "ticketType", "status"::text AS "status", "severity"::text AS "severity", "description",
  "createdAt" AT TIME ZONE 'UTC' AS "createdAt", "expectedResolutionDate" AT TIME ZONE 'UTC' AS "expectedResolutionDate", "statusChangeDate" AT TIME ZONE 'UTC' AS "statusChangeDate"`;
const RECENT_TICKETS = statement('tickets.recentTickets', `SELECT ${TICKET_COLUMNS} FROM "TroubleTicket" WHERE "customerId" = $1::text ORDER BY "createdAt" DESC LIMIT 20`);
// The ticket asked for and the recent ones in one round trip: a reference not on the account is
// answered with the customer's recent tickets.
const LOOK_UP_TICKET = statement(
  'tickets.lookUpCustomerTicket',
  `(SELECT ${TICKET_COLUMNS}, true AS "asked" FROM "TroubleTicket" WHERE "number" = $1::int AND "customerId" = $2::text)
   UNION ALL
   (SELECT ${TICKET_COLUMNS}, false AS "asked" FROM "TroubleTicket" WHERE "customerId" = $2::text ORDER BY "createdAt" DESC LIMIT 20)`,
);

const ticketRow = z.object({
  id: z.string(),
  number: z.number(),
  serviceType: z.enum(ServiceType),
  ticketType: z.string(),
  status: z.enum(TroubleTicketStatus),
  severity: z.enum(TicketSeverity),
  description: z.string(),
  createdAt: z.date(),
  expectedResolutionDate: z.date().nullable(),
  statusChangeDate: z.date(),
});
// Built once: zod compiles a schema on first use, and `.extend` costs ~70 µs.
const ticketRows = z.array(ticketRow);
const lookedUpRows = z.array(ticketRow.extend({ asked: z.boolean() }));

/** The customer's own ticket with this number (null if none), and their recent tickets as listRecentTickets orders them. */
export async function lookUpCustomerTicket(sql: Sql, customerId: string, number: number): Promise<{ ticket: TicketView | null; recent: TicketView[] }> {
  const rows = lookedUpRows.parse(await sql.rows(LOOK_UP_TICKET, [number, customerId]));
  const tickets = rows.map(({ asked, ...ticket }) => ({ asked, ticket }));
  const asked = tickets.find((row) => row.asked)?.ticket;
  return { ticket: asked ? toTicketView(asked) : null, recent: recentFirst(tickets.filter((row) => !row.asked).map((row) => row.ticket)) };
}

/** The customer's tickets, open ones first, newest first. */
export async function listRecentTickets(sql: Sql, customerId: string): Promise<TicketView[]> {
  return recentFirst(ticketRows.parse(await sql.rows(RECENT_TICKETS, [customerId])));
}

/** Open tickets first, then the rest, newest first within each, at most three. */
function recentFirst(tickets: z.infer<typeof ticketRow>[], limit = 3): TicketView[] {
  const open = tickets.filter((ticket) => isOpen(ticket.status));
  const rest = tickets.filter((ticket) => !isOpen(ticket.status));
  return [...open, ...rest].slice(0, limit).map(toTicketView);
}

export function isOpen(status: TroubleTicketStatus): boolean {
  return !['resolved', 'closed', 'cancelled', 'rejected'].includes(status);
}

/** The status in words a customer understands. */
export function describeTicketStatus(status: TroubleTicketStatus): string {
  switch (status) {
    case 'acknowledged':
      return 'received and queued for a technician';
    case 'inProgress':
      return 'being worked on by a technician';
    case 'pending':
      return 'waiting for information from you';
    case 'held':
      return 'on hold while we wait on a third party';
    case 'resolved':
      return 'resolved';
    case 'closed':
      return 'closed';
    case 'cancelled':
      return 'cancelled';
    case 'rejected':
      return 'rejected';
  }
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** A ticket by its id or its number, for staff tools (the number parsed from a TT- reference). */
export async function findTicketByIdOrNumber(db: DbClient, key: { id: string } | { number: number }) {
  return db.troubleTicket.findFirst({ where: key, select: { id: true, number: true, status: true, customerId: true } });
}

export interface OrderFallout {
  orderId: string;
  customerId: string;
  /** The service of the first failed item. */
  serviceType: ServiceType;
  channel: Channel;
  /** The ticket's name and first status reason, e.g. "Order ORD-100001 could not be fulfilled". */
  reason: string;
  /** Why each failed item failed, for the operator. */
  description: string;
  failures: Array<{ itemId: string; offering: string; reason: string | null }>;
  now: Date;
}

/** Opens the ticket an order's failed items leave for provisioning, once per order, in the order step's transaction. */
export async function openOrderFalloutTicket(tx: DbClient, fallout: OrderFallout): Promise<{ id: string; number: number }> {
  const { reason, now } = fallout;
  return tx.troubleTicket.upsert({
    where: { idempotencyKey: `order-fallout-${fallout.orderId}` },
    update: {},
    create: {
      customerId: fallout.customerId,
      productId: null,
      serviceType: fallout.serviceType,
      ticketType: 'orderFallout',
      status: 'acknowledged',
      severity: 'major',
      name: reason,
      description: fallout.description,
      channel: fallout.channel,
      relatedOrderId: fallout.orderId,
      workQueue: 'provisioning',
      diagnosedAt: now,
      diagnosticResult: { kind: 'orderFallout', failures: fallout.failures },
      slaStartedAt: now,
      statusChangeReason: reason,
      idempotencyKey: `order-fallout-${fallout.orderId}`,
      statusChanges: { create: { status: 'acknowledged', reason } },
    },
    select: { id: true, number: true },
  });
}

/** A ticket's status history (whoever changed it), oldest first: its timeline's state entries. */
export async function listTicketStatusChanges(db: DbClient, ticketId: string, limit = 500) {
  return db.troubleTicketStatusChange.findMany({ where: { ticketId }, orderBy: { changedAt: 'asc' }, take: limit });
}
