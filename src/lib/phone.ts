import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

// Phone numbers through libphonenumber-js: international numbers in any country's format
// ("+44 20 7946 0958"), national ones in the default country's. "Possible" (the right length
// for the country), not "valid": demo and test numbers use the fictional 555 exchange.

// Every webhook brings the same few numbers again (the operator's own, returning customers), and a
// parse costs about 0.1 ms of the message's CPU: answers are kept, up to a bound.
const KNOWN_LIMIT = 10_000;
const known = new Map<string, string | null>();

/** A phone number in E.164 ("+15551230001"); undefined when the text is not one. National numbers are read as the default country's. */
export function toE164(raw: string, defaultCountry: CountryCode = 'US'): string | undefined {
  const key = `${defaultCountry} ${raw}`;
  const answer = known.get(key);
  if (answer !== undefined) return answer ?? undefined;
  const phone = parsePhoneNumberFromString(raw, { defaultCountry });
  const e164 = phone?.isPossible() ? phone.number : undefined;
  if (known.size >= KNOWN_LIMIT) known.clear();
  known.set(key, e164 ?? null);
  return e164;
}
