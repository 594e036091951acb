import { z } from 'zod';

/** How soon a crashed process's conversations and message jobs move again. */
export const recoveryVariables = z.object({
  /**
   * The conversation lock's lease in ms: its holder renews it every 30 % of it while a turn or a
   * delivery runs (a slow provider included), so it only bounds how long a crashed holder's
   * conversation waits. Default 5000.
   */
  CONVERSATION_LOCK_LEASE_MS: z.coerce.number().int().min(500).max(300_000).default(5000),
  /**
   * BullMQ's lock on an active turn or delivery job, in ms (renewed at half of it by the worker):
   * a crashed process's active turn and delivery jobs run again after this long. Default 10000.
   */
  MESSAGE_JOB_LOCK_MS: z.coerce.number().int().min(2000).max(300_000).default(10_000),
});

export function recoverySettings(env: z.output<typeof recoveryVariables>) {
  return { conversationLockLeaseMs: env.CONVERSATION_LOCK_LEASE_MS, messageJobLockMs: env.MESSAGE_JOB_LOCK_MS };
}
