import type { Channel, OrderItemAction, Prisma, ProductOrderState, ServiceType } from '../../generated/prisma/client.ts';
import { inTransaction, isUniqueViolation, type DbClient } from '../../lib/db-types.ts';
import { recordAuditEvent } from '../audit/audit.service.ts';
import { listActiveOfferings, findOffering } from '../catalog/catalog.service.ts';
import { decideEligibility, type Eligibility, type OrderIntent } from '../catalog/eligibility.ts';
import { loadCustomerHoldings, OPEN_ORDER_STATES } from './customer-holdings.ts';
import { formatOrderReference } from '../references.ts';
import { recordTimelineEvent } from '../timeline/timeline.service.ts';

// TMF622 product orders taken in a conversation. An order is created `acknowledged` with its
// items priced from the catalog at the time of ordering. Fulfilment (order-fulfillment.ts) then
// validates it and runs it through provisioning, texting the customer at each milestone.

export type Ineligible = Extract<Eligibility, { eligible: false }>;

export interface OrderItemView {
  action: OrderItemAction;
  offeringCode: string;
  offeringName: string;
  serviceType: ServiceType;
  state: ProductOrderState;
  /** Decimal strings, as charged when the order was placed. */
  recurringPrice: string;
  oneTimePrice: string;
  /** The product a `modify` item changes. */
  productId: string | null;
}

export interface OrderView {
  id: string;
  reference: string;
  state: ProductOrderState;
  category: string;
  description: string | null;
  channel: Channel;
  createdAt: Date;
  expectedCompletionDate: Date | null;
  completionDate: Date | null;
  currency: string;
  items: OrderItemView[];
}

export interface PlaceProductOrderRequest {
  customerId: string;
  offeringCode: string;
  intent?: OrderIntent | undefined;
  channel: Channel;
  /** The same key places the same order: a retried turn never places a second one. */
  idempotencyKey: string;
  correlationId?: string | undefined;
  now?: Date | undefined;
}

export type PlaceOrderOutcome =
  | { status: 'created' | 'existing'; order: OrderView }
  | { status: 'refused'; refusal: Ineligible }
  | { status: 'unknownOffering' };

/**
 * Days from ordering to completion: a new service needs a visit or a delivery (fiber install,
 * set-top box, SIM by post); a plan change or an add-on is switched on remotely, except internet
 * add-ons, which may ship a device.
 */
export const LEAD_DAYS: Readonly<Record<ServiceType, { newService: number; change: number }>> = {
  internet: { newService: 7, change: 2 },
  mobile: { newService: 2, change: 1 },
  tv: { newService: 5, change: 1 },
  landline: { newService: 5, change: 1 },
};

const DAY_MS = 86_400_000;

const orderSelect = {
  id: true,
  number: true,
  state: true,
  category: true,
  description: true,
  channel: true,
  createdAt: true,
  expectedCompletionDate: true,
  completionDate: true,
  items: {
    orderBy: { createdAt: 'asc' },
    select: {
      action: true,
      state: true,
      recurringPrice: true,
      oneTimePrice: true,
      productId: true,
      offering: { select: { code: true, name: true, serviceType: true, currency: true } },
    },
  },
} as const satisfies Prisma.ProductOrderSelect;

type OrderRow = Prisma.ProductOrderGetPayload<{ select: typeof orderSelect }>;

function toView(row: OrderRow): OrderView {
  const { number, items, ...order } = row;
  return {
    ...order,
    reference: formatOrderReference(number),
    currency: items[0]?.offering.currency ?? 'USD',
    items: items.map((item) => ({
      action: item.action,
      offeringCode: item.offering.code,
      offeringName: item.offering.name,
      serviceType: item.offering.serviceType,
      state: item.state,
      recurringPrice: item.recurringPrice.toFixed(2),
      oneTimePrice: item.oneTimePrice.toFixed(2),
      productId: item.productId,
    })),
  };
}

