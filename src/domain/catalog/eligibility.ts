import type { AccountStatus, CustomerStatus, ProductStatus, ServiceType } from '../../generated/prisma/client.ts';
import { toCents } from '../billing/money.ts';

// Whether a customer may order an offering, and as what: a new product (order item action `add`)
// or a change of a product they have (`modify`). Pure rules over what the customer holds, so the
// order dialog, the offers dialog and order creation all decide the same way.
//
// - One base plan per service type, except mobile: ordering another internet, TV or home phone
//   plan is an upgrade or downgrade of the one they have. On mobile it is a plan change too,
//   unless the customer asks for a new (second) line: households often have several lines, and
//   "I want Unlimited Plus" from someone with a mobile plan almost always means a plan change.
// - Add-ons need a base product the add-on is compatible with (ProductOffering.compatibleWith).
// - Offerings listed in each other's incompatibleWith cannot be held together; the product an
//   order replaces does not count, and neither may a change strand an add-on the customer keeps.
// - Offerings with availableAreas are sold only in those postcodes (Customer.serviceArea).
// - A suspended customer or account, or an unpaid bill past its due date, stops every order.

/** An offering as the rules need it; prices are decimal strings ("65.00"). */
export interface EligibilityOffering {
  code: string;
  name: string;
  serviceType: ServiceType;
  isAddOn: boolean;
  recurringPrice: string;
  lifecycleStatus: 'inDesign' | 'active' | 'retired';
  compatibleWith: readonly string[];
  incompatibleWith: readonly string[];
  availableAreas: readonly string[];
}

/** A product the customer has (active, suspended or being activated). */
export interface HeldProduct {
  productId: string;
  offeringCode: string;
  offeringName: string;
  serviceType: ServiceType;
  isAddOn: boolean;
  status: ProductStatus;
  serviceIdentifier: string | null;
  /** The offering's monthly price, decimal string. */
  recurringPrice: string;
  compatibleWith: readonly string[];
  incompatibleWith: readonly string[];
}

export interface OverdueBill {
  reference: string;
  amountDue: string;
  dueDate: Date;
}

/** An order not yet completed, failed or cancelled. */
export interface OpenOrder {
  reference: string;
  offeringCodes: readonly string[];
  /** Products the order modifies. */
  productIds: readonly string[];
}

/** Everything about a customer the rules look at. */
export interface CustomerHoldings {
  customerId: string;
  customerStatus: CustomerStatus;
  serviceArea: string | null;
  /** The account orders are placed on; null when the customer has none. */
  account: { id: string; status: AccountStatus } | null;
  products: readonly HeldProduct[];
  overdueBills: readonly OverdueBill[];
  openOrders: readonly OpenOrder[];
}

export interface OrderIntent {
  /** Mobile only: a new line rather than a change of the existing one. */
  newLine?: boolean | undefined;
}

export type IneligibleReason =
  | 'notSold'
  | 'alreadySubscribed'
  | 'alreadyOrdered'
  | 'customerSuspended'
  | 'accountSuspended'
  | 'noAccount'
  | 'arrears'
  | 'needsBase'
  | 'notInArea'
  | 'incompatible';

export type Eligibility =
  | {
      eligible: true;
      offeringCode: string;
      action: 'add' | 'modify';
      /** TMF622 category: a new product, or a change of one the customer has. */
      category: 'new' | 'change';
      accountId: string;
      /** For `modify`: the product whose plan changes. */
      replaces?: HeldProduct | undefined;
    }
  | {
      eligible: false;
      offeringCode: string;
      reason: IneligibleReason;
      /** The product already held (alreadySubscribed) or in the way (incompatible). */
      conflict?: HeldProduct | undefined;
      /** alreadyOrdered: the open order's reference. */
      orderReference?: string | undefined;
      /** arrears: the oldest overdue bill. */
      overdueBill?: OverdueBill | undefined;
      /** needsBase: the base offerings the add-on works with. */
      requiredCodes?: readonly string[] | undefined;
      /** A similar offering the customer could order instead, when there is one. */
      alternativeCode?: string | undefined;
    };

const OPEN_PRODUCT: readonly ProductStatus[] = ['created', 'pendingActive', 'active', 'suspended'];

/** Decides whether the customer may order `offering` from `catalog`. */
export function decideEligibility(
  offering: EligibilityOffering,
  holdings: CustomerHoldings,
  catalog: readonly EligibilityOffering[],
  intent: OrderIntent = {},
): Eligibility {
  const productRule = decideProduct(offering, holdings, catalog, intent);
  if (!productRule.eligible && (productRule.reason === 'alreadySubscribed' || productRule.reason === 'alreadyOrdered' || productRule.reason === 'notSold')) {
    return productRule;
  }
  const code = offering.code;
  if (holdings.customerStatus === 'suspended' || holdings.customerStatus === 'inactive') return { eligible: false, offeringCode: code, reason: 'customerSuspended' };
  if (!holdings.account) return { eligible: false, offeringCode: code, reason: 'noAccount' };
  if (holdings.account.status !== 'active') return { eligible: false, offeringCode: code, reason: 'accountSuspended' };
  const overdue = [...holdings.overdueBills].sort((a, b) => a.dueDate.getTime() - b.dueDate.getTime())[0];
  if (overdue) return { eligible: false, offeringCode: code, reason: 'arrears', overdueBill: overdue };
  return productRule.eligible ? { ...productRule, accountId: holdings.account.id } : productRule;
}

