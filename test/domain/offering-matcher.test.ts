import { describe, expect, it } from 'vitest';
import { OfferingMatcher } from '../../src/domain/catalog/offering-matcher.ts';
import { DEMO_OFFERINGS } from '../../src/domain/demo/demo-data.ts';

// Offerings named in a free sentence (the recogniser's offer entity); lookUp's table is in catalog.test.ts.

describe('OfferingMatcher.mentions', () => {
  const matcher = new OfferingMatcher(DEMO_OFFERINGS);
  const offers = (text: string) => matcher.mentions(text).map((mention) => mention.offering.code);

  it.each([
    ['i want the 1 gig plan', ['FIBER-1G']],
    ['fibre 2gig please', ['FIBER-2G']],
    ['the 300 plan', ['FIBER-300']],
    ['add the sports package', ['ADDON-SPORTS']],
    ['can i get hbo', ['ADDON-MOVIES']],
    ['the unlimited plus plan', ['MOBILE-UNLIMITED-PLUS']],
    ['mesh exstender', ['ADDON-MESH-WIFI']],
    ['top up my data', ['ADDON-EXTRA-DATA-10GB']],
    ['i want home phone service', ['HOME-PHONE']],
    ['add the static ip', ['ADDON-STATIC-IP']],
    ['tv max please', ['TV-MAX']],
  ])('"%s" → %s', (text, expected) => {
    expect(offers(text)).toEqual(expected);
  });

  it('names no offering for generic service words, counts or amounts', () => {
    expect(offers('my internet is down')).toEqual([]);
    expect(offers('my tv and mobile are both broken')).toEqual([]);
    expect(offers('i have 1 line')).toEqual([]);
    expect(offers('i paid $300 last month')).toEqual([]);
    expect(offers('call me back')).toEqual([]);
    expect(offers('I work from home and the internet is down')).toEqual([]);
    expect(offers("there's static on my phone line")).toEqual([]);
  });

  it('keeps the words that named the offering', () => {
    expect(matcher.mentions('sign me up for the 1 gig plan')).toEqual([expect.objectContaining({ text: '1 gig' })]);
  });

  it('matches nothing with an empty catalog', () => {
    expect(new OfferingMatcher([]).mentions('the 1 gig plan')).toEqual([]);
  });
});
