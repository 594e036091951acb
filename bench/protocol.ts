import { z } from 'zod';

// Messages between the benchmark (which runs the service) and its load process (which runs the
// Twilio stand-in and the webhook generator). Both sides parse what they receive.

/** Where the generator posts, and how it signs. */
export const targetSchema = z.object({
  /** The URL the generator posts to, e.g. http://127.0.0.1:4100/twilio/sms. */
  url: z.string(),
  /** The URL the signature covers (the service's public URL for the same path). */
  signUrl: z.string(),
  authToken: z.string(),
  accountSid: z.string(),
  ourNumber: z.string(),
  senders: z.array(z.string()).min(1),
  /** More instances of the same service (other api processes): sends go round-robin over `url` and these. */
  alternates: z.array(z.object({ url: z.string(), signUrl: z.string() })).default([]),
});
export type Target = z.infer<typeof targetSchema>;

export const openLoopRunSchema = z.object({
  type: z.literal('open-loop'),
  id: z.number(),
  target: targetSchema,
  /** Messages per second, sent on schedule whatever the responses. */
  rate: z.number().positive(),
  durationMs: z.number().positive(),
  /** After the last send, how long to wait for outstanding replies before counting them missing. */
  drainMs: z.number().nonnegative(),
  /** Webhooks in flight at most; a send beyond it is shed (counted as an error), never queued. */
  maxInFlight: z.number().int().positive(),
  expectReplies: z.boolean(),
});
export type OpenLoopRun = z.infer<typeof openLoopRunSchema>;

export const closedLoopRunSchema = z.object({
  type: z.literal('closed-loop'),
  id: z.number(),
  target: targetSchema,
  /** Simulated customers; each sends its next message once the previous one is answered. */
  concurrency: z.number().int().positive(),
  durationMs: z.number().positive(),
  /** True: a message is complete when its reply reaches the stand-in; false: on the HTTP 200. */
  expectReplies: z.boolean(),
  /** How long one simulated customer waits for a reply before counting it missing. */
  replyTimeoutMs: z.number().positive(),
});
export type ClosedLoopRun = z.infer<typeof closedLoopRunSchema>;

export const toLoadSchema = z.discriminatedUnion('type', [
  openLoopRunSchema,
  closedLoopRunSchema,
  z.object({ type: z.literal('stop') }),
]);
export type ToLoad = z.infer<typeof toLoadSchema>;

export const latencySummarySchema = z.object({
  count: z.number(),
  p50: z.number(),
  p90: z.number(),
  p99: z.number(),
  max: z.number(),
});
export type LatencySummary = z.infer<typeof latencySummarySchema>;

export const runResultSchema = z.object({
  sent: z.number(),
  /** HTTP 200 acknowledgements. */
  acked: z.number(),
  non200: z.number(),
  /** Connection errors and timeouts. */
  networkErrors: z.number(),
  /** Sends skipped because maxInFlight webhooks were already outstanding. */
  shed: z.number(),
  replies: z.number(),
  /** Replies still outstanding after the drain period. */
  missing: z.number(),
  /** Replies that matched no message of this run (late ones from an earlier run, or extra replies). */
  strayReplies: z.number(),
  /** From the first send to the last send, in ms. */
  sendWindowMs: z.number(),
  /** From the first send to the last reply (or acknowledgement when no replies are expected), in ms. */
  completionWindowMs: z.number(),
  /** Worst lateness of a send against its schedule, in ms (generator health). */
  maxScheduleLagMs: z.number(),
  intake: latencySummarySchema,
  endToEnd: latencySummarySchema,
  statusCodes: z.record(z.string(), z.number()),
  /** CPU the load process (generator and stand-in) used during the run, ms. */
  loadCpuMs: z.number(),
});
export type RunResult = z.infer<typeof runResultSchema>;

export const fromLoadSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), standInUrl: z.string() }),
  z.object({ type: z.literal('result'), id: z.number(), result: runResultSchema }),
  z.object({ type: z.literal('failed'), id: z.number().optional(), message: z.string() }),
]);
export type FromLoad = z.infer<typeof fromLoadSchema>;

/** Credentials the stand-in and the service share (not secret: local benchmark only). */
export const BENCH_ACCOUNT_SID = 'AC0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b';
export const BENCH_AUTH_TOKEN = 'bench-auth-token-not-secret';
export const BENCH_OUR_NUMBER = '+15557770100';
