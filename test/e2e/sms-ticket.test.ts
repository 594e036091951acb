import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readError, timelineBody } from '../support/http.ts';
import { ALEX, SAM, startTestEnv, eventually, type TestEnv } from '../support/service.ts';
import { fetchAsStaff } from '../support/staff.ts';

// A customer reports a fault by SMS and asks for its status, through the real webhook, queues,
// dialogs and the official twilio client talking to the stand-in.

let env: TestEnv;

beforeAll(async () => {
  env = await startTestEnv();
});

afterAll(async () => {
  await env?.close();
});

const say = (from: string, text: string, count = 1) => env.converse(from, text, count);

describe('fault report by SMS', () => {
  it('opens a ticket from one message with service and date, after the self-help step and a yes', async () => {
    const [selfHelp] = await say(ALEX, 'my internet has been down since yesterday');
    expect(selfHelp).toMatch(/restarting the router/i);
    expect(selfHelp).toMatch(/Did that fix it\? 1\) Yes, fixed 2\) No 3\) Skip$/);

    const [confirm] = await say(ALEX, 'skip');
    expect(confirm).toMatch(/open a fault ticket for your internet/i);
    expect(confirm).toMatch(/Shall I go ahead\? 1\) Yes 2\) No$/);

    const [done] = await say(ALEX, 'yes');
    const reference = /TT-\d+/.exec(done ?? '')?.[0];
    expect(reference).toBeDefined();

    const { prisma } = env.database.db;
    const ticket = await prisma.troubleTicket.findUniqueOrThrow({ where: { number: Number(reference?.slice(3)) }, include: { customer: true } });
    expect(ticket.customer.givenName).toBe('Alex');
    expect(ticket.serviceType).toBe('internet');
    expect(ticket.status).toBe('acknowledged');
    expect(ticket.severity).toBe('major');
    expect(ticket.description).toBe('my internet has been down since yesterday');
    const ageHours = (Date.now() - (ticket.issueStartedAt?.getTime() ?? 0)) / 3_600_000;
    expect(ageHours).toBeGreaterThan(12);
    expect(ageHours).toBeLessThan(48);

    // The contact log links the confirming message and the reply to the ticket.
    const links = await prisma.interactionItem.findMany({ where: { itemType: 'troubleTicket', itemId: ticket.id }, include: { interaction: true } });
    expect(links.map((link) => link.interaction.direction).sort()).toEqual(['inbound', 'outbound']);
    expect(links.find((link) => link.interaction.direction === 'inbound')?.interaction.text).toBe('yes');
  });

  it('asks for what is missing: which service, since when, then confirms', async () => {
    const [which] = await say(ALEX, 'my service is not working');
    expect(which).toMatch(/which service is affected\? 1\) Internet - Fiber 1 Gig 2\) Mobile - Mobile Unlimited 3\) TV - TV Max$/i);

    const [retry] = await say(ALEX, 'banana');
    expect(retry).toMatch(/reply with a number/i);
    expect(retry).toMatch(/1\) Internet/);

    const [selfHelp] = await say(ALEX, '3');
    expect(selfHelp).toMatch(/restarting the TV box/i);

    const [since] = await say(ALEX, 'no');
    expect(since).toMatch(/since when has your TV/i);

    const [confirm] = await say(ALEX, 'this morning');
    expect(confirm).toMatch(/fault ticket for your TV: "my service is not working"/);

    const [declined] = await say(ALEX, 'no');
    expect(declined).toMatch(/haven't opened a ticket/);
    expect(await env.database.db.prisma.troubleTicket.count({ where: { serviceType: 'tv' } })).toBe(0);
  });

  it('skips the service question for a customer with one service and lets them start over', async () => {
    const [selfHelp] = await say(SAM, 'my phone keeps dropping calls');
    expect(selfHelp).toMatch(/restarting your phone/i);
    const [dropped] = await say(SAM, 'never mind');
    expect(dropped).toMatch(/dropped that/i);
    const [help] = await say(SAM, 'hello');
    expect(help).toMatch(/^Hi Sam!/);
  });

  it('answers ticket status by reference, without one, and never for another customer', async () => {
    const ticket = await env.database.db.prisma.troubleTicket.findFirstOrThrow({ where: { customer: { givenName: 'Alex' } } });
    const reference = `TT-${ticket.number}`;

    const [byReference] = await say(ALEX, reference.toLowerCase());
    expect(byReference).toContain(reference);
    expect(byReference).toMatch(/received and queued for a technician/);

    const [latest] = await say(ALEX, "what's the status of my ticket");
    expect(latest).toContain(reference);

    const [notYours] = await say(SAM, `status of ${reference}`);
    expect(notYours).toMatch(new RegExp(`can't find ticket ${reference}`));

    const [none] = await say(SAM, 'any update on my repair ticket?');
    expect(none).toMatch(/no fault tickets/);
  });

  it('answers an unknown number politely and still logs it', async () => {
    const stranger = '+15559871234';
    const [reply] = await say(stranger, 'my internet is down');
    expect(reply).toMatch(/couldn't match this number to an account/);
    expect(reply).toMatch(/call \+1 555 010 0100/);
    const logged = await env.database.db.prisma.interaction.findMany({ where: { conversation: { externalId: stranger } }, orderBy: { createdAt: 'asc' } });
    expect(logged.map((i) => [i.direction, i.customerId])).toEqual([
      ['inbound', null],
      ['outbound', null],
    ]);
    expect(logged[0]?.reason).toBe('customer.unknown');
  });

  it('serves the customer timeline with both directions, delivery status and links', async () => {
    const alex = await env.database.db.prisma.customer.findFirstOrThrow({ where: { givenName: 'Alex', familyName: 'Morgan' } });
    const body = await eventually(async () => {
      const response = await fetchAsStaff(`${env.service.url}/api/customers/${alex.id}/interactions?limit=200`);
      expect(response.status).toBe(200);
      const json = timelineBody.parse(await response.json());
      // Wait for the stand-in's status callbacks to mark every reply delivered.
      const pending = json.interactions.filter((i) => i.direction === 'outbound' && i.deliveryStatus !== 'delivered');
      return pending.length === 0 ? json : undefined;
    }, 'every reply to be delivered');
    expect(body.customer.name).toBe('Alex Morgan');
    const directions = new Set(body.interactions.map((i) => i.direction));
    expect(directions).toEqual(new Set(['inbound', 'outbound']));
    const linked = body.interactions.filter((i) => i.interactionItem.length > 0);
    expect(linked.length).toBeGreaterThan(0);
    expect(body.interactions[0]?.channel).toEqual([{ role: 'interactionChannel', name: 'sms' }]);
    for (const interaction of body.interactions) expect(interaction.providerMessageId).toMatch(/^SM[0-9a-f]{32}$/);
  });

  it('refuses bad timeline requests clearly', async () => {
    const badId = await fetchAsStaff(`${env.service.url}/api/customers/not-a-uuid/interactions`);
    expect(badId.status).toBe(400);
    expect((await readError(badId)).code).toBe('invalid_request');
    const unknown = await fetchAsStaff(`${env.service.url}/api/customers/00000000-0000-4000-8000-000000000000/interactions`);
    expect(unknown.status).toBe(404);
    expect((await readError(unknown)).code).toBe('customer_not_found');
  });
});

