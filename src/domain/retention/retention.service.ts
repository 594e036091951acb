import type { Channel } from '../../generated/prisma/client.ts';
import { inTransaction, isUniqueViolation, type DbClient } from '../../lib/db-types.ts';
import { recordAuditEvent } from '../audit/audit.service.ts';
import { formatOrderReference } from '../references.ts';
import {
  checkOrderEligibility,
  createCancellationOrder,
  findOpenCancellationOrder,
  findOrderByIdempotencyKey,
  placeProductOrder,
} from '../orders/product-orders.service.ts';
import { toCents } from '../billing/money.ts';
import { chooseRetentionOffer, LOYALTY_COOLDOWN_MONTHS, tenureInMonths, type CatalogOffering, type RetentionOffer } from './retention-policy.ts';

// Customer retention: a request to cancel is recorded as a churn signal, answered with at most
// one retention offer, and, if the customer still wants to leave, turned into a cancellation
// request (a held TMF622 order) for a person. Nothing here changes a product's status.

/** Where churn signals recorded by the bot come from. */
export const CANCEL_REQUEST_SOURCE = 'bot.cancelRequest';

export type ChurnOutcome = 'offered' | 'accepted' | 'declined' | 'none';

export interface OrderReference {
  id: string;
  /** ORD-<number>. */
  reference: string;
}

export type AcceptOfferOutcome =
  | { status: 'accepted'; order: (OrderReference & { monthlyPrice: string }) | null }
  /** The plan change cannot be ordered after all (the order rules said no): nothing was recorded. */
  | { status: 'refused' };

export interface RecordChurnSignalRequest {
  customerId: string;
  productId: string;
  channel: Channel;
  /** What the customer said about why, or null. */
  reason: string | null;
  /** The offer about to be presented, if any. */
  offer: RetentionOffer | null;
  /** The same key records the same signal: a retried turn never records a second one. */
  idempotencyKey: string;
}

export interface AcceptRetentionOfferRequest {
  signalId: string;
  customerId: string;
  productId: string;
  offer: RetentionOffer;
  channel: Channel;
  idempotencyKey: string;
  correlationId?: string | undefined;
}

export interface RequestCancellationRequest {
  customerId: string;
  productId: string;
  signalId: string | null;
  reason: string | null;
  channel: Channel;
  /** The day a person will have contacted the customer by. */
  contactBy: Date;
  idempotencyKey: string;
  correlationId?: string | undefined;
}

