import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRecentTickets, lookUpCustomerTicket, openTroubleTicket } from '../../src/domain/tickets/trouble-tickets.service.ts';
import { createDemoDatabase, type DemoDatabase } from '../support/demo-database.ts';

// "What's the status of my ticket": the look-ups run as hand-written SQL; they must read what
// Prisma reads, timestamps included, and only ever the asking customer's tickets.

let database: DemoDatabase;
let alexId: string;
let samId: string;

beforeAll(async () => {
  database = await createDemoDatabase();
  alexId = await database.customerId('+15551230001');
  samId = await database.customerId('+15551230002');
});

afterAll(async () => {
  await database?.drop();
});

describe('ticket look-ups', () => {
  it('find a ticket by number for its customer only, with the values Prisma reads', async () => {
    const { prisma, sql } = database.db;
    const { ticket } = await openTroubleTicket(prisma, {
      customerId: alexId,
      serviceType: 'internet',
      productId: null,
      description: 'no internet since last night',
      issueStartedAt: null,
      channel: 'sms',
      idempotencyKey: 'tickets-lookup-1',
    });
    const stored = await prisma.troubleTicket.findUniqueOrThrow({ where: { id: ticket.id } });
    const found = (await lookUpCustomerTicket(sql, alexId, stored.number)).ticket;
    expect(found).toEqual(ticket);
    expect(found?.createdAt.toISOString()).toBe(stored.createdAt.toISOString());
    expect(found?.expectedResolutionDate?.toISOString()).toBe(stored.expectedResolutionDate?.toISOString());
    expect((await lookUpCustomerTicket(sql, samId, stored.number)).ticket).toBeNull();
    expect((await lookUpCustomerTicket(sql, alexId, 987_654_321)).ticket).toBeNull();
  });

  it('list open tickets first, newest first, at most three', async () => {
    const { prisma, sql } = database.db;
    const numbers: number[] = [];
    for (const [index, status] of (['resolved', 'acknowledged', 'closed', 'inProgress'] as const).entries()) {
      const { ticket } = await openTroubleTicket(prisma, {
        customerId: samId,
        serviceType: 'mobile',
        productId: null,
        description: `fault ${index}`,
        issueStartedAt: null,
        channel: 'sms',
        idempotencyKey: `tickets-lookup-sam-${index}`,
      });
      await prisma.troubleTicket.update({ where: { id: ticket.id }, data: { status, createdAt: new Date(Date.UTC(2026, 0, 1 + index)) } });
      numbers.push(Number(ticket.reference.slice(3)));
    }
    const recent = await listRecentTickets(sql, samId);
    expect(recent.map((ticket) => ticket.status)).toEqual(['inProgress', 'acknowledged', 'closed']);
    expect(recent[0]?.createdAt.toISOString()).toBe('2026-01-04T00:00:00.000Z');
    expect(recent.map((ticket) => ticket.reference)).toEqual([`TT-${numbers[3]}`, `TT-${numbers[1]}`, `TT-${numbers[2]}`]);

    // One look-up answers both: the ticket asked for (own tickets only) and the same recent list.
    const asked = await lookUpCustomerTicket(sql, samId, numbers[0] ?? 0);
    expect(asked.ticket?.reference).toBe(`TT-${numbers[0]}`);
    expect(asked.ticket?.status).toBe('resolved');
    expect(asked.recent).toEqual(recent);
    const missing = await lookUpCustomerTicket(sql, samId, 987_654_321);
    expect(missing).toEqual({ ticket: null, recent });
    const someoneElses = await lookUpCustomerTicket(sql, alexId, numbers[0] ?? 0);
    expect(someoneElses.ticket).toBeNull();
    expect(someoneElses.recent.map((ticket) => ticket.reference)).not.toContain(`TT-${numbers[0]}`);
  });
});
