import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyApprovedAdjustment } from '../../src/domain/billing/apply-adjustments.ts';
import type { AdjustmentStatus, BillState, PrismaClient } from '../../src/generated/prisma/client.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { eventually, startTestEnv, type TestEnv } from '../support/service.ts';
import { activeCustomers, getJson, textsTo, timelineOf, trackingSettings, type TestCustomer } from './fulfillment-support.ts';

// Approved bill adjustments become a credit line exactly once, however often the job runs;
// rejected ones are explained to the customer once.

let env: TestEnv;
let customers: TestCustomer[];

beforeAll(async () => {
  env = await startTestEnv({ env: trackingSettings() });
  customers = await activeCustomers(env.database.db.prisma, 4);
});

afterAll(async () => {
  await env?.close();
});

async function adjustment(prisma: PrismaClient, customer: TestCustomer, options: { status: AdjustmentStatus; key: string; billState?: BillState; decisionReason?: string }) {
  const bill = await prisma.bill.findFirstOrThrow({ where: { accountId: customer.accountId }, orderBy: { billDate: 'desc' } });
  if (options.billState) await prisma.bill.update({ where: { id: bill.id }, data: { state: options.billState } });
  const created = await prisma.billAdjustment.create({
    data: {
      customerId: customer.id,
      billId: bill.id,
      amount: '12.34',
      reason: 'Charged twice for the roaming pass',
      status: options.status,
      decisionReason: options.decisionReason ?? null,
      decidedBy: options.status === 'pending' ? null : 'supervisor@example.com',
      decidedAt: options.status === 'pending' ? null : new Date(),
      channel: 'sms',
      idempotencyKey: options.key,
    },
  });
  return { ...created, bill };
}

function customer(index: number): TestCustomer {
  const found = customers[index];
  if (!found) throw new Error(`No test customer ${index}`);
  return found;
}

describe('applying bill adjustments', () => {
  it('puts an approved credit on the next bill once, even when its job is retried, and tells the customer once', async () => {
    const { prisma } = env.database.db;
    const who = customer(0);
    const approved = await adjustment(prisma, who, { status: 'approved', key: 'apply-retried', billState: 'sent' });
    const applied = await eventually(async () => {
      const row = await prisma.billAdjustment.findUniqueOrThrow({ where: { id: approved.id } });
      return row.status === 'applied' ? row : undefined;
    }, 'the sweep to apply the credit');
    expect(applied.appliedAt).not.toBeNull();
    const [line] = await prisma.billCharge.findMany({ where: { idempotencyKey: `adj-${approved.id}` }, include: { bill: true } });
    expect(line).toMatchObject({ chargeType: 'credit', description: `Credit ADJ-${approved.number}: Charged twice for the roaming pass` });
    expect(line?.amount.toFixed(2)).toBe('-12.34');
    // The adjusted bill was already sent: the credit goes on the next one, which it lowers.
    expect(line?.bill).toMatchObject({ state: 'new', accountId: who.accountId });
    expect(line?.billId).not.toBe(approved.billId);
    const nextBillDue = line?.bill.amountDue.toFixed(2);
    await eventually(async () => (textsTo(env, who.phone).length === 1 ? true : undefined), 'the credit text');

    // The job runs again (a retry after a crash between the commit and the job's completion).
    const queue = env.service.queues.queue('adjustments');
    const job = await queue.getJob(`${approved.id}-apply`);
    if (!job?.finishedOn) throw new Error('the apply job is gone');
    expect(job.returnvalue).toEqual({ outcome: 'applied' });
    const firstRun = job.finishedOn;
    await job.retry('completed');
    const rerun = await eventually(async () => {
      const again = await queue.getJob(`${approved.id}-apply`);
      return again?.finishedOn && again.finishedOn > firstRun ? again : undefined;
    }, 'the retried job to run again');
    expect(rerun.returnvalue).toEqual({ outcome: 'already' });
    expect(await prisma.billCharge.count({ where: { idempotencyKey: `adj-${approved.id}` } })).toBe(1);
    expect((await prisma.bill.findUniqueOrThrow({ where: { id: line?.billId ?? '' } })).amountDue.toFixed(2)).toBe(nextBillDue);
    expect((await timelineOf(prisma, 'billAdjustment', approved.id)).filter((entry) => entry.startsWith('step:apply'))).toHaveLength(1);
    expect(await prisma.auditEvent.count({ where: { action: 'billAdjustment.apply', entityId: approved.id } })).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(textsTo(env, who.phone)).toEqual([expect.stringMatching(new RegExp(`^ADJ-${approved.number}: your credit of \\$12\\.34 is now on your next bill, INV-\\d+\\.$`))]);
  });

  it('applies once when several runs race, and puts the credit on the adjusted bill while it is still open', async () => {
    const { prisma } = env.database.db;
    const who = customer(1);
    const approved = await adjustment(prisma, who, { status: 'approved', key: 'apply-raced', billState: 'new' });
    const deps = { prisma, texts: { smsFrom: '+15557770000', quietHours: null, timeZone: 'UTC', deliverSoon: async () => undefined, scheduleText: async () => undefined }, supportPhone: '+1 555 010 0100', now: () => new Date(), logger: createLogger('silent') };
    const outcomes = await Promise.allSettled([applyApprovedAdjustment(deps, approved.id), applyApprovedAdjustment(deps, approved.id), applyApprovedAdjustment(deps, approved.id)]);
    const fulfilled = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    expect(fulfilled.filter((value) => value === 'applied')).toHaveLength(1);
    const lines = await prisma.billCharge.findMany({ where: { idempotencyKey: `adj-${approved.id}` } });
    expect(lines).toHaveLength(1);
    expect(lines[0]?.billId).toBe(approved.billId);
    const bill = await prisma.bill.findUniqueOrThrow({ where: { id: approved.billId } });
    expect(Math.round(Number(bill.amountDue.toFixed(2)) * 100)).toBe(Math.round(Number(approved.bill.amountDue.toFixed(2)) * 100) - 1234);
    // The sweep finds nothing left to do.
    expect(await applyApprovedAdjustment(deps, approved.id)).toBe('already');
  });

  it('explains a rejection to the customer once, and leaves pending ones alone', async () => {
    const { prisma } = env.database.db;
    const who = customer(2);
    const rejected = await adjustment(prisma, who, { status: 'rejected', key: 'rejected-one', decisionReason: 'The roaming pass was used on both days' });
    const pending = await adjustment(prisma, customer(3), { status: 'pending', key: 'pending-one' });
    const [text] = await env.twilio.state.waitForMessages(who.phone, 1);
    expect(text?.body).toBe(`About ADJ-${rejected.number}: we could not approve the credit of $12.34. The roaming pass was used on both days. Questions? Call +1 555 010 0100.`);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(textsTo(env, who.phone)).toHaveLength(1);
    expect(textsTo(env, customer(3).phone)).toHaveLength(0);
    expect((await prisma.billAdjustment.findUniqueOrThrow({ where: { id: pending.id } })).status).toBe('pending');
  });

  it('serves an adjustment timeline by reference', async () => {
    const { prisma } = env.database.db;
    const applied = await prisma.billAdjustment.findUniqueOrThrow({ where: { idempotencyKey: 'apply-retried' } });
    const { status, body } = await getJson(`${env.service.url}/api/adjustments/adj-${applied.number}/timeline`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ billAdjustment: { reference: `ADJ-${applied.number}`, state: 'applied' } });
    expect(JSON.stringify(body)).toContain('"name":"applied"');
  });
});
