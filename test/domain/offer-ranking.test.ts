import { describe, expect, it } from 'vitest';
import type { EligibilityOffering } from '../../src/domain/catalog/eligibility.ts';
import { buildAssociations, rankSuggestions, strongestAssociation, upgradesThenRanked } from '../../src/domain/catalog/offer-ranking.ts';

// Association rules over holdings: lift > 1 and enough support, and the ranking they give.

const offering = (code: string, price: string, isAddOn = true): EligibilityOffering => ({
  code,
  name: code,
  serviceType: 'tv',
  isAddOn,
  recurringPrice: price,
  lifecycleStatus: 'active',
  compatibleWith: [],
  incompatibleWith: [],
  availableAreas: [],
});
const catalog = [offering('TV', '40.00', false), offering('SPORTS', '15.00'), offering('MOVIES', '12.00'), offering('KIDS', '8.00')];

// 20 TV customers: 8 of the 10 with SPORTS also took MOVIES; KIDS is as common with or without SPORTS.
const base = [
  ...Array.from({ length: 8 }, () => ['TV', 'SPORTS', 'MOVIES']),
  ...Array.from({ length: 2 }, () => ['TV', 'SPORTS', 'KIDS']),
  ...Array.from({ length: 2 }, () => ['TV', 'MOVIES']),
  ...Array.from({ length: 3 }, () => ['TV', 'KIDS']),
  ...Array.from({ length: 5 }, () => ['TV']),
];

describe('offer associations', () => {
  const table = buildAssociations(base);

  it('finds the rule from a held offering with its lift, confidence and support', () => {
    const rule = strongestAssociation(table, ['TV', 'SPORTS'], 'MOVIES');
    // P(MOVIES | SPORTS) = 8/10; P(MOVIES) = 10/20 → lift 1.6.
    expect(rule).toMatchObject({ antecedent: 'SPORTS', support: 8 });
    expect(rule?.confidence).toBeCloseTo(0.8);
    expect(rule?.lift).toBeCloseTo(1.6);
  });

  it('ignores rules with lift <= 1 and pairs seen too rarely', () => {
    // P(KIDS | SPORTS) = 2/10 = P(KIDS) × 0.8: no rule. TV is held by everyone: lift exactly 1.
    expect(strongestAssociation(table, ['TV', 'SPORTS'], 'KIDS')).toBeNull();
    expect(strongestAssociation(buildAssociations([['A', 'B'], ['A', 'B'], ['C']]), ['A'], 'B')).toBeNull();
  });

  it('ranks the associated offer first, with its reason, and margin breaks ties', () => {
    const ranked = rankSuggestions(
      [
        { code: 'KIDS', kind: 'addOn' },
        { code: 'MOVIES', kind: 'addOn' },
      ],
      catalog,
      ['TV', 'SPORTS'],
      table,
    );
    expect(ranked.map((offer) => offer.code)).toEqual(['MOVIES', 'KIDS']);
    expect(ranked[0]?.reason).toBe('customers with SPORTS often have MOVIES (80% of them, 1.6× the average)');
    expect(ranked[1]?.reason).toBe('works with what you have');
    const noRules = rankSuggestions([{ code: 'KIDS', kind: 'addOn' }, { code: 'SPORTS', kind: 'addOn' }], catalog, ['TV'], buildAssociations([]));
    expect(noRules.map((offer) => offer.code)).toEqual(['SPORTS', 'KIDS']);
  });

  it('keeps upgrades first for the bot, then the ranked rest', () => {
    const ranked = rankSuggestions([{ code: 'KIDS', kind: 'addOn' }, { code: 'MOVIES', kind: 'addOn' }, { code: 'TV', kind: 'upgrade' }], catalog, ['SPORTS'], table);
    expect(upgradesThenRanked(ranked, 2).map((offer) => offer.code)).toEqual(['TV', 'MOVIES']);
  });
});
