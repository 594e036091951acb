import type { LifecycleStatus, ServiceType } from '../../generated/prisma/client.ts';
import { centsToDecimal } from '../billing/money.ts';

// Which one retention offer a customer who asks to cancel is shown. Pure: the caller loads the
// facts, this decides. In order of preference:
//  1. a cheaper plan of the same service (the customer keeps the service and pays less): the
//     smallest step down, without a commitment, sold in their area, that works with the add-ons
//     they have and with their other products;
//  2. otherwise a loyalty discount on the plan they have, for customers of at least
//     LOYALTY_MIN_TENURE_MONTHS who have not had one recently;
//  3. otherwise nothing: the bot never makes up an offer.
// A customer in arrears is offered nothing: no order can be placed for them (orders domain), and
// a discount is not the answer to an unpaid bill.

/** Loyalty discount: this percentage off the monthly price ... */
export const LOYALTY_DISCOUNT_PERCENT = 20;
/** ... for this many months ... */
export const LOYALTY_DISCOUNT_MONTHS = 12;
/** ... for customers with us at least this long ... */
export const LOYALTY_MIN_TENURE_MONTHS = 12;
/** ... who have not accepted one within this many months. */
export const LOYALTY_COOLDOWN_MONTHS = 12;
/** A cancellation request is followed up by a person within this many business days. */
export const CANCELLATION_CONTACT_BUSINESS_DAYS = 2;

export interface CatalogOffering {
  id: string;
  code: string;
  name: string;
  serviceType: ServiceType;
  isAddOn: boolean;
  monthlyPriceCents: bigint;
  /** Charged once when ordered (e.g. a new box or SIM). */
  oneTimePriceCents: bigint;
  currency: string;
  commitmentMonths: number;
  lifecycleStatus: LifecycleStatus;
  /** For add-ons: the base offering codes they can be added to. */
  compatibleWith: readonly string[];
  incompatibleWith: readonly string[];
  /** Empty: sold everywhere. */
  availableAreas: readonly string[];
}

export interface RetentionFacts {
  /** The offering of the product the customer wants to cancel. */
  current: { code: string; serviceType: ServiceType; monthlyPriceCents: bigint; currency: string };
  /** Offering codes of every product the customer holds, the one to cancel included. */
  heldOfferingCodes: readonly string[];
  /** Add-ons on the product to cancel: a plan they would not work with is never offered. */
  addOnCodes: readonly string[];
  serviceArea: string | null;
  /** Whole months since the customer's first product started. */
  tenureMonths: number;
  /** An unpaid bill past its due date. */
  inArrears: boolean;
  /** Accepted a loyalty discount within LOYALTY_COOLDOWN_MONTHS. */
  hadRecentLoyaltyDiscount: boolean;
}

/** Switch to a cheaper plan of the same service. */
export interface PlanChangeOffer {
  kind: 'planChange';
  /** Recorded on the churn signal. */
  code: string;
  offeringId: string;
  offeringCode: string;
  offeringName: string;
  /** Decimal strings, e.g. "50.00". */
  monthlyPrice: string;
  currentMonthlyPrice: string;
  /** The plan's one-time charge, "0.00" when none: the customer is told before they accept. */
  oneTimePrice: string;
  currency: string;
}

/** A percentage off the current plan for some months. */
export interface LoyaltyDiscountOffer {
  kind: 'loyaltyDiscount';
  code: string;
  percent: number;
  months: number;
  /** The discounted monthly price and the price today, decimal strings. */
  monthlyPrice: string;
  currentMonthlyPrice: string;
  currency: string;
  tenureYears: number;
}

/** Plain JSON, so it can wait in dialog state between turns. */
export type RetentionOffer = PlanChangeOffer | LoyaltyDiscountOffer;

/** The one offer for this customer and product, or null when none fits. */
export function chooseRetentionOffer(facts: RetentionFacts, catalog: readonly CatalogOffering[]): RetentionOffer | null {
  if (facts.inArrears) return null;
  return cheaperPlan(facts, catalog) ?? loyaltyDiscount(facts);
}

