import type { Redis } from 'ioredis';

// What a caller keyed or read out (a one-time code) never enters the contact log or the logs: the
// channel stores a masked text and keeps the real one here, briefly, for the bot's turn alone.

export interface MaskedInput {
  /** Keeps the real text of a stored (masked) inbound message. */
  keep(interactionId: string, text: string): Promise<void>;
  /** The real text of a masked message, if it is still kept. */
  reveal(interactionId: string): Promise<string | undefined>;
}

/** Long enough for a turn that waits for the queue; short enough that nothing lingers. */
const KEEP_SECONDS = 600;

export function createMaskedInput(redis: Redis, prefix: string): MaskedInput {
  const key = (interactionId: string) => `${prefix}:masked-input:${interactionId}`;
  return {
    async keep(interactionId, text) {
      await redis.set(key(interactionId), text, 'EX', KEEP_SECONDS);
    },
    async reveal(interactionId) {
      return (await redis.get(key(interactionId))) ?? undefined;
    },
  };
}
