import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { wallClock } from '../../lib/dates.ts';

// When a marketing text may reach a recipient: their local time, from the service address's
// postcode, else the phone number's area code. Federal rule (TCPA): 8 am to 9 pm local. Florida,
// Oklahoma and Maryland (their "mini-TCPA" laws): 8 am to 8 pm, and at most 3 messages per 24 h
// on one subject. A place in a state that spans zones, or a recipient we cannot place, gets only
// the hours that are inside the window in every zone it could be in (and the strictest state rule).

/** Where a recipient may be: the candidate time zones and the state, when known. */
export interface RecipientLocation {
  state: string | null;
  timeZones: string[];
  /** How it was found: postcode, area code, or unknown. */
  source: 'postcode' | 'areaCode' | 'unknown';
}

export interface SendingWindow {
  /** Local minutes after midnight. */
  startMinute: number;
  endMinute: number;
  /** Messages per 24 h on one subject; null: no state limit. */
  dailyPerSubject: number | null;
}

const FEDERAL: SendingWindow = { startMinute: 8 * 60, endMinute: 21 * 60, dailyPerSubject: null };
/** States whose own laws are stricter than the federal window. */
export const STATE_WINDOWS: Readonly<Record<string, SendingWindow>> = {
  FL: { startMinute: 8 * 60, endMinute: 20 * 60, dailyPerSubject: 3 },
  OK: { startMinute: 8 * 60, endMinute: 20 * 60, dailyPerSubject: 3 },
  MD: { startMinute: 8 * 60, endMinute: 20 * 60, dailyPerSubject: 3 },
};
const STRICTEST: SendingWindow = { startMinute: 8 * 60, endMinute: 20 * 60, dailyPerSubject: 3 };

/** Every US zone, for a recipient we cannot place. */
export const ALL_US_ZONES = ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Phoenix', 'America/Los_Angeles', 'America/Anchorage', 'Pacific/Honolulu'];

const E = 'America/New_York';
const C = 'America/Chicago';
const M = 'America/Denver';
const P = 'America/Los_Angeles';
/** Each state's zones (several where the state spans zones). */
const STATE_ZONES: Readonly<Record<string, string[]>> = {
  AL: [C], AK: ['America/Anchorage', 'America/Adak'], AZ: ['America/Phoenix', M], AR: [C], CA: [P], CO: [M], CT: [E], DE: [E], DC: [E],
  FL: [E, C], GA: [E], HI: ['Pacific/Honolulu'], ID: [M, P], IL: [C], IN: ['America/Indiana/Indianapolis', C], IA: [C], KS: [C, M],
  KY: [E, C], LA: [C], ME: [E], MD: [E], MA: [E], MI: ['America/Detroit', C], MN: [C], MS: [C], MO: [C], MT: [M], NE: [C, M],
  NV: [P], NH: [E], NJ: [E], NM: [M], NY: [E], NC: [E], ND: [C, M], OH: [E], OK: [C], OR: [P, M], PA: [E], RI: [E], SC: [E],
  SD: [C, M], TN: [C, E], TX: [C, M], UT: [M], VT: [E], VA: [E], WA: [P], WV: [E], WI: [C], WY: [M], PR: ['America/Puerto_Rico'],
};

/** ZIP code prefixes (first three digits, inclusive ranges) by state. */
const ZIP3_RANGES: ReadonlyArray<readonly [number, number, string]> = [
  [5, 5, 'NY'], [6, 9, 'PR'], [10, 27, 'MA'], [28, 29, 'RI'], [30, 38, 'NH'], [39, 49, 'ME'], [50, 59, 'VT'], [60, 69, 'CT'],
  [70, 89, 'NJ'], [100, 149, 'NY'], [150, 196, 'PA'], [197, 199, 'DE'], [200, 200, 'DC'], [201, 201, 'VA'], [202, 205, 'DC'],
  [206, 219, 'MD'], [220, 246, 'VA'], [247, 268, 'WV'], [270, 289, 'NC'], [290, 299, 'SC'], [300, 319, 'GA'], [320, 349, 'FL'],
  [350, 369, 'AL'], [370, 385, 'TN'], [386, 397, 'MS'], [398, 399, 'GA'], [400, 427, 'KY'], [430, 459, 'OH'], [460, 479, 'IN'],
  [480, 499, 'MI'], [500, 528, 'IA'], [530, 549, 'WI'], [550, 567, 'MN'], [570, 577, 'SD'], [580, 588, 'ND'], [590, 599, 'MT'],
  [600, 629, 'IL'], [630, 658, 'MO'], [660, 679, 'KS'], [680, 693, 'NE'], [700, 714, 'LA'], [716, 729, 'AR'], [730, 732, 'OK'], [733, 733, 'TX'], [734, 749, 'OK'],
  [750, 799, 'TX'], [800, 816, 'CO'], [820, 831, 'WY'], [832, 838, 'ID'], [840, 847, 'UT'], [850, 865, 'AZ'], [870, 884, 'NM'],
  [885, 885, 'TX'], [889, 898, 'NV'], [900, 961, 'CA'], [967, 968, 'HI'], [970, 979, 'OR'], [980, 994, 'WA'], [995, 999, 'AK'],
];