/** The one retention offer for the customer's product (see retention-policy.ts), or null. */
export async function findRetentionOffer(db: DbClient, customerId: string, productId: string, now: Date): Promise<RetentionOffer | null> {
  const product = await db.product.findFirst({
    where: { id: productId, customerId },
    select: { serviceIdentifier: true, offering: { select: { code: true, serviceType: true, recurringPrice: true, currency: true } } },
  });
  if (!product) return null;
  const [customer, holdings, first, overdue, loyalty, offerings] = await Promise.all([
    db.customer.findUniqueOrThrow({ where: { id: customerId }, select: { serviceArea: true } }),
    db.product.findMany({
      where: { customerId, status: { in: ['created', 'pendingActive', 'active', 'suspended'] } },
      select: { serviceIdentifier: true, offering: { select: { code: true, isAddOn: true, serviceType: true } } },
    }),
    db.product.findFirst({ where: { customerId }, orderBy: { startDate: 'asc' }, select: { startDate: true } }),
    db.bill.count({ where: { account: { customerId }, state: { in: ['sent', 'partiallyPaid'] }, dueDate: { lt: now } } }),
    db.churnSignal.count({
      where: {
        customerId,
        outcome: 'accepted',
        retentionOfferCode: { startsWith: 'LOYALTY-' },
        createdAt: { gte: new Date(now.getTime() - LOYALTY_COOLDOWN_MONTHS * 30 * 86_400_000) },
      },
    }),
    db.productOffering.findMany({ where: { lifecycleStatus: 'active' } }),
  ]);
  const catalog: CatalogOffering[] = offerings.map((offering) => ({
    id: offering.id,
    code: offering.code,
    name: offering.name,
    serviceType: offering.serviceType,
    isAddOn: offering.isAddOn,
    monthlyPriceCents: toCents(offering.recurringPrice),
    oneTimePriceCents: toCents(offering.oneTimePrice),
    currency: offering.currency,
    commitmentMonths: offering.commitmentMonths,
    lifecycleStatus: offering.lifecycleStatus,
    compatibleWith: offering.compatibleWith,
    incompatibleWith: offering.incompatibleWith,
    availableAreas: offering.availableAreas,
  }));
  // Add-ons ride on the same line, box or number as the base product.
  const addOnCodes = holdings
    .filter((held) => held.offering.isAddOn && held.offering.serviceType === product.offering.serviceType && held.serviceIdentifier === product.serviceIdentifier)
    .map((held) => held.offering.code);
  return chooseRetentionOffer(
    {
      current: {
        code: product.offering.code,
        serviceType: product.offering.serviceType,
        monthlyPriceCents: toCents(product.offering.recurringPrice),
        currency: product.offering.currency,
      },
      heldOfferingCodes: holdings.map((held) => held.offering.code),
      addOnCodes,
      serviceArea: customer.serviceArea,
      tenureMonths: first ? tenureInMonths(first.startDate, now) : 0,
      inArrears: overdue > 0,
      hadRecentLoyaltyDiscount: loyalty > 0,
    },
    catalog,
  );
}

