import type { ServiceType } from '../../generated/prisma/client.ts';
import { compareDecimal, decideProduct, type CustomerHoldings, type EligibilityOffering, type HeldProduct } from './eligibility.ts';

// Which offers to tell a customer about. Anonymous visitors get the general catalog (base plans);
// a customer gets offers tailored to what they have: the next plan up for each of their services,
// then add-ons that work with what they have and that they do not have yet, then (if there is
// room) a plan for a kind of service they do not have. Only offerings the product rules allow are
// suggested (area, incompatibilities, needed base); account standing (arrears) is left to the
// order itself, which explains it.

export type SuggestionKind = 'upgrade' | 'addOn' | 'newService' | 'plan';

export interface OfferSuggestion {
  code: string;
  kind: SuggestionKind;
  /** upgrade: the plan it replaces. */
  replaces?: HeldProduct | undefined;
}

export interface RecommendOptions {
  /** Only offers of this kind of service. */
  serviceType?: ServiceType | undefined;
  /** At most this many suggestions; default 3, or 4 for one service type. */
  limit?: number | undefined;
}

/** Upgrades shown before add-ons, at most this many. */
const MAX_UPGRADES = 2;

export function recommendOffers(
  catalog: readonly EligibilityOffering[],
  holdings: CustomerHoldings | null,
  options: RecommendOptions = {},
): OfferSuggestion[] {
  const { serviceType } = options;
  const limit = options.limit ?? (serviceType ? 4 : 3);
  const onSale = catalog.filter((offering) => offering.lifecycleStatus === 'active' && (!serviceType || offering.serviceType === serviceType));
  const bases = onSale.filter((offering) => !offering.isAddOn).sort((a, b) => compareDecimal(a.recurringPrice, b.recurringPrice));
  if (!holdings) return bases.slice(0, serviceType ? limit : bases.length).map((offering) => ({ code: offering.code, kind: 'plan' }));

  const allowed = (offering: EligibilityOffering) => decideProduct(offering, holdings, []).eligible;
  const held = holdings.products.filter((product) => product.status === 'active' || product.status === 'suspended' || product.status === 'pendingActive');
  const heldBases = held.filter((product) => !product.isAddOn && (!serviceType || product.serviceType === serviceType));

  const upgrades: OfferSuggestion[] = [];
  for (const product of heldBases) {
    const next = bases.find(
      (offering) => offering.serviceType === product.serviceType && compareDecimal(offering.recurringPrice, product.recurringPrice) > 0 && allowed(offering),
    );
    if (next && !upgrades.some((upgrade) => upgrade.code === next.code)) upgrades.push({ code: next.code, kind: 'upgrade', replaces: product });
  }
  const addOns: OfferSuggestion[] = onSale
    .filter((offering) => offering.isAddOn && allowed(offering))
    .sort((a, b) => compareDecimal(a.recurringPrice, b.recurringPrice))
    .map((offering) => ({ code: offering.code, kind: 'addOn' }));
  const heldTypes = new Set(held.filter((product) => !product.isAddOn).map((product) => product.serviceType));
  const newServices: OfferSuggestion[] = [];
  for (const offering of bases) {
    if (heldTypes.has(offering.serviceType) || !allowed(offering)) continue;
    // One plan per kind of service, unless the customer asked about that kind.
    if (!serviceType && newServices.some((suggestion) => catalog.find((entry) => entry.code === suggestion.code)?.serviceType === offering.serviceType)) continue;
    newServices.push({ code: offering.code, kind: 'newService' });
  }
  const chosenUpgrades = upgrades.slice(0, serviceType ? limit : MAX_UPGRADES);
  return [...chosenUpgrades, ...addOns, ...newServices].slice(0, limit);
}
