import type { Prisma, PrismaClient, ProductOrderState } from '../../generated/prisma/client.ts';
import { recordAuditEvent } from '../audit/audit.service.ts';
import { addBillLineOnce, findOrOpenNextBill } from '../billing/bill-lines.ts';
import { toCents } from '../billing/money.ts';
import { formatOrderReference, formatTicketReference } from '../references.ts';
import { openOrderFalloutTicket } from '../tickets/trouble-tickets.service.ts';
import { completeStepOnce, isStepDone, recordTimelineEvent, type StepContext } from '../timeline/timeline.service.ts';
import type { JobRun, TrackingJobs } from '../timeline/tracking-jobs.ts';
import { formatDate } from '../../lib/dates.ts';
import type { Logger } from '../../lib/logger.ts';
import { NetworkError, type ActivationStep, type NetworkActivation } from '../network/network.ts';
import { queueCustomerText, type CustomerTextDeps, type CustomerUpdate } from '../notifications/customer-updates.ts';

// eTOM Fulfillment for a TMF622 product order: validate, then per item reserve → provision →
// activate → test, then complete the order. Each step does its network call with an idempotency
// key, then records its effects and its completion in one transaction; a re-run step finds its
// completion and does nothing. Transient network failures are thrown for the job to retry with
// backoff; a permanent one (or the last attempt) fails the item, and the order's completion
// compensates what the failed item had done, opens a ticket for the operator and tells the customer.

export interface FulfillmentDeps {
  prisma: PrismaClient;
  network: NetworkActivation;
  texts: CustomerTextDeps;
  jobs: TrackingJobs;
  timeZone: string;
  supportPhone: string;
  now: () => Date;
  logger: Logger;
}

export type ItemStep = 'reserve' | 'provision' | 'activate' | 'test';
export const ITEM_STEPS: readonly ItemStep[] = ['reserve', 'provision', 'activate', 'test'];

export type StepOutcome = 'done' | 'skipped' | 'failed';

const FINISHED_ITEM_STATES: readonly ProductOrderState[] = ['completed', 'failed', 'cancelled', 'rejected'];

export function itemStepKey(itemId: string, step: ItemStep | 'failed' | 'compensated'): string {
  return `${itemId}-${step}`;
}

const orderWithItems = {
  customer: { select: { id: true, status: true } },
  account: { select: { id: true, status: true } },
  items: {
    orderBy: { createdAt: 'asc' },
    include: {
      offering: { select: { id: true, code: true, name: true, serviceType: true, lifecycleStatus: true } },
      product: { select: { id: true, customerId: true, status: true, serviceIdentifier: true, offering: { select: { code: true } } } },
    },
  },
} as const satisfies Prisma.ProductOrderInclude;

type OrderRow = Prisma.ProductOrderGetPayload<{ include: typeof orderWithItems }>;
type ItemRow = OrderRow['items'][number];

async function loadOrder(db: PrismaClient | Prisma.TransactionClient, orderId: string): Promise<OrderRow | null> {
  return db.productOrder.findUnique({ where: { id: orderId }, include: orderWithItems });
}

/**
 * Checks an acknowledged order can be done; moves it to inProgress (texting the customer that
 * it is scheduled) or to rejected (texting why). Returns the item ids to fulfil, or null.
 */
