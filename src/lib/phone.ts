import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

// Phone numbers through libphonenumber-js: international numbers in any country's format
// ("+44 20 7946 0958"), national ones in the default country's. "Possible" (the right length
// for the country), not "valid": demo and test numbers use the fictional 555 exchange.

/** A phone number in E.164 ("+15551230001"); undefined when the text is not one. National numbers are read as the default country's. */
export function toE164(raw: string, defaultCountry: CountryCode = 'US'): string | undefined {
  const phone = parsePhoneNumberFromString(raw, { defaultCountry });
  return phone?.isPossible() ? phone.number : undefined;
}
