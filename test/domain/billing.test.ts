import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdjustmentPolicySettings } from '../../src/app/config/index.ts';
import { requestBillAdjustment, findChargeDispute, type RequestBillAdjustment } from '../../src/domain/billing/adjustments.service.ts';
import { compareBills, groupCharges } from '../../src/domain/billing/bill-explanation.ts';
import { findCustomerBill, findLatestBill, findPreviousBill, getBalance, nextBillDate } from '../../src/domain/billing/bills.service.ts';
import { formatAdjustmentReference, parseAdjustmentReference, parseBillReference } from '../../src/domain/references.ts';
import { matchCharge } from '../../src/domain/billing/charge-matching.ts';
import { centsToDecimal } from '../../src/domain/billing/money.ts';
import { Prisma } from '../../src/generated/prisma/client.ts';
import { createDemoDatabase, type DemoDatabase } from '../support/demo-database.ts';

// The billing domain against a real (embedded or server) database with the demo data.

const policy: AdjustmentPolicySettings = { autoApproveLimit: '25.00', autoApprovePerPeriod: 2, periodDays: 90, otpThreshold: '10.00' };

let database: DemoDatabase;
let alexId: string;
let samId: string;

beforeAll(async () => {
  database = await createDemoDatabase();
  alexId = await database.customerId('+15551230001');
  samId = await database.customerId('+15551230002');
  // Seeding the demo data takes a while on a busy machine.
}, 180_000);

afterAll(async () => {
  await database?.drop();
});

const prisma = () => database.db.prisma;