export async function validateOrder(deps: FulfillmentDeps, orderId: string): Promise<string[] | null> {
  const order = await loadOrder(deps.prisma, orderId);
  if (!order) return null;
  const stepKey = `${orderId}-validate`;
  if (order.state !== 'acknowledged') {
    return order.state === 'inProgress' && (await isStepDone(deps.prisma, stepKey)) ? openItemIds(order) : null;
  }
  const now = deps.now();
  const problem = findValidationProblem(order);
  const reference = formatOrderReference(order.number);
  await completeStepOnce(
    deps.prisma,
    { subjectType: 'productOrder', subjectId: orderId, kind: 'step', name: 'validate', outcome: problem ? 'failed' : 'completed', detail: problem ?? 'Order checked: it can be fulfilled', stepKey },
    async (context) => {
      const state = problem ? 'rejected' : 'inProgress';
      const moved = await context.tx.productOrder.updateMany({ where: { id: orderId, state: 'acknowledged' }, data: { state, stateReason: problem } });
      if (moved.count === 0) return;
      await context.tx.productOrderItem.updateMany({ where: { orderId }, data: { state } });
      await recordTimelineEvent(context.tx, { subjectType: 'productOrder', subjectId: orderId, kind: 'state', name: state, detail: problem ?? 'Scheduled for fulfillment' });
      await recordAuditEvent(context.tx, { actorType: 'system', action: problem ? 'productOrder.reject' : 'productOrder.schedule', entityType: 'productOrder', entityId: orderId, details: { reference, reason: problem } });
      const names = describeItems(order.items);
      const expected = order.expectedCompletionDate ? `, expected by ${formatDate(order.expectedCompletionDate, 'day', deps.timeZone)}` : '';
      await text(context, deps, now, {
        customerId: order.customerId,
        subjectId: orderId,
        key: `${orderId}-${problem ? 'rejected' : 'scheduled'}`,
        reason: problem ? 'order.rejected' : 'order.scheduled',
        urgent: false,
        text: problem
          ? `Sorry, we could not go ahead with ${reference} (${names}): ${problem}. Nothing will be charged. Questions? Call ${deps.supportPhone}.`
          : `${reference} is scheduled: we are setting up ${names}${expected}. We will let you know when it is active.`,
      });
    },
    (error) => deps.logger.warn({ err: error, orderId }, 'after validation: a follow-up failed; the sweep will retry'),
  );
  const after = await loadOrder(deps.prisma, orderId);
  return after?.state === 'inProgress' ? openItemIds(after) : null;
}

function openItemIds(order: OrderRow): string[] {
  return order.items.filter((item) => !FINISHED_ITEM_STATES.includes(item.state)).map((item) => item.id);
}

/**
 * Why the order cannot be fulfilled, in words for the customer; null when it can. Eligibility
 * (add-on bases, incompatibilities, areas) was checked when the order was taken; this checks
 * what may have changed since.
 */
function findValidationProblem(order: OrderRow): string | null {
  if (order.items.length === 0) return 'the order has nothing in it';
  if (order.customer.status !== 'active') return 'the account is not active';
  if (order.account.status !== 'active') return 'the billing account is not active';
  for (const item of order.items) {
    if (item.offering.lifecycleStatus !== 'active') return `${item.offering.name} is no longer sold`;
    if (item.action === 'modify' || item.action === 'delete') {
      if (!item.product || item.product.customerId !== order.customerId || item.product.status === 'terminated') return `the service to change was not found`;
    }
  }
  return null;
}

/**
 * Runs one step of one item. Throws a transient NetworkError for the job to retry (after
 * recording the attempt and, the first time, telling the customer of a delay); on a permanent
 * failure or the last attempt, fails the item and returns 'failed'.
 */
