import type { TicketServices } from '../../../dialogs/services/tickets.ts';
import type { BotSettings } from '../../../dialogs/services.ts';
import { findActiveOutageFor, linkCustomerToOutage } from '../../domain/tickets/outages.ts';
import { listRecentTickets, lookUpCustomerTicket, openTroubleTicket } from '../../domain/tickets/trouble-tickets.service.ts';
import type { Sql } from '../../db/sql.ts';
import type { DbClient } from '../../lib/db-types.ts';

/** The trouble ticket services dialogs use, bound to a database. */
export function createTicketServices(db: DbClient, sql: Sql, _settings: BotSettings): TicketServices {
  return {
    openTroubleTicket: (request) => openTroubleTicket(db, request),
    lookUpCustomerTicket: (customerId, number) => lookUpCustomerTicket(sql, customerId, number),
    listRecentTickets: (customerId) => listRecentTickets(sql, customerId),
    findActiveOutage: (customerId, serviceType) => findActiveOutageFor(db, customerId, serviceType),
    linkCustomerToOutage: (request) => linkCustomerToOutage(db, request),
  };
}