/** Whether the customer may order the offering now, and as what (see src/domain/catalog/eligibility.ts). */
export async function checkOrderEligibility(db: DbClient, customerId: string, offeringCode: string, intent: OrderIntent, now: Date): Promise<Eligibility | null> {
  const [holdings, catalog] = await Promise.all([loadCustomerHoldings(db, customerId, now), listActiveOfferings(db)]);
  const offering = catalog.find((entry) => entry.code === offeringCode) ?? (await findOffering(db, offeringCode));
  if (!holdings || !offering) return null;
  return decideEligibility(offering, holdings, catalog, intent);
}

/**
 * Places a TMF622 product order for one offering, after checking eligibility again (the
 * conversation may be minutes old), or returns the order this idempotency key already placed.
 */
export async function placeProductOrder(db: DbClient, request: PlaceProductOrderRequest): Promise<PlaceOrderOutcome> {
  const existing = await db.productOrder.findUnique({ where: { idempotencyKey: request.idempotencyKey }, select: orderSelect });
  if (existing) return { status: 'existing', order: toView(existing) };
  try {
    return await inTransaction(db, (tx) => createOrder(tx, request));
  } catch (error) {
    // Two attempts raced on the same key: the other one won, so answer with its order.
    if (!isUniqueViolation(error)) throw error;
    const raced = await db.productOrder.findUniqueOrThrow({ where: { idempotencyKey: request.idempotencyKey }, select: orderSelect });
    return { status: 'existing', order: toView(raced) };
  }
}

async function createOrder(tx: DbClient, request: PlaceProductOrderRequest): Promise<PlaceOrderOutcome> {
  const now = request.now ?? new Date();
  // One order decision at a time per customer, so two conversations cannot both order the same thing.
  await tx.$executeRaw`SELECT 1 FROM "Customer" WHERE "id" = ${request.customerId} FOR UPDATE`;
  // The same request may have placed its order while this one waited for the lock.
  const placed = await tx.productOrder.findUnique({ where: { idempotencyKey: request.idempotencyKey }, select: orderSelect });
  if (placed) return { status: 'existing', order: toView(placed) };
  const offering = await tx.productOffering.findUnique({
    where: { code: request.offeringCode },
    select: { id: true, name: true, serviceType: true, isAddOn: true, recurringPrice: true, oneTimePrice: true },
  });
  if (!offering) return { status: 'unknownOffering' };
  const eligibility = await checkOrderEligibility(tx, request.customerId, request.offeringCode, request.intent ?? {}, now);
  if (!eligibility) return { status: 'unknownOffering' };
  if (!eligibility.eligible) return { status: 'refused', refusal: eligibility };

  const kind = eligibility.action === 'modify' || offering.isAddOn ? 'change' : 'newService';
  const days = LEAD_DAYS[offering.serviceType][kind];
  const description =
    eligibility.action === 'modify' && eligibility.replaces
      ? `Change ${eligibility.replaces.offeringName} to ${offering.name}`
      : request.intent?.newLine && offering.serviceType === 'mobile'
        ? `New mobile line on ${offering.name}`
        : `Add ${offering.name}`;
  const order = await tx.productOrder.create({
    data: {
      customerId: request.customerId,
      accountId: eligibility.accountId,
      state: 'acknowledged',
      category: eligibility.category,
      description,
      channel: request.channel,
      expectedCompletionDate: new Date(now.getTime() + days * DAY_MS),
      idempotencyKey: request.idempotencyKey,
      items: {
        create: [
          {
            action: eligibility.action,
            offeringId: offering.id,
            productId: eligibility.replaces?.productId ?? null,
            state: 'acknowledged',
            quantity: 1,
            // Prices copied from the catalog: later price changes do not touch this order.
            recurringPrice: offering.recurringPrice,
            oneTimePrice: offering.oneTimePrice,
          },
        ],
      },
    },
    select: orderSelect,
  });
  await recordAuditEvent(tx, {
    actorType: 'customer',
    actorId: request.customerId,
    action: 'productOrder.create',
    entityType: 'productOrder',
    entityId: order.id,
    details: {
      reference: formatOrderReference(order.number),
      offeringCode: request.offeringCode,
      action: eligibility.action,
      category: eligibility.category,
      recurringPrice: offering.recurringPrice.toFixed(2),
      oneTimePrice: offering.oneTimePrice.toFixed(2),
      channel: request.channel,
    },
    correlationId: request.correlationId,
  });
  return { status: 'created', order: toView(order) };
}

