import { z } from 'zod';

/** The agent console's live socket (socket.io at /console/socket.io, fanned out through Redis streams). */
export const consoleLiveVariables = z.object({
  /**
   * How long a console that lost its connection (a network blip, a restarted instance) gets every
   * event it missed when it reconnects, in seconds; after that it reloads its lists instead. Default 120.
   */
  CONSOLE_RECOVERY_SECONDS: z.coerce.number().int().min(0).max(3600).default(120),
  /** Events kept in the Redis stream the instances share (approximate trimming), for recovery. Default 10000. */
  CONSOLE_STREAM_MAX_LENGTH: z.coerce.number().int().min(100).max(1_000_000).default(10_000),
});

export function consoleLiveSettings(env: z.output<typeof consoleLiveVariables>) {
  return { recoverySeconds: env.CONSOLE_RECOVERY_SECONDS, streamMaxLength: env.CONSOLE_STREAM_MAX_LENGTH };
}
