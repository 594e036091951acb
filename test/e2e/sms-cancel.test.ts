import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeSid } from '../../src/sandbox/twilio-signing.ts';
import { ALEX, SAM, startTestEnv, type TestEnv } from '../support/service.ts';

// A customer asks to cancel a service by SMS: the churn signal, the one retention offer, and the
// cancellation request for a person, through the real webhook, queues and dialogs.

let env: TestEnv;

beforeAll(async () => {
  env = await startTestEnv();
});

afterAll(async () => {
  await env?.close();
});

const phoneOf = (number: number) => `+1555123${String(number).padStart(4, '0')}`;
const byPhone = (phone: string) => ({ customer: { contactMedia: { some: { phoneNumber: phone } } } });

/** Runs a transcript: each customer line and a pattern its reply must match. */
async function converse(from: string, transcript: ReadonlyArray<readonly [string, RegExp]>): Promise<string[]> {
  const replies: string[] = [];
  for (const [text, expected] of transcript) {
    const [reply] = await env.converse(from, text);
    expect(reply, `reply to "${text}"`).toMatch(expected);
    replies.push(reply ?? '');
  }
  return replies;
}

async function productOf(phone: string, offeringCode: string) {
  return env.database.db.prisma.product.findFirstOrThrow({ where: { ...byPhone(phone), offering: { code: offeringCode } }, include: { offering: true } });
}

