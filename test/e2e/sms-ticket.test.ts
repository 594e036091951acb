import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readError, timelineBody } from '../support/http.ts';
import { ALEX, SAM, startTestEnv, eventually, type TestEnv } from '../support/service.ts';

// A customer reports a fault by SMS and asks for its status, through the real webhook, queues,
// dialogs and the official twilio client talking to the stand-in.

let env: TestEnv;

beforeAll(async () => {
  env = await startTestEnv({ env: { DEV_OPEN_STAFF_API: 'true' } });
});

afterAll(async () => {
  await env?.close();
});

const say = (from: string, text: string, count = 1) => env.converse(from, text, count);

describe('fault report by SMS', () => {
  it('opens a ticket from one message with service and date, after a yes', async () => {
    const [confirm] = await say(ALEX, 'my internet has been down since yesterday');
    expect(confirm).toMatch(/open a fault ticket for your internet/i);
    expect(confirm).toMatch(/yes\/no/i);

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
    expect(which).toMatch(/which service is affected/i);
    expect(which).toMatch(/1\) Internet/);
    expect(which).toMatch(/3\) TV/);

    const [retry] = await say(ALEX, 'banana');
    expect(retry).toMatch(/reply with a number/i);

    const [since] = await say(ALEX, '3');
    expect(since).toMatch(/since when has your TV/i);

    const [confirm] = await say(ALEX, 'this morning');
    expect(confirm).toMatch(/fault ticket for your TV: "my service is not working"/);

    const [declined] = await say(ALEX, 'no');
    expect(declined).toMatch(/haven't opened a ticket/);
    expect(await env.database.db.prisma.troubleTicket.count({ where: { serviceType: 'tv' } })).toBe(0);
  });

  it('skips the service question for a customer with one service and lets them start over', async () => {
    const [since] = await say(SAM, 'my phone keeps dropping calls');
    expect(since).toMatch(/since when has your mobile/i);
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
      const response = await fetch(`${env.service.url}/api/customers/${alex.id}/interactions?limit=200`);
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
    const badId = await fetch(`${env.service.url}/api/customers/not-a-uuid/interactions`);
    expect(badId.status).toBe(400);
    expect((await readError(badId)).code).toBe('invalid_request');
    const unknown = await fetch(`${env.service.url}/api/customers/00000000-0000-4000-8000-000000000000/interactions`);
    expect(unknown.status).toBe(404);
    expect((await readError(unknown)).code).toBe('customer_not_found');
  });
});