const phoneOf = (number: number) => `+1555123${String(number).padStart(4, '0')}`;

describe('a fault inside a known outage', () => {
  // Customers 3 (internet and mobile) and 27 (internet only) live in 94110, the demo outage area.
  const OUTAGE_CUSTOMER = phoneOf(3);
  const ONE_SERVICE_NEIGHBOUR = phoneOf(27);

  it('links the customer to the outage instead of opening a ticket, and a second report to the same ticket', async () => {
    const { prisma } = env.database.db;
    const outage = await prisma.outage.findFirstOrThrow({ where: { area: '94110', serviceType: 'internet', status: 'active' } });

    const [linked] = await say(OUTAGE_CUSTOMER, 'my internet is down');
    expect(linked).toMatch(/known outage in your area: Fiber cable cut near Valencia Street/);
    expect(linked).toMatch(/Expected fix: /);
    const reference = /TT-\d+/.exec(linked ?? '')?.[0];
    expect(reference).toBeDefined();

    const ticket = await prisma.troubleTicket.findUniqueOrThrow({ where: { number: Number(reference?.slice(3)) }, include: { statusChanges: true } });
    expect(ticket).toMatchObject({ outageId: outage.id, status: 'held', ticketType: 'outage', serviceType: 'internet', description: 'my internet is down' });
    expect(ticket.expectedResolutionDate?.getTime()).toBe(outage.expectedRestoreAt?.getTime());
    expect(ticket.statusChanges.map((change) => change.status)).toEqual(['held']);
    expect(ticket.statusChangeReason).toMatch(/outage/);

    const [again] = await say(OUTAGE_CUSTOMER, 'the internet is still not working');
    expect(again).toMatch(new RegExp(`already linked to the outage in your area as ${reference}`));
    const tickets = await prisma.troubleTicket.findMany({ where: { customer: { contactMedia: { some: { phoneNumber: OUTAGE_CUSTOMER } } } } });
    expect(tickets.map((t) => t.id)).toEqual([ticket.id]);

    // Both messages are linked to the one ticket in the contact log.
    const links = await prisma.interactionItem.findMany({ where: { itemType: 'troubleTicket', itemId: ticket.id }, include: { interaction: true } });
    expect(links.filter((link) => link.interaction.direction === 'inbound').map((link) => [link.interaction.text, link.action])).toEqual(
      expect.arrayContaining([
        ['my internet is down', 'created'],
        ['the internet is still not working', 'viewed'],
      ]),
    );
    const audit = await prisma.auditEvent.findMany({ where: { entityType: 'troubleTicket', entityId: ticket.id } });
    expect(audit.map((event) => event.action)).toEqual(['troubleTicket.linkToOutage']);

    const [status] = await say(OUTAGE_CUSTOMER, "what's the status of my ticket");
    expect(status).toMatch(new RegExp(`${reference} \\(internet, opened .*\\): linked to the network outage in your area`));
  });

  it('links every affected customer, and a fault on another service in the area is handled as usual', async () => {
    const { prisma } = env.database.db;
    const [linked] = await say(ONE_SERVICE_NEIGHBOUR, 'no internet since this morning');
    expect(linked).toMatch(/known outage in your area/);
    const outage = await prisma.outage.findFirstOrThrow({ where: { area: '94110' }, include: { tickets: true } });
    expect(outage.tickets).toHaveLength(2);
    expect(outage.tickets.every((ticket) => ticket.status === 'held' && ticket.ticketType === 'outage')).toBe(true);

    const [selfHelp] = await say(OUTAGE_CUSTOMER, 'my mobile has no signal');
    expect(selfHelp).toMatch(/restarting your phone/i);
    const [dropped] = await say(OUTAGE_CUSTOMER, 'never mind');
    expect(dropped).toMatch(/dropped that/);
    expect(await prisma.troubleTicket.count({ where: { ticketType: 'fault', customer: { contactMedia: { some: { phoneNumber: OUTAGE_CUSTOMER } } } } })).toBe(0);
  });
});

