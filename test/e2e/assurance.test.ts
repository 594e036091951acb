import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replyToResolutionQuestion } from '../../src/domain/tickets/ticket-lifecycle.ts';
import type { PrismaClient, ServiceType } from '../../src/generated/prisma/client.ts';
import { linkCustomerToOutage } from '../../src/domain/tickets/outages.ts';
import { openTroubleTicket } from '../../src/domain/tickets/trouble-tickets.service.ts';
import { eventually, startTestEnv, type TestEnv } from '../support/service.ts';
import { getJson, postJson, textsTo, timelineOf, trackingSettings } from './fulfillment-support.ts';

// Assurance of trouble tickets: diagnostics (line test or outage match), restoring an outage
// resolves every linked ticket and tells each customer, and the customer's yes / no / silence
// closes or reopens the ticket. The line tester finds a fault on internet lines only.

const OUTAGE_AREA = '94110';
let env: TestEnv;

beforeAll(async () => {
  env = await startTestEnv({
    env: trackingSettings({ NETWORK_SIM_FAILURES: 'linetest.internet:fault=1,linetest:fault=0', RESOLUTION_CONFIRMATION_TIMEOUT: '8s' }),
  });
});

afterAll(async () => {
  await env?.close();
});

interface Affected {
  customerId: string;
  phone: string;
  productId: string;
}

/** Customers with an active product of this type, in or out of the outage area. */
async function customersWith(prisma: PrismaClient, serviceType: ServiceType, inOutageArea: boolean, count: number): Promise<Affected[]> {
  const products = await prisma.product.findMany({
    where: { serviceType, status: 'active', customer: { status: 'active', serviceArea: inOutageArea ? OUTAGE_AREA : { not: OUTAGE_AREA } } },
    include: { customer: { include: { contactMedia: { where: { mediumType: 'phone' } } } } },
    orderBy: { customerId: 'asc' },
  });
  const seen = new Set<string>();
  const found: Affected[] = [];
  for (const product of products) {
    const phone = product.customer.contactMedia[0]?.phoneNumber;
    if (!phone || seen.has(product.customerId)) continue;
    seen.add(product.customerId);
    found.push({ customerId: product.customerId, phone, productId: product.id });
  }
  if (found.length < count) throw new Error(`Only ${found.length} ${serviceType} customers found`);
  return found.slice(0, count);
}

/** A trouble ticket on the internet line of a customer outside the outage area. */
async function openInternetTicket(description: string, idempotencyKey: string) {
  const { prisma } = env.database.db;
  const [who] = await customersWith(prisma, 'internet', false, 1);
  if (!who) throw new Error('no customer');
  const { ticket } = await openTroubleTicket(prisma, {
    customerId: who.customerId,
    serviceType: 'internet',
    productId: who.productId,
    description,
    issueStartedAt: null,
    channel: 'sms',
    idempotencyKey,
  });
  return { who, ticket };
}

async function ticketWhere(id: string, check: (ticket: Awaited<ReturnType<PrismaClient['troubleTicket']['findUniqueOrThrow']>>) => boolean, what: string) {
  return eventually(async () => {
    const ticket = await env.database.db.prisma.troubleTicket.findUniqueOrThrow({ where: { id } });
    return check(ticket) ? ticket : undefined;
  }, what, 15_000);
}

