import type { LinkToOutageRequest, OutageView } from '../../src/domain/tickets/outages.ts';
import type { OpenTroubleTicketRequest, TicketView } from '../../src/domain/tickets/trouble-tickets.service.ts';
import type { ServiceType } from '../../src/generated/prisma/client.ts';

/** The trouble ticket (assurance) services dialogs may call; src/bot/services/tickets.ts binds them to the database. */
export interface TicketServices {
  openTroubleTicket(request: OpenTroubleTicketRequest): Promise<{ ticket: TicketView; created: boolean }>;
  /** The customer's own ticket with this number (null if none) and their recent tickets, in one look-up. */
  lookUpCustomerTicket(customerId: string, number: number): Promise<{ ticket: TicketView | null; recent: TicketView[] }>;
  listRecentTickets(customerId: string): Promise<TicketView[]>;
  /** The active outage of this service type in the customer's area, if any. */
  findActiveOutage(customerId: string, serviceType: ServiceType): Promise<OutageView | null>;
  /** Records the customer as affected by the outage; their existing linked ticket if they have one. */
  linkCustomerToOutage(request: LinkToOutageRequest): Promise<{ ticket: TicketView; created: boolean }>;
}