function cheaperPlan(facts: RetentionFacts, catalog: readonly CatalogOffering[]): PlanChangeOffer | null {
  const { current } = facts;
  const byCode = new Map(catalog.map((offering) => [offering.code, offering]));
  // The product being replaced no longer counts against the new plan.
  const others = facts.heldOfferingCodes.filter((code) => code !== current.code);
  const candidates = catalog.filter(
    (offering) =>
      offering.serviceType === current.serviceType &&
      !offering.isAddOn &&
      offering.lifecycleStatus === 'active' &&
      offering.currency === current.currency &&
      offering.monthlyPriceCents < current.monthlyPriceCents &&
      offering.commitmentMonths === 0 &&
      !facts.heldOfferingCodes.includes(offering.code) &&
      (offering.availableAreas.length === 0 || (facts.serviceArea !== null && offering.availableAreas.includes(facts.serviceArea))) &&
      facts.addOnCodes.every((code) => byCode.get(code)?.compatibleWith.includes(offering.code) ?? false) &&
      !others.some((code) => offering.incompatibleWith.includes(code) || (byCode.get(code)?.incompatibleWith.includes(offering.code) ?? false)),
  );
  const best = [...candidates].sort((a, b) => (a.monthlyPriceCents === b.monthlyPriceCents ? a.code.localeCompare(b.code) : a.monthlyPriceCents > b.monthlyPriceCents ? -1 : 1))[0];
  if (!best) return null;
  return {
    kind: 'planChange',
    code: `PLAN-CHANGE-${best.code}`,
    offeringId: best.id,
    offeringCode: best.code,
    offeringName: best.name,
    monthlyPrice: centsToDecimal(best.monthlyPriceCents),
    currentMonthlyPrice: centsToDecimal(current.monthlyPriceCents),
    oneTimePrice: centsToDecimal(best.oneTimePriceCents),
    currency: current.currency,
  };
}

function loyaltyDiscount(facts: RetentionFacts): LoyaltyDiscountOffer | null {
  const { current } = facts;
  if (facts.tenureMonths < LOYALTY_MIN_TENURE_MONTHS || facts.hadRecentLoyaltyDiscount || current.monthlyPriceCents <= 0n) return null;
  // Exact cents; a half cent rounds up, in the customer's favour.
  const discountCents = (current.monthlyPriceCents * BigInt(LOYALTY_DISCOUNT_PERCENT) + 50n) / 100n;
  return {
    kind: 'loyaltyDiscount',
    code: `LOYALTY-${LOYALTY_DISCOUNT_PERCENT}PCT-${LOYALTY_DISCOUNT_MONTHS}M`,
    percent: LOYALTY_DISCOUNT_PERCENT,
    months: LOYALTY_DISCOUNT_MONTHS,
    monthlyPrice: centsToDecimal(current.monthlyPriceCents - discountCents),
    currentMonthlyPrice: centsToDecimal(current.monthlyPriceCents),
    currency: current.currency,
    tenureYears: Math.floor(facts.tenureMonths / 12),
  };
}

/** Whole calendar months from `start` to `now` (0 when less than one). */
export function tenureInMonths(start: Date, now: Date): number {
  const months = (now.getUTCFullYear() - start.getUTCFullYear()) * 12 + (now.getUTCMonth() - start.getUTCMonth());
  return Math.max(0, now.getUTCDate() >= start.getUTCDate() ? months : months - 1);
}

/** The day a person will have contacted the customer by: `businessDays` weekdays after `now`. */
export function contactByDate(now: Date, businessDays = CANCELLATION_CONTACT_BUSINESS_DAYS): Date {
  let date = new Date(now.getTime());
  let left = businessDays;
  while (left > 0) {
    date = new Date(date.getTime() + 86_400_000);
    const weekday = date.getUTCDay();
    if (weekday !== 0 && weekday !== 6) left -= 1;
  }
  return date;
}
