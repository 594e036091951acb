import { z } from 'zod';
import { booleanFlag } from './variable-types.ts';

/** The tracked background work: fulfillment, assurance and adjustment jobs and their sweep. */
export const trackingVariables = z.object({
  /** Run the fulfillment, assurance and adjustment workers (and their sweep) in a worker process. Default true; false leaves that work queued for other processes. */
  TRACKING_WORKERS: booleanFlag.default(true),
  /** Attempts of a fulfillment, assurance or adjustment job. Default 8. */
  TRACKING_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  /** First retry delay of those jobs in ms, doubling. Default 2000. */
  TRACKING_BACKOFF_MS: z.coerce.number().int().min(1).default(2000),
  /** How often the database is swept for requests without a job (new orders and tickets, approved credits). Default 15000 ms. */
  TRACKING_SWEEP_MS: z.coerce.number().int().min(100).default(15_000),
  /** A crashed process's tracking jobs are taken up again after this long without its heartbeat. Default 30000 ms. */
  TRACKING_LOCK_MS: z.coerce.number().int().min(500).default(30_000),
  /** Tracking jobs run at once per process. Default 8. */
  TRACKING_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(8),
});

export function trackingSettings(env: z.output<typeof trackingVariables>) {
  return {
    workers: env.TRACKING_WORKERS,
    attempts: env.TRACKING_ATTEMPTS,
    backoffMs: env.TRACKING_BACKOFF_MS,
    sweepMs: env.TRACKING_SWEEP_MS,
    lockMs: env.TRACKING_LOCK_MS,
    concurrency: env.TRACKING_CONCURRENCY,
  };
}
