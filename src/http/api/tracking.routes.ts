import express, { Router } from 'express';
import { z } from 'zod';
import { toStorableText } from '../../lib/storable-text.ts';
import type { TimelineSubject } from '../../generated/prisma/client.ts';
import type { AssuranceDeps } from '../../domain/tickets/assurance-deps.ts';
import { restoreOutage } from '../../domain/tickets/outage-restoration.ts';
import { STAFF_STATUSES, answerResolutionConfirmation, changeTicketStatus } from '../../domain/tickets/ticket-lifecycle.ts';
import { findAdjustmentByIdOrNumber } from '../../domain/billing/adjustments.service.ts';
import { findOrderByIdOrNumber } from '../../domain/orders/product-orders.service.ts';
import { formatAdjustmentReference, formatOrderReference, formatTicketReference, parseAdjustmentReference, parseOrderReference, parseTicketReference } from '../../domain/references.ts';
import { findTicketByIdOrNumber, listTicketStatusChanges } from '../../domain/tickets/trouble-tickets.service.ts';
import { findOutageById } from '../../domain/tickets/outages.ts';
import { getTimeline } from '../../domain/timeline/timeline.service.ts';
import { AppError } from '../../lib/errors.ts';
import { currentStaff, requireStaff } from '../staff-auth/index.ts';
import { STAFF_ROUTE_ROLES } from './staff-route-roles.ts';
import { invalidRequest } from '../error-handler.ts';

// Staff routes for tracked requests: the timeline of every order, ticket, adjustment and outage
// (state changes, job steps with attempts and errors, messages), and the operator's actions that
// move assurance along (a ticket's status, an outage restored, a customer's answer taken by
// phone). Staff only, by role (staff-route-roles.ts); every action is audited with the staff member's id.

// Staff text reaches PostgreSQL: a NUL or a lone surrogate becomes U+FFFD (an id so changed matches nothing: 404).
const storable = z.string().transform(toStorableText);
const idParam = z.object({ id: z.string().min(1).max(100).pipe(storable) });
const uuid = z.uuid();
const statusBody = z.object({ status: z.enum(STAFF_STATUSES), reason: z.string().trim().min(1).max(500).pipe(storable) });
const restoreBody = z.object({ note: z.string().trim().min(1).max(500).pipe(storable).optional() });
const confirmationBody = z.object({ answer: z.enum(['yes', 'no']) });

interface Subject {
  id: string;
  reference: string;
  state: string;
  customerId: string | null;
}

