import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * A Lua script run by its SHA1 (EVALSHA), sent whole only when the server does not know it yet
 * (NOSCRIPT: a restarted or flushed Redis). EVAL would send and hash the whole source on every
 * call, and conversation locks run two scripts per message.
 */
export function redisScript(source: string): (redis: Redis, keys: string[], args: Array<string | number>) => Promise<unknown> {
  const sha = createHash('sha1').update(source).digest('hex');
  return async (redis, keys, args) => {
    try {
      return await redis.evalsha(sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return redis.eval(source, keys.length, ...keys, ...args);
    }
  };
}
