import { describe, expect, it } from 'vitest';
import { formatPostalAddress, postalAddressHint, readPostalAddress, stateOfZip, type PostalAddressProblem } from '../../src/domain/profile/postal-address.ts';

// Addresses as customers type them, each read back exactly as it will be stored.
const READ: Array<[typed: string, stored: string]> = [
  // The bot's own example and the demo data's format.
  ['12 Main Street, Oakland 94612', '12 Main Street, Oakland 94612'],
  ['530 Dwight Way, Apt 14, Berkeley 94704', '530 Dwight Way, Apt 14, Berkeley 94704'],
  ['55 Oak Avenue, Berkeley 94704', '55 Oak Avenue, Berkeley 94704'],
  // State present, with or without commas, as an abbreviation or a name.
  ['12 Main Street, Oakland, CA 94612', '12 Main Street, Oakland 94612'],
  ['12 Main Street, Oakland CA 94612', '12 Main Street, Oakland 94612'],
  ['12 Main Street, Oakland, California 94612', '12 Main Street, Oakland 94612'],
  // Units: apt, #, suite, unit, with and without a comma before them.
  ['530 Dwight Way #14, Berkeley 94704', '530 Dwight Way #14, Berkeley 94704'],
  ['1 Market St, Suite 200, San Francisco, CA 94105', '1 Market St, Suite 200, San Francisco 94105'],
  ['77 Elm Ave Unit 3B, Oakland 94612', '77 Elm Ave Unit 3B, Oakland 94612'],
  // ZIP+4, kept whole.
  ['1 Market St #200, San Francisco, CA 94105-1234', '1 Market St #200, San Francisco 94105-1234'],
  // All lower case: capitalised; no commas at all: the city is found by name.
  ['12 main street oakland 94612', '12 Main Street, Oakland 94612'],
  ['530 dwight way apt 14 berkeley ca 94704', '530 Dwight Way Apt 14, Berkeley 94704'],
  // Cities of more than one word, directions, a trailing full stop.
  ['1600 Pennsylvania Ave NW, Washington, DC 20500', '1600 Pennsylvania Ave NW, Washington 20500'],
  ['350 5th Ave, New York, NY 10118.', '350 5th Ave, New York 10118'],
  ['2 N Lake St, Salt Lake City 84101', '2 N Lake St, Salt Lake City 84101'],
  ['  12   Main Street ,Oakland   94612 ', '12 Main Street, Oakland 94612'],
];

const REFUSED: Array<[typed: string, problem: PostalAddressProblem]> = [
  ['Main Street, Oakland 94612', 'noHouseNumber'],
  ['i moved', 'noHouseNumber'],
  ['12 Main Street, Oakland', 'noZip'],
  ['12 Main Street, Oakland 9461', 'noZip'],
  ['12 Main Street 94612', 'noCity'],
  ['94612', 'noHouseNumber'],
  ['12 Main Street Smallvillefoo 94612', 'noCity'],
];

describe('readPostalAddress', () => {
  it.each(READ)('reads %j as %j', (typed, stored) => {
    const reading = readPostalAddress(typed);
    expect(reading.ok && formatPostalAddress(reading.address)).toBe(stored);
  });

  it.each(REFUSED)('refuses %j (%s) with a sentence that says what to send', (typed, problem) => {
    expect(readPostalAddress(typed)).toEqual({ ok: false, problem });
    expect(postalAddressHint(problem)).toMatch(/12 Main Street, Oakland 94612/);
  });

  it('keeps the whole city name when no state is given (not "Berkel")', () => {
    expect(readPostalAddress('55 Oak Avenue, Berkeley 94704')).toEqual({ ok: true, address: { street: '55 Oak Avenue', city: 'Berkeley', postCode: '94704' } });
  });

  it('knows the state of a ZIP code', () => {
    expect([stateOfZip('94612'), stateOfZip('10118'), stateOfZip('20500'), stateOfZip('02108'), stateOfZip('99501')]).toEqual(['CA', 'NY', 'DC', 'MA', 'AK']);
  });
});