describe('bills', () => {
  it('parses and formats INV- references in any case', () => {
    expect(parseBillReference('inv-10003')).toBe(10003);
    expect(parseBillReference('INV 10003')).toBe(10003);
    expect(parseBillReference('INV10003')).toBe(10003);
    expect(parseBillReference('10003')).toBeUndefined();
    expect(parseAdjustmentReference('adj-7')).toBe(7);
    expect(formatAdjustmentReference(7)).toBe('ADJ-7');
  });

  it("returns only the customer's own bills", async () => {
    expect((await findCustomerBill(prisma(), alexId, 10003))?.reference).toBe('INV-10003');
    expect(await findCustomerBill(prisma(), alexId, 10005)).toBeNull();
    expect((await findCustomerBill(prisma(), samId, 10005))?.amountDue).toBe('48.71');
  });

  it('groups the latest bill and explains the difference from the one before, to the cent', async () => {
    const latest = await findLatestBill(prisma(), alexId);
    if (!latest) throw new Error('Alex has bills');
    const previous = await findPreviousBill(prisma(), latest);
    if (!previous) throw new Error('Alex has an earlier bill');
    expect([latest.reference, previous.reference]).toEqual(['INV-10003', 'INV-10002']);

    const groups = groupCharges(latest);
    expect(groups.map((group) => [group.kind, centsToDecimal(group.cents)])).toEqual([
      ['service', '75.00'],
      ['service', '55.00'],
      ['service', '95.00'],
      ['oneTime', '49.00'],
      ['usage', '34.70'],
      ['tax', '25.47'],
    ]);
    const comparison = compareBills(latest, previous);
    expect(centsToDecimal(comparison.differenceCents)).toBe('94.95');
    expect(comparison.changes.map((change) => [change.kind, centsToDecimal(change.cents)])).toEqual([
      ['oneTimeFee', '49.00'],
      ['usage', '28.71'],
      ['newProduct', '10.00'],
      ['taxes', '7.24'],
    ]);
    const sum = comparison.changes.reduce((total, change) => total + change.cents, 0n);
    expect(sum).toBe(comparison.differenceCents);
  });

  it('adds up the balance over unpaid bills and flags overdue ones', async () => {
    const now = new Date();
    const balance = await getBalance(prisma(), samId, now);
    const unpaid = await prisma().bill.findMany({ where: { account: { customerId: samId }, state: { in: ['sent', 'partiallyPaid'] } } });
    const expected = unpaid.reduce((sum, bill) => sum.plus(bill.amountDue), new Prisma.Decimal(0));
    expect(balance.owed).toBe(expected.toFixed(2));
    expect(balance.unpaid.every((bill) => bill.overdue === bill.dueDate < now)).toBe(true);
    expect(balance.nextBillDate?.getUTCDate()).toBe(15);
  });

  it('shows customers issued bills only, not the next one still being filled', async () => {
    const latest = await findLatestBill(prisma(), samId);
    if (!latest) throw new Error('Sam has bills');
    const open = await prisma().bill.create({
      data: { accountId: latest.accountId, billDate: new Date(Date.now() + 20 * 86_400_000), periodStart: latest.billDate, periodEnd: new Date(Date.now() + 19 * 86_400_000), dueDate: new Date(Date.now() + 41 * 86_400_000), amountDue: '-5.00', state: 'new' },
    });
    try {
      expect((await findLatestBill(prisma(), samId))?.reference).toBe(latest.reference);
      expect(await findCustomerBill(prisma(), samId, open.number)).toBeNull();
      expect((await getBalance(prisma(), samId, new Date())).latest?.reference).toBe(latest.reference);
    } finally {
      await prisma().bill.delete({ where: { id: open.id } });
    }
  });

  it('puts the next bill on the next cycle day', () => {
    expect(nextBillDate(1, new Date('2026-11-27T10:00:00Z')).toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(nextBillDate(28, new Date('2026-11-27T10:00:00Z')).toISOString()).toBe('2026-11-28T00:00:00.000Z');
    expect(nextBillDate(27, new Date('2026-12-27T10:00:00Z')).toISOString()).toBe('2027-01-27T00:00:00.000Z');
  });
});

describe('matchCharge', () => {
  it.each([
    ['the roaming charge on my bill is wrong', undefined, 'Roaming day pass: 2 days', undefined],
    ['dispute the intl calls', undefined, 'International calls: 42 min', undefined],
    ['refund 5 dollars for the roaming charge', '5.00', 'Roaming day pass: 2 days', '5.00'],
    ['the $14.70 one', '14.70', 'International calls: 42 min', undefined],
    ['the extender fee', undefined, 'Mesh Wi-Fi Extender setup and activation', undefined],
    ['the sports package', undefined, 'Sports Package monthly charge', undefined],
  ])('%j → %s', async (text, amount, description, requested) => {
    const bill = await findCustomerBill(prisma(), alexId, 10003);
    const match = matchCharge(text, amount, bill?.charges ?? []);
    expect(match.charge?.description).toBe(description);
    expect(match.requestedAmount).toBe(requested);
  });

  it.each([
    ['I want to dispute a charge', undefined, false],
    ['the netflix charge', undefined, true],
    ['the $99.99 charge', '99.99', true],
    ['the extender', undefined, false],
  ])('%j matches no single charge (unmatched: %s)', async (text, amount, unmatched) => {
    const bill = await findCustomerBill(prisma(), alexId, 10003);
    const match = matchCharge(text, amount, bill?.charges ?? []);
    expect(match.charge).toBeUndefined();
    expect(match.unmatched).toBe(unmatched);
  });
});

describe('requestBillAdjustment', () => {
  async function chargeOf(customerId: string, billNumber: number, description: string) {
    const bill = await findCustomerBill(prisma(), customerId, billNumber);
    const charge = bill?.charges.find((line) => line.description === description);
    if (!bill || !charge) throw new Error(`no ${description} on INV-${billNumber}`);
    return { billId: bill.id, chargeId: charge.id };
  }

  const request = (customerId: string, target: { billId: string; chargeId: string }, amount: string, key: string): RequestBillAdjustment => ({
    customerId,
    ...target,
    amount,
    reason: 'I never used it',
    channel: 'sms',
    idempotencyKey: key,
    correlationId: key,
  });

  it('approves a small credit by policy, once per key, with audit records', async () => {
    const target = await chargeOf(alexId, 10003, 'Roaming day pass: 2 days');
    const first = await requestBillAdjustment(prisma(), request(alexId, target, '20.00', 'adjustment-d1'), policy);
    const again = await requestBillAdjustment(prisma(), request(alexId, target, '20.00', 'adjustment-d1'), policy);
    if (first.kind !== 'recorded' || again.kind !== 'recorded') throw new Error(`expected recorded, got ${first.kind}/${again.kind}`);
    expect([first.created, again.created]).toEqual([true, false]);
    expect(again.adjustment.id).toBe(first.adjustment.id);
    expect(first.adjustment).toMatchObject({ status: 'approved', decidedBy: 'policy', amount: '20.00', billReference: 'INV-10003' });
    expect(first.adjustment.expectedOnBillDate?.getUTCDate()).toBe(1);
    const audits = await prisma().auditEvent.findMany({ where: { entityType: 'billAdjustment', entityId: first.adjustment.id }, orderBy: { at: 'asc' } });
    expect(audits.map((audit) => audit.action).sort()).toEqual(['billAdjustment.approve', 'billAdjustment.request']);
    expect(await prisma().billAdjustment.count({ where: { chargeId: target.chargeId } })).toBe(1);
  });

  it('refuses a second dispute of the same charge with the first reference', async () => {
    const target = await chargeOf(alexId, 10003, 'Roaming day pass: 2 days');
    const second = await requestBillAdjustment(prisma(), request(alexId, target, '5.00', 'adjustment-d2'), policy);
    expect(second.kind).toBe('alreadyDisputed');
    const existing = await findChargeDispute(prisma(), alexId, target.chargeId);
    if (second.kind === 'alreadyDisputed') expect(second.adjustment.reference).toBe(existing?.reference);
  });

  it('records only one of two racing disputes of the same charge', async () => {
    const target = await chargeOf(alexId, 10003, 'International calls: 42 min');
    const outcomes = await Promise.all([
      requestBillAdjustment(prisma(), request(alexId, target, '14.70', 'adjustment-race-a'), policy),
      requestBillAdjustment(prisma(), request(alexId, target, '14.70', 'adjustment-race-b'), policy),
    ]);
    expect(outcomes.map((outcome) => outcome.kind).sort()).toEqual(['alreadyDisputed', 'recorded']);
    expect(await prisma().billAdjustment.count({ where: { chargeId: target.chargeId } })).toBe(1);
  });

  it('sends credits over the count in the period, or over the limit, to a person', async () => {
    // Alex has two policy approvals now (roaming and international calls).
    const sports = await chargeOf(alexId, 10003, 'Sports Package monthly charge');
    const overCount = await requestBillAdjustment(prisma(), request(alexId, sports, '15.00', 'adjustment-d3'), policy);
    expect(overCount.kind === 'recorded' && overCount.adjustment).toMatchObject({ status: 'pending', decidedBy: null });
    expect(overCount.kind === 'recorded' && overCount.decision?.code).toBe('overPeriodCount');

    const plan = await chargeOf(samId, 10005, 'Mobile Essentials monthly charge');
    const overLimit = await requestBillAdjustment(prisma(), request(samId, plan, '25.01', 'adjustment-d4'), policy);
    expect(overLimit.kind === 'recorded' && overLimit.decision?.code).toBe('overLimit');
    expect(overLimit.kind === 'recorded' && overLimit.adjustment.decisionReason).toMatch(/25\.01 is above the auto-approval limit of 25\.00/);
  });

  it('never credits more than the charge, nor a charge that is not the customer’s, nor taxes', async () => {
    const overage = await chargeOf(samId, 10005, 'Data overage: 3 GB');
    expect(await requestBillAdjustment(prisma(), request(samId, overage, '15.01', 'adjustment-d5'), policy)).toEqual({ kind: 'amountTooHigh', available: '15.00' });
    expect(await requestBillAdjustment(prisma(), request(samId, overage, '0.00', 'adjustment-d6'), policy)).toEqual({ kind: 'invalidAmount' });
    expect(await requestBillAdjustment(prisma(), request(samId, overage, '1.5e1', 'adjustment-d6b'), policy)).toEqual({ kind: 'invalidAmount' });
    const alexCharge = await chargeOf(alexId, 10003, 'TV Max monthly charge');
    expect(await requestBillAdjustment(prisma(), request(samId, alexCharge, '1.00', 'adjustment-d7'), policy)).toEqual({ kind: 'chargeNotFound' });
    const tax = await chargeOf(samId, 10005, 'Taxes and regulatory fees (8.25%)');
    expect(await requestBillAdjustment(prisma(), request(samId, tax, '1.00', 'adjustment-d8'), policy)).toEqual({ kind: 'chargeNotFound' });
    expect(await prisma().billAdjustment.count({ where: { idempotencyKey: { in: ['adjustment-d5', 'adjustment-d6', 'adjustment-d6b', 'adjustment-d7', 'adjustment-d8'] } } })).toBe(0);
  });

  it('lets a rejected dispute be raised again', async () => {
    const overage = await chargeOf(samId, 10005, 'Data overage: 3 GB');
    const first = await requestBillAdjustment(prisma(), request(samId, overage, '15.00', 'adjustment-d9'), policy);
    if (first.kind !== 'recorded') throw new Error(first.kind);
    await prisma().billAdjustment.update({ where: { id: first.adjustment.id }, data: { status: 'rejected', decidedBy: 'staff', decidedAt: new Date() } });
    const again = await requestBillAdjustment(prisma(), request(samId, overage, '15.00', 'adjustment-d10'), policy);
    expect(again.kind === 'recorded' && again.created).toBe(true);
  });
});