export async function runItemStep(deps: FulfillmentDeps, itemId: string, step: ItemStep, run: JobRun): Promise<StepOutcome> {
  const item = await deps.prisma.productOrderItem.findUnique({ where: { id: itemId }, select: { orderId: true } });
  if (!item) return 'skipped';
  const order = await loadOrder(deps.prisma, item.orderId);
  const row = order?.items.find((candidate) => candidate.id === itemId);
  if (!order || !row || FINISHED_ITEM_STATES.includes(row.state) || order.state !== 'inProgress') return 'skipped';
  const key = itemStepKey(itemId, step);
  if (await isStepDone(deps.prisma, key)) return 'done';
  const previous = ITEM_STEPS[ITEM_STEPS.indexOf(step) - 1];
  if (previous && !(await isStepDone(deps.prisma, itemStepKey(itemId, previous)))) {
    await failItem(deps, order, row, step, `${previous} did not complete`);
    return 'failed';
  }

  const networkStep = networkStepFor(row.action, step);
  let result: { reference: string; serviceIdentifier?: string | undefined } = { reference: 'none' };
  if (networkStep) {
    try {
      result = await deps.network.perform({
        step: networkStep,
        idempotencyKey: key,
        orderId: order.id,
        itemId,
        serviceType: row.offering.serviceType,
        offeringCode: row.offering.code,
        action: row.action,
        serviceIdentifier: row.product?.serviceIdentifier ?? null,
        attempt: run.attempt,
      });
    } catch (error) {
      const failure = error instanceof NetworkError ? error : new NetworkError('transient', 'unexpected', error instanceof Error ? error.message : String(error));
      if (failure.kind === 'transient' && !run.final) {
        await recordRetry(deps, order, step, run, failure);
        throw failure;
      }
      await failItem(deps, order, row, step, `${networkStep} failed: ${failure.code} (${failure.message})`, run.attempt);
      return 'failed';
    }
  }

  const now = deps.now();
  await completeStepOnce(
    deps.prisma,
    {
      subjectType: 'productOrder',
      subjectId: order.id,
      kind: 'step',
      name: step,
      attempt: run.attempt,
      detail: `${row.offering.name}: ${networkStep ?? 'nothing to do on the network'}${result.reference === 'none' ? '' : ` (${result.reference})`}`,
      data: { itemId, reference: result.reference, ...(result.serviceIdentifier ? { serviceIdentifier: result.serviceIdentifier } : {}) },
      stepKey: key,
    },
    (context) => applyStepEffects(context, deps, order, row, step, result.serviceIdentifier, now),
    (error) => deps.logger.warn({ err: error, itemId, step }, 'after a step: a follow-up failed; the sweep will retry'),
  );
  return 'done';
}

/** The network request for a step of an item; null when the step has nothing to do there. */
function networkStepFor(action: ItemRow['action'], step: ItemStep): ActivationStep | null {
  if (action === 'noChange') return null;
  if (action === 'delete') return step === 'activate' ? 'deactivate' : step === 'test' ? 'test' : null;
  return step;
}

async function applyStepEffects(context: StepContext, deps: FulfillmentDeps, order: OrderRow, item: ItemRow, step: ItemStep, serviceIdentifier: string | undefined, now: Date): Promise<void> {
  const { tx } = context;
  const reference = formatOrderReference(order.number);
  switch (step) {
    case 'reserve':
      return;
    case 'provision': {
      if (item.action === 'add' && !item.productId) {
        const product = await tx.product.create({
          data: {
            customerId: order.customerId,
            accountId: order.accountId,
            offeringId: item.offeringId,
            serviceType: item.offering.serviceType,
            status: 'pendingActive',
            serviceIdentifier: serviceIdentifier ?? null,
            startDate: now,
          },
          select: { id: true },
        });
        await tx.productOrderItem.update({ where: { id: item.id }, data: { productId: product.id } });
      }
      if (item.action === 'delete' && item.productId) await tx.product.update({ where: { id: item.productId }, data: { status: 'pendingTerminate' } });
      return;
    }
    case 'activate': {
      const disconnected = item.action === 'delete';
      await text(context, deps, now, {
        customerId: order.customerId,
        subjectId: order.id,
        key: `${item.id}-activated`,
        reason: disconnected ? 'order.disconnected' : 'order.activated',
        urgent: false,
        text: disconnected ? `${item.offering.name} is now disconnected (${reference}).` : `Good news: ${item.offering.name} is now active (${reference}). We are running a last check.`,
      });
      return;
    }
    case 'test':
      await finishItem(context, order, item, now);
      return;
  }
}

