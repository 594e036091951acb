import type { BotServices, BotSettings } from '../../dialogs/services.ts';
import { recordAuditEvent } from '../domain/audit/audit.service.ts';
import { recordOptOut } from '../domain/contact-policy/consent.service.ts';
import { currentChurnRisk } from '../domain/churn/churn.service.ts';
import { findChargeDispute, findCustomerAdjustment, requestBillAdjustment } from '../domain/billing/adjustments.service.ts';
import { findCustomerBill, findCustomerBillForPeriod, findLatestBill, findPreviousBill, getBalance, listRecentBills } from '../domain/billing/bills.service.ts';
import { findOffering, listActiveOfferings, lookUpOfferings } from '../domain/catalog/catalog.service.ts';
import { recommendOffers } from '../domain/catalog/recommendations.ts';
import { rankSuggestions, upgradesThenRanked } from '../domain/catalog/offer-ranking.ts';
import { cachedAssociationTable } from '../domain/recommendations/recommendation.service.ts';
import { DEFAULT_ATTRIBUTION_DAYS, findCampaignOffer } from '../domain/campaigns/campaigns.service.ts';
import { listActiveServices } from '../domain/customers/customers.service.ts';
import { checkVerificationCode, isVerifiedInConversation, issueVerificationCode, signInConversation } from '../domain/identity/verification.service.ts';
import type { NotificationOutbox } from '../domain/notifications/notifications.service.ts';
import { loadCustomerHoldings } from '../domain/orders/customer-holdings.ts';
import { checkOrderEligibility, findCustomerOrder, listRecentOrders, placeProductOrder } from '../domain/orders/product-orders.service.ts';
import { getCustomerProfile, updateCustomerProfile } from '../domain/profile/profile.service.ts';
import {
  acceptRetentionOffer,
  declineRetentionOffer,
  findOpenCancellation,
  findRetentionOffer,
  recordChurnSignal,
  requestServiceCancellation,
} from '../domain/retention/retention.service.ts';
import type { AssuranceDeps } from '../domain/tickets/assurance-deps.ts';
import { findActiveOutageFor, linkCustomerToOutage } from '../domain/tickets/outages.ts';
import { replyToResolutionQuestion } from '../domain/tickets/ticket-lifecycle.ts';
import { listRecentTickets, lookUpCustomerTicket, openTroubleTicket } from '../domain/tickets/trouble-tickets.service.ts';
import { latestCustomerUpdate } from '../domain/timeline/timeline.service.ts';
import type { TrackingJobs } from '../domain/timeline/tracking-jobs.ts';
import type { Sql } from '../db/sql.ts';
import type { DbClient } from '../lib/db-types.ts';
import type { Logger } from '../lib/logger.ts';
import type { AgentDesk } from '../domain/agents/agent-desk.ts';

