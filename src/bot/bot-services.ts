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
import type { Sql } from '../db/sql.ts';
import type { DbClient } from '../lib/db-types.ts';
import type { Logger } from '../lib/logger.ts';
import type { AssuranceDeps } from '../domain/tickets/assurance-deps.ts';
import { replyToResolutionQuestion } from '../domain/tickets/ticket-lifecycle.ts';
import { latestCustomerUpdate } from '../domain/timeline/timeline.service.ts';
import type { TrackingJobs } from '../domain/timeline/tracking-jobs.ts';

/** What the bot asks of request tracking (src/queues/tracking.ts). */
export interface BotTracking {
  jobs: Pick<TrackingJobs, 'startOrder' | 'startTicket' | 'applyAdjustment'>;
  assurance: AssuranceDeps;
}

/**
 * The domain services dialogs use, bound to a database (`sql`: the same one, for the few
 * statements on a message's hot path), to the outbox that texts customers
 * (one-time codes) and to tracking: what a dialog creates is handed to its tracking job at once
 * (the periodic sweep is the safety net if Redis refuses it).
 */
export function createBotServices(db: DbClient, sql: Sql, settings: BotSettings, outbox: NotificationOutbox, tracking: BotTracking, logger: Logger): BotServices {
  const start = (what: string, id: string, run: (id: string) => Promise<void>) =>
    run(id).catch((error: unknown) => logger.warn({ err: error, [what]: id }, 'tracking job not queued; the sweep will start it'));
  const orders = createOrderServices(db, settings);
  const billing = createBillingServices(db, settings);
  const tickets = createTicketServices(db, sql, settings);
  const retention = createRetentionServices(db, settings);
  return {
    ...orders,
    async placeProductOrder(request) {
      const outcome = await orders.placeProductOrder(request);
      if (outcome.status === 'created' || outcome.status === 'existing') await start('orderId', outcome.order.id, (id) => tracking.jobs.startOrder(id));
      return outcome;
    },
    ...billing,
    async requestBillAdjustment(request) {
      const outcome = await billing.requestBillAdjustment(request);
      if (outcome.kind === 'recorded' && outcome.adjustment.status === 'approved') {
        await start('adjustmentId', outcome.adjustment.id, (id) => tracking.jobs.applyAdjustment(id));
      }
      return outcome;
    },
    ...createProfileServices(db, settings),
    ...createIdentityServices(db, settings, outbox),
    ...tickets,
    async openTroubleTicket(request) {
      const result = await tickets.openTroubleTicket(request);
      await start('ticketId', result.ticket.id, (id) => tracking.jobs.startTicket(id));
      return result;
    },
    ...retention,
    async acceptRetentionOffer(request) {
      const outcome = await retention.acceptRetentionOffer(request);
      if (outcome.status === 'accepted' && outcome.order) await start('orderId', outcome.order.id, (id) => tracking.jobs.startOrder(id));
      return outcome;
    },
    latestUpdate: (subject, id) => latestCustomerUpdate(db, subject, id),
    async answerResolutionQuestion(customerId, answer) {
      const answered = await replyToResolutionQuestion(tracking.assurance, customerId, answer);
      return answered?.reply ?? null;
    },
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
