import type { BotServices } from '../../dialogs/services.ts';
import { recordAuditEvent } from '../domain/audit/audit.service.ts';
import { listActiveServices } from '../domain/customers/customers.service.ts';
import { findCustomerTicket, listRecentTickets, openTroubleTicket } from '../domain/tickets/trouble-tickets.service.ts';
import type { DbClient } from '../lib/db-types.ts';

/** The domain services dialogs use, bound to a database. */
export function createBotServices(db: DbClient): BotServices {
  return {
    listActiveServices: (customerId) => listActiveServices(db, customerId),
    openTroubleTicket: (request) => openTroubleTicket(db, request),
    findCustomerTicket: (customerId, number) => findCustomerTicket(db, customerId, number),
    listRecentTickets: (customerId) => listRecentTickets(db, customerId),
    recordAgentRequest: ({ customerId, conversationInboundId, correlationId }) =>
      recordAuditEvent(db, {
        actorType: customerId ? 'customer' : 'system',
        actorId: customerId ?? undefined,
        action: 'conversation.agentRequested',
        entityType: 'interaction',
        entityId: conversationInboundId,
        correlationId,
      }),
  };
}
