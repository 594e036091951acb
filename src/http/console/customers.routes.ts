import express, { Router } from 'express';
import { z } from 'zod';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import type { Sql } from '../../db/sql.ts';
import { decidePendingAdjustment, listPendingAdjustments, type PendingAdjustment } from '../../domain/billing/adjustment-approvals.ts';
import { findAdjustmentByIdOrNumber } from '../../domain/billing/adjustments.service.ts';
import { findBillCustomerId, findCustomerBill, getBalance, listRecentBills } from '../../domain/billing/bills.service.ts';
import { getCustomerSearchHit, listCustomerProducts, searchCustomers } from '../../domain/customers/customer-search.ts';
import { describeOrderState, findOrderByIdOrNumber, isOrderOpen, listRecentOrders } from '../../domain/orders/product-orders.service.ts';
import { readFulfilmentProgress, type OrderProgress, type StepProgress } from '../../domain/orders/order-fulfillment.ts';
import { currentChurnRisk } from '../../domain/churn/churn.service.ts';
import { readSlaClocks, type SlaClockView } from '../../domain/tickets/sla-clock.ts';
import type { TicketSeverity } from '../../generated/prisma/enums.ts';
import { formatPostalAddress, getCustomerProfile } from '../../domain/profile/profile.service.ts';
import { formatReference, parseReference, type ReferenceKind } from '../../domain/references.ts';
import { approvalLimitOf, getStaffUser, type StaffRole } from '../../domain/staff/staff-users.ts';
import { findTicketByIdOrNumber, isOpen, listRecentTickets } from '../../domain/tickets/trouble-tickets.service.ts';
import { getCustomerTimeline } from '../../domain/timeline/customer-timeline.ts';
import { AppError } from '../../lib/errors.ts';
import { invalidRequest } from '../error-handler.ts';
import { STAFF_ROUTE_ROLES } from '../api/staff-route-roles.ts';
import { currentStaff, requireStaff } from '../staff-auth/index.ts';
import {
  adjustmentDecisionRequestSchema,
  type AdjustmentRow,
  type Customer360,
  type CustomerSearchHit,
} from './api-schemas.ts';

// The console's customer screens: search (name, phone, email, account, or any reference), the
// customer 360 (profile, products, orders, tickets with their SLA, bills with charges, credits
// awaiting approval, the contact log), and the approval of pending credits. Each part is read
// through the domain function of the process that owns it.

export interface ConsoleCustomerDeps {
  prisma: PrismaClient;
  sql: Sql;
  approvalLimits: Record<StaffRole, string>;
  /** The SLA budget per ticket severity, in milliseconds (the SLA_* settings). */
  slaBySeverity: Record<TicketSeverity, number>;
  /** Starts applying an approved credit, or explaining a rejected one, at once (the sweep would too). */
  afterAdjustmentDecision: (adjustmentId: string, status: 'approved' | 'rejected') => Promise<void>;
}

const searchQuery = z.object({ q: z.string().trim().min(2, 'needs at least 2 characters').max(100) });
const customerParams = z.object({ id: z.uuid('must be a customer id') });
const adjustmentParams = z.object({ id: z.uuid('must be an adjustment id') });
const REFERENCE_KINDS: ReferenceKind[] = ['order', 'ticket', 'bill', 'adjustment'];

