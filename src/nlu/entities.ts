import * as chrono from 'chrono-node';
import { formatReference, referencePattern, type ReferenceKind } from '../domain/references.ts';
import { timeZoneOffsetMinutes } from '../lib/dates.ts';
import { toE164 } from '../lib/phone.ts';
import type { Entity } from './recognizer.ts';

// Entities with normalised values, in the order they appear in the text (so `find` returns the
// first mention). Spans already taken by a reference, a phone number or an amount are not read
// again as dates or addresses.

// Each kind of reference, and the words customers put before its bare number.
const REFERENCES: Array<{ type: Entity['type']; kind: ReferenceKind; words: string }> = [
  { type: 'ticketRef', kind: 'ticket', words: 'ticket|fault|case|repair' },
  { type: 'orderRef', kind: 'order', words: 'order' },
  { type: 'billRef', kind: 'bill', words: 'invoice|bill' },
  { type: 'adjustmentRef', kind: 'adjustment', words: 'adjustment|refund|credit' },
];

// Words customers use for each service type, typos included.
const SERVICE_WORDS: Array<{ value: string; pattern: RegExp }> = [
  {
    value: 'internet',
    pattern: /\b(internet|interne?t|intenet|interent|internets|net|broadband|wi-?\s?fi|wifi|wify|fib(?:er|re)|router|modem|get online|connection|ont|mbps|gig(?:abit)?)\b/gi,
  },
  {
    value: 'mobile',
    pattern: /\b(mobile|cell(?:phone|ular)?|cell phone|phone signal|no bars|bars|reception|data|texts?|sms|sim(?: card)?|4g|5g|lte|smartphone|hotspot|roaming|my (?:mobile |cell )?phone(?! (?:number|line|bill)))\b/gi,
  },
  {
    value: 'tv',
    pattern: /\b(tv|telly|television|channels?|set-?\s?top(?: box)?|cable box|tv box|dvr|picture|streaming|remote)\b/gi,
  },
  { value: 'landline', pattern: /\b(landline|land line|home phone|house phone|phone line|fixed line|dial ?tone)\b/gi },
];

const UNITS_IN_MS: Record<string, number> = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 7 * 86_400_000,
  month: 30 * 86_400_000,
};
const NUMBER_WORDS: Record<string, number> = { a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, few: 3, couple: 2 };

// "for 3 days", "for the past two weeks", "since 2 days", "about a week", "its been like 2 days",
// or a bare "a week" as the whole answer: how long a fault has lasted.
const DURATION =
  /(?:\b(?:for|since|over|about|around|roughly|nearly|almost|like|maybe|approx(?:imately)?|abt|been|at least|more than)\s+|^\s*)(?:the\s+)?(?:(?:last|past|a good)\s+)?(?:a\s+)?(\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten|few|couple(?:\s+of)?)\s+(minute|hour|day|week|month)s?\b(?!\s+(?:from now|later|time))/gi;

