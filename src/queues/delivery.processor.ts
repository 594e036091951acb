import { DelayedError, type Job } from 'bullmq';
import type { Sql } from '../db/sql.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { PermanentDeliveryError, type ChannelName, type OutboundSender } from '../channels/channel.ts';
import { listPendingOutbound, recordDeliveryFailure, type OutboundForDelivery, type ProviderAcceptance } from '../domain/interactions/outbound.ts';
import type { RecordedTurn } from '../domain/interactions/turns.ts';
import { CONSENT_REPLY_REASONS } from '../gateway/turns.ts';
import type { Logger } from '../lib/logger.ts';
import type { Metrics } from '../lib/metrics.ts';
import type { ConversationLock } from './conversation-lock.ts';

export const DELIVERY_QUEUE = 'deliveries';

export interface DeliveryJobData {
  conversationId: string;
  correlationId: string;
}

/** Named for the first reply it carries, so a re-enqueue of the same replies is a no-op. */
export function deliveryJobId(firstReplyId: string): string {
  return `deliver-${firstReplyId}`;
}

export interface DeliveryProcessorDeps {
  prisma: PrismaClient;
  sql: Sql;
  senders: Partial<Record<ChannelName, OutboundSender>>;
  /** Records the provider's id and status for a message it accepted (createAcceptanceWriter). */
  recordAcceptance: (acceptance: ProviderAcceptance) => Promise<void>;
  /**
   * The conversation's lock, the one its turns take: a turn hands its replies to the channel
   * itself, so a delivery job must not run beside it (replies leave in the order stored, once).
   */
  lock: ConversationLock;
  logger: Logger;
  metrics: Metrics;
}

/** What sending needs; the caller holds the conversation's lock. */
type SendDeps = Omit<DeliveryProcessorDeps, 'lock'>;

const LOCK_RETRY_MS = 20;

/**
 * Hands a conversation's pending replies to the channel, oldest first. A transient failure stops
 * the batch (order is kept) and the job retries with backoff; a permanent one fails that message
 * and moves on. A message already handed over is never sent again.
 */
export function createDeliveryProcessor(deps: DeliveryProcessorDeps) {
  return async function processDelivery(job: Job<DeliveryJobData>, token?: string): Promise<{ delivered: number }> {
    const { conversationId } = job.data;
    const lockToken = await deps.lock.acquire(conversationId);
    if (!lockToken) {
      await job.moveToDelayed(Date.now() + LOCK_RETRY_MS + Math.floor(Math.random() * LOCK_RETRY_MS), token);
      throw new DelayedError();
    }
    try {
      const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      return { delivered: await deliverPending(deps, conversationId, finalAttempt) };
    } finally {
      await deps.lock.release(conversationId, lockToken);
    }
  };
}

/** How an immediate delivery went: done, or failed (the delivery queue makes the remaining attempts). */
export type ImmediateDeliveryResult = { kind: 'delivered' } | { kind: 'failed'; finalAttempt: boolean };

/**
 * Delivers a turn's replies right away, as the first attempt of a delivery job would, under the
 * conversation lock the turn job holds: the replies come from the turn's own write (no read
 * back, no job, no queue hop), after any of the conversation's messages that were already
 * waiting. After a transient failure the caller enqueues the delivery job for the remaining
 * attempts.
 */
export function createImmediateDelivery(deps: SendDeps & { attempts: number }) {
  return async function deliverNow(conversationId: string, recorded: RecordedTurn): Promise<ImmediateDeliveryResult> {
    const finalAttempt = deps.attempts <= 1;
    try {
      if (recorded.earlierPending) await deliverPending(deps, conversationId, finalAttempt);
      else for (const message of recorded.replies) await deliverOne(deps, message, finalAttempt);
      return { kind: 'delivered' };
    } catch {
      // deliverOne has logged and recorded the failure.
      return { kind: 'failed', finalAttempt };
    }
  };
}

/** Delivers the pending replies in stored order; the caller holds the conversation's delivery lock. */
async function deliverPending(deps: SendDeps, conversationId: string, finalAttempt: boolean): Promise<number> {
  let delivered = 0;
  for (const message of await listPendingOutbound(deps.sql, conversationId)) {
    if (await deliverOne(deps, message, finalAttempt)) delivered++;
  }
  return delivered;
}

async function deliverOne(deps: SendDeps, message: OutboundForDelivery, finalAttempt: boolean): Promise<boolean> {
  const log = deps.logger.child({ correlationId: message.correlationId, interactionId: message.id });
  const sender = deps.senders[message.channel];
  if (!sender) {
    await recordDeliveryFailure(deps.prisma, message.id, 'no_sender', true);
    log.error({ channel: message.channel }, 'no sender for channel');
    return false;
  }
  const consentReply = message.reason !== null && CONSENT_REPLY_REASONS.has(message.reason);
  if (message.channel === 'sms' && !consentReply && message.recipientOptedOut) {
    await recordDeliveryFailure(deps.prisma, message.id, 'opted_out', true);
    deps.metrics.deliveryFailures.inc({ channel: message.channel, kind: 'opted_out' });
    log.info('not delivered: the number opted out');
    return false;
  }
  try {
    const result = await sender.deliver({ interactionId: message.id, from: message.fromAddress, to: message.toAddress, text: message.text, suggestedActions: message.suggestedActions });
    await deps.recordAcceptance({ interactionId: message.id, providerMessageId: result.providerMessageId, status: result.status });
    deps.metrics.messagesOut.inc({ channel: message.channel });
    log.info({ providerMessageId: result.providerMessageId }, 'handed to provider');
    return true;
  } catch (error) {
    if (error instanceof PermanentDeliveryError) {
      await recordDeliveryFailure(deps.prisma, message.id, error.code, true);
      deps.metrics.deliveryFailures.inc({ channel: message.channel, kind: 'permanent' });
      log.warn({ code: error.code }, 'provider refused the message for good');
      return false;
    }
    await recordDeliveryFailure(deps.prisma, message.id, 'transient', finalAttempt);
    deps.metrics.deliveryFailures.inc({ channel: message.channel, kind: 'transient' });
    log.warn({ err: error, finalAttempt }, 'delivery failed; retrying with backoff unless this was the last attempt');
    throw error;
  }
}
