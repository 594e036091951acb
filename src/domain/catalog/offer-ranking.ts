import { compareDecimal, type EligibilityOffering } from './eligibility.ts';
import type { OfferSuggestion } from './recommendations.ts';

// Which eligible offers to put first: the ones customers with similar holdings took (association
// rules over what customers hold: lift > 1 means holding A makes B more likely than on average),
// weighted by what the offer adds to the monthly bill (our margin proxy: the catalog holds prices,
// not costs). Pure; the caller loads the holdings of the customer base.

/** Pairs seen fewer times than this are noise, whatever their lift. */
export const MIN_PAIR_SUPPORT = 3;

export interface AssociationTable {
  customers: number;
  /** Customers holding each offering. */
  holders: ReadonlyMap<string, number>;
  /** Customers holding both, keyed `${a}|${b}` (both orders). */
  pairs: ReadonlyMap<string, number>;
}

/** Counts holdings and co-holdings over the customer base (one list of offering codes per customer). */
export function buildAssociations(holdings: Iterable<readonly string[]>): AssociationTable {
  const holders = new Map<string, number>();
  const pairs = new Map<string, number>();
  let customers = 0;
  for (const codes of holdings) {
    customers++;
    const unique = [...new Set(codes)];
    for (const code of unique) holders.set(code, (holders.get(code) ?? 0) + 1);
    for (const a of unique) for (const b of unique) if (a !== b) pairs.set(`${a}|${b}`, (pairs.get(`${a}|${b}`) ?? 0) + 1);
  }
  return { customers, holders, pairs };
}

export interface Association {
  /** The held offering that points to the candidate. */
  antecedent: string;
  /** P(candidate | antecedent) / P(candidate). */
  lift: number;
  /** P(candidate | antecedent). */
  confidence: number;
  support: number;
}

/** The strongest rule from something held to the candidate, when its lift is above 1 and it is seen often enough. */
export function strongestAssociation(table: AssociationTable, held: readonly string[], candidate: string): Association | null {
  const candidateHolders = table.holders.get(candidate) ?? 0;
  if (candidateHolders === 0 || table.customers === 0) return null;
  const base = candidateHolders / table.customers;
  let best: Association | null = null;
  for (const antecedent of held) {
    const support = table.pairs.get(`${antecedent}|${candidate}`) ?? 0;
    const antecedentHolders = table.holders.get(antecedent) ?? 0;
    if (support < MIN_PAIR_SUPPORT || antecedentHolders === 0) continue;
    const confidence = support / antecedentHolders;
    const lift = confidence / base;
    if (lift > 1 && (!best || lift > best.lift)) best = { antecedent, lift, confidence, support };
  }
  return best;
}

export interface RankedOffer extends OfferSuggestion {
  score: number;
  association: Association | null;
  /** What it adds to the monthly bill, decimal string. */
  monthlyGain: string;
  reason: string;
  /** Position in the eligibility rules' list (upgrades, add-ons, then new services). */
  order: number;
}

/**
 * Orders eligible suggestions by association lift × (1 + monthly gain / 50): a strong association
 * wins, and between equals the one worth more comes first. Suggestions without an association keep
 * a lift of 1 and their reason from the eligibility rules.
 */
export function rankSuggestions(
  suggestions: readonly OfferSuggestion[],
  catalog: readonly EligibilityOffering[],
  held: readonly string[],
  table: AssociationTable,
): RankedOffer[] {
  const byCode = new Map(catalog.map((offering) => [offering.code, offering]));
  const ranked = suggestions.flatMap((suggestion, order): RankedOffer[] => {
    const offering = byCode.get(suggestion.code);
    if (!offering) return [];
    const gainCents = Math.max(0, toCents(offering.recurringPrice) - (suggestion.replaces ? toCents(suggestion.replaces.recurringPrice) : 0));
    const association = strongestAssociation(table, held, suggestion.code);
    const antecedentName = association ? (byCode.get(association.antecedent)?.name ?? association.antecedent) : '';
    const reason = association
      ? `customers with ${antecedentName} often have ${offering.name} (${Math.round(association.confidence * 100)}% of them, ${association.lift.toFixed(1)}× the average)`
      : suggestion.kind === 'upgrade' && suggestion.replaces
        ? `the next plan up from your ${suggestion.replaces.offeringName}`
        : suggestion.kind === 'addOn'
          ? 'works with what you have'
          : 'a service you do not have yet';
    return [{ ...suggestion, score: (association?.lift ?? 1) * (1 + gainCents / 5000), association, monthlyGain: (gainCents / 100).toFixed(2), reason, order }];
  });
  return ranked.sort((a, b) => b.score - a.score || compareDecimal(a.monthlyGain, b.monthlyGain));
}

function toCents(price: string): number {
  return Math.round(Number(price) * 100);
}

/**
 * The bot's order: upgrades of held plans first (as the eligibility rules list them), then offers
 * with an association by rank, then the rest in the rules' order; `limit` in all.
 */
export function upgradesThenRanked(ranked: readonly RankedOffer[], limit: number, maxUpgrades = 2): OfferSuggestion[] {
  const upgrades = ranked.filter((offer) => offer.kind === 'upgrade').slice(0, maxUpgrades);
  const rest = ranked.filter((offer) => offer.kind !== 'upgrade');
  const others = [...rest.filter((offer) => offer.association), ...rest.filter((offer) => !offer.association).toSorted((a, b) => a.order - b.order)];
  return [...upgrades, ...others].slice(0, limit).map(({ code, kind, replaces }) => ({ code, kind, ...(replaces ? { replaces } : {}) }));
}