/** Records the request to cancel as a churn signal (outcome "offered" with an offer, else "none"). */
export async function recordChurnSignal(db: DbClient, request: RecordChurnSignalRequest): Promise<{ id: string }> {
  const existing = await db.churnSignal.findUnique({ where: { idempotencyKey: request.idempotencyKey }, select: { id: true } });
  if (existing) return existing;
  try {
    return await db.churnSignal.create({
      data: {
        customerId: request.customerId,
        productId: request.productId,
        channel: request.channel,
        reason: request.reason,
        source: CANCEL_REQUEST_SOURCE,
        retentionOfferCode: request.offer?.code ?? null,
        outcome: request.offer ? 'offered' : 'none',
        idempotencyKey: request.idempotencyKey,
      },
      select: { id: true },
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return db.churnSignal.findUniqueOrThrow({ where: { idempotencyKey: request.idempotencyKey }, select: { id: true } });
  }
}

/** The customer turned the offer down. */
export async function declineRetentionOffer(db: DbClient, signalId: string): Promise<void> {
  await db.churnSignal.update({ where: { id: signalId }, data: { outcome: 'declined' } });
}

/**
 * The customer took the offer. A plan change is placed as a TMF622 "change" order through the
 * orders domain (its eligibility rules checked again); a loyalty discount is recorded on the
 * signal for billing to apply. Idempotent on the request's key.
 */
export async function acceptRetentionOffer(db: DbClient, request: AcceptRetentionOfferRequest): Promise<AcceptOfferOutcome> {
  const { offer } = request;
  if (offer.kind === 'loyaltyDiscount') {
    await inTransaction(db, async (tx) => {
      const current = await tx.churnSignal.findUniqueOrThrow({ where: { id: request.signalId }, select: { outcome: true } });
      // A retried turn: already recorded.
      if (current.outcome === 'accepted') return;
      const signal = await tx.churnSignal.update({ where: { id: request.signalId }, data: { outcome: 'accepted', retentionOfferCode: offer.code } });
      await recordAuditEvent(tx, {
        actorType: 'customer',
        actorId: request.customerId,
        action: 'retentionOffer.accept',
        entityType: 'churnSignal',
        entityId: signal.id,
        details: { offerCode: offer.code, productId: request.productId, monthlyPrice: offer.monthlyPrice, months: offer.months, channel: request.channel },
        correlationId: request.correlationId,
      });
    });
    return { status: 'accepted', order: null };
  }
  const placed = await findOrderByIdempotencyKey(db, request.idempotencyKey);
  if (!placed) {
    // The change must replace the very product the customer asked to cancel.
    const eligibility = await checkOrderEligibility(db, request.customerId, offer.offeringCode, {}, new Date());
    if (!eligibility?.eligible || eligibility.replaces?.productId !== request.productId) return { status: 'refused' };
  }
  const outcome = await placeProductOrder(db, {
    customerId: request.customerId,
    offeringCode: offer.offeringCode,
    channel: request.channel,
    idempotencyKey: request.idempotencyKey,
    correlationId: request.correlationId,
  });
  if (outcome.status !== 'created' && outcome.status !== 'existing') return { status: 'refused' };
  const { order } = outcome;
  await db.churnSignal.update({ where: { id: request.signalId }, data: { outcome: 'accepted', retentionOfferCode: offer.code, orderId: order.id } });
  return { status: 'accepted', order: { id: order.id, reference: order.reference, monthlyPrice: order.items[0]?.recurringPrice ?? offer.monthlyPrice } };
}

/**
 * Opens a cancellation request for a person: a held "cancellation" order with a "delete" item on
 * the product. The product itself is left as it is. Idempotent on the request's key.
 */
export async function requestServiceCancellation(db: DbClient, request: RequestCancellationRequest): Promise<{ order: OrderReference; created: boolean }> {
  const existing = await findOrder(db, request.idempotencyKey);
  if (existing) return { order: existing, created: false };
  try {
    const order = await inTransaction(db, async (tx) => {
      const product = await tx.product.findFirstOrThrow({
        where: { id: request.productId, customerId: request.customerId },
        select: { accountId: true, offeringId: true, serviceIdentifier: true, offering: { select: { name: true, recurringPrice: true } } },
      });
      const because = request.reason ? ` Reason given: "${request.reason}".` : ' No reason given.';
      const contactBy = request.contactBy.toISOString().slice(0, 10);
      const created = await createCancellationOrder(tx, {
        customerId: request.customerId,
        accountId: product.accountId,
        productId: request.productId,
        offeringId: product.offeringId,
        recurringPrice: product.offering.recurringPrice,
        description: `Customer asked over ${request.channel} to cancel ${product.offering.name}${product.serviceIdentifier ? ` (${product.serviceIdentifier})` : ''}.${because} Held for an agent: contact the customer by ${contactBy} to agree the date.`,
        channel: request.channel,
        idempotencyKey: request.idempotencyKey,
      });
      if (request.signalId) await tx.churnSignal.update({ where: { id: request.signalId }, data: { orderId: created.id } });
      await recordAuditEvent(tx, {
        actorType: 'customer',
        actorId: request.customerId,
        action: 'productOrder.cancellationRequest',
        entityType: 'productOrder',
        entityId: created.id,
        details: { category: 'cancellation', productId: request.productId, churnSignalId: request.signalId, contactBy, channel: request.channel },
        correlationId: request.correlationId,
      });
      return created;
    });
    return { order: { id: order.id, reference: formatOrderReference(order.number) }, created: true };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const raced = await findOrder(db, request.idempotencyKey);
    if (!raced) throw error;
    return { order: raced, created: false };
  }
}

/** An open cancellation request for this product, if the customer already made one. */
export async function findOpenCancellation(db: DbClient, customerId: string, productId: string): Promise<OrderReference | null> {
  const order = await findOpenCancellationOrder(db, customerId, productId);
  return order ? { id: order.id, reference: formatOrderReference(order.number) } : null;
}

async function findOrder(db: DbClient, idempotencyKey: string): Promise<OrderReference | null> {
  const order = await findOrderByIdempotencyKey(db, idempotencyKey);
  return order ? { id: order.id, reference: formatOrderReference(order.number) } : null;
}
