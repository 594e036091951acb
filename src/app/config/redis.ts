import { z } from 'zod';

/** The Redis that holds the queues and the conversation locks. */
export const redisVariables = z.object({
  /** Default redis://127.0.0.1:6379. */
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').default('redis://127.0.0.1:6379'),
  /** Prefix for every BullMQ and lock key, so several deployments can share one Redis. Default "tb". */
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+$/).default('tb'),
});

export function redisSettings(env: z.output<typeof redisVariables>) {
  return { url: env.REDIS_URL, prefix: env.REDIS_PREFIX };
}