// Area codes by state: a partial table of large and well-known codes. A code not listed here is
// treated as unknown (every zone), which is stricter, never looser.
const AREA_CODES: Readonly<Record<string, string>> = {
  '201': 'NJ', '202': 'DC', '205': 'AL', '206': 'WA', '210': 'TX', '212': 'NY', '213': 'CA', '214': 'TX', '215': 'PA', '216': 'OH',
  '217': 'IL', '225': 'LA', '239': 'FL', '248': 'MI', '253': 'WA', '267': 'PA', '301': 'MD', '302': 'DE', '303': 'CO', '304': 'WV',
  '305': 'FL', '310': 'CA', '312': 'IL', '313': 'MI', '314': 'MO', '321': 'FL', '323': 'CA', '352': 'FL', '385': 'UT', '386': 'FL',
  '401': 'RI', '402': 'NE', '404': 'GA', '405': 'OK', '406': 'MT', '407': 'FL', '408': 'CA', '410': 'MD', '412': 'PA', '415': 'CA',
  '443': 'MD', '501': 'AR', '502': 'KY', '503': 'OR', '504': 'LA', '505': 'NM', '507': 'MN', '510': 'CA', '512': 'TX', '515': 'IA',
  '516': 'NY', '518': 'NY', '539': 'OK', '561': 'FL', '580': 'OK', '601': 'MS', '602': 'AZ', '603': 'NH', '605': 'SD', '608': 'WI',
  '612': 'MN', '614': 'OH', '615': 'TN', '617': 'MA', '619': 'CA', '626': 'CA', '646': 'NY', '650': 'CA', '667': 'MD', '701': 'ND',
  '702': 'NV', '703': 'VA', '704': 'NC', '713': 'TX', '718': 'NY', '720': 'CO', '727': 'FL', '754': 'FL', '772': 'FL', '786': 'FL',
  '801': 'UT', '802': 'VT', '808': 'HI', '813': 'FL', '816': 'MO', '817': 'TX', '818': 'CA', '832': 'TX', '850': 'FL', '860': 'CT',
  '863': 'FL', '904': 'FL', '907': 'AK', '912': 'GA', '913': 'KS', '917': 'NY', '918': 'OK', '919': 'NC', '925': 'CA', '941': 'FL',
  '949': 'CA', '954': 'FL', '971': 'OR', '972': 'TX',
};

/** The state of a US postcode, or null. */
export function stateOfPostcode(postcode: string | null | undefined): string | null {
  const digits = /^\s*(\d{5})(-\d{4})?\s*$/.exec(postcode ?? '')?.[1];
  if (!digits) return null;
  const prefix = Number(digits.slice(0, 3));
  return ZIP3_RANGES.find(([from, to]) => prefix >= from && prefix <= to)?.[2] ?? null;
}

/** The state of a US phone number's area code (partial table), or null. */
export function stateOfPhoneNumber(phone: string | null | undefined): string | null {
  const parsed = phone ? parsePhoneNumberFromString(phone, 'US') : undefined;
  if (!parsed || parsed.countryCallingCode !== '1') return null;
  return AREA_CODES[parsed.nationalNumber.slice(0, 3)] ?? null;
}

/** Where the recipient may be: the service address's postcode first, then the number. */
export function locateRecipient(postcodes: ReadonlyArray<string | null | undefined>, phone: string | null | undefined): RecipientLocation {
  for (const postcode of postcodes) {
    const state = stateOfPostcode(postcode);
    if (state) return { state, timeZones: STATE_ZONES[state] ?? ALL_US_ZONES, source: 'postcode' };
  }
  const state = stateOfPhoneNumber(phone);
  if (state) return { state, timeZones: STATE_ZONES[state] ?? ALL_US_ZONES, source: 'areaCode' };
  return { state: null, timeZones: ALL_US_ZONES, source: 'unknown' };
}

/** The window that applies: the state's own when stricter, the strictest of all for an unknown state. */
export function windowFor(location: RecipientLocation): SendingWindow {
  if (!location.state) return STRICTEST;
  return STATE_WINDOWS[location.state] ?? FEDERAL;
}

/** Minutes after local midnight in `timeZone`. */
export function localMinute(at: Date, timeZone: string): number {
  const { hour, minute } = wallClock(timeZone, at);
  return hour * 60 + minute;
}

export interface WindowCheck {
  open: boolean;
  /** Minutes until the window closes in the first zone to close (0 when shut). */
  minutesLeft: number;
  /** When it next opens in every zone (when shut), else null. */
  opensAt: Date | null;
}

/** Whether `at` is inside the window in every candidate zone; if not, the next moment it is (searched in 5-minute steps, up to two days). */
export function checkWindow(at: Date, location: RecipientLocation, window: SendingWindow): WindowCheck {
  const minutesLeftAt = (moment: Date) => {
    let left = Infinity;
    for (const zone of location.timeZones) {
      const minute = localMinute(moment, zone);
      if (minute < window.startMinute || minute >= window.endMinute) return 0;
      left = Math.min(left, window.endMinute - minute);
    }
    return left;
  };
  const left = minutesLeftAt(at);
  if (left > 0) return { open: true, minutesLeft: left, opensAt: null };
  const step = 5 * 60_000;
  const start = Math.ceil(at.getTime() / step) * step;
  for (let time = start; time <= at.getTime() + 48 * 3_600_000; time += step) {
    if (minutesLeftAt(new Date(time)) > 0) return { open: false, minutesLeft: 0, opensAt: new Date(time) };
  }
  return { open: false, minutesLeft: 0, opensAt: null };
}
