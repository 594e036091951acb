import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

const RELEASE_IF_OWNER = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const EXTEND_IF_OWNER = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

/**
 * A short-lived Redis lock per conversation, so one turn runs at a time for it. The TTL only
 * guards against a crashed holder; the bot state's optimistic version check catches the rest.
 */
export class ConversationLock {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlMs = 30_000,
  ) {}

  /** The lock's token when taken, undefined when another turn holds it. */
  async acquire(conversationId: string): Promise<string | undefined> {
    const token = randomUUID();
    const taken = await this.redis.set(this.key(conversationId), token, 'PX', this.ttlMs, 'NX');
    return taken === 'OK' ? token : undefined;
  }

  /** Restarts the TTL of a lock still held with `token`; false when it was lost (expired and taken). */
  async extend(conversationId: string, token: string): Promise<boolean> {
    const extended = await this.redis.eval(EXTEND_IF_OWNER, 1, this.key(conversationId), token, String(this.ttlMs));
    return extended === 1;
  }

  /** A third of the TTL: a holder that has had the lock this long extends it before more work. */
  get refreshAfterMs(): number {
    return Math.floor(this.ttlMs / 3);
  }

  async release(conversationId: string, token: string): Promise<void> {
    await this.redis.eval(RELEASE_IF_OWNER, 1, this.key(conversationId), token);
  }

  private key(conversationId: string): string {
    return `${this.prefix}:conversation-lock:${conversationId}`;
  }
}
