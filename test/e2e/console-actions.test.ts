import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkOrderEligibility } from '../../src/domain/orders/product-orders.service.ts';
import { listActiveOfferings } from '../../src/domain/catalog/catalog.service.ts';
import { requestServiceCancellation } from '../../src/domain/retention/retention.service.ts';
import { inboxResponse, staffActionResponse, type ConversationCard } from '../../src/http/console/agent-api-schemas.ts';
import { ALEX, eventually, startTestEnv, type TestEnv } from '../support/service.ts';
import { createStaffUser, signInStaff, type SignedInStaff } from '../support/staff.ts';

// Staff acting for the customer from the console, through the real HTTP entry points: the agent
// who owns the conversation (or a supervisor) opens a ticket, places and cancels orders, asks for
// credits (above the agent's own limit it waits for a supervisor), updates the profile and resends
// a one-time code; each is audited with the staff id, logged in the contact log and told to the
// customer by SMS where they would expect it. Everyone else is refused, and every bad input is a 4xx.

const ALL_DAY = 'billing=00:00-24:00,technical=00:00-24:00,sales_retention=00:00-24:00,general=00:00-24:00';
const API = '/console/api/agent';

let env: TestEnv;
let owner: SignedInStaff;
let otherAgent: SignedInStaff;
let supervisor: SignedInStaff;
let marketer: SignedInStaff;
let conversationId: string;
let alexId: string;

async function call(staff: SignedInStaff, path: string, body?: unknown) {
  const response = await staff.request(`${API}${path}`, { method: body === undefined ? 'GET' : 'POST', ...(body === undefined ? {} : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }) });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as unknown) : null };
}

const act = (staff: SignedInStaff, kind: string, body: Record<string, unknown>, id = conversationId) => call(staff, `/conversations/${id}/actions/${kind}`, body);

/** The texts Alex got after `count` earlier ones. */
async function textsToAlexAfter(count: number, expected = 1): Promise<string[]> {
  return (await env.twilio.state.waitForMessages(ALEX, count + expected)).slice(count).map((message) => message.body);
}

beforeAll(async () => {
  env = await startTestEnv({
    env: { AGENT_STAFFED_HOURS: ALL_DAY, AGENT_SWEEP_INTERVAL: '1h', ADJUSTMENT_AUTO_APPROVE_LIMIT: '1.00', STAFF_AGENT_APPROVAL_LIMIT: '5.00' },
  });
  const signIn = async (role: 'agent' | 'supervisor' | 'marketer') => signInStaff(env.service.url, await createStaffUser(env.database.db, { role }));
  [owner, otherAgent, supervisor, marketer] = [await signIn('agent'), await signIn('agent'), await signIn('supervisor'), await signIn('marketer')];
  alexId = (await env.database.db.prisma.contactMedium.findFirstOrThrow({ where: { phoneNumber: ALEX } })).customerId;
  // Alex asks for a person; the owner accepts the offer.
  expect((await owner.request(`${API}/presence`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ status: 'available' }) })).status).toBe(200);
  await env.converse(ALEX, 'can i talk to someone please, a real human');
  const offer = await eventually<ConversationCard>(async () => inboxResponse.parse((await call(owner, '/inbox')).json).offeredToMe[0], 'the offer');
  expect((await call(owner, `/conversations/${offer.conversationId}/accept`, { version: offer.version })).status).toBe(200);
  conversationId = offer.conversationId;
}, 180_000);

afterAll(async () => {
  await env?.close();
});

