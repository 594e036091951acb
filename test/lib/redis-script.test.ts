import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisScript } from '../../src/lib/redis-script.ts';
import { PrivateRedis } from '../support/private-redis.ts';

// Its own Redis server: the test flushes the server's script cache.
describe('redisScript', () => {
  let server: PrivateRedis;
  let redis: Redis;
  beforeAll(async () => {
    server = await PrivateRedis.start();
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    await redis.quit();
    await server.stop();
  });

  it('runs by its hash, and sends the source again after the server forgot it', async () => {
    const key = `redis-script-test:${process.pid}:${Date.now()}`;
    const incrementBy = redisScript(`return redis.call('incrby', KEYS[1], ARGV[1])`);
    await redis.script('FLUSH');
    expect(await incrementBy(redis, [key], [2])).toBe(2);
    expect(await incrementBy(redis, [key], [3])).toBe(5);
    await redis.script('FLUSH');
    expect(await incrementBy(redis, [key], [1])).toBe(6);
    await redis.del(key);
  });

  it('passes a script error through', async () => {
    const broken = redisScript(`return redis.call('no-such-command')`);
    await expect(broken(redis, ['k'], [])).rejects.toThrow(/Unknown Redis command|unknown command/i);
  });
});
