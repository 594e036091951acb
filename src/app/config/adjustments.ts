import { z } from 'zod';
import { amount } from './variable-types.ts';

/** When the bot may approve a bill credit by itself. Amounts are decimal strings, never floats. */
export const adjustmentsVariables = z.object({
  /** Bill credits the bot approves by itself: up to this amount each (decimal, in the bill's currency). Default 25.00. */
  ADJUSTMENT_AUTO_APPROVE_LIMIT: amount('25.00').default('25.00'),
  /** At most this many approved-by-the-bot credits per customer per period. Default 2. */
  ADJUSTMENT_AUTO_APPROVE_PER_PERIOD: z.coerce.number().int().min(0).max(100).default(2),
  /** The period for the count above, in days. Default 90. */
  ADJUSTMENT_PERIOD_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  /** Credits above this amount need a one-time code even from the number on file. Default 10.00. */
  ADJUSTMENT_OTP_THRESHOLD: amount('10.00').default('10.00'),
});

/** When the bot may approve a bill credit by itself. Amounts are decimal strings, never floats. */
export function adjustmentSettings(env: z.output<typeof adjustmentsVariables>) {
  return {
    autoApproveLimit: env.ADJUSTMENT_AUTO_APPROVE_LIMIT,
    autoApprovePerPeriod: env.ADJUSTMENT_AUTO_APPROVE_PER_PERIOD,
    periodDays: env.ADJUSTMENT_PERIOD_DAYS,
    /** Above this amount the customer confirms with a one-time code. */
    otpThreshold: env.ADJUSTMENT_OTP_THRESHOLD,
  };
}
export type AdjustmentPolicySettings = ReturnType<typeof adjustmentSettings>;