export function trackingRoutes(deps: AssuranceDeps): Router {
  const router = Router();
  const staff = requireStaff(...STAFF_ROUTE_ROLES.customerRecords);
  const ticketWork = requireStaff(...STAFF_ROUTE_ROLES.ticketActions);
  const outageWork = requireStaff(...STAFF_ROUTE_ROLES.outageActions);
  const json = express.json({ limit: '16kb' });
  const { prisma } = deps;

  const findOrder = async (key: string): Promise<Subject | null> => {
    const number = parseOrderReference(key);
    const order = await findOrderByIdOrNumber(prisma, uuid.safeParse(key).success ? { id: key } : { number: number ?? -1 });
    return order ? { id: order.id, reference: formatOrderReference(order.number), state: order.state, customerId: order.customerId } : null;
  };
  const findTicket = async (key: string): Promise<Subject | null> => {
    const number = parseTicketReference(key);
    const ticket = await findTicketByIdOrNumber(prisma, uuid.safeParse(key).success ? { id: key } : { number: number ?? -1 });
    return ticket ? { id: ticket.id, reference: formatTicketReference(ticket.number), state: ticket.status, customerId: ticket.customerId } : null;
  };
  const findAdjustment = async (key: string): Promise<Subject | null> => {
    const number = parseAdjustmentReference(key);
    const adjustment = await findAdjustmentByIdOrNumber(prisma, uuid.safeParse(key).success ? { id: key } : { number: number ?? -1 });
    return adjustment ? { id: adjustment.id, reference: formatAdjustmentReference(adjustment.number), state: adjustment.status, customerId: adjustment.customerId } : null;
  };
  const findOutage = async (key: string): Promise<Subject | null> => {
    if (!uuid.safeParse(key).success) return null;
    const outage = await findOutageById(prisma, key);
    return outage ? { id: outage.id, reference: `${outage.serviceType} outage in ${outage.area}`, state: outage.status, customerId: null } : null;
  };

  const subjectOf = async (params: unknown, find: (key: string) => Promise<Subject | null>, what: string): Promise<Subject> => {
    const path = idParam.safeParse(params);
    if (!path.success) throw invalidRequest(path.error, `${what} id`);
    const subject = await find(path.data.id);
    if (!subject) throw new AppError('not_found', `${what.replace(/ /g, '_')}_not_found`, `No ${what} has the id or reference ${path.data.id}.`);
    return subject;
  };

  const timelineRoute = (path: string, type: TimelineSubject, find: (key: string) => Promise<Subject | null>, what: string) => {
    /** The subject's timeline, oldest first. `:id` is its id or its customer-facing reference. */
    router.get(path, staff, async (req, res) => {
      const subject = await subjectOf(req.params, find, what);
      res.json({ [type]: subject, timeline: await getTimeline(prisma, type, subject.id, { stateChanges: type === 'troubleTicket' ? listTicketStatusChanges(prisma, subject.id) : undefined }) });
    });
  };
  timelineRoute('/api/orders/:id/timeline', 'productOrder', findOrder, 'order');
  timelineRoute('/api/tickets/:id/timeline', 'troubleTicket', findTicket, 'ticket');
  timelineRoute('/api/adjustments/:id/timeline', 'billAdjustment', findAdjustment, 'adjustment');
  timelineRoute('/api/outages/:id/timeline', 'outage', findOutage, 'outage');

  /** Moves a ticket: {status, reason}. pending pauses the SLA clock; resolved asks the customer to confirm. */
  router.post('/api/tickets/:id/status', ticketWork, json, async (req, res) => {
    const ticket = await subjectOf(req.params, findTicket, 'ticket');
    const body = statusBody.safeParse(req.body);
    if (!body.success) throw invalidRequest(body.error, 'status change');
    const result = await changeTicketStatus(deps, ticket.id, body.data.status, body.data.reason, { actorType: 'staff', actorId: currentStaff(res).id });
    res.json({ id: ticket.id, reference: ticket.reference, status: result.status });
  });

  /** Records the customer's answer to "is it working again?" taken by other means: {answer: yes|no}. */
  router.post('/api/tickets/:id/confirmation', ticketWork, json, async (req, res) => {
    const ticket = await subjectOf(req.params, findTicket, 'ticket');
    const body = confirmationBody.safeParse(req.body);
    if (!body.success) throw invalidRequest(body.error, 'confirmation');
    if (!ticket.customerId) throw new AppError('conflict', 'not_awaiting', 'The ticket has no customer.');
    const result = await answerResolutionConfirmation(deps, ticket.id, body.data.answer, ticket.customerId);
    if (result.outcome === 'notAwaiting') throw new AppError('conflict', 'not_awaiting', `${ticket.reference} is not waiting for the customer's confirmation.`);
    res.json({ id: ticket.id, reference: ticket.reference, outcome: result.outcome });
  });

  /** Marks an outage restored: every open ticket linked to it is resolved and its customer told. {note?} */
  router.post('/api/outages/:id/restore', outageWork, json, async (req, res) => {
    const outage = await subjectOf(req.params, findOutage, 'outage');
    const body = restoreBody.safeParse(req.body ?? {});
    if (!body.success) throw invalidRequest(body.error, 'restoration');
    const result = await restoreOutage(deps, outage.id, { actorType: 'staff', actorId: currentStaff(res).id }, body.data.note);
    res.json({ id: outage.id, status: 'restored', restoredAt: result.restoredAt.toISOString(), openTickets: result.openTickets });
  });

  return router;
}