/** The customer's own order with this number; another customer's order is never returned. */
export async function findCustomerOrder(db: DbClient, customerId: string, number: number): Promise<OrderView | null> {
  const order = await db.productOrder.findFirst({ where: { number, customerId }, select: orderSelect });
  return order ? toView(order) : null;
}

/**
 * The customer's latest orders: the newest first, whatever its state (what "where's my order"
 * right after ordering is about), then those still in progress, then the rest, newest first.
 */
export async function listRecentOrders(db: DbClient, customerId: string, limit = 3): Promise<OrderView[]> {
  const orders = await db.productOrder.findMany({ where: { customerId }, orderBy: [{ createdAt: 'desc' }, { number: 'desc' }], take: 20, select: orderSelect });
  const [newest, ...older] = orders;
  if (!newest) return [];
  const open = older.filter((order) => isOrderOpen(order.state));
  const rest = older.filter((order) => !isOrderOpen(order.state));
  return [newest, ...open, ...rest].slice(0, limit).map(toView);
}

export function isOrderOpen(state: ProductOrderState): boolean {
  return OPEN_ORDER_STATES.includes(state);
}

/** An order's (or an item's) TMF622 state in words a customer understands. */
export function describeOrderState(state: ProductOrderState): string {
  switch (state) {
    case 'draft':
      return 'not submitted yet';
    case 'acknowledged':
      return 'received; we are checking it and scheduling the work';
    case 'pending':
      return 'waiting for something from you';
    case 'held':
      return 'on hold while we sort out a problem';
    case 'inProgress':
      return 'being set up';
    case 'completed':
      return 'done';
    case 'partial':
      return 'partly done';
    case 'failed':
      return 'could not be completed';
    case 'rejected':
      return 'could not be accepted';
    case 'assessingCancellation':
      return 'being checked for cancellation';
    case 'pendingCancellation':
      return 'being cancelled';
    case 'cancelled':
      return 'cancelled';
  }
}

/** An order by its id or its number, for staff tools (the number parsed from an ORD- reference). */
export async function findOrderByIdOrNumber(db: DbClient, key: { id: string } | { number: number }) {
  return db.productOrder.findFirst({ where: key, select: { id: true, number: true, state: true, customerId: true } });
}

/** The order placed under this idempotency key, if any. */
export async function findOrderByIdempotencyKey(db: DbClient, idempotencyKey: string): Promise<{ id: string; number: number } | null> {
  return db.productOrder.findUnique({ where: { idempotencyKey }, select: { id: true, number: true } });
}

export interface CancellationOrderRequest {
  customerId: string;
  accountId: string;
  /** The product to cancel, its offering and its current monthly price. */
  productId: string;
  offeringId: string;
  recurringPrice: Prisma.Decimal;
  /** For the agent who takes it up. */
  description: string;
  channel: Channel;
  idempotencyKey: string;
}

/** Records a cancellation request: a held "cancellation" order with one "delete" item on the product, for a person. */
export async function createCancellationOrder(tx: DbClient, request: CancellationOrderRequest): Promise<{ id: string; number: number }> {
  return tx.productOrder.create({
    data: {
      customerId: request.customerId,
      accountId: request.accountId,
      state: 'held',
      category: 'cancellation',
      description: request.description,
      channel: request.channel,
      idempotencyKey: request.idempotencyKey,
      items: {
        create: { action: 'delete', offeringId: request.offeringId, productId: request.productId, state: 'held', recurringPrice: request.recurringPrice },
      },
    },
    select: { id: true, number: true },
  });
}

