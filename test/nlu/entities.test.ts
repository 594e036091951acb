import { describe, expect, it } from 'vitest';
import { extractEntities } from '../../src/nlu/entities.ts';

// Friday 27 November 2026, 15:00 UTC.
const NOW = new Date('2026-11-27T15:00:00Z');
const found = (text: string) => extractEntities(text, NOW).map(({ type, value }) => `${type}:${value}`);
const dates = (text: string) => extractEntities(text, NOW).filter((entity) => entity.type === 'date').map((entity) => entity.value.slice(0, 10));

describe('extractEntities: references', () => {
  it('normalises every kind of reference in any case and spacing', () => {
    expect(found('tt 100001, ORD#77, inv-9 and Adj 12')).toEqual(['ticketRef:TT-100001', 'orderRef:ORD-77', 'billRef:INV-9', 'adjustmentRef:ADJ-12']);
  });

  it('reads "ticket number 123" and long bare numbers after the word as references', () => {
    expect(found('my ticket number is 4521')).toEqual(['ticketRef:TT-4521']);
    expect(found('ticket no. 4521')).toContain('ticketRef:TT-4521');
    expect(found('order #8812 please')).toContain('orderRef:ORD-8812');
    expect(found('ticket 100001')).toContain('ticketRef:TT-100001');
  });

  it('does not take amounts or counts for references', () => {
    expect(found('my bill 120 dollars')).toEqual(['money:120.00']);
    expect(found('i have 2 tickets open')).toEqual([]);
  });
});

describe('extractEntities: money', () => {
  it.each([
    ['$12.50', '12.50'],
    ['$12.5', '12.50'],
    ['$ 40', '40.00'],
    ['$1,200.99', '1200.99'],
    ['50 bucks', '50.00'],
    ['20 dollars', '20.00'],
    ['USD 75', '75.00'],
  ])('%s → %s', (text, value) => {
    expect(found(`you owe me ${text}`)).toContain(`money:${value}`);
  });

  it('ignores speeds, data sizes and 5G', () => {
    expect(found('the 1 gig plan with 10gb on 5g').filter((entry) => entry.startsWith('money'))).toEqual([]);
  });
});

describe('extractEntities: dates and periods', () => {
  it('puts "since <weekday>" in the past, even when chrono would pick the coming one', () => {
    expect(dates('no internet since monday')).toEqual(['2026-11-23']);
    expect(dates('down since last friday')[0]).toBe('2026-11-20');
  });

  it('turns "for 3 days" and "for a couple of weeks" into the start of the problem', () => {
    expect(dates('no signal for 3 days now')).toEqual(['2026-11-24']);
    expect(dates('slow for a couple of weeks')).toEqual(['2026-11-13']);
    expect(dates('it has been dead for the past 2 hours')[0]).toBe('2026-11-27');
  });

  it('gives a month as a period', () => {
    expect(found('my bill for last month')).toContain('period:2026-10-01/2026-10-31');
    expect(found('what was i charged in october')).toContain('period:2026-10-01/2026-10-31');
  });

  it('ignores "now" and bare clock numbers, keeps times of day', () => {
    expect(dates('fix it now')).toEqual([]);
    expect(dates('channel 5 at 5 is frozen')).toEqual([]);
    expect(dates('down since this morning at 8am')).toEqual(['2026-11-27']);
  });

  it('reads "since this morning" just after midnight as the morning that has passed', () => {
    const justAfterMidnight = new Date('2026-11-28T00:13:00Z');
    const start = extractEntities('my internet has been down since this morning', justAfterMidnight).find((entity) => entity.type === 'date');
    expect(start?.value.slice(0, 10)).toBe('2026-11-27');
    expect(new Date(start?.value ?? 0).getTime()).toBeLessThan(justAfterMidnight.getTime());
  });

  it('does not read reference or phone digits as dates', () => {
    expect(dates('TT-20261127 and 555-123-0001')).toEqual([]);
  });
});

describe('extractEntities: contact details', () => {
  it('normalises phone numbers written in the usual ways', () => {
    for (const text of ['(555) 123-0001', '555 123 0001', '555.123.0001', '+1 555 123 0001', '15551230001']) {
      expect(found(`call me on ${text}`), text).toContain('phone:+15551230001');
    }
  });

  it('lower-cases emails and drops trailing punctuation', () => {
    expect(found('it is Alex.M+bills@Example.co.uk.')).toContain('email:alex.m+bills@example.co.uk');
  });

  it('finds street addresses, with unit, city, state and zip', () => {
    expect(found('my new address is 12 Oak Street')).toContain('address:12 Oak Street');
    expect(found('moving to 9 Maple Drive, Apt 4, Austin, TX 78701 next week')).toContain('address:9 Maple Drive, Apt 4, Austin, TX 78701');
    expect(found('I have 3 lines on my way').filter((entry) => entry.startsWith('address'))).toEqual([]);
  });
});

describe('extractEntities: service types', () => {
  it.each([
    ['my interent is down', 'internet'],
    ['wi fi keeps dropping', 'internet'],
    ['no bars on my phone', 'mobile'],
    ['the set top box is frozen', 'tv'],
    ['no dial tone', 'landline'],
    ['home phone is dead', 'landline'],
  ])('"%s" → %s', (text, value) => {
    expect(found(text)).toContain(`serviceType:${value}`);
  });

  it('lists services in the order they are mentioned', () => {
    expect(found('tv and internet are both down').filter((entry) => entry.startsWith('serviceType'))).toEqual(['serviceType:tv', 'serviceType:internet']);
  });

  it('does not read "phone number" as the mobile service', () => {
    expect(found('change my phone number').filter((entry) => entry.startsWith('serviceType'))).toEqual([]);
  });
});
