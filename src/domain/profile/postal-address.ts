import { parseAddress } from 'addresser';
import { z } from 'zod';

// US postal addresses as customers type them: "12 Main Street, Oakland 94612", "530 Dwight Way,
// Apt 14, Berkeley 94704", "1 market st #200 san francisco ca 94105-1234". The `addresser`
// package finds where the street ends and the city begins (its street types, unit words and city
// lists); it needs a state, so one the customer left out comes from the ZIP code's first three
// digits. What is stored (and read back) is the customer's own wording of the street and city,
// never an abbreviation or a cut-off name.

export interface PostalAddress {
  street: string;
  city: string;
  postCode: string;
}

/** Why a text is not an address we can store, in words for the customer. */
export type PostalAddressProblem = 'noHouseNumber' | 'noZip' | 'noCity' | 'unreadable';

export type PostalAddressReading = { ok: true; address: PostalAddress } | { ok: false; problem: PostalAddressProblem };

const EXAMPLE = 'e.g. 12 Main Street, Oakland 94612';

/** One sentence that says what is missing and how to send it. */
export function postalAddressHint(problem: PostalAddressProblem): string {
  switch (problem) {
    case 'noHouseNumber':
      return `Please start with the house number and street, ${EXAMPLE}.`;
    case 'noZip':
      return `I also need the 5-digit ZIP code at the end, ${EXAMPLE}.`;
    case 'noCity':
      return `I also need the city before the ZIP code, ${EXAMPLE}.`;
    case 'unreadable':
      return `I couldn't tell where the street ends and the city starts. Please put a comma between them, ${EXAMPLE}.`;
  }
}

const parsedSchema = z.object({ placeName: z.string().min(1), addressLine1: z.string().min(1), zipCode: z.string() });

const STATE_ABBREVIATIONS = new Set('AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR'.split(' '));
const STATE_NAMES: Record<string, string> = {
  alabama: 'AL', alaska: 'AK', arizona: 'AZ', arkansas: 'AR', california: 'CA', colorado: 'CO', connecticut: 'CT', delaware: 'DE',
  'district of columbia': 'DC', florida: 'FL', georgia: 'GA', hawaii: 'HI', idaho: 'ID', illinois: 'IL', indiana: 'IN', iowa: 'IA',
  kansas: 'KS', kentucky: 'KY', louisiana: 'LA', maine: 'ME', maryland: 'MD', massachusetts: 'MA', michigan: 'MI', minnesota: 'MN',
  mississippi: 'MS', missouri: 'MO', montana: 'MT', nebraska: 'NE', nevada: 'NV', 'new hampshire': 'NH', 'new jersey': 'NJ',
  'new mexico': 'NM', 'new york': 'NY', 'north carolina': 'NC', 'north dakota': 'ND', ohio: 'OH', oklahoma: 'OK', oregon: 'OR',
  pennsylvania: 'PA', 'rhode island': 'RI', 'south carolina': 'SC', 'south dakota': 'SD', tennessee: 'TN', texas: 'TX', utah: 'UT',
  vermont: 'VT', virginia: 'VA', washington: 'WA', 'west virginia': 'WV', wisconsin: 'WI', wyoming: 'WY',
};

// USPS ZIP code prefixes (first three digits) by state: [first, last, state].
const ZIP_PREFIXES: ReadonlyArray<readonly [number, number, string]> = [
  [5, 5, 'NY'], [6, 9, 'PR'], [10, 27, 'MA'], [28, 29, 'RI'], [30, 38, 'NH'], [39, 49, 'ME'], [50, 54, 'VT'], [55, 55, 'MA'],
  [56, 59, 'VT'], [60, 69, 'CT'], [70, 89, 'NJ'], [100, 149, 'NY'], [150, 196, 'PA'], [197, 199, 'DE'], [200, 205, 'DC'],
  [206, 219, 'MD'], [220, 246, 'VA'], [247, 268, 'WV'], [270, 289, 'NC'], [290, 299, 'SC'], [300, 319, 'GA'], [320, 349, 'FL'],
  [350, 369, 'AL'], [370, 385, 'TN'], [386, 397, 'MS'], [398, 399, 'GA'], [400, 427, 'KY'], [430, 459, 'OH'], [460, 479, 'IN'],
  [480, 499, 'MI'], [500, 528, 'IA'], [530, 549, 'WI'], [550, 567, 'MN'], [569, 569, 'DC'], [570, 577, 'SD'], [580, 588, 'ND'],
  [590, 599, 'MT'], [600, 629, 'IL'], [630, 658, 'MO'], [660, 679, 'KS'], [680, 693, 'NE'], [700, 715, 'LA'], [716, 729, 'AR'],
  [730, 749, 'OK'], [750, 799, 'TX'], [800, 816, 'CO'], [820, 831, 'WY'], [832, 838, 'ID'], [840, 847, 'UT'], [850, 865, 'AZ'],
  [870, 884, 'NM'], [885, 885, 'TX'], [889, 898, 'NV'], [900, 961, 'CA'], [967, 968, 'HI'], [970, 979, 'OR'], [980, 994, 'WA'],
  [995, 999, 'AK'],
];