/** The item passed its test: it is complete, the inventory changes and the next bill gets its charges. */
async function finishItem(context: StepContext, order: OrderRow, item: ItemRow, now: Date): Promise<void> {
  const { tx } = context;
  const current = await tx.productOrderItem.findUniqueOrThrow({ where: { id: item.id }, select: { productId: true, recurringPrice: true, oneTimePrice: true } });
  await tx.productOrderItem.update({ where: { id: item.id }, data: { state: 'completed' } });
  const productId = current.productId;
  if (!productId) return;
  if (item.action === 'delete') {
    await tx.product.update({ where: { id: productId }, data: { status: 'terminated', terminationDate: now } });
  } else {
    await tx.product.update({ where: { id: productId }, data: { status: 'active', offeringId: item.offeringId, ...(item.action === 'add' ? { startDate: now } : {}) } });
    const bill = await findOrOpenNextBill(tx, order.accountId, now);
    const billed = { productName: item.offering.name, offeringCode: item.offering.code, serviceType: item.offering.serviceType };
    await addBillLineOnce(tx, { billId: bill.id, productId, billed, chargeType: 'recurring', description: `${item.offering.name} (monthly)`, amountCents: toCents(current.recurringPrice), key: `${item.id}-recurring` });
    if (toCents(current.oneTimePrice) > 0n) {
      await addBillLineOnce(tx, { billId: bill.id, productId, billed, chargeType: 'oneTime', description: `${item.offering.name} (set-up)`, amountCents: toCents(current.oneTimePrice), key: `${item.id}-one-time` });
    }
  }
  await recordAuditEvent(tx, {
    actorType: 'system',
    action: item.action === 'delete' ? 'product.terminate' : item.action === 'modify' ? 'product.change' : 'product.activate',
    entityType: 'product',
    entityId: productId,
    details: { order: formatOrderReference(order.number), offeringCode: item.offering.code },
  });
}

async function recordRetry(deps: FulfillmentDeps, order: OrderRow, step: ItemStep, run: JobRun, failure: NetworkError): Promise<void> {
  const now = deps.now();
  const afterCommit: Array<() => Promise<void>> = [];
  await deps.prisma.$transaction(async (tx) => {
    await recordTimelineEvent(tx, { subjectType: 'productOrder', subjectId: order.id, kind: 'attempt', name: step, outcome: 'retrying', attempt: run.attempt, error: `${failure.code}: ${failure.message}` });
    await text({ tx, after: (work) => afterCommit.push(work) }, deps, now, {
      customerId: order.customerId,
      subjectId: order.id,
      key: `${order.id}-delayed`,
      reason: 'order.delayed',
      urgent: false,
      text: `${formatOrderReference(order.number)} is taking a little longer than planned: we are retrying a step on our network. No need to do anything.`,
    });
  });
  for (const work of afterCommit) await work().catch((error: unknown) => deps.logger.warn({ err: error }, 'delay text not handed over; the sweep will retry'));
}

/** Marks the item failed once, with why; its completed steps are undone when the order completes. */
async function failItem(deps: FulfillmentDeps, order: OrderRow, item: ItemRow, step: ItemStep, reason: string, attempt?: number): Promise<void> {
  await completeStepOnce(
    deps.prisma,
    { subjectType: 'productOrder', subjectId: order.id, kind: 'step', name: step, outcome: 'failed', attempt, error: reason, detail: `${item.offering.name} failed at ${step}`, data: { itemId: item.id }, stepKey: itemStepKey(item.id, 'failed') },
    async ({ tx }) => {
      await tx.productOrderItem.updateMany({ where: { id: item.id, state: { notIn: [...FINISHED_ITEM_STATES] } }, data: { state: 'failed', stateReason: reason } });
    },
  );
}

/**
 * Undoes what a failed item did on the network and in the inventory: deactivates what was
 * activated, releases what was reserved or provisioned, and ends a product created for it.
 * A transient network failure is thrown (the order's completion retries); a permanent one is
 * recorded and left to the operator's ticket.
 */
