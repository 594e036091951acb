import { Redis, type RedisOptions } from 'ioredis';

/**
 * Workers block on Redis and must wait through outages (maxRetriesPerRequest null); producers
 * must fail fast instead (no offline queue), so a webhook never hangs while Redis is down.
 */
export function createRedis(url: string, purpose: 'worker' | 'producer'): Redis {
  const options: RedisOptions =
    purpose === 'worker'
      ? { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: true }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000, lazyConnect: true };
  const redis = new Redis(url, { ...options, retryStrategy: (times) => Math.min(times * 200, 2000) });
  // Connection errors surface through the calls that fail; without a listener ioredis would crash the process.
  redis.on('error', () => undefined);
  return redis;
}

/** Checks Redis answers, and that it will not evict queue keys. */
export async function checkRedis(redis: Redis): Promise<{ evictionPolicy: string }> {
  await redis.ping();
  const reply = await redis.config('GET', 'maxmemory-policy');
  const policy = Array.isArray(reply) && typeof reply[1] === 'string' ? reply[1] : 'unknown';
  return { evictionPolicy: policy };
}