// Date words as customers misspell them, read before chrono parses (it knows only the spelling).
const DATE_WORDS = ['yesterday', 'today', 'tonight', 'morning', 'evening', 'afternoon', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const DATE_SPELLINGS: Record<string, string> = {
  yday: 'yesterday',
  ystday: 'yesterday',
  yest: 'yesterday',
  '2day': 'today',
  tdy: 'today',
  tonite: 'tonight',
  '2nite': 'tonight',
  nite: 'night',
  mornin: 'morning',
  lastnight: 'last night',
  weds: 'wednesday',
  thurs: 'thursday',
  tues: 'tuesday',
};

const STREET_TYPES = 'street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|pl|terrace|parkway|pkwy|circle|cir|highway|hwy';
const STREET_NAME = new RegExp(`^\\d{1,6}\\s+(.*?)\\s+(?:${STREET_TYPES})\\b`, 'i');
const ADDRESS = new RegExp(
  String.raw`\b\d{1,6}\s+(?:[A-Za-z][A-Za-z'.-]*\s+){1,3}(?:${STREET_TYPES})\b\.?(?:,?\s*(?:apt|apartment|unit|suite|#)\.?\s*\w+)?(?:,\s*[A-Za-z][A-Za-z .'-]*?(?=,|\s\d{5}|$|\.))?(?:,\s*[A-Z]{2}\b)?(?:,?\s+\d{5}(?:-\d{4})?)?`,
  'gi',
);
// Words that end a sentence, not a street name: "3 lines on my way" is no address.
const NOT_STREET_NAME = new Set(['on', 'my', 'the', 'at', 'in', 'a', 'an', 'to', 'for', 'of', 'is', 'are', 'and', 'your', 'our', 'their', 'his', 'her', 'by', 'this', 'that', 'all', 'way', 'days', 'weeks', 'lines', 'times']);

interface Found {
  entity: Entity;
  start: number;
  end: number;
}

/** Entities found in an utterance, normalised; relative dates are read in `timeZone` (default the process's). */
export function extractEntities(text: string, referenceDate: Date = new Date(), timeZone?: string): Entity[] {
  const found: Found[] = [];
  const taken = (start: number, end: number) => found.some((item) => start < item.end && end > item.start);
  const push = (entity: Entity, start: number) => found.push({ entity, start, end: start + entity.text.length });

  for (const { type, kind, words } of REFERENCES) {
    // "TT-123", "tt 123", "ticket number is 123", "ticket #123", "ticket 100001" (five digits or more).
    const pattern = new RegExp(
      `\\b${referencePattern(kind)}\\b|\\b(?:${words})\\s+(?:(?:number|no\\.?|num|ref(?:erence)?)\\s*(?:is\\s+|:\\s*)?#?\\s*|#\\s*)(\\d{3,9})\\b|\\b(?:${words})\\s+(\\d{5,9})\\b`,
      'gi',
    );
    for (const match of text.matchAll(pattern)) {
      const digits = match[1] ?? match[2] ?? match[3];
      if (digits && !taken(match.index, match.index + match[0].length)) push({ type, value: formatReference(kind, Number(digits)), text: match[0] }, match.index);
    }
  }
  for (const match of text.matchAll(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g)) {
    push({ type: 'email', value: match[0].toLowerCase(), text: match[0] }, match.index);
  }
  for (const match of text.matchAll(/(?<![\w-])(?:\+|\()?\d[\d\s().-]{8,16}\d(?![\w-])/g)) {
    const phone = toE164(match[0]);
    if (phone && !taken(match.index, match.index + match[0].length)) push({ type: 'phone', value: phone, text: match[0].trim() }, match.index);
  }
  const money = /(?:\$|usd\s?)\s?(\d{1,3}(?:,\d{3})+|\d{1,7})(?:\.(\d{1,2}))?(?!\d)|\b(\d{1,3}(?:,\d{3})+|\d{1,7})(?:\.(\d{1,2}))?\s?(?:dollars?|usd|bucks)\b/gi;
  for (const match of text.matchAll(money)) {
    const whole = (match[1] ?? match[3] ?? '').replace(/,/g, '');
    const cents = match[2] ?? match[4] ?? '0';
    if (!whole || taken(match.index, match.index + match[0].length)) continue;
    push({ type: 'money', value: `${Number(whole)}.${cents.padEnd(2, '0')}`, text: match[0] }, match.index);
  }
  for (const match of text.matchAll(ADDRESS)) {
    const raw = match[0].trim().replace(/[.,]+$/, '');
    const nameWords = STREET_NAME.exec(raw)?.[1]?.split(/\s+/) ?? [];
    if (taken(match.index, match.index + raw.length) || nameWords.some((word) => NOT_STREET_NAME.has(word.toLowerCase()))) continue;
    push({ type: 'address', value: raw.replace(/\s+/g, ' ').replace(/\s+,/g, ','), text: raw }, match.index);
  }
  for (const match of text.matchAll(DURATION)) {
    const amount = match[1]?.toLowerCase() ?? '';
    const count = /^\d+$/.test(amount) ? Number(amount) : (NUMBER_WORDS[amount.replace(/\s+of$/, '')] ?? 1);
    const unit = UNITS_IN_MS[match[2]?.toLowerCase() ?? ''] ?? 0;
    if (unit === 0 || taken(match.index, match.index + match[0].length)) continue;
    push({ type: 'date', value: new Date(referenceDate.getTime() - count * unit).toISOString(), text: match[0] }, match.index);
  }
  const spelled = withDateSpelling(text);
  const reference = timeZone ? { instant: referenceDate, timezone: timeZoneOffsetMinutes(timeZone, referenceDate) } : referenceDate;
  for (const result of chrono.parse(spelled.text, reference, { forwardDate: false })) {
    const start = spelled.original(result.index);
    const end = spelled.original(result.index + result.text.length);
    if (taken(start, end) || isNoise(result)) continue;
    const date = pastIfSince(spelled.text, result, referenceDate);
    const said = text.slice(start, end);
    push({ type: 'date', value: date.toISOString(), text: said }, start);
    const period = periodOf(result, date);
    if (period) push({ type: 'period', value: period, text: said }, start);
  }
  for (const { value, pattern } of SERVICE_WORDS) {
    const match = [...text.matchAll(pattern)].find((candidate) => !taken(candidate.index, candidate.index + candidate[0].length));
    if (match) push({ type: 'serviceType', value, text: match[0] }, match.index);
  }
  return found.sort((a, b) => a.start - b.start).map((item) => item.entity);
}

/**
 * The text with misspelt date words spelt out ("yestrday", "2day", "last nite"), and a map from
 * positions in it back to positions in the original.
 */
function withDateSpelling(text: string): { text: string; original: (index: number) => number } {
  const pieces: Array<{ from: number; to: number; at: number }> = [];
  let out = '';
  let last = 0;
  for (const match of text.matchAll(/[a-z0-9]+/gi)) {
    const word = match[0].toLowerCase();
    // chrono reads "last night" as the midnight before yesterday's evening.
    const lastNight = word === 'last' && /^\s+(?:night|nite)\b/i.test(text.slice(match.index + match[0].length));
    const fixed = lastNight ? 'yesterday' : (DATE_SPELLINGS[word] ?? nearDateWord(word));
    if (!fixed || fixed === word) continue;
    out += text.slice(last, match.index);
    pieces.push({ from: out.length, to: out.length + fixed.length, at: match.index });
    out += fixed;
    last = match.index + match[0].length;
  }
  out += text.slice(last);
  if (pieces.length === 0) return { text, original: (index) => index };
  return {
    text: out,
    original: (index) => {
      let shift = 0;
      for (const piece of pieces) {
        if (index < piece.from) break;
        const originalLength = (text.slice(piece.at).match(/^[a-z0-9]+/i)?.[0].length ?? 0);
        if (index < piece.to) return piece.at + Math.min(index - piece.from, originalLength);
        shift = piece.at + originalLength - piece.to;
      }
      return index + shift;
    },
  };
}

/** A date word one typo away (two for long words), with the same first letter; "money" is not "monday". */
function nearDateWord(word: string): string | undefined {
  if (word.length < 5 || DATE_WORDS.includes(word)) return undefined;
  return DATE_WORDS.find((candidate) => candidate[0] === word[0] && editDistance(word, candidate) <= (candidate.length >= 7 ? 2 : 1));
}

/** Optimal string alignment distance (a swap of two neighbours counts once). */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = rows[i];
      const above = rows[i - 1];
      if (!row || !above) continue;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((above[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (above[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, (rows[i - 2]?.[j - 2] ?? 0) + 1);
      row[j] = best;
    }
  }
  return rows[a.length]?.[b.length] ?? 3;
}

/** "now" and bare clock times ("at 5") say nothing about when a problem started. */
function isNoise(result: chrono.ParsedResult): boolean {
  const text = result.text.trim().toLowerCase();
  if (text === 'now' || text === 'today now') return true;
  const onlyTime = !result.start.isCertain('day') && !result.start.isCertain('weekday') && !result.start.isCertain('month') && result.start.isCertain('hour');
  return onlyTime && !/(am|pm|:|noon|midnight|morning|evening|night|afternoon)/.test(text);
}

const DAY_MS = 24 * 3_600_000;

/** "since monday", "from march": chrono may pick the next one; a start is in the past. */
function pastIfSince(text: string, result: chrono.ParsedResult, referenceDate: Date): Date {
  const date = result.start.date();
  if (date.getTime() <= referenceDate.getTime()) return date;
  const before = text.slice(Math.max(0, result.index - 12), result.index).toLowerCase();
  const sinceLike = /\b(since|from|started|began|last)\s*(on|in)?\s*$/.test(before) || /^last\b/i.test(result.text);
  if (!sinceLike) return date;
  const past = new Date(date);
  // Today's weekday ("since friday" on a Friday morning, read as Friday noon): earlier today.
  const todaysWeekday = result.start.isCertain('weekday') && !result.start.isCertain('hour') && date.getTime() - referenceDate.getTime() < 12 * 3_600_000;
  if (todaysWeekday) past.setTime(referenceDate.getTime());
  // A time of day still ahead today ("since this morning" at half past midnight): the last one.
  else if (date.getTime() - referenceDate.getTime() < DAY_MS) past.setTime(date.getTime() - DAY_MS);
  else if (result.start.isCertain('weekday') && !result.start.isCertain('day')) past.setDate(past.getDate() - 7);
  else if (!result.start.isCertain('year')) past.setFullYear(past.getFullYear() - 1);
  return past;
}

/** A month ("last month", "october") or an explicit range, as "start/end" calendar dates. */
function periodOf(result: chrono.ParsedResult, date: Date): string | undefined {
  const day = (value: Date) => value.toISOString().slice(0, 10);
  if (result.end) {
    const end = result.end.date();
    const wholeMonth = result.end.isCertain('month') && !result.end.isCertain('day');
    return `${day(date)}/${day(wholeMonth ? new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() + 1, 0)) : end)}`;
  }
  if (result.start.isCertain('month') && !result.start.isCertain('day') && !result.start.isCertain('weekday')) {
    const year = date.getUTCFullYear();
    const month = date.getUTCMonth();
    const first = new Date(Date.UTC(year, month, 1));
    const last = new Date(Date.UTC(year, month + 1, 0));
    return `${day(first)}/${day(last)}`;
  }
  return undefined;
}
