import { z } from 'zod';
import { booleanFlag, duration } from './variable-types.ts';

/** Churn scoring and marketing campaigns: pacing, caps, suppression and attribution. */
export const marketingVariables = z.object({
  /** Run the churn and campaign workers in a worker process. Default true. */
  MARKETING_WORKERS: booleanFlag.default(true),
  /** How often customers with new churn events (tickets, SLA breaches, bills, disputes, cancellation requests, failed orders) are rescored. Default 30s. */
  CHURN_EVENT_SWEEP: duration.default(30_000),
  /** When every customer is rescored (a cron pattern, UTC). Default 03:00 daily. */
  CHURN_NIGHTLY_CRON: z.string().regex(/^(\S+\s+){4}\S+$/, 'must be a five-field cron pattern such as "0 3 * * *"').default('0 3 * * *'),
  /** Campaign messages per second per sending number (carrier throughput of the sender). Default 10. */
  CAMPAIGN_RATE_PER_SECOND: z.coerce.number().int().min(1).max(1000).default(10),
  /** Campaign messages per day for the brand across all senders (the carrier's daily cap). Default 100000. */
  CAMPAIGN_DAILY_CAP: z.coerce.number().int().min(1).default(100_000),
  /** Campaign send jobs at once per process. Default 20. */
  CAMPAIGN_SEND_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(20),
  /** Global frequency cap: at most this many marketing messages per customer ... Default 2. */
  MARKETING_CAP_MESSAGES: z.coerce.number().int().min(1).default(2),
  /** ... in this many days. Default 7. */
  MARKETING_CAP_DAYS: z.coerce.number().int().min(1).max(365).default(7),
  /** A customer whose ticket breached its SLA within this many days gets no marketing. Default 30. */
  MARKETING_SUPPRESS_SLA_BREACH_DAYS: z.coerce.number().int().min(0).max(365).default(30),
  /** Replies, orders and opt-outs within this many days of a campaign message count for it. Default 7. */
  CAMPAIGN_ATTRIBUTION_DAYS: z.coerce.number().int().min(1).max(90).default(7),
});

export function marketingSettings(env: z.output<typeof marketingVariables>) {
  return {
    workers: env.MARKETING_WORKERS,
    churnEventSweepMs: env.CHURN_EVENT_SWEEP,
    churnNightlyCron: env.CHURN_NIGHTLY_CRON,
    ratePerSecond: env.CAMPAIGN_RATE_PER_SECOND,
    dailyCap: env.CAMPAIGN_DAILY_CAP,
    sendConcurrency: env.CAMPAIGN_SEND_CONCURRENCY,
    frequencyCap: { messages: env.MARKETING_CAP_MESSAGES, days: env.MARKETING_CAP_DAYS },
    suppressSlaBreachDays: env.MARKETING_SUPPRESS_SLA_BREACH_DAYS,
    attributionDays: env.CAMPAIGN_ATTRIBUTION_DAYS,
  };
}