async function compensateItem(deps: FulfillmentDeps, order: OrderRow, item: ItemRow, run: JobRun): Promise<void> {
  if (await isStepDone(deps.prisma, itemStepKey(item.id, 'compensated'))) return;
  const done = async (step: ItemStep) => isStepDone(deps.prisma, itemStepKey(item.id, step));
  const undo: Array<{ step: ActivationStep; why: string }> = [];
  // A new service is switched off again; a plan change keeps the service it had (the old plan stays on the product).
  if (item.action === 'add' && (await done('activate'))) undo.push({ step: 'deactivate', why: 'activated' });
  if (item.action === 'delete' && (await done('activate'))) undo.push({ step: 'activate', why: 'disconnected' });
  if (item.action !== 'delete' && ((await done('reserve')) || (await done('provision')))) undo.push({ step: 'release', why: 'reserved' });
  const problems: string[] = [];
  for (const { step, why } of undo) {
    const key = `${item.id}-compensate-${step}`;
    if (await isStepDone(deps.prisma, key)) continue;
    try {
      await deps.network.perform({
        step,
        idempotencyKey: key,
        orderId: order.id,
        itemId: item.id,
        serviceType: item.offering.serviceType,
        offeringCode: item.offering.code,
        action: item.action,
        serviceIdentifier: item.product?.serviceIdentifier ?? null,
        attempt: run.attempt,
      });
    } catch (error) {
      const failure = error instanceof NetworkError ? error : new NetworkError('transient', 'unexpected', String(error));
      if (failure.kind === 'transient' && !run.final) throw failure;
      problems.push(`${step}: ${failure.message}`);
      await recordTimelineEvent(deps.prisma, { subjectType: 'productOrder', subjectId: order.id, kind: 'step', name: `compensate-${step}`, outcome: 'failed', attempt: run.attempt, error: failure.message, data: { itemId: item.id } });
      continue;
    }
    await completeStepOnce(deps.prisma, {
      subjectType: 'productOrder',
      subjectId: order.id,
      kind: 'step',
      name: `compensate-${step}`,
      outcome: 'compensated',
      detail: `${item.offering.name}: ${why} resources undone (${step})`,
      data: { itemId: item.id },
      stepKey: key,
    });
  }
  const now = deps.now();
  await completeStepOnce(
    deps.prisma,
    { subjectType: 'productOrder', subjectId: order.id, kind: 'step', name: 'compensate', outcome: problems.length > 0 ? 'failed' : 'compensated', detail: problems.length > 0 ? `Not fully undone: ${problems.join('; ')}` : `${item.offering.name}: undone`, data: { itemId: item.id }, stepKey: itemStepKey(item.id, 'compensated') },
    async ({ tx }) => {
      const current = await tx.productOrderItem.findUniqueOrThrow({ where: { id: item.id }, select: { productId: true } });
      if (!current.productId) return;
      if (item.action === 'add') await tx.product.update({ where: { id: current.productId }, data: { status: 'terminated', terminationDate: now } });
      if (item.action === 'delete') await tx.product.updateMany({ where: { id: current.productId, status: 'pendingTerminate' }, data: { status: 'active' } });
    },
  );
}

/**
 * The order's last step, once every item's steps have run (or failed): fails items that never
 * finished, compensates failed items, and sets the order completed, partial or failed. A failed
 * or partial order opens a trouble ticket for the operator; the customer is told either way.
 */