/** What the bot asks of request tracking (the queue registry starts the jobs; src/app/tracked-work.ts builds the assurance steps). */
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
export function createBotServices(
  db: DbClient,
  sql: Sql,
  settings: BotSettings,
  outbox: NotificationOutbox,
  tracking: BotTracking,
  logger: Logger,
  agents: Pick<AgentDesk, 'handOff'>,
): BotServices {
  const start = (what: string, id: string, run: (id: string) => Promise<void>) =>
    run(id).catch((error: unknown) => logger.warn({ err: error, [what]: id }, 'tracking job not queued; the sweep will start it'));
  const codes = { settings: settings.verification, outbox, operatorName: settings.operatorName };
  // What customers hold together, recounted every few minutes (not per question).
  const associations = cachedAssociationTable(db);
  return {
    // Catalog and orders
    listOfferings: () => listActiveOfferings(db),
    findOffering: (code) => findOffering(db, code),
    lookUpOfferings: (text, serviceType) => lookUpOfferings(db, text, serviceType),
    checkOrderEligibility: (customerId, offeringCode, intent, now) => checkOrderEligibility(db, customerId, offeringCode, intent, now),
    recommendOffers: async (customerId, options, now) => {
      const [catalog, holdings] = await Promise.all([listActiveOfferings(db), customerId ? loadCustomerHoldings(db, customerId, now) : null]);
      if (!holdings || options.serviceType) return recommendOffers(catalog, holdings, options);
      // Upgrades first, then add-ons and new services by what customers with similar holdings took (and margin).
      const wide = recommendOffers(catalog, holdings, { ...options, limit: 50 });
      const held = holdings.products.map((product) => product.offeringCode);
      return upgradesThenRanked(rankSuggestions(wide, catalog, held, await associations.get(now)), options.limit ?? 3);
    },
    findCampaignOffer: (customerId, now) => findCampaignOffer(db, customerId, now, settings.campaignAttributionDays ?? DEFAULT_ATTRIBUTION_DAYS),
    placeProductOrder: async (request) => {
      const outcome = await placeProductOrder(db, request);
      if (outcome.status === 'created' || outcome.status === 'existing') await start('orderId', outcome.order.id, (id) => tracking.jobs.startOrder(id));
      return outcome;
    },
    findCustomerOrder: (customerId, number) => findCustomerOrder(db, customerId, number),
    listRecentOrders: (customerId) => listRecentOrders(db, customerId),

    // Billing and adjustments
    getBalance: (customerId, now) => getBalance(db, customerId, now),
    findLatestBill: (customerId) => findLatestBill(db, customerId),
    findCustomerBill: (customerId, number) => findCustomerBill(db, customerId, number),
    findCustomerBillForPeriod: (customerId, from, to) => findCustomerBillForPeriod(db, customerId, from, to),
    findPreviousBill: (bill) => findPreviousBill(db, bill),
    listRecentBills: (customerId) => listRecentBills(db, customerId),
    requestBillAdjustment: async (request) => {
      const outcome = await requestBillAdjustment(db, request, settings.adjustments);
      if (outcome.kind === 'recorded' && outcome.adjustment.status === 'approved') {
        await start('adjustmentId', outcome.adjustment.id, (id) => tracking.jobs.applyAdjustment(id));
      }
      return outcome;
    },
    findChargeDispute: (customerId, chargeId) => findChargeDispute(db, customerId, chargeId),
    findCustomerAdjustment: (customerId, number) => findCustomerAdjustment(db, customerId, number),

    // Trouble tickets and outages
    openTroubleTicket: async (request) => {
      const result = await openTroubleTicket(db, request);
      await start('ticketId', result.ticket.id, (id) => tracking.jobs.startTicket(id));
      return result;
    },
    lookUpCustomerTicket: (customerId, number) => lookUpCustomerTicket(sql, customerId, number),
    listRecentTickets: (customerId) => listRecentTickets(sql, customerId),
    findActiveOutage: (customerId, serviceType) => findActiveOutageFor(db, customerId, serviceType),
    linkCustomerToOutage: (request) => linkCustomerToOutage(db, request),

    // Retention and cancellation
    findRetentionOffer: (customerId, productId, now) => findRetentionOffer(db, customerId, productId, now),
    recordChurnSignal: (request) => recordChurnSignal(db, request),
    declineRetentionOffer: (signalId) => declineRetentionOffer(db, signalId),
    acceptRetentionOffer: async (request) => {
      const outcome = await acceptRetentionOffer(db, request);
      if (outcome.status === 'accepted' && outcome.order) await start('orderId', outcome.order.id, (id) => tracking.jobs.startOrder(id));
      return outcome;
    },
    findOpenCancellation: (customerId, productId) => findOpenCancellation(db, customerId, productId),
    requestServiceCancellation: (request) => requestServiceCancellation(db, request),

    // Profile
    getProfile: (customerId) => getCustomerProfile(db, customerId),
    updateProfile: (request) => updateCustomerProfile(db, request),

    // Identity (one-time codes)
    isVerified: (request) => isVerifiedInConversation(db, settings.verification, request),
    sendVerificationCode: ({ target, ...request }) => issueVerificationCode(db, codes, target, request),
    checkVerificationCode: (request) => checkVerificationCode(db, codes, request),
    signInConversation: (request) => signInConversation(db, settings.verification, request),

    // Customers and handoff
    listActiveServices: (customerId) => listActiveServices(db, customerId),
    requestHandoff: async (request) => {
      await recordAuditEvent(db, {
        actorType: request.customerId ? 'customer' : 'system',
        actorId: request.customerId ?? undefined,
        action: 'conversation.agentRequested',
        entityType: 'interaction',
        entityId: request.inboundId,
        details: { reason: request.reason, intent: request.intent },
        correlationId: request.correlationId,
      });
      return agents.handOff({
        conversationId: request.conversationId,
        reason: request.reason,
        intent: request.intent,
        collected: request.collected,
        suggestedNextStep: request.suggestedNextStep,
        relatedInteractionId: request.inboundId,
        correlationId: request.correlationId,
      });
    },

    findChurnRisk: (customerId) => currentChurnRisk(db, customerId),
    recordComplaint: (request) =>
      recordAuditEvent(db, {
        actorType: request.customerId ? 'customer' : 'system',
        actorId: request.customerId ?? undefined,
        action: 'customer.complaint',
        entityType: 'interaction',
        entityId: request.inboundId,
        details: { conversationId: request.conversationId, channel: request.channel, churnBand: request.churnBand, text: request.text.slice(0, 500) },
        correlationId: request.correlationId,
      }),

    revokeTextConsent: ({ customerId, address, channel, words, correlationId }) =>
      recordOptOut(db, { channel, address, customerId, source: `bot-revocation:${words.trim().slice(0, 80)}`, correlationId }),

    // Request tracking
    answerResolutionQuestion: async (customerId, answer) => {
      const answered = await replyToResolutionQuestion(tracking.assurance, customerId, answer);
      return answered?.reply ?? null;
    },
    latestUpdate: (subject, id) => latestCustomerUpdate(db, subject, id),
  } satisfies BotServices;
}
