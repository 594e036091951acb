import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrismaClient } from '../../src/generated/prisma/client.ts';
import { openTroubleTicket } from '../../src/domain/tickets/trouble-tickets.service.ts';
import { eventually, startTestEnv, type TestEnv } from '../support/service.ts';
import { postJson, textsTo, timelineOf, trackingSettings } from './fulfillment-support.ts';

// SLA clocks as delayed jobs, with a 6 s SLA and the warning at three quarters of it. Five
// tickets: one is put on hold at once (the clock keeps running), one waits on the customer (the
// clock pauses), one is resolved (the clock stops), then one runs and one is minor (breaches, but
// no credit: the service was not down). The running one, opened last, is the control: when it
// has breached, the paused and the stopped ones must not have.

const SLA_MS = 6000;
let env: TestEnv;

beforeAll(async () => {
  env = await startTestEnv({
    env: trackingSettings({ NETWORK_SIM_FAILURES: 'linetest:fault=0', SLA_CRITICAL: '6s', SLA_MAJOR: '6s', SLA_MINOR: '6s', SLA_WARNING_PERCENT: '75' }),
  });
});

afterAll(async () => {
  await env?.close();
});

interface Opened {
  id: string;
  reference: string;
  customerId: string;
  phone: string;
  productId: string;
}

async function openTickets(prisma: PrismaClient, descriptions: string[], afterEach: (opened: Opened, index: number) => Promise<void>): Promise<Opened[]> {
  const products = await prisma.product.findMany({
    where: { serviceType: 'internet', status: 'active', customer: { status: 'active', serviceArea: { not: '94110' } } },
    include: { customer: { include: { contactMedia: { where: { mediumType: 'phone' } } } } },
    orderBy: { customerId: 'asc' },
  });
  const opened: Opened[] = [];
  const seen = new Set<string>();
  for (const product of products) {
    const description = descriptions[opened.length];
    const phone = product.customer.contactMedia[0]?.phoneNumber;
    if (description === undefined) break;
    if (!phone || seen.has(product.customerId)) continue;
    seen.add(product.customerId);
    const { ticket } = await openTroubleTicket(prisma, {
      customerId: product.customerId,
      serviceType: 'internet',
      productId: product.id,
      description,
      issueStartedAt: null,
      channel: 'sms',
      idempotencyKey: `sla-${opened.length}`,
    });
    const entry = { id: ticket.id, reference: ticket.reference, customerId: product.customerId, phone, productId: product.id };
    opened.push(entry);
    await afterEach(entry, opened.length - 1);
  }
  if (opened.length < descriptions.length) throw new Error('not enough internet customers');
  return opened;
}

async function ticket(id: string) {
  return env.database.db.prisma.troubleTicket.findUniqueOrThrow({ where: { id } });
}

async function until(id: string, check: (row: Awaited<ReturnType<typeof ticket>>) => boolean, what: string) {
  return eventually(async () => {
    const row = await ticket(id);
    return check(row) ? row : undefined;
  }, what, 20_000);
}

async function setStatus(id: string, status: string, reason: string) {
  const result = await postJson(`${env.service.url}/api/tickets/${id}/status`, { status, reason });
  expect(result.status).toBe(200);
}