export function consoleCustomerRoutes(deps: ConsoleCustomerDeps): Router {
  const router = Router();
  const records = requireStaff(...STAFF_ROUTE_ROLES.customerRecords);
  const approvals = requireStaff(...STAFF_ROUTE_ROLES.adjustmentApprovals);
  const json = express.json({ limit: '8kb' });
  const { prisma, sql } = deps;

  /** The customer a reference names (ORD-, TT-, INV-, ADJ-), by the process that owns it. */
  const customerOfReference = async (kind: ReferenceKind, number: number): Promise<string | null> => {
    switch (kind) {
      case 'order':
        return (await findOrderByIdOrNumber(prisma, { number }))?.customerId ?? null;
      case 'ticket':
        return (await findTicketByIdOrNumber(prisma, { number }))?.customerId ?? null;
      case 'bill':
        return findBillCustomerId(prisma, number);
      case 'adjustment':
        return (await findAdjustmentByIdOrNumber(prisma, { number }))?.customerId ?? null;
    }
  };

  router.get('/console/api/customers', records, async (req, res) => {
    const query = searchQuery.safeParse(req.query);
    if (!query.success) throw invalidRequest(query.error, 'search');
    const text = query.data.q;
    for (const kind of REFERENCE_KINDS) {
      const number = parseReference(kind, text);
      if (number === undefined) continue;
      const customerId = await customerOfReference(kind, number);
      const hit = customerId ? await getCustomerSearchHit(prisma, customerId) : null;
      const customers: CustomerSearchHit[] = hit ? [{ ...hit, matchedReference: formatReference(kind, number) }] : [];
      res.json({ query: text, customers });
      return;
    }
    const hits = await searchCustomers(prisma, text);
    res.json({ query: text, customers: hits.map((hit): CustomerSearchHit => ({ ...hit, matchedReference: null })) });
  });

  router.get('/console/api/customers/:id', records, async (req, res) => {
    const params = customerParams.safeParse(req.params);
    if (!params.success) throw invalidRequest(params.error, 'customer id');
    const customerId = params.data.id;
    const [hit, profile] = await Promise.all([getCustomerSearchHit(prisma, customerId), getCustomerProfile(prisma, customerId)]);
    if (!hit || !profile) throw new AppError('not_found', 'customer_not_found', `No customer has the id ${customerId}.`);
    const now = new Date();
    const [products, orders, tickets, balance, recentBills, pending, interactions] = await Promise.all([
      listCustomerProducts(prisma, customerId),
      listRecentOrders(prisma, customerId, 10),
      listRecentTickets(sql, customerId),
      getBalance(prisma, customerId, now),
      listRecentBills(prisma, customerId, 3),
      listPendingAdjustments(prisma, { customerId }),
      getCustomerTimeline(prisma, customerId, { limit: 50 }),
    ]);
    const bills = (await Promise.all(recentBills.map((bill) => findCustomerBill(prisma, customerId, bill.number)))).flatMap((bill) => (bill ? [bill] : []));
    const [progress, clocks, churnRisk] = await Promise.all([
      readFulfilmentProgress(prisma, orders.filter((order) => isOrderOpen(order.state)).map((order) => order.id)),
      readSlaClocks(prisma, tickets.filter((ticket) => isOpen(ticket.status)).map((ticket) => ticket.id), deps.slaBySeverity, now),
      currentChurnRisk(prisma, customerId),
    ]);
    const body: Customer360 = {
      profile: {
        id: customerId,
        '@type': 'Individual',
        givenName: profile.givenName,
        familyName: profile.familyName,
        status: hit.status,
        phone: profile.phone,
        email: profile.email,
        postalAddress: profile.postalAddress ? formatPostalAddress(profile.postalAddress) : null,
        preferredChannel: profile.preferredChannel,
        paperlessBill: profile.paperlessBill,
        marketingTexts: profile.marketingTexts,
        accountNumbers: hit.accountNumbers,
      },
      products: products.map((product) => ({
        id: product.id,
        serviceType: product.serviceType,
        offeringName: product.offeringName,
        isAddOn: product.isAddOn,
        status: product.status,
        serviceIdentifier: product.serviceIdentifier,
        recurringPrice: product.recurringPrice,
      })),
      orders: orders.map((order) => ({
        id: order.id,
        reference: order.reference,
        state: order.state,
        stateText: describeOrderState(order.state),
        createdAt: order.createdAt.toISOString(),
        expectedCompletionDate: order.expectedCompletionDate?.toISOString() ?? null,
        items: order.items.map((item) => ({ action: item.action, offeringName: item.offeringName, state: item.state })),
        progress: toProgressRow(progress.get(order.id)),
      })),
      tickets: tickets.map((ticket) => ({
        id: ticket.id,
        reference: ticket.reference,
        serviceType: ticket.serviceType,
        status: ticket.status,
        severity: ticket.severity,
        description: ticket.description,
        createdAt: ticket.createdAt.toISOString(),
        expectedResolutionDate: ticket.expectedResolutionDate?.toISOString() ?? null,
        slaBreached: isOpen(ticket.status) && ticket.expectedResolutionDate !== null && ticket.expectedResolutionDate.getTime() < now.getTime(),
        sla: toSlaRow(clocks.get(ticket.id)),
      })),
      churnRisk,
      balance: { currency: balance.currency, owed: balance.owed, nextBillDate: balance.nextBillDate?.toISOString() ?? null },
      bills: bills.map((bill) => ({
        id: bill.id,
        reference: bill.reference,
        billDate: bill.billDate.toISOString(),
        dueDate: bill.dueDate.toISOString(),
        amountDue: bill.amountDue,
        currency: bill.currency,
        state: bill.state,
        charges: bill.charges.map((charge) => ({ id: charge.id, chargeType: charge.chargeType, description: charge.description, amount: charge.amount })),
      })),
      pendingAdjustments: pending.map(toAdjustmentRow),
      interactions: interactions.map((interaction) => ({
        id: interaction.id,
        direction: interaction.direction,
        channel: interaction.channel[0]?.name ?? 'unknown',
        at: interaction.interactionDate.startDateTime,
        text: interaction.description,
        reason: interaction.reason,
        deliveryStatus: interaction.deliveryStatus,
      })),
    };
    res.json(body);
  });

  router.get('/console/api/adjustments/pending', approvals, async (_req, res) => {
    const staff = currentStaff(res);
    const [pending, user] = await Promise.all([listPendingAdjustments(prisma), getStaffUser(prisma, staff.id)]);
    res.json({ adjustments: pending.map(toAdjustmentRow), approvalLimit: user ? approvalLimitOf(user, deps.approvalLimits) : '0.00' });
  });

  router.post('/console/api/adjustments/:id/decision', json, approvals, async (req, res) => {
    const params = adjustmentParams.safeParse(req.params);
    if (!params.success) throw invalidRequest(params.error, 'adjustment id');
    const body = adjustmentDecisionRequestSchema.safeParse(req.body);
    if (!body.success) throw invalidRequest(body.error, 'decision');
    const staff = currentStaff(res);
    const user = await getStaffUser(prisma, staff.id);
    if (!user) throw new AppError('unauthorized', 'staff_sign_in_required', 'Sign in to the console first.');
    const outcome = await decidePendingAdjustment(prisma, {
      adjustmentId: params.data.id,
      decision: body.data.decision,
      reason: body.data.reason,
      decider: { staffUserId: staff.id, approvalLimit: approvalLimitOf(user, deps.approvalLimits) },
    });
    switch (outcome.kind) {
      case 'notFound':
        throw new AppError('not_found', 'adjustment_not_found', `No bill adjustment has the id ${params.data.id}.`);
      case 'notPending':
        throw new AppError('conflict', 'adjustment_not_pending', `${outcome.adjustment.reference} is ${outcome.adjustment.status} already; nothing to decide.`);
      case 'overLimit':
        throw new AppError(
          'forbidden',
          'approval_limit_exceeded',
          `${outcome.adjustment.reference} is for ${outcome.adjustment.amount} ${outcome.adjustment.currency}, above your approval limit of ${outcome.limit}: a supervisor must approve it (you may still reject it).`,
        );
      case 'decided': {
        const status = outcome.adjustment.status === 'approved' ? 'approved' : 'rejected';
        await deps.afterAdjustmentDecision(outcome.adjustment.id, status);
        res.json({ adjustment: { id: outcome.adjustment.id, reference: outcome.adjustment.reference, status: outcome.adjustment.status, decisionReason: outcome.adjustment.decisionReason } });
      }
    }
  });

  return router;
}

