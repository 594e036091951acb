import type { Sql } from '../db/sql.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { CHANNEL_CAPABILITIES, PermanentDeliveryError, type ChannelName, type DeliveryResult, type OutboundSender } from '../channels/channel.ts';
import { listPendingOutbound, providerIdsTakenByOthers, recordDeliveryFailure, type OutboundForDelivery, type ProviderAcceptance } from '../domain/interactions/outbound.ts';
import type { RecordedTurn } from '../domain/interactions/turns.ts';
import type { Logger } from '../lib/logger.ts';
import type { Metrics } from '../lib/metrics.ts';
import { CONSENT_REPLY_REASONS } from './sms-keywords.ts';

// Handing stored replies to their channel's sender, oldest first, recording what became of each.
// The caller holds the conversation's lock (a turn, or a delivery job), so replies leave in the
// order stored and once.

export interface ReplyDeliveryDeps {
  prisma: PrismaClient;
  sql: Sql;
  senders: Partial<Record<ChannelName, OutboundSender>>;
  /** Records the provider's id and status for a message it accepted (createAcceptanceWriter). */
  recordAcceptance: (acceptance: ProviderAcceptance) => Promise<void>;
  /** Records, durably and before the provider is called, that a send begins (createSendStartWriter). */
  recordSendStarted: (interactionId: string) => Promise<Date>;
  logger: Logger;
  metrics: Metrics;
}

/** What became of a conversation's pending replies: handed over, or refused for good (recorded failed). */
export interface DeliveredReplies {
  delivered: number;
  refused: number;
}

/**
 * Delivers the conversation's pending replies in stored order. A transient failure is thrown
 * (after recording it) and stops the batch, which keeps the order; a permanent one is recorded
 * and the batch moves on.
 */
export async function deliverPendingReplies(deps: ReplyDeliveryDeps, conversationId: string, finalAttempt: boolean): Promise<DeliveredReplies> {
  const result: DeliveredReplies = { delivered: 0, refused: 0 };
  for (const message of await listPendingOutbound(deps.sql, conversationId)) {
    if ((await deliverReply(deps, conversationId, message, finalAttempt)) === 'delivered') result.delivered++;
    else result.refused++;
  }
  return result;
}

/** How an immediate delivery went: done, or failed (the delivery queue makes the remaining attempts). */
export type ImmediateDeliveryResult = { kind: 'delivered' } | { kind: 'failed'; finalAttempt: boolean };

/**
 * Delivers a turn's replies right away, as the first attempt of a delivery job would, under the
 * conversation lock the turn holds: the replies come from the turn's own write (no read back, no
 * job, no queue hop), after any of the conversation's messages that were already waiting. After a
 * transient failure the caller enqueues the delivery job for the remaining attempts.
 */
export function createImmediateDelivery(deps: ReplyDeliveryDeps & { attempts: number }) {
  return async function deliverNow(conversationId: string, recorded: RecordedTurn): Promise<ImmediateDeliveryResult> {
    const finalAttempt = deps.attempts <= 1;
    try {
      if (recorded.earlierPending) await deliverPendingReplies(deps, conversationId, finalAttempt);
      else for (const message of recorded.replies) await deliverReply(deps, conversationId, message, finalAttempt);
      return { kind: 'delivered' };
    } catch {
      // deliverReply has logged and recorded the failure.
      return { kind: 'failed', finalAttempt };
    }
  };
}

async function deliverReply(deps: ReplyDeliveryDeps, conversationId: string, message: OutboundForDelivery, finalAttempt: boolean): Promise<'delivered' | 'refused'> {
  const log = deps.logger.child({ correlationId: message.correlationId, interactionId: message.id });
  const sender = deps.senders[message.channel];
  if (!sender) {
    await recordDeliveryFailure(deps.prisma, message.id, 'no_sender', true);
    log.error({ channel: message.channel }, 'no sender for channel');
    return 'refused';
  }
  const consentReply = message.reason !== null && CONSENT_REPLY_REASONS.has(message.reason);
  if (CHANNEL_CAPABILITIES[message.channel].carrierKeywords && !consentReply && message.recipientOptedOut) {
    await recordDeliveryFailure(deps.prisma, message.id, 'opted_out', true);
    deps.metrics.deliveryFailures.inc({ channel: message.channel, kind: 'opted_out' });
    log.info('not delivered: the number opted out');
    return 'refused';
  }
  const outbound = { interactionId: message.id, conversationId, from: message.fromAddress, to: message.toAddress, text: message.text, suggestedActions: message.suggestedActions };
  try {
    // A send that began before and never came back may have reached the provider: ask it first.
    if (message.sendStartedAt && sender.findEarlierSends) {
      const earlier = await findOurEarlierSend(deps, message, sender.findEarlierSends(outbound, message.sendStartedAt));
      if (earlier) {
        await deps.recordAcceptance({ interactionId: message.id, providerMessageId: earlier.providerMessageId, status: earlier.status });
        deps.metrics.messagesOut.inc({ channel: message.channel });
        log.info({ providerMessageId: earlier.providerMessageId, sendStartedAt: message.sendStartedAt }, 'an earlier send had reached the provider: adopted, not sent again');
        return 'delivered';
      }
      log.info({ sendStartedAt: message.sendStartedAt }, 'an earlier send never reached the provider: sending');
    }
    // Only a channel that can look a send up needs to know one began (web chat's send is idempotent).
    if (sender.findEarlierSends && !message.sendStartRecorded) await deps.recordSendStarted(message.id);
    const result = await sender.deliver(outbound);
    await deps.recordAcceptance({ interactionId: message.id, providerMessageId: result.providerMessageId, status: result.status });
    deps.metrics.messagesOut.inc({ channel: message.channel });
    log.info({ providerMessageId: result.providerMessageId }, 'handed to provider');
    return 'delivered';
  } catch (error) {
    if (error instanceof PermanentDeliveryError) {
      await recordDeliveryFailure(deps.prisma, message.id, error.code, true);
      deps.metrics.deliveryFailures.inc({ channel: message.channel, kind: 'permanent' });
      log.warn({ code: error.code }, 'provider refused the message for good');
      return 'refused';
    }
    await recordDeliveryFailure(deps.prisma, message.id, 'transient', finalAttempt);
    deps.metrics.deliveryFailures.inc({ channel: message.channel, kind: 'transient' });
    log.warn({ err: error, finalAttempt }, 'delivery failed; retrying with backoff unless this was the last attempt');
    throw error;
  }
}

/** The first of the provider's candidates that is not already another of our messages (the same text sent twice). */
async function findOurEarlierSend(deps: ReplyDeliveryDeps, message: OutboundForDelivery, candidates: Promise<DeliveryResult[]>): Promise<DeliveryResult | undefined> {
  const found = await candidates;
  const taken = await providerIdsTakenByOthers(deps.sql, message.channel, found.map((candidate) => candidate.providerMessageId), message.id);
  return found.find((candidate) => !taken.has(candidate.providerMessageId));
}
