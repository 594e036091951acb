import { DelayedError, type Job } from 'bullmq';
import { handlePendingTurns, type TurnDeps } from '../gateway/turns.ts';
import type { ConversationLock } from './conversation-lock.ts';

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
  /** Hands the conversation's new replies to the delivery queue (the relay covers failures). */
  enqueueDelivery: (conversationId: string, replyIds: string[], correlationId: string) => Promise<void>;
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
    if (replyIds.length > 0) {
      await deps.enqueueDelivery(conversationId, replyIds, correlationId).catch((error: unknown) => {
        deps.turns.logger.warn({ err: error, correlationId }, 'delivery not enqueued; the outbox relay will retry');
      });
    }
    return { replies: replyIds.length };
  };
}
