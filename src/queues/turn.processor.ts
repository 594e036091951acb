import { DelayedError, type Job } from 'bullmq';
import { handlePendingTurns, type TurnDeps } from '../gateway/turns.ts';
import type { RecordedTurn } from '../domain/interactions/turns.ts';
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
  /** The conversation's lock, shared with delivery jobs: the turn delivers its replies under it. */
  lock: ConversationLock;
  /** Delivers a turn's stored replies right away (the first delivery attempt). */
  deliverNow: (conversationId: string, recorded: RecordedTurn) => Promise<ImmediateDeliveryResult>;
  /**
   * Hands the conversation's pending replies to the delivery queue (the relay covers failures);
   * `attemptsUsed` counts the immediate delivery's failed attempt.
   */
  enqueueDelivery: (conversationId: string, replyIds: string[], correlationId: string, attemptsUsed: number) => Promise<void>;
}

/** How long a job waits before trying a conversation whose lock is held, in ms. */
const LOCK_RETRY_MS = 15;

/**
 * Takes the conversation's lock (or steps aside as a delayed job), handles all of its unhandled
 * messages in order and delivers each turn's replies before the next turn; a job whose message
 * another job already handled just completes.
 */
export function createTurnProcessor(deps: TurnProcessorDeps) {
  return async function processTurn(job: Job<TurnJobData>, token?: string): Promise<{ replies: number }> {
    const { conversationId, correlationId } = job.data;
    const lockToken = await deps.lock.acquire(conversationId);
    if (!lockToken) {
      await job.moveToDelayed(Date.now() + LOCK_RETRY_MS + Math.floor(Math.random() * LOCK_RETRY_MS), token);
      throw new DelayedError();
    }
    let lockedAt = Date.now();
    /** Keeps the lock through a long batch (slow turns), so no delivery job runs beside this one. */
    const stillLocked = async () => {
      if (Date.now() - lockedAt < deps.lock.refreshAfterMs) return true;
      lockedAt = Date.now();
      if (await deps.lock.extend(conversationId, lockToken).catch(() => false)) return true;
      deps.turns.logger.warn({ correlationId }, 'conversation lock lost during a long batch; leaving delivery to the queue');
      return false;
    };
    // Once replies are left to the delivery job, later ones wait for it too, which keeps their order.
    let leftToQueue = false;
    const deliver = async (recorded: RecordedTurn) => {
      if (leftToQueue) return;
      let attemptsUsed = 0;
      if (await stillLocked()) {
        const result = await deps.deliverNow(conversationId, recorded);
        if (result.kind === 'delivered' || result.finalAttempt) return;
        attemptsUsed = 1;
      }
      leftToQueue = true;
      await deps.enqueueDelivery(conversationId, recorded.replies.map((reply) => reply.id), correlationId, attemptsUsed).catch((error: unknown) => {
        deps.turns.logger.warn({ err: error, correlationId }, 'delivery not enqueued; the outbox relay will retry');
      });
    };
    try {
      return { replies: await handlePendingTurns(deps.turns, conversationId, deliver) };
    } finally {
      await deps.lock.release(conversationId, lockToken);
    }
  };
}
