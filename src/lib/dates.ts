// Dates in customer texts, in US English and in the operator's time zone: one place for every
// format the bot uses, so an order's "expected by" reads the same in a reply and in a progress SMS.

const FORMATS = {
  /** "Tue, Dec 1". */
  day: { weekday: 'short', month: 'short', day: 'numeric' },
  /** "Tue, Dec 1, 3:00 PM". */
  dayTime: { weekday: 'short', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' },
  /** "Tue 3:00 PM": within the coming week. */
  weekdayTime: { weekday: 'short', hour: 'numeric', minute: '2-digit' },
} satisfies Record<string, Intl.DateTimeFormatOptions>;

export type DateFormat = keyof typeof FORMATS;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The date as a customer reads it, in the given IANA time zone (the operator's). */
export function formatDate(date: Date, format: DateFormat, timeZone: string): string {
  const key = `${format} ${timeZone}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { ...FORMATS[format], timeZone });
    formatters.set(key, formatter);
  }
  return formatter.format(date);
}

/** A calendar day stored as UTC midnight (bill, due and cycle dates): the same day in every time zone. */
export function formatCalendarDay(date: Date): string {
  return formatDate(date, 'day', 'UTC');
}

const wallClockFormatters = new Map<string, Intl.DateTimeFormat>();

/** The wall clock in an IANA time zone at that instant (hour 0-23). One formatter per zone: building one costs far more than using it. */
export function wallClock(timeZone: string, at: Date): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  let formatter = wallClockFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    wallClockFormatters.set(timeZone, formatter);
  }
  const parts = formatter.formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((candidate) => candidate.type === type)?.value ?? 0);
  return { year: part('year'), month: part('month'), day: part('day'), hour: part('hour'), minute: part('minute'), second: part('second') };
}

/** Minutes the IANA time zone is ahead of UTC at that instant (-480 for Los Angeles in winter). */
export function timeZoneOffsetMinutes(timeZone: string, at: Date): number {
  const local = wallClock(timeZone, at);
  const wallClockAsUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  return Math.round((wallClockAsUtc - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}
