import { describe, expect, it } from 'vitest';
import { toCents } from '../../src/domain/billing/money.ts';
import { DEMO_OFFERINGS } from '../../src/domain/demo/demo-data.ts';
import {
  chooseRetentionOffer,
  contactByDate,
  tenureInMonths,
  type CatalogOffering,
  type RetentionFacts,
} from '../../src/domain/retention/retention-policy.ts';

const CATALOG: CatalogOffering[] = DEMO_OFFERINGS.map((offering) => ({
  id: `id-${offering.code}`,
  code: offering.code,
  name: offering.name,
  serviceType: offering.serviceType,
  isAddOn: offering.isAddOn,
  monthlyPriceCents: toCents(offering.recurringPrice),
  oneTimePriceCents: toCents(offering.oneTimePrice),
  currency: 'USD',
  commitmentMonths: offering.commitmentMonths,
  lifecycleStatus: 'active',
  compatibleWith: offering.compatibleWith,
  incompatibleWith: [],
  availableAreas: [],
}));

function facts(code: string, overrides: Partial<RetentionFacts> = {}): RetentionFacts {
  const offering = CATALOG.find((candidate) => candidate.code === code);
  if (!offering) throw new Error(code);
  return {
    current: { code, serviceType: offering.serviceType, monthlyPriceCents: offering.monthlyPriceCents, currency: 'USD' },
    heldOfferingCodes: [code],
    addOnCodes: [],
    serviceArea: '94107',
    tenureMonths: 3,
    inArrears: false,
    hadRecentLoyaltyDiscount: false,
    ...overrides,
  };
}

function withOffering(code: string, change: Partial<CatalogOffering>): CatalogOffering[] {
  return CATALOG.map((offering) => (offering.code === code ? { ...offering, ...change } : offering));
}