describe('assurance', () => {
  it('runs a line test on a new ticket: the result lands on the ticket, it goes to repair, the customer is told, its SLA clock starts', async () => {
    const { prisma } = env.database.db;
    const { who, ticket } = await openInternetTicket('my internet is down since this morning', 'assurance-linetest');
    const diagnosed = await ticketWhere(ticket.id, (row) => row.diagnosedAt !== null && row.slaDueAt !== null, 'diagnostics');
    expect(diagnosed).toMatchObject({ status: 'inProgress', workQueue: 'field-repair', severity: 'major' });
    expect(diagnosed.diagnosticResult).toMatchObject({ kind: 'lineTest', verdict: 'fault' });
    expect(diagnosed.slaStartedAt?.getTime()).toBe(diagnosed.createdAt.getTime());
    const [text] = await env.twilio.state.waitForMessages(who.phone, 1);
    expect(text?.body).toMatch(new RegExp(`^${ticket.reference}: our line test found the problem`));
    expect(await timelineOf(prisma, 'troubleTicket', ticket.id)).toContain('step:diagnose:completed');
  });

  it('sends a ticket with a clean line to support without texting', async () => {
    const { prisma } = env.database.db;
    const [who] = await customersWith(prisma, 'mobile', false, 1);
    if (!who) throw new Error('no customer');
    const { ticket } = await openTroubleTicket(prisma, {
      customerId: who.customerId,
      serviceType: 'mobile',
      productId: who.productId,
      description: 'calls keep dropping',
      issueStartedAt: null,
      channel: 'sms',
      idempotencyKey: 'assurance-clean-line',
    });
    const diagnosed = await ticketWhere(ticket.id, (row) => row.diagnosedAt !== null, 'diagnostics');
    expect(diagnosed).toMatchObject({ status: 'inProgress', workQueue: 'support' });
    expect(diagnosed.diagnosticResult).toMatchObject({ kind: 'lineTest', verdict: 'ok' });
    expect(textsTo(env, who.phone)).toEqual([]);
  });

  let outageTickets: Array<{ id: string; reference: string; customer: Affected }> = [];

  it('links tickets in an outage area to the outage, and restoring it resolves them all and tells each customer', async () => {
    const { prisma } = env.database.db;
    const outage = await prisma.outage.findFirstOrThrow({ where: { area: OUTAGE_AREA, status: 'active' } });
    const affected = await customersWith(prisma, 'internet', true, 3);
    const [first, ...others] = affected;
    if (!first) throw new Error('no customer');
    // As the fault dialog does when it knows of the outage: a held ticket linked to it.
    const linked = await linkCustomerToOutage(prisma, { customerId: first.customerId, outageId: outage.id, productId: first.productId, description: null, issueStartedAt: null, channel: 'sms' });
    outageTickets = [{ id: linked.ticket.id, reference: linked.ticket.reference, customer: first }];
    // Tickets opened without the link: diagnostics find the outage.
    for (const [index, who] of others.entries()) {
      const { ticket } = await openTroubleTicket(prisma, {
        customerId: who.customerId,
        serviceType: 'internet',
        productId: who.productId,
        description: 'no internet at all',
        issueStartedAt: null,
        channel: 'sms',
        idempotencyKey: `assurance-outage-${index}`,
      });
      outageTickets.push({ id: ticket.id, reference: ticket.reference, customer: who });
    }
    for (const ticket of outageTickets) {
      const row = await ticketWhere(ticket.id, (candidate) => candidate.diagnosedAt !== null, 'diagnostics');
      expect(row).toMatchObject({ outageId: outage.id, status: 'held', workQueue: 'network-operations' });
      expect(row.diagnosticResult).toMatchObject({ kind: 'outage', outageId: outage.id });
    }
    // Only the customers whose ticket diagnostics linked were told of the outage by text.
    for (const { customer } of outageTickets.slice(1)) {
      const [text] = await env.twilio.state.waitForMessages(customer.phone, 1);
      expect(text?.body).toMatch(/part of a known outage in your area/);
    }
    expect(textsTo(env, first.phone)).toEqual([]);

    const restored = await postJson(`${env.service.url}/api/outages/${outage.id}/restore`, { note: 'Cable spliced' });
    expect(restored).toMatchObject({ status: 200, body: { status: 'restored', openTickets: 3 } });
    for (const ticket of outageTickets) {
      const row = await ticketWhere(ticket.id, (candidate) => candidate.status === 'resolved' && candidate.confirmationRequestedAt !== null, 'resolution');
      expect(row.resolutionDate).not.toBeNull();
      expect(row.slaDueAt).toBeNull();
      const texts = await eventually(async () => {
        const all = textsTo(env, ticket.customer.phone);
        return all.some((text) => text.includes('outage in your area is fixed')) ? all : undefined;
      }, `the restoration text to ${ticket.reference}`);
      expect(texts.at(-1)).toBe(`${ticket.reference} is resolved: the internet outage in your area is fixed. Is your internet working again? Reply YES or NO.`);
    }
    expect((await prisma.outage.findUniqueOrThrow({ where: { id: outage.id } })).status).toBe('restored');
    // The job records its step once it has resolved every ticket, a moment after the last one.
    const outageTimeline = await eventually(async () => {
      const timeline = await getJson(`${env.service.url}/api/outages/${outage.id}/timeline`);
      return JSON.stringify(timeline.body).includes('tickets-resolved') ? timeline : undefined;
    }, 'the outage timeline step');
    expect(outageTimeline.status).toBe(200);
  });

  it('closes the ticket when the customer answers yes', async () => {
    const [ticket] = outageTickets;
    if (!ticket) throw new Error('the outage test did not run');
    // The customer texts back: the bot has no question open, so the yes answers "does it work again?".
    const [answer] = await env.converse(ticket.customer.phone, 'yes it works now');
    expect(answer).toBe(`Great, thanks for letting us know. ${ticket.reference} is now closed.`);
    const row = await env.database.db.prisma.troubleTicket.findUniqueOrThrow({ where: { id: ticket.id } });
    expect(row.status).toBe('closed');
    expect(row.statusChangeReason).toMatch(/confirmed/);
    const inbound = await env.database.db.prisma.interaction.findFirstOrThrow({ where: { direction: 'inbound', text: 'yes it works now', fromAddress: ticket.customer.phone } });
    expect(inbound.reason).toBe('ticket.resolutionConfirmation.affirm');
    // Anything else the customer says afterwards is not taken as an answer.
    expect(await replyToResolutionQuestion(env.service.assurance, ticket.customer.customerId, 'deny')).toBeNull();
    const [later] = await env.converse(ticket.customer.phone, 'no');
    expect(later).toMatch(/lost track/);
    expect((await env.database.db.prisma.troubleTicket.findUniqueOrThrow({ where: { id: ticket.id } })).status).toBe('closed');
  });

  it('reopens the ticket with a fresh SLA clock when the customer answers no', async () => {
    const ticket = outageTickets[1];
    if (!ticket) throw new Error('the outage test did not run');
    const before = await env.database.db.prisma.troubleTicket.findUniqueOrThrow({ where: { id: ticket.id } });
    // Taken by an agent on the phone: the staff API records it.
    const answered = await postJson(`${env.service.url}/api/tickets/${ticket.reference}/confirmation`, { answer: 'no' });
    expect(answered).toMatchObject({ status: 200, body: { outcome: 'reopened' } });
    const row = await ticketWhere(ticket.id, (candidate) => candidate.slaDueAt !== null, 'the new SLA clock');
    expect(row).toMatchObject({ status: 'inProgress', reopenCount: 1, resolutionDate: null, confirmationRequestedAt: null });
    expect(row.slaStartedAt?.getTime()).toBeGreaterThan(before.slaStartedAt?.getTime() ?? 0);
    const again = await postJson(`${env.service.url}/api/tickets/${ticket.reference}/confirmation`, { answer: 'no' });
    expect(again.status).toBe(409);
  });

  it('closes the ticket when the customer does not answer in time', async () => {
    const ticket = outageTickets[2];
    if (!ticket) throw new Error('the outage test did not run');
    const row = await ticketWhere(ticket.id, (candidate) => candidate.status === 'closed', 'the unanswered ticket to close');
    expect(row.statusChangeReason).toMatch(/No answer/);
    await eventually(async () => (textsTo(env, ticket.customer.phone).some((text) => text.startsWith(`We have closed ${ticket.reference}`)) ? true : undefined), 'the closing text');
    const timeline = await getJson(`${env.service.url}/api/tickets/${ticket.id}/timeline`);
    const names = JSON.stringify(timeline.body);
    for (const expected of ['"name":"held"', '"name":"resolved"', '"name":"closed"', '"name":"sent"']) expect(names).toContain(expected);
  });

  it('answers staff requests whose id or reason holds a NUL with 4xx or stores it readable, never 500', async () => {
    const { prisma } = env.database.db;
    const { ticket } = await openInternetTicket('wifi keeps dropping', 'assurance-staff-nul');
    expect((await getJson(`${env.service.url}/api/tickets/TT-1%00/timeline`)).status).toBe(404);
    expect((await postJson(`${env.service.url}/api/tickets/TT-1%00/status`, { status: 'pending', reason: 'waiting' })).status).toBe(404);
    const moved = await postJson(`${env.service.url}/api/tickets/${ticket.reference}/status`, { status: 'pending', reason: 'customer away\u0000 until Monday' });
    expect(moved.status).toBe(200);
    const row = await prisma.troubleTicket.findUniqueOrThrow({ where: { id: ticket.id } });
    expect(row.statusChangeReason).toBe('customer away\uFFFD until Monday');
  });
});
