import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { redisScript } from '../lib/redis-script.ts';

const releaseIfOwner = redisScript(`if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`);
const extendIfOwner = redisScript(`if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`);

/** Default lease: short, so a crashed holder's conversations move again within seconds. */
export const DEFAULT_LEASE_MS = 5_000;

/** A lock being held: renewed in the background until released; `lost` once a renewal failed. */
export interface HeldLock {
  readonly token: string;
  /** True once the lease could not be renewed (it may have expired and been taken by another holder). */
  readonly lost: boolean;
  /** Stops renewing and releases the lock if still ours. */
  release(): Promise<void>;
}

/**
 * A leased Redis lock per conversation, so one turn (or delivery) runs at a time for it. The
 * holder renews its lease every ~30 % of it while it works (a slow provider, a long batch), so the
 * lease only decides how soon a dead holder's conversation moves again: a crash costs at most one
 * lease, not a long fixed TTL. The bot state's optimistic version check catches the rest.
 */
export class ConversationLock {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly leaseMs = DEFAULT_LEASE_MS,
  ) {}

  /** The lock's token when taken, undefined when another holder has it. */
  async acquire(conversationId: string): Promise<string | undefined> {
    const token = randomUUID();
    const taken = await this.redis.set(this.key(conversationId), token, 'PX', this.leaseMs, 'NX');
    return taken === 'OK' ? token : undefined;
  }

  /** Takes the lock and keeps renewing its lease until released; undefined when another holder has it. */
  async hold(conversationId: string): Promise<HeldLock | undefined> {
    const token = await this.acquire(conversationId);
    return token === undefined ? undefined : this.keep(conversationId, token);
  }

  /** Keeps renewing a lock taken with `token` until its release. */
  keep(conversationId: string, token: string): HeldLock {
    let lost = false;
    let renewing: Promise<void> = Promise.resolve();
    const timer = setInterval(() => {
      renewing = this.extend(conversationId, token).then(
        (extended) => {
          if (!extended) lost = true;
        },
        () => {
          // Redis unreachable: the lease may run out before the next try reaches it.
          lost = true;
        },
      );
    }, this.renewEveryMs);
    timer.unref();
    return {
      token,
      get lost() {
        return lost;
      },
      release: async () => {
        clearInterval(timer);
        await renewing;
        await this.release(conversationId, token);
      },
    };
  }

  /** Restarts the lease of a lock still held with `token`; false when it was lost (expired and taken). */
  async extend(conversationId: string, token: string): Promise<boolean> {
    const extended = await extendIfOwner(this.redis, [this.key(conversationId)], [token, this.leaseMs]);
    return extended === 1;
  }

  /** How often a holder renews: 30 % of the lease, so two renewals can fail before it runs out. */
  get renewEveryMs(): number {
    return Math.max(10, Math.floor(this.leaseMs * 0.3));
  }

  async release(conversationId: string, token: string): Promise<void> {
    await releaseIfOwner(this.redis, [this.key(conversationId)], [token]);
  }

  private key(conversationId: string): string {
    return `${this.prefix}:conversation-lock:${conversationId}`;
  }
}
