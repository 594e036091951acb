import { describe, expect, it } from 'vitest';
import { OfferingMatcher } from '../../src/domain/catalog/offering-matcher.ts';
import { DEMO_OFFERINGS } from '../../src/domain/demo/demo-data.ts';
import { OfflineRecognizer } from '../../src/nlu/offline.recognizer.ts';

// The recogniser's offer entity and the catalog's lookUp (what lookUpOfferings runs) read the
// same matcher, so for the same words they never name different offerings.

const recognizer = new OfflineRecognizer({ offerings: DEMO_OFFERINGS });
const catalog = new OfferingMatcher(DEMO_OFFERINGS);
const entityOffers = (text: string) => recognizer.recognizeNow(text).entities.filter((entity) => entity.type === 'offer').map((entity) => entity.value);

describe('the recogniser and the catalog agree on the offering meant', () => {
  it.each([
    // Names, short forms and typos.
    ['sign me up for the 1 gig plan', 'FIBER-1G'],
    ['fibre 2gig please', 'FIBER-2G'],
    ['the 300 plan', 'FIBER-300'],
    ['i want mobile unlimited plus', 'MOBILE-UNLIMITED-PLUS'],
    ['unlimited plus', 'MOBILE-UNLIMITED-PLUS'],
    ['add the sports package', 'ADDON-SPORTS'],
    ['sports', 'ADDON-SPORTS'],
    ['can i get hbo', 'ADDON-MOVIES'],
    ['mesh exstender', 'ADDON-MESH-WIFI'],
    ['mesh wifi', 'ADDON-MESH-WIFI'],
    ['static ip', 'ADDON-STATIC-IP'],
    ['tv max please', 'TV-MAX'],
    ['essentials', 'MOBILE-ESSENTIALS'],
    ['i want home phone service', 'HOME-PHONE'],
  ])('"%s" → %s', (text, code) => {
    expect(entityOffers(text)).toEqual([code]);
    expect(catalog.lookUp(text)).toEqual({ matches: [expect.objectContaining({ code })], ambiguous: false });
  });

  it.each(['the other plan', 'no, the other one', 'my internet is down', 'I want a new plan', 'banana'])(
    'names nothing for "%s" on either side',
    (text) => {
      expect(entityOffers(text)).toEqual([]);
      expect(catalog.lookUp(text).matches).toEqual([]);
    },
  );

  it('names, when both say something, only offerings the lookUp also gives', () => {
    for (const text of ['the charge for tv max is wrong, i have tv basic', 'add world calling to my home phone', 'international', 'gig fiber', 'unlimted plus', 'movis']) {
      const found = catalog.lookUp(text);
      const allowed = (found.ambiguous ? found.matches : found.matches.slice(0, 1)).map((offering) => offering.code);
      for (const code of entityOffers(text)) expect(allowed, text).toContain(code);
    }
  });
});
