import { DelayedError, type Job } from 'bullmq';
import type { Sql } from '../db/sql.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { PermanentDeliveryError, type ChannelName, type OutboundSender } from '../channels/channel.ts';
import {
  listPendingOutbound,
  recordDeliveryFailure,
  recordProviderAcceptance,
  type OutboundForDelivery,
} from '../domain/interactions/interactions.service.ts';
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
  /** A lock per conversation, separate from the turn lock, so replies leave in the order stored. */
  lock: ConversationLock;
  logger: Logger;
  metrics: Metrics;
}

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

/** How an immediate delivery went: done, or left to the delivery queue (and why). */
export type ImmediateDeliveryResult = { kind: 'delivered' } | { kind: 'busy' } | { kind: 'failed'; finalAttempt: boolean };

/**
 * Delivers a conversation's pending replies right away, as the first attempt of a delivery job
 * would (the turn worker calls it after a turn commits, saving a job and a queue hop). When another
 * delivery holds the conversation, or a delivery fails transiently, the caller enqueues the
 * delivery job for the remaining attempts.
 */
export function createImmediateDelivery(deps: DeliveryProcessorDeps & { attempts: number }) {
  return async function deliverNow(conversationId: string): Promise<ImmediateDeliveryResult> {
    const lockToken = await deps.lock.acquire(conversationId);
    if (!lockToken) return { kind: 'busy' };
    const finalAttempt = deps.attempts <= 1;
    try {
      await deliverPending(deps, conversationId, finalAttempt);
      return { kind: 'delivered' };
    } catch {
      // deliverOne has logged and recorded the failure.
      return { kind: 'failed', finalAttempt };
    } finally {
      await deps.lock.release(conversationId, lockToken);
    }
  };
}

/** Delivers the pending replies in stored order; the caller holds the conversation's delivery lock. */
async function deliverPending(deps: DeliveryProcessorDeps, conversationId: string, finalAttempt: boolean): Promise<number> {
  let delivered = 0;
  for (const message of await listPendingOutbound(deps.sql, conversationId)) {
    if (await deliverOne(deps, message, finalAttempt)) delivered++;
  }
  return delivered;
}

async function deliverOne(deps: DeliveryProcessorDeps, message: OutboundForDelivery, finalAttempt: boolean): Promise<boolean> {
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
    await recordProviderAcceptance(deps.sql, message.id, result.providerMessageId, result.status);
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