const seconds = (ms: number) => Math.round(ms / 1000);

function toSlaRow(clock: SlaClockView | undefined): Customer360['tickets'][number]['sla'] {
  return clock ? { budgetSeconds: seconds(clock.budgetMs), elapsedSeconds: seconds(clock.elapsedMs), remainingSeconds: seconds(clock.remainingMs), running: clock.running } : null;
}

function toProgressRow(progress: OrderProgress | undefined): Customer360['orders'][number]['progress'] {
  if (!progress) return null;
  const step = (entry: StepProgress) => ({ step: entry.step, status: entry.status, at: entry.at?.toISOString() ?? null });
  return {
    validate: step(progress.validate),
    items: progress.items.map((item) => ({ offeringName: item.offeringName, state: item.state, steps: item.steps.map(step) })),
  };
}

function toAdjustmentRow(adjustment: PendingAdjustment): AdjustmentRow {
  return {
    id: adjustment.id,
    reference: adjustment.reference,
    billReference: adjustment.billReference,
    chargeDescription: adjustment.chargeDescription,
    amount: adjustment.amount,
    currency: adjustment.currency,
    reason: adjustment.reason,
    status: adjustment.status,
    decisionReason: adjustment.decisionReason,
    createdAt: adjustment.createdAt.toISOString(),
    customerId: adjustment.customerId,
    customerName: adjustment.customerName,
  };
}
