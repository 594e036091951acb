import type { Prisma } from '../../generated/prisma/client.ts';
import type { DbClient } from '../../lib/db-types.ts';
import { extractFeatures, type ChurnHistory } from './churn-features.ts';
import { assessChurn, CHURN_MODEL, type ChurnAssessment, type ChurnBand, type ChurnModel, type ChurnReason } from './churn-model.ts';

// Churn risk from the data we hold: the customer's history is read as of a moment, scored, and
// stored as a ChurnScore row (the newest is current, the older ones are its history).

const DAY_MS = 86_400_000;
/** How far back the features look (the longest window is 90 days; bills need four months). */
const LOOKBACK_DAYS = 150;

/** The current risk as other processes use it (the agents' console, the bot, campaigns). */
export interface ChurnRisk {
  score: number;
  band: ChurnBand;
  reasons: string[];
}

/** A customer's history as of `at`, read from the database; null for an unknown customer. */
export async function loadChurnHistory(db: DbClient, customerId: string, at: Date): Promise<ChurnHistory | null> {
  const since = new Date(at.getTime() - LOOKBACK_DAYS * DAY_MS);
  const customer = await db.customer.findUnique({
    where: { id: customerId },
    select: {
      createdAt: true,
      products: { select: { startDate: true, status: true, offering: { select: { commitmentMonths: true } } } },
      tickets: {
        where: { ticketType: 'fault', createdAt: { gte: since, lte: at } },
        select: { serviceType: true, createdAt: true, reopenCount: true, slaBreachedAt: true },
      },
      adjustments: { where: { createdAt: { gte: since, lte: at } }, select: { createdAt: true } },
      churnSignals: { where: { createdAt: { gte: since, lte: at } }, select: { createdAt: true } },
      interactions: { where: { direction: 'inbound', createdAt: { gte: since, lte: at } }, select: { createdAt: true, text: true }, take: 500, orderBy: { createdAt: 'desc' } },
      orders: {
        where: { createdAt: { gte: since, lte: at } },
        select: { createdAt: true, state: true, category: true, items: { select: { action: true, recurringPrice: true, product: { select: { offering: { select: { recurringPrice: true } } } } } } },
      },
      accounts: { select: { bills: { where: { billDate: { gte: since, lte: at }, state: { not: 'new' } }, select: { billDate: true, amountDue: true } } } },
    },
  });
  if (!customer) return null;
  const overdueBills = await db.bill.count({ where: { account: { customerId }, state: { in: ['sent', 'partiallyPaid'] }, dueDate: { lt: at } } });
  const starts = customer.products.map((product) => product.startDate.getTime());
  const live = customer.products.filter((product) => product.status === 'active' || product.status === 'suspended');
  const addMonths = (date: Date, months: number) => {
    const end = new Date(date);
    end.setUTCMonth(end.getUTCMonth() + months);
    return end;
  };
  return {
    at,
    customerSince: new Date(Math.min(customer.createdAt.getTime(), ...starts)),
    faults: customer.tickets.map((ticket) => ({ serviceType: ticket.serviceType, openedAt: ticket.createdAt, reopenCount: ticket.reopenCount, slaBreachedAt: ticket.slaBreachedAt })),
    bills: customer.accounts.flatMap((account) => account.bills.map((bill) => ({ billDate: bill.billDate, amount: Number(bill.amountDue) }))),
    disputes: customer.adjustments.map((adjustment) => ({ at: adjustment.createdAt })),
    cancelIntents: customer.churnSignals.map((signal) => ({ at: signal.createdAt })),
    inboundMessages: customer.interactions.map((interaction) => ({ at: interaction.createdAt, text: interaction.text })),
    contractEnds: live.filter((product) => product.offering.commitmentMonths > 0).map((product) => addMonths(product.startDate, product.offering.commitmentMonths)),
    overdueBills,
    // A change to a cheaper plan: a modify item priced below the plan it replaces.
    downgrades: customer.orders
      .filter((order) => order.items.some((item) => item.action === 'modify' && item.product && item.recurringPrice.lessThan(item.product.offering.recurringPrice)))
      .map((order) => ({ at: order.createdAt })),
    failedOrders: customer.orders.filter((order) => order.state === 'failed' || order.state === 'partial').map((order) => ({ at: order.createdAt })),
  };
}