describe('the self-help step', () => {
  it('opens no ticket when it fixed the problem, and records why', async () => {
    const customer = phoneOf(12); // mobile only
    const [selfHelp] = await say(customer, 'my phone has no signal');
    expect(selfHelp).toMatch(/airplane mode/);
    const [retry] = await say(customer, 'hmm');
    expect(retry).toMatch(/Is it working now\? Reply YES/);
    const [glad] = await say(customer, 'yes it works now');
    expect(glad).toMatch(/glad it's working again\. I haven't opened a ticket/);

    const { prisma } = env.database.db;
    expect(await prisma.troubleTicket.count({ where: { customer: { contactMedia: { some: { phoneNumber: customer } } } } })).toBe(0);
    const answer = await prisma.interaction.findFirstOrThrow({ where: { text: 'yes it works now', conversation: { externalId: customer } } });
    expect(answer.reason).toBe('ticket.create.selfHelpFixed.restart-phone');
  });

  // Any of these carries on with the report; the next question is "since when".
  it.each([
    { customer: phoneOf(41), answer: 'skip' },
    { customer: phoneOf(17), answer: 'already did' },
    { customer: phoneOf(15), answer: 'no' },
    { customer: phoneOf(23), answer: '2' },
  ])('carries on to a ticket after "$answer"', async ({ customer, answer }) => {
    const [selfHelp] = await say(customer, 'my service is not working');
    expect(selfHelp).toMatch(/Did that fix it\?/);
    const [since] = await say(customer, answer);
    expect(since).toMatch(/since when/i);
    const [confirm] = await say(customer, 'yesterday');
    expect(confirm).toMatch(/Shall I go ahead\?/);
    const [done] = await say(customer, '1');
    expect(done).toMatch(/Your ticket is TT-\d+/);
    const ticket = await env.database.db.prisma.troubleTicket.findFirstOrThrow({ where: { customer: { contactMedia: { some: { phoneNumber: customer } } } } });
    expect(ticket).toMatchObject({ status: 'acknowledged', ticketType: 'fault', severity: 'major', outageId: null });
  });

  it('is not offered when the customer already restarted, and a dead home phone is critical', async () => {
    const customer = phoneOf(42); // home phone only
    const [since] = await say(customer, "I unplugged and restarted everything but there's no dial tone on my home phone");
    expect(since).toMatch(/since when has your home phone/i);
    const [confirm] = await say(customer, 'since this morning');
    expect(confirm).toMatch(/fault ticket for your home phone/);
    await say(customer, 'yes');
    const ticket = await env.database.db.prisma.troubleTicket.findFirstOrThrow({ where: { customer: { contactMedia: { some: { phoneNumber: customer } } } } });
    expect(ticket.severity).toBe('critical');
    const hoursToFix = ((ticket.expectedResolutionDate?.getTime() ?? 0) - ticket.createdAt.getTime()) / 3_600_000;
    expect(Math.round(hoursToFix)).toBe(4);
  });
});