/** The customer's latest open cancellation request for this product, if any. */
export async function findOpenCancellationOrder(db: DbClient, customerId: string, productId: string): Promise<{ id: string; number: number } | null> {
  return db.productOrder.findFirst({
    where: { customerId, category: 'cancellation', state: { in: [...OPEN_ORDER_STATES] }, items: { some: { productId, action: 'delete' } } },
    orderBy: { createdAt: 'desc' },
    select: { id: true, number: true },
  });
}

/** Orders not yet being fulfilled: nothing was reserved or switched, so cancelling undoes nothing. */
export const CANCELLABLE_ORDER_STATES: readonly ProductOrderState[] = ['acknowledged', 'pending', 'held'];

export interface CancelPendingOrderRequest {
  customerId: string;
  orderId: string;
  /** Why, for the order's state reason and the audit record. */
  reason: string;
  /** Who cancels it (the audit record's actor). */
  actor: { actorType: 'staff' | 'customer'; actorId: string };
  correlationId?: string | undefined;
}

export type CancelOrderOutcome =
  | { status: 'cancelled'; order: OrderView }
  /** Already cancelled (a retried request): nothing changed. */
  | { status: 'alreadyCancelled'; order: OrderView }
  /** Fulfilment has started or finished: the order can no longer simply be cancelled. */
  | { status: 'notCancellable'; order: OrderView }
  | { status: 'notFound' };

/**
 * Cancels the customer's order while nothing has been done for it yet (acknowledged, pending or
 * held), as a compare-and-set on its state: a fulfilment step that moved it on first wins, and the
 * cancel is refused. Its items are cancelled with it; a timeline event and an audit record go with it.
 */
export async function cancelPendingOrder(db: DbClient, request: CancelPendingOrderRequest): Promise<CancelOrderOutcome> {
  return inTransaction(db, async (tx) => {
    const before = await tx.productOrder.findFirst({ where: { id: request.orderId, customerId: request.customerId }, select: orderSelect });
    if (!before) return { status: 'notFound' };
    if (before.state === 'cancelled') return { status: 'alreadyCancelled', order: toView(before) };
    if (!CANCELLABLE_ORDER_STATES.includes(before.state)) return { status: 'notCancellable', order: toView(before) };
    const moved = await tx.productOrder.updateMany({
      where: { id: request.orderId, state: before.state },
      data: { state: 'cancelled', stateReason: request.reason, completionDate: new Date() },
    });
    if (moved.count === 0) {
      const now = await tx.productOrder.findUniqueOrThrow({ where: { id: request.orderId }, select: orderSelect });
      return now.state === 'cancelled' ? { status: 'alreadyCancelled', order: toView(now) } : { status: 'notCancellable', order: toView(now) };
    }
    await tx.productOrderItem.updateMany({ where: { orderId: request.orderId }, data: { state: 'cancelled' } });
    await recordTimelineEvent(tx, { subjectType: 'productOrder', subjectId: request.orderId, kind: 'state', name: 'cancelled', detail: request.reason });
    await recordAuditEvent(tx, {
      actorType: request.actor.actorType,
      actorId: request.actor.actorId,
      action: 'productOrder.cancel',
      entityType: 'productOrder',
      entityId: request.orderId,
      details: { reference: formatOrderReference(before.number), from: before.state, reason: request.reason },
      correlationId: request.correlationId,
    });
    const after = await tx.productOrder.findUniqueOrThrow({ where: { id: request.orderId }, select: orderSelect });
    return { status: 'cancelled', order: toView(after) };
  });
}