export async function completeOrder(deps: FulfillmentDeps, orderId: string, run: JobRun): Promise<ProductOrderState | null> {
  let order = await loadOrder(deps.prisma, orderId);
  if (!order || order.state !== 'inProgress') return order?.state ?? null;
  for (const item of order.items) {
    if (!FINISHED_ITEM_STATES.includes(item.state)) await failItem(deps, order, item, 'test', 'did not finish: a step failed after all its retries');
  }
  order = await loadOrder(deps.prisma, orderId);
  if (!order) return null;
  for (const item of order.items.filter((candidate) => candidate.state === 'failed')) await compensateItem(deps, order, item, run);

  const completed = order.items.filter((item) => item.state === 'completed');
  const failed = order.items.filter((item) => item.state === 'failed');
  const state: ProductOrderState = failed.length === 0 ? 'completed' : completed.length > 0 ? 'partial' : 'failed';
  const reference = formatOrderReference(order.number);
  const failedReasons = failed.map((item) => `${item.offering.name}: ${item.stateReason ?? 'failed'}`).join('; ');
  const now = deps.now();
  let ticketId: string | undefined;
  const current = order;
  await completeStepOnce(
    deps.prisma,
    { subjectType: 'productOrder', subjectId: orderId, kind: 'step', name: 'complete', detail: `Order ${state}`, attempt: run.attempt, stepKey: `${orderId}-complete` },
    async (context) => {
      const { tx } = context;
      await tx.productOrder.update({ where: { id: orderId }, data: { state, stateReason: failed.length > 0 ? failedReasons : null, ...(state === 'failed' ? {} : { completionDate: now }) } });
      await recordTimelineEvent(tx, { subjectType: 'productOrder', subjectId: orderId, kind: 'state', name: state, detail: failed.length > 0 ? failedReasons : 'Every item is done' });
      await recordAuditEvent(tx, { actorType: 'system', action: `productOrder.${state}`, entityType: 'productOrder', entityId: orderId, details: { reference, completed: completed.length, failed: failed.length } });
      let ticketReference = '';
      if (failed.length > 0) {
        const ticket = await openFalloutTicket(tx, current, failed, failedReasons, now);
        ticketId = ticket.id;
        ticketReference = formatTicketReference(ticket.number);
        await recordTimelineEvent(tx, { subjectType: 'productOrder', subjectId: orderId, kind: 'note', name: 'ticket', detail: `Opened ${ticketReference} for the operator`, data: { ticketId: ticket.id } });
      }
      const doneNames = describeItems(completed);
      const failedNames = describeItems(failed);
      await text(context, deps, now, {
        customerId: current.customerId,
        subjectId: orderId,
        key: `${orderId}-${state}`,
        reason: `order.${state}`,
        urgent: state !== 'completed',
        text:
          state === 'completed'
            ? `${reference} is complete: ${doneNames} ${completed.length === 1 ? 'is' : 'are'} ready to use. The monthly charge starts on your next bill.`
            : state === 'partial'
              ? `${reference} is partly done: ${doneNames} ${completed.length === 1 ? 'is' : 'are'} ready, but we could not set up ${failedNames}. Nothing is charged for it. We opened ${ticketReference} and will be in touch.`
              : `Sorry, we could not complete ${reference} (${failedNames}). Nothing is charged. We opened ${ticketReference} to sort it out and will be in touch.`,
      });
    },
    (error) => deps.logger.warn({ err: error, orderId }, 'after completing an order: a follow-up failed; the sweep will retry'),
  );
  if (ticketId) await deps.jobs.checkSla(ticketId).catch((error: unknown) => deps.logger.warn({ err: error, ticketId }, 'SLA clock not queued; the sweep will start it'));
  return state;
}

/** Failed items leave a ticket for provisioning (opened by the tickets process, once per order). */
async function openFalloutTicket(tx: Prisma.TransactionClient, order: OrderRow, failed: ItemRow[], reasons: string, now: Date) {
  return openOrderFalloutTicket(tx, {
    orderId: order.id,
    customerId: order.customerId,
    serviceType: failed[0]?.offering.serviceType ?? 'internet',
    channel: order.channel,
    reason: `Order ${formatOrderReference(order.number)} could not be fulfilled`,
    description: reasons,
    failures: failed.map((item) => ({ itemId: item.id, offering: item.offering.code, reason: item.stateReason })),
    now,
  });
}

