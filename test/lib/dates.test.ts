import { describe, expect, it } from 'vitest';
import { formatCalendarDay, formatDate } from '../../src/lib/dates.ts';

describe('customer-facing dates', () => {
  const at = new Date('2026-12-01T20:05:00Z');

  it.each([
    ['day', 'America/New_York', 'Tue, Dec 1'],
    ['dayTime', 'America/New_York', 'Tue, Dec 1, 3:05 PM'],
    ['weekdayTime', 'America/New_York', 'Tue 3:05 PM'],
    ['dayTime', 'Asia/Tokyo', 'Wed, Dec 2, 5:05 AM'],
  ] as const)('%s in %s', (format, timeZone, text) => {
    expect(formatDate(at, format, timeZone)).toBe(text);
  });

  it('reads a calendar day stored at UTC midnight as that day anywhere', () => {
    expect(formatCalendarDay(new Date('2026-12-01T00:00:00Z'))).toBe('Tue, Dec 1');
  });
});