describe('SLA clock', () => {
  it('warns, then breaches and escalates; held does not pause it, pending does, resolved stops it', async () => {
    const { prisma } = env.database.db;
    // Each of the first three is moved as soon as its diagnostics have started its clock.
    const moves: Array<[string, string]> = [
      ['pending', 'Waiting for the customer to restart the router'],
      ['resolved', 'Port reset remotely'],
      ['held', 'Waiting on the fiber wholesaler'],
    ];
    const [paused, resolved, held, running, minor] = await openTickets(
      prisma,
      ['no internet at all', 'internet not working', 'internet is down completely', 'internet is down', 'internet is slow in the evening'],
      async (opened, index) => {
        const move = moves[index];
        if (!move) return;
        await until(opened.id, (row) => row.diagnosedAt !== null, 'diagnostics');
        await setStatus(opened.id, move[0], move[1]);
      },
    );
    if (!running || !held || !paused || !resolved || !minor) throw new Error('tickets not opened');
    expect((await ticket(paused.id)).slaDueAt).toBeNull();

    const breached = await until(running.id, (row) => row.slaBreachedAt !== null, 'the running ticket to breach');
    const supervisor = await prisma.staffUser.findFirstOrThrow({ where: { role: 'supervisor' } });
    expect(breached).toMatchObject({ workQueue: 'supervisors', assigneeId: supervisor.id, escalationLevel: 1 });
    expect(breached.slaWarnedAt?.getTime()).toBeLessThanOrEqual(breached.slaBreachedAt?.getTime() ?? 0);
    const timeline = await timelineOf(prisma, 'troubleTicket', running.id);
    expect(timeline).toEqual(expect.arrayContaining(['sla:warning:warned', 'sla:breach:breached', 'escalation:supervisors:']));

    // Held: the clock ran on.
    const heldRow = await until(held.id, (row) => row.slaBreachedAt !== null, 'the held ticket to breach');
    expect(heldRow.status).toBe('held');
    // Pending since the start: not even warned while the others breached.
    const pausedRow = await ticket(paused.id);
    expect(pausedRow).toMatchObject({ status: 'pending', slaWarnedAt: null, slaBreachedAt: null, slaDueAt: null });
    // Resolved: stopped for good.
    const resolvedRow = await ticket(resolved.id);
    expect(resolvedRow).toMatchObject({ status: 'resolved', slaWarnedAt: null, slaBreachedAt: null, slaDueAt: null, escalationLevel: 0 });

    // Back from pending: the clock goes on from where it stopped, so the breach comes later by the pause.
    await setStatus(paused.id, 'inProgress', 'The customer restarted the router; still down');
    const resumed = await until(paused.id, (row) => row.slaBreachedAt !== null, 'the resumed ticket to breach');
    const changes = await prisma.troubleTicketStatusChange.findMany({ where: { ticketId: paused.id }, orderBy: { changedAt: 'asc' } });
    const pendingAt = changes.find((change) => change.status === 'pending')?.changedAt.getTime() ?? 0;
    const resumedAt = changes.filter((change) => change.status === 'inProgress').at(-1)?.changedAt.getTime() ?? 0;
    expect((resumed.slaBreachedAt?.getTime() ?? 0) - resumed.createdAt.getTime()).toBeGreaterThanOrEqual(SLA_MS + (resumedAt - pendingAt));
  });

  it('proposes a credit under the adjustment policy when the service was down, applies it, and tells the customer', async () => {
    const { prisma } = env.database.db;
    const running = await prisma.troubleTicket.findUniqueOrThrow({ where: { idempotencyKey: 'sla-3' }, include: { product: { include: { offering: true } } } });
    const credit = await eventually(async () => (await prisma.billAdjustment.findFirst({ where: { troubleTicketId: running.id, status: 'applied' } })) ?? undefined, 'the SLA credit to be applied');
    expect(credit.decidedBy).toBe('policy');
    // One day of a monthly price, rounded to the cent.
    const monthlyCents = Math.round(Number(running.product?.offering.recurringPrice.toFixed(2)) * 100);
    expect(Math.round(Number(credit.amount.toFixed(2)) * 100)).toBe(Math.round(monthlyCents / 30));
    expect(await prisma.billCharge.count({ where: { idempotencyKey: `adj-${credit.id}` } })).toBe(1);
    const phone = (await prisma.contactMedium.findFirstOrThrow({ where: { customerId: running.customerId, mediumType: 'phone' } })).phoneNumber ?? '';
    await eventually(async () => (textsTo(env, phone).length >= 2 ? true : undefined), 'the delay and credit texts');
    const texts = textsTo(env, phone);
    expect(texts[0]).toMatch(new RegExp(`^TT-${running.number} is taking longer than we promised.*credit of \\$\\d+\\.\\d\\d \\(ADJ-${credit.number}\\)`));
    expect(texts[1]).toMatch(new RegExp(`^ADJ-${credit.number}: your credit of`));

    // A minor fault (the service worked, badly) breaches without a credit.
    const minor = await prisma.troubleTicket.findUniqueOrThrow({ where: { idempotencyKey: 'sla-4' } });
    await until(minor.id, (row) => row.slaBreachedAt !== null, 'the minor ticket to breach');
    expect(minor.severity).toBe('minor');
    expect(await prisma.billAdjustment.count({ where: { troubleTicketId: minor.id } })).toBe(0);
  });
});