async function text(context: StepContext, deps: FulfillmentDeps, now: Date, update: Omit<CustomerUpdate, 'subjectType'>): Promise<void> {
  await queueCustomerText(context, deps.texts, { ...update, subjectType: 'productOrder' }, now);
}

function describeItems(items: ReadonlyArray<{ offering: { name: string } }>): string {
  const names = items.map((item) => item.offering.name);
  if (names.length <= 1) return names[0] ?? 'your order';
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1] ?? ''}`;
}

/** Acknowledged orders nobody has started (for the sweep). */
export async function listOrdersToStart(db: PrismaClient, limit = 50): Promise<string[]> {
  const orders = await db.productOrder.findMany({ where: { state: 'acknowledged' }, orderBy: { createdAt: 'asc' }, take: limit, select: { id: true } });
  return orders.map((order) => order.id);
}

/** Orders in progress, oldest first: the sweep checks their flow still exists in Redis. */
export async function listOrdersInProgress(db: PrismaClient, olderThan: Date, limit = 50): Promise<Array<{ id: string; itemIds: string[] }>> {
  const orders = await db.productOrder.findMany({
    where: { state: 'inProgress', updatedAt: { lt: olderThan } },
    orderBy: { updatedAt: 'asc' },
    take: limit,
    select: { id: true, items: { select: { id: true, state: true } } },
  });
  return orders.map((order) => ({ id: order.id, itemIds: order.items.filter((item) => !FINISHED_ITEM_STATES.includes(item.state)).map((item) => item.id) }));
}

/** Where one fulfilment step stands: done, failed, or not reached yet. */
export interface StepProgress {
  step: 'validate' | ItemStep;
  status: 'done' | 'failed' | 'waiting';
  at: Date | null;
}

export interface OrderProgress {
  validate: StepProgress;
  items: Array<{ itemId: string; offeringName: string; state: ProductOrderState; steps: StepProgress[] }>;
}

/**
 * Per-step progress of orders (validate, then reserve → provision → activate → test per item), read
 * from the steps' completion records: what the customer 360 shows for open orders.
 */
export async function readFulfilmentProgress(db: PrismaClient | Prisma.TransactionClient, orderIds: readonly string[]): Promise<Map<string, OrderProgress>> {
  if (orderIds.length === 0) return new Map();
  const items = await db.productOrderItem.findMany({ where: { orderId: { in: [...orderIds] } }, orderBy: { createdAt: 'asc' }, select: { id: true, orderId: true, state: true, offering: { select: { name: true } } } });
  const keys = [...orderIds.map((orderId) => `${orderId}-validate`), ...items.flatMap((item) => [...ITEM_STEPS.map((step) => itemStepKey(item.id, step)), itemStepKey(item.id, 'failed')])];
  const records = await db.timelineEvent.findMany({ where: { stepKey: { in: keys } }, select: { stepKey: true, outcome: true, name: true, at: true } });
  const byKey = new Map(records.map((record) => [record.stepKey, record]));
  const result = new Map<string, OrderProgress>();
  for (const orderId of orderIds) {
    const validated = byKey.get(`${orderId}-validate`);
    result.set(orderId, {
      validate: { step: 'validate', status: validated ? (validated.outcome === 'failed' ? 'failed' : 'done') : 'waiting', at: validated?.at ?? null },
      items: items
        .filter((item) => item.orderId === orderId)
        .map((item) => {
          const failed = byKey.get(itemStepKey(item.id, 'failed'));
          return {
            itemId: item.id,
            offeringName: item.offering.name,
            state: item.state,
            steps: ITEM_STEPS.map((step): StepProgress => {
              const done = byKey.get(itemStepKey(item.id, step));
              if (done) return { step, status: 'done', at: done.at };
              // The failure record names the step it failed at.
              if (failed?.name === step) return { step, status: 'failed', at: failed.at };
              return { step, status: 'waiting', at: null };
            }),
          };
        }),
    });
  }
  return result;
}