/** The product rules alone (no account checks): what the offers dialog filters on. */
export function decideProduct(
  offering: EligibilityOffering,
  holdings: CustomerHoldings,
  catalog: readonly EligibilityOffering[],
  intent: OrderIntent = {},
): Eligibility {
  const code = offering.code;
  const held = holdings.products.filter((product) => OPEN_PRODUCT.includes(product.status));
  const accountId = holdings.account?.id ?? '';
  if (offering.lifecycleStatus !== 'active') return { eligible: false, offeringCode: code, reason: 'notSold' };

  const newLine = intent.newLine === true && offering.serviceType === 'mobile' && !offering.isAddOn;
  const same = held.find((product) => product.offeringCode === code);
  if (same && !newLine) return { eligible: false, offeringCode: code, reason: 'alreadySubscribed', conflict: same };

  // For a base plan: the product of that type it replaces, if any (a plan change).
  const replaces = offering.isAddOn || newLine ? undefined : held.find((product) => !product.isAddOn && product.serviceType === offering.serviceType);
  const pending = holdings.openOrders.find(
    (order) => order.offeringCodes.includes(code) || (replaces !== undefined && order.productIds.includes(replaces.productId)),
  );
  if (pending) return { eligible: false, offeringCode: code, reason: 'alreadyOrdered', orderReference: pending.reference };

  const kept = held.filter((product) => product.productId !== replaces?.productId);
  if (offering.isAddOn && offering.compatibleWith.length > 0) {
    const hasBase = kept.some((product) => !product.isAddOn && offering.compatibleWith.includes(product.offeringCode));
    if (!hasBase) {
      return {
        eligible: false,
        offeringCode: code,
        reason: 'needsBase',
        requiredCodes: offering.compatibleWith,
        alternativeCode: cheapest(
          catalog,
          (candidate) => offering.compatibleWith.includes(candidate.code) && isUpgradeOrNew(candidate, kept) && isOrderable(candidate, holdings),
        )?.code,
      };
    }
  }

  if (offering.availableAreas.length > 0 && !offering.availableAreas.includes(holdings.serviceArea ?? '')) {
    // Asked for more than they have: less than they have is no answer.
    const upgrade = isUpgradeOrNew(offering, held);
    const alternative = closestInPrice(
      catalog,
      offering,
      (candidate) =>
        candidate.code !== code &&
        candidate.serviceType === offering.serviceType &&
        candidate.isAddOn === offering.isAddOn &&
        (!upgrade || offering.isAddOn || isUpgradeOrNew(candidate, held)) &&
        isOrderable(candidate, holdings),
    );
    return { eligible: false, offeringCode: code, reason: 'notInArea', alternativeCode: alternative?.code };
  }

  const conflict = kept.find(
    (product) =>
      offering.incompatibleWith.includes(product.offeringCode) ||
      product.incompatibleWith.includes(code) ||
      // An add-on the customer keeps must still have a base it works with.
      (product.isAddOn &&
        product.serviceType === offering.serviceType &&
        product.compatibleWith.length > 0 &&
        replaces !== undefined &&
        product.compatibleWith.includes(replaces.offeringCode) &&
        !product.compatibleWith.includes(code)),
  );
  if (conflict) return { eligible: false, offeringCode: code, reason: 'incompatible', conflict };

  const action = replaces ? 'modify' : 'add';
  return { eligible: true, offeringCode: code, action, category: action === 'modify' ? 'change' : 'new', accountId, replaces };
}

/** Whether the product rules let the customer order it (an alternative worth suggesting). */
function isOrderable(candidate: EligibilityOffering, holdings: CustomerHoldings): boolean {
  // An empty catalog: an alternative is checked without looking for alternatives of its own.
  return decideProduct(candidate, holdings, []).eligible;
}

/** A base plan dearer than the customer's plan of that type, or of a type they do not have: never a downgrade. */
function isUpgradeOrNew(candidate: EligibilityOffering, held: readonly HeldProduct[]): boolean {
  const current = held.find((product) => !product.isAddOn && product.serviceType === candidate.serviceType);
  return current === undefined || compareDecimal(candidate.recurringPrice, current.recurringPrice) > 0;
}

function cheapest(catalog: readonly EligibilityOffering[], keep: (offering: EligibilityOffering) => boolean): EligibilityOffering | undefined {
  return catalog.filter(keep).sort((a, b) => compareDecimal(a.recurringPrice, b.recurringPrice))[0];
}

/** The kept offering nearest in monthly price to `target`, preferring the dearer one on a tie. */
function closestInPrice(
  catalog: readonly EligibilityOffering[],
  target: EligibilityOffering,
  keep: (offering: EligibilityOffering) => boolean,
): EligibilityOffering | undefined {
  const cents = toCents(target.recurringPrice);
  const distance = (offering: EligibilityOffering): bigint => {
    const difference = toCents(offering.recurringPrice) - cents;
    return difference < 0n ? -difference : difference;
  };
  return catalog.filter(keep).sort((a, b) => {
    const nearer = distance(a) - distance(b);
    return nearer !== 0n ? (nearer < 0n ? -1 : 1) : compareDecimal(b.recurringPrice, a.recurringPrice);
  })[0];
}

/** Compares two decimal amounts exactly. */
export function compareDecimal(a: string, b: string): number {
  const difference = toCents(a) - toCents(b);
  return difference < 0n ? -1 : difference > 0n ? 1 : 0;
}
