import { z } from 'zod';
import { timeOfDay } from './variable-types.ts';

/** Quiet hours, local time in OPERATOR_TIME_ZONE: non-urgent texts wait until they end. Equal times: none. */
export const quietHoursVariables = z.object({
  /** Default 21:00. */
  QUIET_HOURS_START: timeOfDay.default(21 * 60),
  /** Default 08:00. */
  QUIET_HOURS_END: timeOfDay.default(8 * 60),
});

/** Minutes after local midnight; null when there are none. */
export function quietHoursSettings(env: z.output<typeof quietHoursVariables>) {
  return env.QUIET_HOURS_START === env.QUIET_HOURS_END ? null : { startMinute: env.QUIET_HOURS_START, endMinute: env.QUIET_HOURS_END };
}