/** The state a ZIP code belongs to, from its first three digits. */
export function stateOfZip(zip: string): string | undefined {
  const prefix = Number(zip.slice(0, 3));
  return ZIP_PREFIXES.find(([first, last]) => prefix >= first && prefix <= last)?.[2];
}

const HOUSE_NUMBER = /^\d{1,6}[A-Za-z]?(?:-\d{1,5})?\s+\S/;
const ZIP_AT_END = /(?:^|[\s,])(\d{5})(?:\s*-\s*(\d{4}))?$/;
const MAX_STREET = 120;
const MAX_CITY = 60;

/** Reads an address on one line; says what is missing when it is not one. */
export function readPostalAddress(text: string): PostalAddressReading {
  const line = text.trim().replace(/\s+/g, ' ').replace(/[.!]+$/, '').replace(/\s*,\s*/g, ', ');
  if (!HOUSE_NUMBER.test(line)) return { ok: false, problem: 'noHouseNumber' };
  const zipMatch = ZIP_AT_END.exec(line);
  if (!zipMatch?.[1]) return { ok: false, problem: 'noZip' };
  const postCode = zipMatch[2] ? `${zipMatch[1]}-${zipMatch[2]}` : zipMatch[1];
  const beforeZip = line.slice(0, zipMatch.index).replace(/[\s,]+$/, '');
  const { head, state } = withoutState(beforeZip);
  const zipState = stateOfZip(zipMatch[1]);
  const stateToParse = state ?? zipState;
  if (!stateToParse || !head.includes(' ')) return { ok: false, problem: 'noCity' };

  let parsed: z.infer<typeof parsedSchema>;
  try {
    const result = parsedSchema.safeParse(parseAddress(`${head}, ${stateToParse} ${zipMatch[1]}`));
    if (!result.success) return { ok: false, problem: 'unreadable' };
    parsed = result.data;
  } catch {
    // addresser throws when no city of that state ends the street part: the city is missing or unknown.
    return { ok: false, problem: head.includes(',') ? 'unreadable' : 'noCity' };
  }
  // The customer's own words for the city: the last occurrence of the place addresser found.
  const cityAt = head.toLowerCase().lastIndexOf(parsed.placeName.toLowerCase());
  if (cityAt <= 0 || cityAt + parsed.placeName.length !== head.length) return { ok: false, problem: 'unreadable' };
  const street = head.slice(0, cityAt).replace(/[\s,]+$/, '');
  const city = head.slice(cityAt);
  if (!HOUSE_NUMBER.test(street) || street.length > MAX_STREET) return { ok: false, problem: street ? 'unreadable' : 'noCity' };
  if (city.length > MAX_CITY) return { ok: false, problem: 'unreadable' };
  return { ok: true, address: { street: ownCase(street), city: ownCase(city), postCode } };
}

/** A postal address with street, city and a US ZIP code, or undefined when one of them is missing. */
export function parsePostalAddress(text: string): PostalAddress | undefined {
  const reading = readPostalAddress(text);
  return reading.ok ? reading.address : undefined;
}

export function formatPostalAddress(address: PostalAddress): string {
  return `${address.street}, ${address.city} ${address.postCode}`;
}

/** The text before the ZIP without a trailing state ("Oakland, CA", "Oakland California"). */
function withoutState(text: string): { head: string; state: string | undefined } {
  const abbreviation = /[\s,]+([A-Za-z]{2})$/.exec(text);
  // A two-letter last word is a state only when it is written as one (CA, ca) and a city is left before it.
  if (abbreviation?.[1] && STATE_ABBREVIATIONS.has(abbreviation[1].toUpperCase())) {
    return { head: text.slice(0, abbreviation.index).replace(/[\s,]+$/, ''), state: abbreviation[1].toUpperCase() };
  }
  const lower = text.toLowerCase();
  for (const [name, code] of Object.entries(STATE_NAMES)) {
    if (lower.endsWith(` ${name}`) || lower.endsWith(`,${name}`)) {
      const head = text.slice(0, text.length - name.length).replace(/[\s,]+$/, '');
      // "Washington" alone may be the city (Washington, DC 20500): keep it when nothing would be left.
      if (/\s/.test(head) && !/^\d+\s+\S+$/.test(head)) return { head, state: code };
    }
  }
  return { head: text, state: undefined };
}

/** As typed, unless typed all in lower case: then each word capitalised ("apt 14" → "Apt 14"). */
function ownCase(text: string): string {
  if (text !== text.toLowerCase()) return text;
  return text.replace(/\b([a-z])([a-z']*)/g, (_word, first: string, rest: string) => first.toUpperCase() + rest);
}