describe('who may act for the customer', () => {
  it('only the owning agent, a supervisor or an admin; marketers and other agents are refused, and nothing is written', async () => {
    const product = await env.database.db.prisma.product.findFirstOrThrow({ where: { customerId: alexId, status: 'active' } });
    const body = { actionId: randomUUID(), productId: product.id, description: 'no signal since this morning' };
    const other = await act(otherAgent, 'ticket', body);
    expect(other).toMatchObject({ status: 403, json: { error: { code: 'not_conversation_owner' } } });
    const byMarketer = await act(marketer, 'ticket', body);
    expect(byMarketer).toMatchObject({ status: 403, json: { error: { code: 'staff_role_forbidden' } } });
    const unsigned = await fetch(`${env.service.url}${API}/conversations/${conversationId}/actions/ticket`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    expect(unsigned.status).toBe(401);
    expect(await env.database.db.prisma.troubleTicket.count({ where: { idempotencyKey: `staff-ticket-${body.actionId}` } })).toBe(0);
    const nowhere = await act(owner, 'ticket', body, randomUUID());
    expect(nowhere).toMatchObject({ status: 404, json: { error: { code: 'conversation_not_found' } } });
  });

  it('a supervisor may act in a conversation an agent owns', async () => {
    const sent = env.twilio.state.messagesTo(ALEX).length;
    const answer = await act(supervisor, 'profile', { actionId: randomUUID(), change: { field: 'preferredChannel', value: 'webchat' } });
    expect(answer.status).toBe(201);
    expect(staffActionResponse.parse(answer.json)).toMatchObject({ action: 'profile', outcome: 'done' });
    expect(await textsToAlexAfter(sent)).toEqual(['Done: your contact preference is now web chat.']);
    expect(await env.database.db.prisma.auditEvent.count({ where: { action: 'staff.action.profile', actorId: supervisor.staff.id, entityId: alexId } })).toBe(1);
  });
});

describe('on a call', () => {
  it('the customer gets the action by text to the number on file, linked in the contact log', async () => {
    const prisma = env.database.db.prisma;
    // A call of Alex's (as the voice channel records one); a supervisor may act in any conversation.
    const call = await prisma.conversation.create({ data: { channel: 'voice', externalId: `CA${randomUUID().replaceAll('-', '')}`, serviceAddress: '+15557770000', customerId: alexId } });
    const product = await prisma.product.findFirstOrThrow({ where: { customerId: alexId, status: 'active', offering: { serviceType: 'mobile' } }, include: { offering: true } });
    const sent = env.twilio.state.messagesTo(ALEX).length;
    const answer = await act(supervisor, 'ticket', { actionId: randomUUID(), productId: product.id, description: 'No signal at home since the weekend' }, call.id);
    expect(answer.status).toBe(201);
    const { reference } = staffActionResponse.parse(answer.json);
    expect(await textsToAlexAfter(sent)).toEqual([`I've opened ${reference} for the fault on your ${product.offering.name}. We'll keep you posted here as it's worked on.`]);
    const ticket = await prisma.troubleTicket.findFirstOrThrow({ where: { number: Number(reference?.slice(3)) } });
    expect(ticket.channel).toBe('voice');
    const logged = await prisma.interactionItem.findFirst({ where: { itemType: 'troubleTicket', itemId: ticket.id }, include: { interaction: true } });
    expect(logged?.interaction).toMatchObject({ channel: 'sms', customerId: alexId, toAddress: ALEX, reason: 'staff.ticket' });
  });
});

describe('a trouble ticket', () => {
  it('is opened on the customer’s product once per action id, told to the customer and logged with the staff id', async () => {
    const product = await env.database.db.prisma.product.findFirstOrThrow({ where: { customerId: alexId, status: 'active', offering: { serviceType: 'internet' } }, include: { offering: true } });
    const actionId = randomUUID();
    const sent = env.twilio.state.messagesTo(ALEX).length;
    const answer = await act(owner, 'ticket', { actionId, productId: product.id, description: 'Internet drops every evening around 8pm' });
    expect(answer.status).toBe(201);
    const result = staffActionResponse.parse(answer.json);
    expect(result).toMatchObject({ action: 'ticket', outcome: 'done', reference: expect.stringMatching(/^TT-\d+$/) });
    const [told] = await textsToAlexAfter(sent);
    expect(told).toBe(`I've opened ${result.reference} for the fault on your ${product.offering.name}. We'll keep you posted here as it's worked on.`);

    const ticket = await env.database.db.prisma.troubleTicket.findUniqueOrThrow({ where: { idempotencyKey: `staff-ticket-${actionId}` } });
    expect(ticket).toMatchObject({ customerId: alexId, productId: product.id, serviceType: 'internet', channel: 'sms' });
    expect(await env.database.db.prisma.auditEvent.findFirst({ where: { action: 'staff.action.ticket', actorId: owner.staff.id } })).toMatchObject({ actorType: 'staff', entityId: alexId });
    const logged = await env.database.db.prisma.interactionItem.findFirst({ where: { itemType: 'troubleTicket', itemId: ticket.id }, include: { interaction: true } });
    expect(logged?.interaction).toMatchObject({ conversationId, customerId: alexId, direction: 'outbound', reason: 'staff.ticket' });

    // The same action again (a double click, a retried request): nothing new.
    const again = await act(owner, 'ticket', { actionId, productId: product.id, description: 'Internet drops every evening around 8pm' });
    expect(again.status).toBe(200);
    expect(staffActionResponse.parse(again.json)).toMatchObject({ outcome: 'unchanged', reference: result.reference });
    expect(await env.database.db.prisma.troubleTicket.count({ where: { customerId: alexId, idempotencyKey: `staff-ticket-${actionId}` } })).toBe(1);
    expect(await env.database.db.prisma.interactionItem.count({ where: { itemType: 'troubleTicket', itemId: ticket.id } })).toBe(1);
  });

  it('refuses another customer’s product, a missing description and a product id that is not one', async () => {
    const sams = await env.database.db.prisma.product.findFirstOrThrow({ where: { customer: { contactMedia: { some: { phoneNumber: '+15551230002' } } } } });
    expect(await act(owner, 'ticket', { actionId: randomUUID(), productId: sams.id, description: 'no signal' })).toMatchObject({ status: 404, json: { error: { code: 'product_not_found' } } });
    expect(await act(owner, 'ticket', { actionId: randomUUID(), productId: sams.id })).toMatchObject({ status: 400, json: { error: { code: 'invalid_request' } } });
    expect(await act(owner, 'ticket', { actionId: randomUUID(), productId: 'internet', description: 'no signal' })).toMatchObject({ status: 400 });
    expect(await act(owner, 'ticket', { actionId: 'not-a-uuid', productId: sams.id, description: 'no signal' })).toMatchObject({ status: 400 });
  });
});

describe('orders', () => {
  it('places an order the customer may have, refuses one they already hold in the bot’s terms, and cancels only an order not yet started', async () => {
    const prisma = env.database.db.prisma;
    const now = new Date();
    const offerings = await listActiveOfferings(prisma);
    let eligibleCode: string | undefined;
    let heldCode: string | undefined;
    for (const offering of offerings) {
      const decision = await checkOrderEligibility(prisma, alexId, offering.code, {}, now);
      if (decision?.eligible && !eligibleCode) eligibleCode = offering.code;
      if (decision && !decision.eligible && decision.reason === 'alreadySubscribed' && !heldCode) heldCode = offering.code;
    }
    if (!eligibleCode || !heldCode) throw new Error('the demo catalog has an offering Alex may order and one Alex holds');

    const refused = await act(owner, 'order', { actionId: randomUUID(), offeringCode: heldCode });
    expect(refused).toMatchObject({ status: 422, json: { error: { code: 'order_refused_alreadySubscribed', message: expect.stringMatching(/already has .*nothing to order/) } } });
    expect(await act(owner, 'order', { actionId: randomUUID(), offeringCode: 'NO-SUCH-PLAN' })).toMatchObject({ status: 404, json: { error: { code: 'offering_not_found' } } });

    const sent = env.twilio.state.messagesTo(ALEX).length;
    const placed = await act(owner, 'order', { actionId: randomUUID(), offeringCode: eligibleCode });
    expect(placed.status).toBe(201);
    const order = staffActionResponse.parse(placed.json);
    expect(order.reference).toMatch(/^ORD-\d+$/);
    expect((await textsToAlexAfter(sent))[0]).toMatch(new RegExp(`^I've placed ${order.reference} for `));
    expect(await prisma.auditEvent.count({ where: { action: 'staff.action.order', actorId: owner.staff.id } })).toBe(1);
    // Tracking workers are off in tests, so the order waits, acknowledged: nothing was done for it yet, so it can be cancelled.
    const placedRow = await prisma.productOrder.findFirstOrThrow({ where: { number: Number(order.reference?.slice(4)) } });
    expect(placedRow).toMatchObject({ state: 'acknowledged', customerId: alexId });
    const beforeCancel = env.twilio.state.messagesTo(ALEX).length;
    expect(await act(owner, 'order-cancel', { actionId: randomUUID(), orderId: placedRow.id, reason: 'Customer ordered the wrong plan' })).toMatchObject({ status: 201, json: { outcome: 'done' } });
    expect(await textsToAlexAfter(beforeCancel)).toEqual([`As you asked, I've cancelled ${order.reference}. Nothing will be charged for it.`]);
    expect(await prisma.timelineEvent.count({ where: { subjectType: 'productOrder', subjectId: placedRow.id, name: 'cancelled' } })).toBe(1);
    // Once fulfilment has validated an order (as its first step would: acknowledged → inProgress), it can no longer simply be cancelled.
    const beforeSecond = env.twilio.state.messagesTo(ALEX).length;
    const second = staffActionResponse.parse((await act(owner, 'order', { actionId: randomUUID(), offeringCode: eligibleCode })).json);
    expect((await textsToAlexAfter(beforeSecond))[0]).toMatch(new RegExp(`^I've placed ${second.reference} for `));
    const secondRow = await prisma.productOrder.findFirstOrThrow({ where: { number: Number(second.reference?.slice(4)) } });
    expect(secondRow.id).not.toBe(placedRow.id);
    await prisma.productOrder.updateMany({ where: { id: secondRow.id, state: 'acknowledged' }, data: { state: 'inProgress' } });
    const tooLate = await act(owner, 'order-cancel', { actionId: randomUUID(), orderId: secondRow.id, reason: 'customer changed their mind' });
    expect(tooLate).toMatchObject({ status: 422, json: { error: { code: 'order_not_cancellable' } } });

    // A held cancellation request (the bot's "still leaving") is an order nothing was done for: it can be cancelled.
    const product = await prisma.product.findFirstOrThrow({ where: { customerId: alexId, status: 'active' } });
    const held = await requestServiceCancellation(prisma, { customerId: alexId, productId: product.id, signalId: null, reason: 'moving', channel: 'sms', contactBy: now, idempotencyKey: `test-held-${randomUUID()}` });
    const before = env.twilio.state.messagesTo(ALEX).length;
    const cancelAction = randomUUID();
    const cancelled = await act(owner, 'order-cancel', { actionId: cancelAction, orderId: held.order.id, reason: 'Customer decided to keep the service' });
    expect(cancelled.status).toBe(201);
    expect(staffActionResponse.parse(cancelled.json)).toMatchObject({ outcome: 'done', reference: held.order.reference });
    expect(await textsToAlexAfter(before)).toEqual([`As you asked, I've cancelled ${held.order.reference}. Nothing will be charged for it.`]);
    expect(await prisma.productOrder.findUniqueOrThrow({ where: { id: held.order.id }, include: { items: true } })).toMatchObject({ state: 'cancelled', items: [{ state: 'cancelled' }] });
    const again = await act(owner, 'order-cancel', { actionId: cancelAction, orderId: held.order.id, reason: 'Customer decided to keep the service' });
    expect(again).toMatchObject({ status: 200, json: { outcome: 'unchanged' } });
    expect(await act(owner, 'order-cancel', { actionId: randomUUID(), orderId: randomUUID(), reason: 'whatever' })).toMatchObject({ status: 404, json: { error: { code: 'order_not_found' } } });
    expect(await act(owner, 'order-cancel', { actionId: randomUUID(), orderId: held.order.id })).toMatchObject({ status: 400 });
  });
});

describe('bill credits', () => {
  it('within the agent’s limit the agent approves it; above it, it waits for a supervisor; the charge rules hold', async () => {
    const prisma = env.database.db.prisma;
    const charges = await prisma.billCharge.findMany({ where: { bill: { account: { customerId: alexId } }, chargeType: { in: ['recurring', 'usage', 'oneTime'] }, amount: { gt: 6 } }, orderBy: { amount: 'desc' } });
    const [first, second] = charges;
    if (!first || !second) throw new Error('Alex has two charges above 6.00');

    const sent = env.twilio.state.messagesTo(ALEX).length;
    const small = await act(owner, 'credit', { actionId: randomUUID(), billId: first.billId, chargeId: first.id, amount: '3.00', reason: 'Billed for a day of outage' });
    expect(small.status).toBe(201);
    const approved = staffActionResponse.parse(small.json);
    expect(approved).toMatchObject({ action: 'credit', outcome: 'done', reference: expect.stringMatching(/^ADJ-\d+$/) });
    expect((await textsToAlexAfter(sent))[0]).toBe(`Your $3.00 credit (${approved.reference}) is approved and will show on your next bill.`);
    expect(await prisma.billAdjustment.findFirstOrThrow({ where: { chargeId: first.id } })).toMatchObject({ decidedBy: owner.staff.id });

    const big = await act(owner, 'credit', { actionId: randomUUID(), billId: second.billId, chargeId: second.id, amount: '6.00', reason: 'Promised discount never applied' });
    expect(big.status).toBe(201);
    const pending = staffActionResponse.parse(big.json);
    expect(pending).toMatchObject({ outcome: 'pending', summary: expect.stringMatching(/above your approval limit/) });
    const row = await prisma.billAdjustment.findFirstOrThrow({ where: { chargeId: second.id } });
    expect(row).toMatchObject({ status: 'pending', decidedBy: null });
    expect(await prisma.auditEvent.findFirst({ where: { action: 'billAdjustment.request', entityId: row.id } })).toMatchObject({ actorType: 'staff', actorId: owner.staff.id });
    const awaiting = await supervisor.request('/console/api/adjustments/pending');
    expect(((await awaiting.json()) as { adjustments: Array<{ id: string }> }).adjustments.map((adjustment) => adjustment.id)).toContain(row.id);

    expect(await act(owner, 'credit', { actionId: randomUUID(), billId: second.billId, chargeId: second.id, amount: '1.00', reason: 'again' })).toMatchObject({ status: 409, json: { error: { code: 'charge_already_disputed' } } });
    const third = charges[2];
    if (third) {
      expect(await act(owner, 'credit', { actionId: randomUUID(), billId: third.billId, chargeId: third.id, amount: '99999.00', reason: 'too much' })).toMatchObject({ status: 422, json: { error: { code: 'amount_too_high' } } });
    }
    expect(await act(owner, 'credit', { actionId: randomUUID(), billId: first.billId, chargeId: randomUUID(), amount: '1.00', reason: 'no such charge' })).toMatchObject({ status: 404, json: { error: { code: 'charge_not_found' } } });
    expect(await act(owner, 'credit', { actionId: randomUUID(), billId: first.billId, chargeId: first.id, amount: 'ten dollars', reason: 'words' })).toMatchObject({ status: 400 });
    expect(await act(owner, 'credit', { actionId: randomUUID(), billId: first.billId, chargeId: first.id, amount: '0.00', reason: 'zero' })).toMatchObject({ status: 400, json: { error: { code: 'invalid_amount' } } });
  });
});

describe('the profile and one-time codes', () => {
  it('updates email and address with the bot’s own reading, refuses what is not one, and audits the change as the staff member’s', async () => {
    const prisma = env.database.db.prisma;
    const badEmail = await act(owner, 'profile', { actionId: randomUUID(), change: { field: 'email', value: 'alex at gmail' } });
    expect(badEmail).toMatchObject({ status: 400, json: { error: { code: 'invalid_email' } } });
    const badAddress = await act(owner, 'profile', { actionId: randomUUID(), change: { field: 'postalAddress', value: 'Main Street Oakland' } });
    expect(badAddress).toMatchObject({ status: 400, json: { error: { code: 'invalid_address_noHouseNumber', message: expect.stringMatching(/house number/) } } });
    expect(await act(owner, 'profile', { actionId: randomUUID(), change: { field: 'phone', value: '+15550000000' } })).toMatchObject({ status: 400 });

    const sent = env.twilio.state.messagesTo(ALEX).length;
    const email = await act(owner, 'profile', { actionId: randomUUID(), change: { field: 'email', value: 'Alex.Morgan@Example.org' } });
    expect(email.status).toBe(201);
    expect(await textsToAlexAfter(sent)).toEqual(['Done: your email is now alex.morgan@example.org.']);
    expect(await prisma.contactMedium.findFirst({ where: { customerId: alexId, mediumType: 'email' } })).toMatchObject({ email: 'alex.morgan@example.org' });
    expect(await prisma.auditEvent.findFirst({ where: { action: 'customer.profileUpdated', entityId: alexId, actorId: owner.staff.id } })).toMatchObject({ actorType: 'staff' });

    const address = await act(owner, 'profile', { actionId: randomUUID(), change: { field: 'postalAddress', value: '530 Dwight Way, Apt 14, Berkeley 94704' } });
    expect(address.status).toBe(201);
    expect(staffActionResponse.parse(address.json).toldCustomer).toMatch(/530 Dwight Way, Apt 14, Berkeley/);
    expect((await textsToAlexAfter(sent, 2))[1]).toMatch(/^Done: your postal address is now 530 Dwight Way/);
    const same = await act(owner, 'profile', { actionId: randomUUID(), change: { field: 'email', value: 'alex.morgan@example.org' } });
    expect(same).toMatchObject({ status: 200, json: { outcome: 'unchanged', toldCustomer: null } });
  });

  it('texts a new code to the number on file (on SMS the code itself is the message)', async () => {
    const sent = env.twilio.state.messagesTo(ALEX).length;
    const answer = await act(owner, 'resend-code', { actionId: randomUUID() });
    expect(answer.status).toBe(201);
    expect(staffActionResponse.parse(answer.json)).toMatchObject({ outcome: 'done', summary: 'A new code was texted to the number ending in 01.', toldCustomer: null });
    expect((await textsToAlexAfter(sent))[0]).toMatch(/\b\d{6}\b/);
    expect(await env.database.db.prisma.auditEvent.count({ where: { action: 'staff.action.resend-code', actorId: owner.staff.id } })).toBe(1);
    expect(await act(owner, 'resend-code', {})).toMatchObject({ status: 400 });
  });
});
