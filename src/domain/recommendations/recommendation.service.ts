import type { DbClient } from '../../lib/db-types.ts';
import { currentChurnRisk, type ChurnRisk } from '../churn/churn.service.ts';
import { loadCustomerHoldings } from '../orders/customer-holdings.ts';
import type { RetentionOffer } from '../retention/retention-policy.ts';
import { findRetentionOffer } from '../retention/retention.service.ts';
import { listActiveOfferings } from '../catalog/catalog.service.ts';
import { buildAssociations, rankSuggestions, type AssociationTable, type RankedOffer } from '../catalog/offer-ranking.ts';
import { recommendOffers } from '../catalog/recommendations.ts';

// Recommendations for one customer in the TMF680 Recommendation shape: the offers they may order
// (catalog eligibility: area, compatibility, not held, not on order), ranked by what customers with
// similar holdings took and by margin, each with its reason. At high churn risk the retention
// offer replaces the cross-sell: a customer about to leave is not sold more.

export interface RecommendationItem {
  id: string;
  priority: number;
  offering: { id: string; code: string; name: string; href: string };
  /** crossSell, upSell or retention. */
  itemType: 'upSell' | 'crossSell' | 'retention';
  reason: string;
  monthlyPrice: string;
  currency: string;
}

export interface Recommendation {
  id: string;
  href: string;
  recommendationType: 'crossSell' | 'retention';
  relatedParty: Array<{ id: string; role: 'Customer'; '@referredType': 'Customer' }>;
  validFor: { startDateTime: string };
  item: RecommendationItem[];
  /** The retention offer behind a retention recommendation (to hand to the order or retention flow). */
  retentionOffer?: RetentionOffer | undefined;
  churnRisk: ChurnRisk | null;
}

/** Every customer's held offering codes (active, suspended or being activated), for the association table. */
export async function loadAssociationTable(db: DbClient): Promise<AssociationTable> {
  const products = await db.product.findMany({
    where: { status: { in: ['created', 'pendingActive', 'active', 'suspended'] } },
    select: { customerId: true, offering: { select: { code: true } } },
  });
  const byCustomer = new Map<string, string[]>();
  for (const product of products) byCustomer.set(product.customerId, [...(byCustomer.get(product.customerId) ?? []), product.offering.code]);
  return buildAssociations(byCustomer.values());
}

/** Eligible offers for the customer, ranked; an empty list for an unknown customer. */
export async function rankedOffersFor(db: DbClient, customerId: string, now: Date, table: AssociationTable, limit = 5): Promise<RankedOffer[]> {
  const [catalog, holdings] = await Promise.all([listActiveOfferings(db), loadCustomerHoldings(db, customerId, now)]);
  if (!holdings) return [];
  const suggestions = recommendOffers(catalog, holdings, { limit: 50 });
  const held = holdings.products.map((product) => product.offeringCode);
  return rankSuggestions(suggestions, catalog, held, table).slice(0, limit);
}

/** The TMF680 recommendation for a customer; null for an unknown customer. */
export async function recommendForCustomer(
  db: DbClient,
  customerId: string,
  options: { now: Date; table: AssociationTable; limit?: number; baseHref?: string },
): Promise<Recommendation | null> {
  const customer = await db.customer.findUnique({ where: { id: customerId }, select: { id: true } });
  if (!customer) return null;
  const { now, table } = options;
  const href = `${options.baseHref ?? ''}/api/customers/${customerId}/recommendations`;
  const base = {
    id: `${customerId}-${now.getTime()}`,
    href,
    relatedParty: [{ id: customerId, role: 'Customer' as const, '@referredType': 'Customer' as const }],
    validFor: { startDateTime: now.toISOString() },
  };
  const risk = await currentChurnRisk(db, customerId);
  if (risk?.band === 'high') {
    const retention = await retentionOfferFor(db, customerId, now);
    if (retention) {
      const offering = retention.offer.kind === 'planChange' ? await db.productOffering.findUnique({ where: { code: retention.offer.offeringCode } }) : null;
      const item: RecommendationItem = {
        id: `${customerId}-retention`,
        priority: 1,
        offering: offering
          ? { id: offering.id, code: offering.code, name: offering.name, href: `/api/catalog/productOffering/${offering.id}` }
          : { id: retention.offer.code, code: retention.offer.code, name: describeRetentionOffer(retention.offer), href: '' },
        itemType: 'retention',
        reason: `high churn risk (${risk.reasons.slice(0, 2).join('; ') || `score ${risk.score}`}): keep them rather than sell more`,
        monthlyPrice: retention.offer.monthlyPrice,
        currency: retention.offer.currency,
      };
      return { ...base, recommendationType: 'retention', item: [item], retentionOffer: retention.offer, churnRisk: risk };
    }
  }
  const ranked = await rankedOffersFor(db, customerId, now, table, options.limit ?? 5);
  const catalog = new Map((await listActiveOfferings(db)).map((offering) => [offering.code, offering]));
  const item = ranked.flatMap((offer, index): RecommendationItem[] => {
    const offering = catalog.get(offer.code);
    if (!offering) return [];
    return [
      {
        id: `${customerId}-${offer.code}`,
        priority: index + 1,
        offering: { id: offering.id, code: offering.code, name: offering.name, href: `/api/catalog/productOffering/${offering.id}` },
        itemType: offer.kind === 'upgrade' ? 'upSell' : 'crossSell',
        reason: offer.reason,
        monthlyPrice: offering.recurringPrice,
        currency: offering.currency,
      },
    ];
  });
  return { ...base, recommendationType: 'crossSell', item, churnRisk: risk };
}

/** The retention offer for the customer's dearest base product (what they would most likely drop). */
async function retentionOfferFor(db: DbClient, customerId: string, now: Date): Promise<{ productId: string; offer: RetentionOffer } | null> {
  const products = await db.product.findMany({
    where: { customerId, status: 'active', offering: { isAddOn: false } },
    select: { id: true, offering: { select: { recurringPrice: true } } },
  });
  const sorted = products.toSorted((a, b) => Number(b.offering.recurringPrice) - Number(a.offering.recurringPrice));
  for (const product of sorted) {
    const offer = await findRetentionOffer(db, customerId, product.id, now);
    if (offer) return { productId: product.id, offer };
  }
  return null;
}

export function describeRetentionOffer(offer: RetentionOffer): string {
  return offer.kind === 'planChange'
    ? `${offer.offeringName} at ${offer.monthlyPrice} ${offer.currency}/month (now ${offer.currentMonthlyPrice})`
    : `${offer.percent}% off for ${offer.months} months: ${offer.monthlyPrice} ${offer.currency}/month`;
}

/** How long a counted association table is reused: holdings change slowly, and counting reads every product. */
export const ASSOCIATION_TABLE_TTL_MS = 10 * 60_000;

/** The association table, recounted at most every ASSOCIATION_TABLE_TTL_MS (one count at a time). */
export function cachedAssociationTable(db: DbClient): { get(now: Date): Promise<AssociationTable> } {
  let cached: { at: number; table: Promise<AssociationTable> } | undefined;
  return {
    get(now) {
      if (!cached || now.getTime() - cached.at > ASSOCIATION_TABLE_TTL_MS || now.getTime() < cached.at) {
        const table = loadAssociationTable(db);
        cached = { at: now.getTime(), table };
        table.catch(() => {
          cached = undefined;
        });
      }
      return cached.table;
    },
  };
}
