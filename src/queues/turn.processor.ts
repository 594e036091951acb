import { DelayedError, type Job } from 'bullmq';
import { handlePendingTurns, type TurnDeps } from '../gateway/turns.ts';
import type { ConversationLock } from './conversation-lock.ts';
import type { ImmediateDeliveryResult } from './delivery.processor.ts';

export const TURN_QUEUE = 'turns';

export interface TurnJobData {
  interactionId: string;
  conversationId: string;
  correlationId: string;
}

/** One job per stored inbound message; its id makes a re-enqueue of the same message a no-op. */
export function turnJobId(interactionId: string): string {
  return `turn-${interactionId}`;
}

export interface TurnProcessorDeps {
  turns: TurnDeps;
  lock: ConversationLock;
  /** Delivers the conversation's pending replies right away, when its delivery lock is free. */
  deliverNow: (conversationId: string) => Promise<ImmediateDeliveryResult>;
  /**
   * Hands the conversation's new replies to the delivery queue (the relay covers failures);
   * `attemptsUsed` counts the immediate delivery's failed attempt.
   */
  enqueueDelivery: (conversationId: string, replyIds: string[], correlationId: string, attemptsUsed: number) => Promise<void>;
}

/** How long a job waits before trying a conversation whose lock is held, in ms. */
const LOCK_RETRY_MS = 15;

/**
 * Takes the conversation's lock (or steps aside as a delayed job) and handles all of its
 * unhandled messages in order; a job whose message another job already handled just completes.
 */
export function createTurnProcessor(deps: TurnProcessorDeps) {
  return async function processTurn(job: Job<TurnJobData>, token?: string): Promise<{ replies: number }> {
    const { conversationId, correlationId } = job.data;
    const lockToken = await deps.lock.acquire(conversationId);
    if (!lockToken) {
      await job.moveToDelayed(Date.now() + LOCK_RETRY_MS + Math.floor(Math.random() * LOCK_RETRY_MS), token);
      throw new DelayedError();
    }
    let replyIds: string[];
    try {
      replyIds = await handlePendingTurns(deps.turns, conversationId);
    } finally {
      await deps.lock.release(conversationId, lockToken);
    }
    if (replyIds.length > 0) await deliverReplies(deps, conversationId, replyIds, correlationId);
    return { replies: replyIds.length };
  };
}

/**
 * Delivers the replies in this job when the conversation's delivery lock is free; otherwise, or
 * after a transient failure, leaves them to the delivery queue and its retries.
 */
async function deliverReplies(deps: TurnProcessorDeps, conversationId: string, replyIds: string[], correlationId: string): Promise<void> {
  const result = await deps.deliverNow(conversationId).catch((error: unknown): ImmediateDeliveryResult => {
    deps.turns.logger.warn({ err: error, correlationId }, 'immediate delivery failed; queueing it');
    return { kind: 'busy' };
  });
  if (result.kind === 'delivered' || (result.kind === 'failed' && result.finalAttempt)) return;
  const attemptsUsed = result.kind === 'failed' ? 1 : 0;
  await deps.enqueueDelivery(conversationId, replyIds, correlationId, attemptsUsed).catch((error: unknown) => {
    deps.turns.logger.warn({ err: error, correlationId }, 'delivery not enqueued; the outbox relay will retry');
  });
}
