// Quiet hours: a daily window, in the operator's local time, when non-urgent texts wait.

import { wallClock } from '../../lib/dates.ts';

export interface QuietHours {
  /** Minutes after local midnight; the window may wrap past midnight (21:00 to 08:00). */
  startMinute: number;
  endMinute: number;
}

/**
 * When a non-urgent text may go out: `now` outside quiet hours, else the end of the window. The
 * end is found in local wall time; on the night a DST change falls inside the window it may be an
 * hour off, which is harmless for a progress update.
 */
export function sendableAt(now: Date, quietHours: QuietHours | null, timeZone: string): Date {
  if (!quietHours) return now;
  const local = localMinuteOfDay(now, timeZone);
  const { startMinute, endMinute } = quietHours;
  const inWindow = startMinute < endMinute ? local >= startMinute && local < endMinute : local >= startMinute || local < endMinute;
  if (!inWindow) return now;
  const minutesLeft = (endMinute - Math.floor(local) + 1440) % 1440;
  const sinceMinuteStart = now.getTime() % 60_000;
  return new Date(now.getTime() + minutesLeft * 60_000 - sinceMinuteStart);
}

/** Minutes (with fractions) since local midnight in `timeZone`. */
function localMinuteOfDay(now: Date, timeZone: string): number {
  const { hour, minute } = wallClock(timeZone, now);
  return hour * 60 + minute + (now.getTime() % 60_000) / 60_000;
}
