import { describe, expect, it } from 'vitest';
import { decideEligibility, type CustomerHoldings, type EligibilityOffering, type HeldProduct } from '../../src/domain/catalog/eligibility.ts';
import { OfferingMatcher } from '../../src/domain/catalog/offering-matcher.ts';
import { recommendOffers } from '../../src/domain/catalog/recommendations.ts';
import { DEMO_OFFERINGS, demoOffering } from '../../src/domain/demo/demo-data.ts';

// The catalog rules on the demo catalog, without a database: finding the offering a customer
// means, whether they may order it, and which offers fit them.

const catalog: Array<EligibilityOffering & { keywords: string[] }> = DEMO_OFFERINGS.map((offering) => ({
  ...offering,
  keywords: [...offering.keywords],
  lifecycleStatus: 'active',
  compatibleWith: [...offering.compatibleWith],
  incompatibleWith: [...(offering.incompatibleWith ?? [])],
  availableAreas: [...(offering.availableAreas ?? [])],
}));
const matcher = new OfferingMatcher(catalog);

describe('finding the offering a customer means', () => {
  it.each([
    ['FIBER-1G', ['FIBER-1G']],
    ['fiber-2g', ['FIBER-2G']],
    ['Fiber 2 Gig', ['FIBER-2G']],
    ['the fibre 1 gig plan please', ['FIBER-1G']],
    ['unlimted plus', ['MOBILE-UNLIMITED-PLUS']],
    ['unlimited', ['MOBILE-UNLIMITED']],
    ['movis', ['ADDON-MOVIES']],
    ['sports package', ['ADDON-SPORTS']],
    ['static ip', ['ADDON-STATIC-IP']],
    ['tv max', ['TV-MAX']],
    ['essentials', ['MOBILE-ESSENTIALS']],
    ['mesh wifi', ['ADDON-MESH-WIFI']],
  ])('%s → %s', (text, expected) => {
    const result = matcher.lookUp(text);
    expect(result.ambiguous).toBe(false);
    expect(result.matches[0]?.code).toBe(expected[0]);
  });

  it('returns every close candidate when the words fit several', () => {
    const gig = matcher.lookUp('gig fiber');
    expect(gig.ambiguous).toBe(true);
    expect(gig.matches.map((offering) => offering.code).sort()).toEqual(['FIBER-1G', 'FIBER-2G']);
    const international = matcher.lookUp('international');
    expect(international.ambiguous).toBe(true);
    expect(international.matches.map((offering) => offering.code).sort()).toEqual(['ADDON-INTL-CALLING', 'ADDON-WORLD-CALLING']);
  });

  it('names nothing for words every offering of a kind shares, or none has', () => {
    for (const text of ['internet', 'I want a new plan', 'the other one', 'banana', '']) {
      expect(matcher.lookUp(text).matches, text).toEqual([]);
    }
  });

  it('searches within one kind of service when asked', () => {
    expect(matcher.lookUp('basic', 'tv').matches.map((offering) => offering.code)).toEqual(['TV-BASIC']);
  });
});

function held(code: string, status: HeldProduct['status'] = 'active'): HeldProduct {
  const offering = demoOffering(code);
  return {
    productId: `product-${code}`,
    offeringCode: code,
    offeringName: offering.name,
    serviceType: offering.serviceType,
    isAddOn: offering.isAddOn,
    status,
    serviceIdentifier: null,
    recurringPrice: offering.recurringPrice,
    compatibleWith: offering.compatibleWith,
    incompatibleWith: offering.incompatibleWith ?? [],
  };
}

function customer(codes: string[], overrides: Partial<CustomerHoldings> = {}): CustomerHoldings {
  return {
    customerId: 'customer-1',
    customerStatus: 'active',
    serviceArea: '94107',
    account: { id: 'account-1', status: 'active' },
    products: codes.map((code) => held(code)),
    overdueBills: [],
    openOrders: [],
    ...overrides,
  };
}

function decide(code: string, holdings: CustomerHoldings, newLine = false) {
  const offering = catalog.find((entry) => entry.code === code);
  if (!offering) throw new Error(code);
  return decideEligibility(offering, holdings, catalog, { newLine });
}

const ALEX_LIKE = ['FIBER-1G', 'ADDON-MESH-WIFI', 'MOBILE-UNLIMITED', 'TV-MAX', 'ADDON-SPORTS'];

