import { DelayedError } from 'bullmq';
import type { TurnRunner } from '../gateway/turn-runner.ts';
import type { QueueProcessor } from './registry.ts';

/** How long a job waits before trying a conversation whose lock is held, in ms (plus jitter). */
const LOCK_RETRY_MS = 15;

/**
 * The turns queue: runs the conversation's unhandled messages through the turn runner, or, when
 * another turn holds the conversation, steps aside as a delayed job; a job whose message another
 * job already handled just completes.
 */
export function createTurnProcessor(runner: TurnRunner): QueueProcessor<'turns'> {
  return async function processTurn({ data }, { job, token }) {
    const result = await runner.runQueuedTurns(data);
    if (result.kind === 'ran') return { replies: result.replies };
    await job.moveToDelayed(Date.now() + LOCK_RETRY_MS + Math.floor(Math.random() * LOCK_RETRY_MS), token);
    throw new DelayedError();
  };
}