describe('chooseRetentionOffer', () => {
  it('offers the smallest step down of the same service, with exact prices', () => {
    expect(chooseRetentionOffer(facts('FIBER-2G'), CATALOG)).toEqual({
      kind: 'planChange',
      code: 'PLAN-CHANGE-FIBER-1G',
      offeringId: 'id-FIBER-1G',
      offeringCode: 'FIBER-1G',
      offeringName: 'Fiber 1 Gig',
      monthlyPrice: '65.00',
      currentMonthlyPrice: '95.00',
      oneTimePrice: '0.00',
      currency: 'USD',
    });
    // The plan's one-time charge comes with the offer, so the customer hears it before saying yes.
    expect(chooseRetentionOffer(facts('TV-MAX'), CATALOG)).toMatchObject({ offeringCode: 'TV-BASIC', monthlyPrice: '35.00', oneTimePrice: '25.00' });
    expect(chooseRetentionOffer(facts('MOBILE-UNLIMITED-PLUS'), CATALOG)).toMatchObject({ offeringCode: 'MOBILE-UNLIMITED' });
  });

  it.each<[string, string | undefined, Partial<RetentionFacts>, CatalogOffering[]]>([
    ['never what the customer already has', 'MOBILE-ESSENTIALS', { heldOfferingCodes: ['MOBILE-UNLIMITED-PLUS', 'MOBILE-UNLIMITED'] }, CATALOG],
    ['keeps the add-ons working (Static IP needs 1 or 2 Gig)', 'FIBER-1G', { addOnCodes: ['ADDON-STATIC-IP', 'ADDON-MESH-WIFI'] }, CATALOG],
    ['never a plan their add-ons do not work with', undefined, { addOnCodes: ['ADDON-STATIC-IP'] }, withOffering('ADDON-STATIC-IP', { compatibleWith: ['FIBER-2G'] })],
    ['never a plan not sold in their area', 'FIBER-300', {}, withOffering('FIBER-1G', { availableAreas: ['94612'] })],
    ['never a retired plan', 'FIBER-300', {}, withOffering('FIBER-1G', { lifecycleStatus: 'retired' })],
    ['never a plan with a commitment', 'FIBER-300', {}, withOffering('FIBER-1G', { commitmentMonths: 12 })],
    ['never a plan incompatible with another product they keep', 'FIBER-300', { heldOfferingCodes: ['FIBER-2G', 'HOME-PHONE'] }, withOffering('FIBER-1G', { incompatibleWith: ['HOME-PHONE'] })],
  ])('steps down from FIBER-2G, but %s', (_rule, expected, overrides, catalog) => {
    const current = overrides.heldOfferingCodes?.includes('MOBILE-UNLIMITED-PLUS') ? 'MOBILE-UNLIMITED-PLUS' : 'FIBER-2G';
    const held = overrides.heldOfferingCodes ?? [current];
    const offer = chooseRetentionOffer(facts(current, { ...overrides, heldOfferingCodes: held }), catalog);
    expect(offer?.kind === 'planChange' ? offer.offeringCode : undefined).toBe(expected);
  });

  it('ignores that the plan being replaced is incompatible with the new one (two TV packages)', () => {
    const catalog = withOffering('TV-MAX', { incompatibleWith: ['TV-BASIC'] });
    expect(chooseRetentionOffer(facts('TV-MAX'), catalog)).toMatchObject({ offeringCode: 'TV-BASIC' });
  });

  it('offers a loyalty discount on the cheapest plan to a customer of a year or more', () => {
    expect(chooseRetentionOffer(facts('MOBILE-ESSENTIALS', { tenureMonths: 45 }), CATALOG)).toEqual({
      kind: 'loyaltyDiscount',
      code: 'LOYALTY-20PCT-12M',
      percent: 20,
      months: 12,
      monthlyPrice: '24.00',
      currentMonthlyPrice: '30.00',
      currency: 'USD',
      tenureYears: 3,
    });
    // Add-ons rule the cheaper plan out, so the loyalty discount is next.
    expect(chooseRetentionOffer(facts('FIBER-1G', { tenureMonths: 17, addOnCodes: ['ADDON-STATIC-IP'] }), CATALOG)).toMatchObject({ kind: 'loyaltyDiscount', monthlyPrice: '52.00' });
  });

  it('rounds a half cent of discount up, in the customer’s favour', () => {
    const catalog = withOffering('HOME-PHONE', { monthlyPriceCents: 1234n });
    const offer = chooseRetentionOffer({ ...facts('HOME-PHONE', { tenureMonths: 12 }), current: { code: 'HOME-PHONE', serviceType: 'landline', monthlyPriceCents: 1234n, currency: 'USD' } }, catalog);
    expect(offer).toMatchObject({ monthlyPrice: '9.87', currentMonthlyPrice: '12.34' });
  });

  it.each<[string, Partial<RetentionFacts>]>([
    ['under a year', { tenureMonths: 11 }],
    ['in arrears', { tenureMonths: 40, inArrears: true }],
    ['had one recently', { tenureMonths: 40, hadRecentLoyaltyDiscount: true }],
  ])('offers nothing on the cheapest plan to a customer %s', (_case, overrides) => {
    expect(chooseRetentionOffer(facts('MOBILE-ESSENTIALS', overrides), CATALOG)).toBeNull();
    expect(chooseRetentionOffer(facts('HOME-PHONE', overrides), CATALOG)).toBeNull();
  });

  it('offers nothing at all to a customer in arrears: no order can be placed for them', () => {
    expect(chooseRetentionOffer(facts('FIBER-2G', { inArrears: true, tenureMonths: 40 }), CATALOG)).toBeNull();
  });
});

describe('tenureInMonths', () => {
  it.each([
    ['2024-01-15', '2024-01-31', 0],
    ['2024-01-15', '2024-02-14', 0],
    ['2024-01-15', '2024-02-15', 1],
    ['2022-03-01', '2025-03-01', 36],
    ['2025-03-01', '2024-03-01', 0],
  ])('%s to %s is %i months', (start, now, months) => {
    expect(tenureInMonths(new Date(start), new Date(now))).toBe(months);
  });
});

describe('contactByDate', () => {
  it.each([
    ['2025-06-02T10:00:00Z', '2025-06-04'], // Monday → Wednesday
    ['2025-06-05T10:00:00Z', '2025-06-09'], // Thursday → Monday
    ['2025-06-06T10:00:00Z', '2025-06-10'], // Friday → Tuesday
    ['2025-06-07T10:00:00Z', '2025-06-10'], // Saturday → Tuesday
  ])('two business days after %s is %s', (now, expected) => {
    expect(contactByDate(new Date(now)).toISOString().slice(0, 10)).toBe(expected);
  });
});
