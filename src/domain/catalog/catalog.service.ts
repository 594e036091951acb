import type { LifecycleStatus, Prisma, ServiceType } from '../../generated/prisma/client.ts';
import type { DbClient } from '../../lib/db-types.ts';
import { SERVICE_TYPES } from '../service-types.ts';
import { compareDecimal } from './eligibility.ts';
import { OfferingMatcher, type OfferingLookUpResult } from './offering-matcher.ts';

// TMF620 product offerings as dialogs see them: plain values (prices as decimal strings) that
// survive a trip through dialog state.

export interface OfferingView {
  id: string;
  code: string;
  name: string;
  description: string;
  serviceType: ServiceType;
  isAddOn: boolean;
  /** Decimal strings ("65.00"). */
  recurringPrice: string;
  oneTimePrice: string;
  currency: string;
  commitmentMonths: number;
  lifecycleStatus: LifecycleStatus;
  keywords: string[];
  compatibleWith: string[];
  incompatibleWith: string[];
  availableAreas: string[];
}

/** The offering meant and close alternatives, best first; ambiguous when the customer should choose. */
export type OfferingLookup = OfferingLookUpResult<OfferingView>;

const offeringSelect = {
  id: true,
  code: true,
  name: true,
  description: true,
  serviceType: true,
  isAddOn: true,
  recurringPrice: true,
  oneTimePrice: true,
  currency: true,
  commitmentMonths: true,
  lifecycleStatus: true,
  keywords: true,
  compatibleWith: true,
  incompatibleWith: true,
  availableAreas: true,
} as const;

type OfferingRow = Prisma.ProductOfferingGetPayload<{ select: typeof offeringSelect }>;

function toView(row: OfferingRow): OfferingView {
  return { ...row, recurringPrice: row.recurringPrice.toFixed(2), oneTimePrice: row.oneTimePrice.toFixed(2) };
}

/** The offerings on sale: base plans before add-ons, by service type, cheapest first. */
export async function listActiveOfferings(db: DbClient): Promise<OfferingView[]> {
  const rows = await db.productOffering.findMany({ where: { lifecycleStatus: 'active' }, select: offeringSelect });
  return rows
    .map(toView)
    .sort(
      (a, b) =>
        Number(a.isAddOn) - Number(b.isAddOn) ||
        SERVICE_TYPES.indexOf(a.serviceType) - SERVICE_TYPES.indexOf(b.serviceType) ||
        compareDecimal(a.recurringPrice, b.recurringPrice) ||
        a.code.localeCompare(b.code),
    );
}

/** The offering with this code (whatever its lifecycle status), if any. */
export async function findOffering(db: DbClient, code: string): Promise<OfferingView | null> {
  const row = await db.productOffering.findUnique({ where: { code }, select: offeringSelect });
  return row ? toView(row) : null;
}

/** The offerings on sale that the customer's words name, by code, name, keywords or fuzzily. */
export async function lookUpOfferings(db: DbClient, text: string, serviceType?: ServiceType): Promise<OfferingLookup> {
  return searchOfferings(await listActiveOfferings(db), text, serviceType);
}

/** The same search over a catalog already loaded. */
export function searchOfferings(catalog: readonly OfferingView[], text: string, serviceType?: ServiceType): OfferingLookup {
  return new OfferingMatcher(catalog).lookUp(text, serviceType);
}
