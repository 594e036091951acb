import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestBillAdjustment } from '../../src/domain/billing/adjustments.service.ts';
import { ALEX_MORGAN } from '../../src/domain/demo/demo-data.ts';
import { listActiveOfferings } from '../../src/domain/catalog/catalog.service.ts';
import { currentChurnRisk, recomputeChurnScore } from '../../src/domain/churn/churn.service.ts';
import { checkOrderEligibility, placeProductOrder } from '../../src/domain/orders/product-orders.service.ts';
import { openTroubleTicket } from '../../src/domain/tickets/trouble-tickets.service.ts';
import { completeStepOnce } from '../../src/domain/timeline/timeline.service.ts';
import { adjustmentDecisionResponseSchema, customer360Schema, customerSearchResponseSchema, pendingAdjustmentsResponseSchema } from '../../src/http/console/api-schemas.ts';
import { readError } from '../support/http.ts';
import { ALEX, startTestEnv, type TestEnv } from '../support/service.ts';
import { createStaffUser, signInStaff, type SignedInStaff } from '../support/staff.ts';

// The console's customer API: search by anything a caller might say, the customer 360, and the
// approval of pending credits within the staff member's limit.

let env: TestEnv;
let agent: SignedInStaff;
let supervisor: SignedInStaff;
let alexId: string;
const pendingCredit = { id: '', reference: '' };
const secondCredit = { id: '', reference: '' };