describe('eligibility', () => {
  it('adds a new service or an add-on on a compatible base', () => {
    expect(decide('HOME-PHONE', customer(ALEX_LIKE))).toMatchObject({ eligible: true, action: 'add', category: 'new', accountId: 'account-1' });
    expect(decide('ADDON-MOVIES', customer(ALEX_LIKE))).toMatchObject({ eligible: true, action: 'add' });
  });

  it('makes another plan of a service the customer has a change of that product, up or down', () => {
    expect(decide('FIBER-2G', customer(ALEX_LIKE))).toMatchObject({ eligible: true, action: 'modify', category: 'change', replaces: { offeringCode: 'FIBER-1G' } });
    expect(decide('TV-BASIC', customer(ALEX_LIKE))).toMatchObject({ eligible: true, action: 'modify', replaces: { offeringCode: 'TV-MAX' } });
  });

  it('adds a second mobile line only when asked for a new line', () => {
    expect(decide('MOBILE-UNLIMITED', customer(ALEX_LIKE))).toMatchObject({ eligible: false, reason: 'alreadySubscribed' });
    expect(decide('MOBILE-UNLIMITED', customer(ALEX_LIKE), true)).toMatchObject({ eligible: true, action: 'add', category: 'new' });
    expect(decide('MOBILE-ESSENTIALS', customer(ALEX_LIKE))).toMatchObject({ eligible: true, action: 'modify' });
  });

  it.each([
    ['already has it', 'ADDON-SPORTS', customer(ALEX_LIKE), 'alreadySubscribed'],
    ['an order for it is open', 'ADDON-MOVIES', customer(ALEX_LIKE, { openOrders: [{ reference: 'ORD-1', offeringCodes: ['ADDON-MOVIES'], productIds: [] }] }), 'alreadyOrdered'],
    ['the plan is being changed already', 'FIBER-300', customer(ALEX_LIKE, { openOrders: [{ reference: 'ORD-1', offeringCodes: ['FIBER-2G'], productIds: ['product-FIBER-1G'] }] }), 'alreadyOrdered'],
    ['add-on without a base', 'ADDON-SPORTS', customer(['MOBILE-ESSENTIALS']), 'needsBase'],
    ['add-on for another plan', 'ADDON-EXTRA-DATA-10GB', customer(ALEX_LIKE), 'needsBase'],
    ['not sold in the area', 'FIBER-2G', customer(['MOBILE-ESSENTIALS'], { serviceArea: '94114' }), 'notInArea'],
    ['a downgrade that strands an add-on', 'FIBER-300', customer(['FIBER-1G', 'ADDON-STATIC-IP']), 'incompatible'],
    ['an upgrade that conflicts with an add-on', 'MOBILE-UNLIMITED', customer(['MOBILE-ESSENTIALS', 'ADDON-EXTRA-DATA-10GB']), 'incompatible'],
    ['arrears', 'ADDON-MOVIES', customer(ALEX_LIKE, { overdueBills: [{ reference: 'INV-1', amountDue: '80.00', dueDate: new Date('2026-01-01') }] }), 'arrears'],
    ['suspended customer', 'ADDON-MOVIES', customer(ALEX_LIKE, { customerStatus: 'suspended' }), 'customerSuspended'],
    ['suspended account', 'ADDON-MOVIES', customer(ALEX_LIKE, { account: { id: 'a', status: 'suspended' } }), 'accountSuspended'],
    ['no account', 'ADDON-MOVIES', customer(ALEX_LIKE, { account: null }), 'noAccount'],
  ])('refuses when %s', (_case, code, holdings, reason) => {
    expect(decide(code, holdings)).toMatchObject({ eligible: false, reason });
  });

  it('suggests an alternative the customer could order instead', () => {
    expect(decide('FIBER-2G', customer(['MOBILE-ESSENTIALS'], { serviceArea: '94114' }))).toMatchObject({ reason: 'notInArea', alternativeCode: 'FIBER-1G' });
    expect(decide('ADDON-SPORTS', customer(['MOBILE-ESSENTIALS']))).toMatchObject({ reason: 'needsBase', alternativeCode: 'TV-BASIC' });
    expect(decide('ADDON-STATIC-IP', customer(['FIBER-300']))).toMatchObject({ reason: 'needsBase', alternativeCode: 'FIBER-1G' });
    // Never a downgrade to make room for an add-on.
    expect(decide('ADDON-EXTRA-DATA-10GB', customer(ALEX_LIKE))).toMatchObject({ reason: 'needsBase', alternativeCode: undefined });
  });

  it('never answers an upgrade with less than the customer has', () => {
    // Fiber 1 Gig, asking for Fiber 2 Gig where it is not sold: Fiber 300 is a downgrade, not an answer.
    const refusal = decide('FIBER-2G', customer(['FIBER-1G'], { serviceArea: '94114' }));
    expect(refusal).toMatchObject({ eligible: false, reason: 'notInArea' });
    expect(refusal.eligible === false && refusal.alternativeCode).toBeFalsy();
    // On Fiber 300, Fiber 1 Gig is still more than they have: offered.
    expect(decide('FIBER-2G', customer(['FIBER-300'], { serviceArea: '94114' }))).toMatchObject({ reason: 'notInArea', alternativeCode: 'FIBER-1G' });
  });
});

describe('offers for a customer', () => {
  it('gives anonymous visitors the base plans, cheapest first', () => {
    const plans = recommendOffers(catalog, null);
    expect(plans.every((suggestion) => suggestion.kind === 'plan')).toBe(true);
    expect(plans.map((suggestion) => suggestion.code)).toContain('FIBER-300');
    expect(plans.map((suggestion) => suggestion.code)).not.toContain('ADDON-SPORTS');
  });

  it('tailors offers: upgrades of their plans, then add-ons they do not have', () => {
    const alex = recommendOffers(catalog, customer(ALEX_LIKE));
    expect(alex).toEqual([
      expect.objectContaining({ code: 'FIBER-2G', kind: 'upgrade' }),
      expect.objectContaining({ code: 'MOBILE-UNLIMITED-PLUS', kind: 'upgrade' }),
      expect.objectContaining({ kind: 'addOn' }),
    ]);
    const sam = recommendOffers(catalog, customer(['MOBILE-ESSENTIALS'], { serviceArea: '94114' }), { limit: 10 });
    const codes = sam.map((suggestion) => suggestion.code);
    expect(codes[0]).toBe('MOBILE-UNLIMITED');
    expect(codes).toContain('ADDON-EXTRA-DATA-10GB');
    expect(codes).not.toContain('ADDON-SPORTS');
    expect(codes).not.toContain('FIBER-2G');
  });

  it('keeps to one kind of service when asked', () => {
    const internet = recommendOffers(catalog, customer(ALEX_LIKE), { serviceType: 'internet' });
    expect(internet.map((suggestion) => suggestion.code)).toEqual(['FIBER-2G', 'ADDON-STATIC-IP']);
  });
});