describe('cancellation by SMS', () => {
  it('retention accepted: a cheaper plan becomes a change order, and nothing is cancelled', async () => {
    const replies = await converse(ALEX, [
      ['cancel my TV', /^Sorry to hear you want to cancel your TV\. May I ask why\? 1\) Too expensive 2\) Moving home 3\) Service problems 4\) Switching provider 5\) Skip$/],
      ['1', /^Before you go: I can switch your TV to TV Basic for \$35\.00 a month instead of \$80\.00 \(plus a one-time \$25\.00 fee\), with no commitment\. Would you like that instead\? 1\) Yes 2\) No$/],
      ['yes please', /^Great, I've ordered the switch of your TV to TV Basic at \$35\.00 a month: ORD-\d+\. We'll let you know when it's done/],
    ]);
    const { prisma } = env.database.db;
    const number = Number(/ORD-(\d+)/.exec(replies[2] ?? '')?.[1]);
    const order = await prisma.productOrder.findUniqueOrThrow({ where: { number }, include: { items: { include: { offering: true } } } });
    const tv = await productOf(ALEX, 'TV-MAX');
    expect(order).toMatchObject({ category: 'change', state: 'acknowledged', channel: 'sms', customerId: tv.customerId, accountId: tv.accountId });
    expect(order.items.map((item) => [item.action, item.productId, item.offering.code, item.recurringPrice.toFixed(2), item.oneTimePrice.toFixed(2)])).toEqual([
      ['modify', tv.id, 'TV-BASIC', '35.00', '25.00'],
    ]);
    expect(tv.status).toBe('active');

    const signal = await prisma.churnSignal.findFirstOrThrow({ where: { customerId: tv.customerId, productId: tv.id } });
    expect(signal).toMatchObject({ source: 'bot.cancelRequest', channel: 'sms', reason: 'Too expensive', retentionOfferCode: 'PLAN-CHANGE-TV-BASIC', outcome: 'accepted', orderId: order.id });

    const links = await prisma.interactionItem.findMany({ where: { itemType: 'productOrder', itemId: order.id }, include: { interaction: true } });
    expect(links.map((link) => [link.interaction.direction, link.interaction.text.slice(0, 10), link.action]).sort()).toEqual([
      ['inbound', 'yes please', 'created'],
      ['outbound', "Great, I'v", 'created'],
    ]);
    expect((await prisma.auditEvent.findMany({ where: { entityId: order.id } })).map((event) => event.action)).toEqual(['productOrder.create']);
    expect(await prisma.productOrder.count({ where: { category: 'cancellation', ...byPhone(ALEX) } })).toBe(0);
  });

  it('retention declined, then confirmed: a held cancellation order with a delete item, the product still active', async () => {
    const replies = await converse(ALEX, [
      // The reason in the first message is not asked again.
      ["I want to cancel my internet because it's too expensive", /^Before you go: I can switch your internet to Fiber 300 for \$50\.00 a month instead of \$65\.00, with no commitment\./],
      ['no, just cancel it', /^OK\. Shall I ask our team to cancel your internet \(Fiber 1 Gig\)\? They will contact you to agree the date; it keeps working until then\. 1\) Yes 2\) No$/],
      ['yes', /^Done: your cancellation request is ORD-\d+\. Our team will contact you by \w{3}, \w{3} \d{1,2} to agree the date; your internet keeps working until then\.$/],
    ]);
    const { prisma } = env.database.db;
    const number = Number(/ORD-(\d+)/.exec(replies[2] ?? '')?.[1]);
    const order = await prisma.productOrder.findUniqueOrThrow({ where: { number }, include: { items: true } });
    const internet = await productOf(ALEX, 'FIBER-1G');
    expect(order).toMatchObject({ category: 'cancellation', state: 'held', channel: 'sms' });
    expect(order.description).toMatch(/cancel Fiber 1 Gig .*Reason given: "I want to cancel my internet because it's too expensive"\. Held for an agent: contact the customer by \d{4}-\d{2}-\d{2}/);
    expect(order.items.map((item) => [item.action, item.productId, item.offeringId, item.state, item.recurringPrice.toFixed(2)])).toEqual([
      ['delete', internet.id, internet.offeringId, 'held', '65.00'],
    ]);
    expect(order.idempotencyKey).toMatch(/^cancel-/);
    // The bot never changes the product itself.
    expect(internet.status).toBe('active');
    expect(internet.terminationDate).toBeNull();

    const signal = await prisma.churnSignal.findFirstOrThrow({ where: { productId: internet.id } });
    expect(signal).toMatchObject({ outcome: 'declined', retentionOfferCode: 'PLAN-CHANGE-FIBER-300', orderId: order.id, source: 'bot.cancelRequest' });
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { entityType: 'productOrder', entityId: order.id } });
    expect(audit).toMatchObject({ action: 'productOrder.cancellationRequest', actorType: 'customer', actorId: internet.customerId });
    const linked = await prisma.interactionItem.findMany({ where: { itemType: 'productOrder', itemId: order.id }, include: { interaction: true } });
    expect(linked.find((link) => link.interaction.direction === 'inbound')?.interaction.text).toBe('yes');

    // Asking again points at the open request instead of opening another.
    await converse(ALEX, [['please cancel my internet', new RegExp(`^You've already asked us to cancel your internet: ORD-${number}\\.`)]]);
    expect(await prisma.productOrder.count({ where: { category: 'cancellation', ...byPhone(ALEX) } })).toBe(1);
  });

  it('declined at the final confirmation: nothing but the churn signal', async () => {
    await converse(ALEX, [
      ['i want to cancel my mobile', /May I ask why\?/],
      ['skip', /switch your mobile to Mobile Essentials for \$30\.00 a month instead of \$55\.00 \(plus a one-time \$10\.00 fee\)/],
      ['no thanks', /Shall I ask our team to cancel your mobile \(Mobile Unlimited\)\?/],
      ['no', /^OK, I haven't asked for a cancellation: your mobile stays as it is\./],
    ]);
    const { prisma } = env.database.db;
    const mobile = await productOf(ALEX, 'MOBILE-UNLIMITED');
    const signals = await prisma.churnSignal.findMany({ where: { productId: mobile.id } });
    expect(signals.map((signal) => [signal.outcome, signal.reason, signal.orderId])).toEqual([['declined', null, null]]);
    expect(await prisma.productOrderItem.count({ where: { productId: mobile.id } })).toBe(0);
    expect(mobile.status).toBe('active');
  });

  it('a loyalty discount for a long-standing customer on the cheapest plan, handed to billing', async () => {
    const customer = phoneOf(12); // Mobile Essentials for 45 months
    await converse(customer, [
      ['I want to cancel my mobile', /May I ask why\?/],
      ['I found a cheaper deal elsewhere', /^Before you go: as a thank-you for 3 years with us, you can have 20% off Mobile Essentials: \$24\.00 a month instead of \$30\.00 for 12 months\./],
      ['yes', /^Great, thanks for staying\. Our billing team will apply 20% off \(\$24\.00 a month for 12 months\) from your next bill/],
    ]);
    const { prisma } = env.database.db;
    const signal = await prisma.churnSignal.findFirstOrThrow({ where: byPhone(customer) });
    expect(signal).toMatchObject({ outcome: 'accepted', retentionOfferCode: 'LOYALTY-20PCT-12M', orderId: null, reason: 'I found a cheaper deal elsewhere' });
    expect((await prisma.auditEvent.findMany({ where: { entityId: signal.id } })).map((event) => event.action)).toEqual(['retentionOffer.accept']);
    expect(await prisma.productOrder.count({ where: byPhone(customer) })).toBe(0);
  });

  it('a customer with one service skips the question; a replayed confirming webhook creates one order', async () => {
    await converse(SAM, [
      // Mobile only, on the cheapest plan, a customer for two months: no offer fits.
      ['i want to cancel my service', /^Sorry to hear you want to cancel your mobile\. May I ask why\?/],
      ['2', /^Shall I ask our team to cancel your mobile \(Mobile Essentials\)\?/],
    ]);
    const sid = fakeSid('SM');
    const before = env.twilio.state.messagesTo(SAM).length;
    expect((await env.sms(SAM, 'yes', sid)).status).toBe(200);
    expect((await env.sms(SAM, 'yes', sid)).status).toBe(200);
    const [done] = (await env.twilio.state.waitForMessages(SAM, before + 1)).slice(before).map((message) => message.body);
    expect(done).toMatch(/^Done: your cancellation request is ORD-\d+/);

    const { prisma } = env.database.db;
    const orders = await prisma.productOrder.findMany({ where: byPhone(SAM), include: { items: true } });
    expect(orders.map((order) => [order.category, order.state, order.items.length])).toEqual([['cancellation', 'held', 1]]);
    expect(await prisma.interaction.count({ where: { providerMessageId: sid } })).toBe(1);
    const signal = await prisma.churnSignal.findFirstOrThrow({ where: byPhone(SAM) });
    expect(signal).toMatchObject({ outcome: 'none', retentionOfferCode: null, reason: 'Moving home', orderId: orders[0]?.id });
  });

  it('"never mind" half-way leaves nothing but what was already said', async () => {
    const customer = phoneOf(19); // internet, mobile and TV Max
    await converse(customer, [
      ['cancel my service', /^Which service would you like to cancel\? 1\) Internet - Fiber 2 Gig 2\) Mobile - Mobile Unlimited Plus 3\) TV - TV Max$/],
      ['never mind', /dropped that/],
    ]);
    const { prisma } = env.database.db;
    expect(await prisma.churnSignal.count({ where: byPhone(customer) })).toBe(0);

    await converse(customer, [
      ['cancel my tv', /May I ask why\?/],
      // Sounds like a fault report, but it answers the question: it is the reason.
      ['the picture keeps freezing all the time', /switch your TV to TV Basic for \$35\.00 a month instead of \$80\.00/],
      ['never mind', /dropped that/],
    ]);
    const signals = await prisma.churnSignal.findMany({ where: byPhone(customer) });
    expect(signals.map((signal) => [signal.reason, signal.outcome, signal.orderId])).toEqual([['the picture keeps freezing all the time', 'offered', null]]);
    expect(await prisma.productOrder.count({ where: byPhone(customer) })).toBe(0);
    expect(await prisma.troubleTicket.count({ where: byPhone(customer) })).toBe(0);
  });

  it('wrong answers are asked again at every question', async () => {
    const customer = phoneOf(8); // internet, mobile and TV Basic for 16 months
    await converse(customer, [
      ['I want to cancel', /Which service would you like to cancel\?/],
      ['banana', /^Please reply with a number or the name of the service\. 1\) Internet/],
      ['tv', /May I ask why\?/],
      ['skip', /20% off TV Basic: \$28\.00 a month instead of \$35\.00 for 12 months/],
      ['purple', /^Please reply YES to take the offer or NO to carry on with the cancellation\. 1\) Yes 2\) No$/],
      ['no', /Shall I ask our team to cancel your TV \(TV Basic\)\?/],
      ['7', /^Please reply YES to ask for the cancellation of your TV or NO to keep it\./],
      ['2', /stays as it is/],
    ]);
    const { prisma } = env.database.db;
    const signal = await prisma.churnSignal.findFirstOrThrow({ where: byPhone(customer) });
    expect(signal).toMatchObject({ outcome: 'declined', retentionOfferCode: 'LOYALTY-20PCT-12M', orderId: null });
    expect(await prisma.productOrder.count({ where: byPhone(customer) })).toBe(0);
  });

  it('a lone CANCEL is still the SMS opt-out keyword, not a cancellation', async () => {
    const customer = phoneOf(31);
    await converse(customer, [['CANCEL', /unsubscribed/]]);
    expect(await env.database.db.prisma.churnSignal.count({ where: byPhone(customer) })).toBe(0);
  });
});
