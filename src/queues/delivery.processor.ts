import { DelayedError, UnrecoverableError } from 'bullmq';
import type { ConversationLock } from '../gateway/conversation-lock.ts';
import { deliverPendingReplies, type ReplyDeliveryDeps } from '../gateway/reply-delivery.ts';
import type { QueueProcessor } from './registry.ts';

export interface DeliveryProcessorDeps extends ReplyDeliveryDeps {
  /**
   * The conversation's lock, the one its turns take: a turn hands its replies to the channel
   * itself, so a delivery job must not run beside it (replies leave in the order stored, once).
   */
  lock: ConversationLock;
}

const LOCK_RETRY_MS = 20;

/**
 * The deliveries queue: hands a conversation's pending replies to the channel, oldest first. A
 * transient failure stops the batch (order is kept) and the job retries with backoff; a message
 * refused for good (opted-out or invalid number, no sender) is recorded failed and the batch moves
 * on, then the job fails without retry so the dashboard shows it. A message already handed over
 * is never sent again.
 */
export function createDeliveryProcessor(deps: DeliveryProcessorDeps): QueueProcessor<'deliveries'> {
  return async function processDelivery({ data }, { run, job, token }) {
    const { conversationId } = data;
    // Held with its lease renewed while the provider answers, however slowly.
    const held = await deps.lock.hold(conversationId);
    if (!held) {
      await job.moveToDelayed(Date.now() + LOCK_RETRY_MS + Math.floor(Math.random() * LOCK_RETRY_MS), token);
      throw new DelayedError();
    }
    const result = await deliverPendingReplies(deps, conversationId, run.final).finally(() => held.release());
    if (result.refused > 0) throw new UnrecoverableError(`${result.refused} message(s) refused for good (recorded failed); ${result.delivered} delivered`);
    return { delivered: result.delivered };
  };
}