/** Scores a customer as of `at` and stores the score (history kept); null for an unknown customer. */
export async function recomputeChurnScore(db: DbClient, customerId: string, trigger: string, at = new Date(), model: ChurnModel = CHURN_MODEL): Promise<ChurnAssessment | null> {
  const history = await loadChurnHistory(db, customerId, at);
  if (!history) return null;
  const features = extractFeatures(history);
  const assessment = assessChurn(features, model);
  await db.churnScore.create({
    data: {
      customerId,
      score: assessment.score,
      probability: assessment.probability,
      band: assessment.band,
      reasons: toJson(assessment.reasons),
      features: toJson(features),
      modelVersion: assessment.modelVersion,
      trigger,
      computedAt: at,
    },
  });
  return assessment;
}

/** The newest stored score, or null when the customer was never scored. */
export async function currentChurnRisk(db: DbClient, customerId: string): Promise<ChurnRisk | null> {
  const latest = await db.churnScore.findFirst({ where: { customerId }, orderBy: { computedAt: 'desc' }, select: { score: true, band: true, reasons: true } });
  if (!latest) return null;
  return { score: latest.score, band: latest.band, reasons: reasonTexts(latest.reasons) };
}

/** The lookup other processes are given: `(customerId) => risk | null` (the handoff's priority, the bot's retention choice). */
export function churnRiskLookup(db: DbClient): (customerId: string) => Promise<ChurnRisk | null> {
  return (customerId) => currentChurnRisk(db, customerId);
}

/** A customer's score history, newest first. */
export async function listChurnScores(db: DbClient, customerId: string, limit = 30) {
  const rows = await db.churnScore.findMany({ where: { customerId }, orderBy: { computedAt: 'desc' }, take: limit });
  return rows.map((row) => ({ score: row.score, band: row.band, reasons: reasonTexts(row.reasons), modelVersion: row.modelVersion, trigger: row.trigger, computedAt: row.computedAt }));
}

/**
 * Customers with something new since `since` that moves churn risk: a fault ticket opened or
 * changed (an SLA breach, a reopen), a bill issued, a dispute, a cancellation request, an order
 * that failed. The event sweep scores these; keyset-paged by id.
 */
export async function customersWithChurnEvents(db: DbClient, since: Date, afterId: string | null, limit: number): Promise<Array<{ customerId: string; trigger: string }>> {
  const found = new Map<string, string>();
  const page = { take: limit, orderBy: { customerId: 'asc' as const }, distinct: ['customerId' as const] };
  const after = afterId ? { customerId: { gt: afterId } } : {};
  const [tickets, adjustments, signals, orders, bills] = await Promise.all([
    db.troubleTicket.findMany({ where: { ...after, updatedAt: { gte: since } }, select: { customerId: true }, ...page }),
    db.billAdjustment.findMany({ where: { ...after, createdAt: { gte: since } }, select: { customerId: true }, ...page }),
    db.churnSignal.findMany({ where: { ...after, createdAt: { gte: since } }, select: { customerId: true }, ...page }),
    db.productOrder.findMany({ where: { ...after, updatedAt: { gte: since }, state: { in: ['failed', 'partial'] } }, select: { customerId: true }, ...page }),
    db.bill.findMany({
      where: { createdAt: { gte: since }, account: afterId ? { customerId: { gt: afterId } } : {} },
      select: { account: { select: { customerId: true } } },
      orderBy: { account: { customerId: 'asc' } },
      take: limit,
    }),
  ]);
  for (const row of tickets) found.set(row.customerId, 'ticket');
  for (const row of adjustments) found.set(row.customerId, 'dispute');
  for (const row of orders) found.set(row.customerId, 'order-failure');
  for (const row of bills) found.set(row.account.customerId, 'bill');
  for (const row of signals) found.set(row.customerId, 'cancellation-intent');
  return [...found.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, limit)
    .map(([customerId, trigger]) => ({ customerId, trigger }));
}

/** Every customer id after `afterId`, in id order (the nightly rescore's pages). */
export async function customerIdsPage(db: DbClient, afterId: string | null, limit: number): Promise<string[]> {
  const rows = await db.customer.findMany({ where: afterId ? { id: { gt: afterId } } : {}, orderBy: { id: 'asc' }, take: limit, select: { id: true } });
  return rows.map((row) => row.id);
}

function toJson(value: ChurnReason[] | Record<string, number>): Prisma.InputJsonValue {
  return JSON.parse(JSON.stringify(value));
}

function reasonTexts(reasons: Prisma.JsonValue): string[] {
  if (!Array.isArray(reasons)) return [];
  return reasons.flatMap((reason) => (reason && typeof reason === 'object' && !Array.isArray(reason) && typeof reason['text'] === 'string' ? [reason['text']] : []));
}
