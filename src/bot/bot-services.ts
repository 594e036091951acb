import type { BotServices, BotSettings } from '../../dialogs/services.ts';
import { createBillingServices } from './services/billing.ts';
import { createIdentityServices } from './services/identity.ts';
import { createOrderServices } from './services/orders.ts';
import { createProfileServices } from './services/profile.ts';
import { createRetentionServices } from './services/retention.ts';
import { createTicketServices } from './services/tickets.ts';
import { recordAuditEvent } from '../domain/audit/audit.service.ts';
import { listActiveServices } from '../domain/customers/customers.service.ts';
import type { NotificationOutbox } from '../domain/notifications/notifications.service.ts';
import type { DbClient } from '../lib/db-types.ts';

/** The domain services dialogs use, bound to a database and to the outbox that texts customers (one-time codes). */
export function createBotServices(db: DbClient, settings: BotSettings, outbox: NotificationOutbox): BotServices {
  return {
    ...createOrderServices(db, settings),
    ...createBillingServices(db, settings),
    ...createProfileServices(db, settings),
    ...createIdentityServices(db, settings, outbox),
    ...createTicketServices(db, settings),
    ...createRetentionServices(db, settings),
    listActiveServices: (customerId) => listActiveServices(db, customerId),
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