async function postJson(session: SignedInStaff, path: string, body: unknown) {
  return session.request(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

beforeAll(async () => {
  env = await startTestEnv();
  const prisma = env.database.db.prisma;
  agent = await signInStaff(env.service.url, await createStaffUser(prisma, { role: 'agent', adjustmentApprovalLimit: '10.00' }));
  supervisor = await signInStaff(env.service.url, await createStaffUser(prisma, { role: 'supervisor' }));
  const alex = await prisma.contactMedium.findUniqueOrThrow({ where: { phoneNumber: ALEX } });
  alexId = alex.customerId;
  // Two credits over the bot's own limit (25.00): they wait for a person.
  const charges = await prisma.billCharge.findMany({
    where: { bill: { account: { customerId: alexId } }, chargeType: 'recurring', amount: { gt: 26 } },
    orderBy: { amount: 'desc' },
    take: 2,
    select: { id: true, billId: true },
  });
  const policy = { autoApproveLimit: '25.00', autoApprovePerPeriod: 2, periodDays: 90, otpThreshold: '10.00' };
  for (const [index, charge] of charges.entries()) {
    const outcome = await requestBillAdjustment(
      prisma,
      { customerId: alexId, billId: charge.billId, chargeId: charge.id, amount: '26.00', reason: 'Service was down for days', channel: 'sms', idempotencyKey: `console-test-${index}` },
      policy,
    );
    if (outcome.kind !== 'recorded') throw new Error(`credit not recorded: ${outcome.kind}`);
    expect(outcome.adjustment.status).toBe('pending');
    Object.assign(index === 0 ? pendingCredit : secondCredit, { id: outcome.adjustment.id, reference: outcome.adjustment.reference });
  }
}, 300_000);

afterAll(async () => {
  await env?.close();
});

describe('customer search', () => {
  it.each([
    ['a name', 'alex morgan'],
    ['a family name in any case', 'MORGAN'],
    ['a phone number as people write it', '(555) 123-0001'],
    ['an account number', ALEX_MORGAN.account.accountNumber],
    ['an email address', ALEX_MORGAN.email.toUpperCase()],
  ])('finds Alex Morgan by %s', async (_what, query) => {
    const response = await agent.request(`/console/api/customers?q=${encodeURIComponent(query)}`);
    expect(response.status).toBe(200);
    const body = customerSearchResponseSchema.parse(await response.json());
    expect(body.customers.map((customer) => customer.id)).toContain(alexId);
  });

  it('finds the customer a reference names (ADJ-, INV-), in any case, and nobody for an unknown one', async () => {
    const bill = await env.database.db.prisma.bill.findFirstOrThrow({ where: { account: { customerId: alexId } }, select: { number: true } });
    for (const reference of [pendingCredit.reference.toLowerCase(), `INV-${bill.number}`]) {
      const body = customerSearchResponseSchema.parse(await (await agent.request(`/console/api/customers?q=${encodeURIComponent(reference)}`)).json());
      expect(body.customers).toHaveLength(1);
      expect(body.customers[0]).toMatchObject({ id: alexId, matchedReference: reference.toUpperCase() });
    }
    const unknown = customerSearchResponseSchema.parse(await (await agent.request('/console/api/customers?q=TT-999999')).json());
    expect(unknown.customers).toEqual([]);
  });

  it('refuses a query shorter than two characters', async () => {
    const response = await agent.request('/console/api/customers?q=a');
    expect(response.status).toBe(400);
  });
});

describe('customer 360', () => {
  it("shows Alex's profile, products, bills with charges, pending credits and contact log", async () => {
    const response = await agent.request(`/console/api/customers/${alexId}`);
    expect(response.status).toBe(200);
    const body = customer360Schema.parse(await response.json());
    expect(body.profile).toMatchObject({ givenName: 'Alex', familyName: 'Morgan', phone: ALEX, '@type': 'Individual' });
    expect(new Set(body.products.filter((product) => !product.isAddOn).map((product) => product.serviceType))).toEqual(new Set(['internet', 'mobile', 'tv']));
    expect(body.bills.length).toBeGreaterThanOrEqual(2);
    for (const bill of body.bills) expect(bill.charges.length).toBeGreaterThan(0);
    expect(body.pendingAdjustments.map((adjustment) => adjustment.reference).sort()).toEqual([pendingCredit.reference, secondCredit.reference].sort());
  });

  it('shows the churn risk with its reasons, the fulfilment steps of an open order and the SLA clock of an open ticket', async () => {
    const prisma = env.database.db.prisma;
    const before = customer360Schema.parse(await (await agent.request(`/console/api/customers/${alexId}`)).json());
    const stored = await currentChurnRisk(prisma, alexId);
    expect(before.churnRisk).toEqual(stored);
    // Scored now (as the churn sweep does): the 360 shows the new stored score and its reasons.
    const scored = await recomputeChurnScore(prisma, alexId, 'console-test');
    if (!scored) throw new Error('Alex could not be scored');
    const after = customer360Schema.parse(await (await agent.request(`/console/api/customers/${alexId}`)).json());
    expect(after.churnRisk).toEqual(await currentChurnRisk(prisma, alexId));
    expect(after.churnRisk?.band).toBe(scored.band);

    // An open order (no tracking workers here): validated by fulfilment's first step, nothing provisioned yet.
    const offerings = await listActiveOfferings(prisma);
    let code: string | undefined;
    for (const offering of offerings) if (!code && (await checkOrderEligibility(prisma, alexId, offering.code, {}, new Date()))?.eligible) code = offering.code;
    if (!code) throw new Error('an offering Alex may order');
    const placed = await placeProductOrder(prisma, { customerId: alexId, offeringCode: code, channel: 'sms', idempotencyKey: 'console-test-order' });
    if (placed.status !== 'created') throw new Error(`order not placed: ${placed.status}`);
    await completeStepOnce(prisma, { subjectType: 'productOrder', subjectId: placed.order.id, kind: 'step', name: 'validate', outcome: 'completed', stepKey: `${placed.order.id}-validate` }, async () => undefined);
    // A ticket opened now: its clock runs from zero against the severity's budget.
    const { ticket } = await openTroubleTicket(prisma, { customerId: alexId, serviceType: 'internet', productId: null, description: 'internet down since this morning', issueStartedAt: null, channel: 'sms', idempotencyKey: 'console-test-ticket' });

    const view = customer360Schema.parse(await (await agent.request(`/console/api/customers/${alexId}`)).json());
    const order = view.orders.find((entry) => entry.id === placed.order.id);
    expect(order?.progress?.validate).toMatchObject({ step: 'validate', status: 'done' });
    expect(order?.progress?.items[0]?.steps.map((step) => [step.step, step.status])).toEqual([
      ['reserve', 'waiting'],
      ['provision', 'waiting'],
      ['activate', 'waiting'],
      ['test', 'waiting'],
    ]);
    const shown = view.tickets.find((entry) => entry.id === ticket.id);
    const budget = env.config.sla.bySeverity[ticket.severity] / 1000;
    expect(shown?.sla).toMatchObject({ budgetSeconds: budget, running: true });
    expect(shown?.sla?.elapsedSeconds).toBeGreaterThanOrEqual(0);
    expect(shown?.sla?.elapsedSeconds).toBeLessThan(120);
    expect((shown?.sla?.elapsedSeconds ?? 0) + (shown?.sla?.remainingSeconds ?? 0)).toBe(budget);
  });

  it('answers 404 for an unknown customer and 400 for a malformed id', async () => {
    expect((await agent.request('/console/api/customers/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await agent.request('/console/api/customers/not-an-id')).status).toBe(400);
  });
});

describe('approving credits', () => {
  it('lists the pending credits with the approver’s limit', async () => {
    const body = pendingAdjustmentsResponseSchema.parse(await (await agent.request('/console/api/adjustments/pending')).json());
    expect(body.approvalLimit).toBe('10.00');
    expect(body.adjustments.map((adjustment) => adjustment.id)).toContain(pendingCredit.id);
  });

  it('refuses an approval above the staff member’s limit, leaving the credit pending', async () => {
    const response = await postJson(agent, `/console/api/adjustments/${pendingCredit.id}/decision`, { decision: 'approve', reason: 'Outage confirmed' });
    expect(response.status).toBe(403);
    expect((await readError(response)).code).toBe('approval_limit_exceeded');
    const row = await env.database.db.prisma.billAdjustment.findUniqueOrThrow({ where: { id: pendingCredit.id } });
    expect(row.status).toBe('pending');
  });

  it('lets a supervisor approve it, audited with their id; a second decision is refused', async () => {
    const response = await postJson(supervisor, `/console/api/adjustments/${pendingCredit.id}/decision`, { decision: 'approve', reason: 'Outage confirmed by network' });
    expect(response.status).toBe(200);
    expect(adjustmentDecisionResponseSchema.parse(await response.json()).adjustment).toMatchObject({ status: 'approved', decisionReason: 'Outage confirmed by network' });
    const row = await env.database.db.prisma.billAdjustment.findUniqueOrThrow({ where: { id: pendingCredit.id } });
    expect(row.decidedBy).toBe(supervisor.staff.id);
    const audit = await env.database.db.prisma.auditEvent.findMany({ where: { entityId: pendingCredit.id, action: 'billAdjustment.approve' } });
    expect(audit.map((event) => [event.actorType, event.actorId])).toContainEqual(['staff', supervisor.staff.id]);

    const again = await postJson(agent, `/console/api/adjustments/${pendingCredit.id}/decision`, { decision: 'reject', reason: 'Changed my mind' });
    expect(again.status).toBe(409);
    expect((await readError(again)).code).toBe('adjustment_not_pending');
  });

  it('lets an agent reject any credit with a reason; a reason is required', async () => {
    const noReason = await postJson(agent, `/console/api/adjustments/${secondCredit.id}/decision`, { decision: 'reject', reason: '' });
    expect(noReason.status).toBe(400);
    const rejected = await postJson(agent, `/console/api/adjustments/${secondCredit.id}/decision`, { decision: 'reject', reason: 'The charge is correct' });
    expect(rejected.status).toBe(200);
    const row = await env.database.db.prisma.billAdjustment.findUniqueOrThrow({ where: { id: secondCredit.id } });
    expect(row).toMatchObject({ status: 'rejected', decidedBy: agent.staff.id, decisionReason: 'The charge is correct' });
  });
});
