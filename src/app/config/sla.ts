import { z } from 'zod';
import { duration } from './variable-types.ts';

/** Trouble ticket service levels and the wait for the customer's confirmation. */
export const slaVariables = z.object({
  /** Time to resolve a critical trouble ticket. Default 4h. */
  SLA_CRITICAL: duration.default(4 * 3_600_000),
  /** Time to resolve a major trouble ticket. Default 24h. */
  SLA_MAJOR: duration.default(24 * 3_600_000),
  /** Time to resolve a minor trouble ticket. Default 72h. */
  SLA_MINOR: duration.default(72 * 3_600_000),
  /** The SLA warning goes out when this share of the time (percent) is used. Default 75. */
  SLA_WARNING_PERCENT: z.coerce.number().int().min(1).max(99).default(75),
  /** How long a resolved ticket waits for the customer to confirm before it closes. Default 48h. */
  RESOLUTION_CONFIRMATION_TIMEOUT: duration.default(48 * 3_600_000),
});

/** Durations in milliseconds. */
export function slaSettings(env: z.output<typeof slaVariables>) {
  return {
    bySeverity: { critical: env.SLA_CRITICAL, major: env.SLA_MAJOR, minor: env.SLA_MINOR },
    warningPercent: env.SLA_WARNING_PERCENT,
    confirmationTimeoutMs: env.RESOLUTION_CONFIRMATION_TIMEOUT,
  };
}
export type SlaSettings = ReturnType<typeof slaSettings>;
