import { z } from 'zod';

/** The conversation-turn and delivery queues, and the outbox relay that refills them. */
export const queuesVariables = z.object({
  /** Conversation turns run at once per process (different conversations). Default 16. */
  TURN_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(16),
  /** Outbound messages delivered at once per process. Default 16. */
  DELIVERY_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(16),
  /** Delivery attempts before a message is marked failed. Default 6. */
  DELIVERY_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(6),
  /** First retry delay in ms; doubles each attempt. Default 1000. */
  DELIVERY_BACKOFF_MS: z.coerce.number().int().min(1).default(1000),
  /** How often the outbox relay looks for stored work with no job (Redis was down). Default 2000 ms. */
  OUTBOX_INTERVAL_MS: z.coerce.number().int().min(50).default(2000),
});

export function queuesSettings(env: z.output<typeof queuesVariables>) {
  return {
    turns: { concurrency: env.TURN_CONCURRENCY },
    delivery: { concurrency: env.DELIVERY_CONCURRENCY, attempts: env.DELIVERY_ATTEMPTS, backoffMs: env.DELIVERY_BACKOFF_MS },
    outbox: { intervalMs: env.OUTBOX_INTERVAL_MS },
  };
}
