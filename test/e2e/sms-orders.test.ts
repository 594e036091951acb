import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CUSTOMERS, DEMO_CUSTOMERS_IN_ARREARS, DEMO_SUSPENDED_CUSTOMER, MULTI_GIG_AREAS, type DemoCustomer } from '../../src/domain/demo/demo-data.ts';
import { fakeSid } from '../../src/sandbox/twilio-signing.ts';
import { ALEX, SAM, startTestEnv, type TestEnv } from '../support/service.ts';

// Ordering by SMS through the real webhook, queues, dialogs and the official twilio client
// talking to the stand-in: what the customer is told, and what lands in the database.

let env: TestEnv;

beforeAll(async () => {
  env = await startTestEnv();
});

afterAll(async () => {
  await env?.close();
});

const prisma = () => env.database.db.prisma;
const say = (from: string, text: string, count = 1) => env.converse(from, text, count);

const heldCodes = (customer: DemoCustomer) => customer.products.filter((product) => product.status !== 'terminated').map((product) => product.offeringCode).sort();
const inGoodStanding = (customer: DemoCustomer) => customer.status === 'active' && customer.bills.every((bill) => bill.paidOnTime) && customer.number > 2;
/** Demo customers in good standing who hold exactly these offerings. */
function holdersOf(...codes: string[]): DemoCustomer[] {
  return DEMO_CUSTOMERS.filter((customer) => inGoodStanding(customer) && heldCodes(customer).join() === [...codes].sort().join());
}
function phoneOf(customer: DemoCustomer | undefined, what: string): string {
  if (!customer) throw new Error(`No demo customer ${what}`);
  return customer.phoneNumber;
}

const ESSENTIALS_ONLY = holdersOf('MOBILE-ESSENTIALS');
const FUZZY = phoneOf(ESSENTIALS_ONLY[0], 'with Mobile Essentials only');
const NO_TV = phoneOf(ESSENTIALS_ONLY[1], 'with Mobile Essentials only (a second one)');
const NO_INTERNET_MULTI_GIG = phoneOf(
  DEMO_CUSTOMERS.find((customer) => inGoodStanding(customer) && !customer.products.some((p) => p.serviceType === 'internet') && MULTI_GIG_AREAS.some((area) => area === customer.serviceArea)),
  'without internet in a multi-gig area',
);
const FIBER_ONLY = phoneOf(holdersOf('FIBER-1G')[0], 'with Fiber 1 Gig only');
const STATIC_IP = phoneOf(DEMO_CUSTOMERS.find((customer) => inGoodStanding(customer) && heldCodes(customer).includes('ADDON-STATIC-IP')), 'with Static IP');
const EXTRA_DATA = phoneOf(DEMO_CUSTOMERS.find((customer) => inGoodStanding(customer) && heldCodes(customer).includes('ADDON-EXTRA-DATA-10GB')), 'with Extra Data');
const IN_ARREARS = phoneOf(DEMO_CUSTOMERS_IN_ARREARS.find((customer) => !heldCodes(customer).includes('HOME-PHONE')), 'in arrears without a home phone');
const SUSPENDED = DEMO_SUSPENDED_CUSTOMER.phoneNumber;
const NO_ORDERS = phoneOf(holdersOf('HOME-PHONE').at(-1), 'with a home phone only');

async function customerIdOf(phoneNumber: string): Promise<string> {
  return (await prisma().contactMedium.findUniqueOrThrow({ where: { phoneNumber } })).customerId;
}

/** The customer's orders as [offering code, item action], oldest first. */
async function ordersOf(phoneNumber: string): Promise<Array<[string, string]>> {
  const orders = await prisma().productOrder.findMany({
    where: { customerId: await customerIdOf(phoneNumber) },
    orderBy: { createdAt: 'asc' },
    include: { items: { include: { offering: true } } },
  });
  return orders.flatMap((order) => order.items.map((item): [string, string] => [item.offering.code, item.action]));
}

describe('ordering by SMS', () => {
  let alexOrder = '';

  it('upgrades a plan from a short list, confirmed, once, linked to the conversation', async () => {
    const [list] = await say(ALEX, 'I want to upgrade my internet');
    expect(list).toMatch(/Which internet option would you like\? 1\) Fiber 2 Gig \(\$95\.00\/mo\) 2\) Static IP/);

    const [summary] = await say(ALEX, '1');
    expect(summary).toBe(
      'Switch your Fiber 1 Gig to Fiber 2 Gig: $95.00 a month (now $65.00), $99.00 one-time fee, 12-month commitment. Shall I place the order? 1) Yes 2) No',
    );

    // The confirming message, then the same webhook again (Twilio retrying it).
    const confirmSid = fakeSid('SM');
    const before = env.twilio.state.messagesTo(ALEX).length;
    expect((await env.sms(ALEX, 'yes', confirmSid)).status).toBe(200);
    const [done] = (await env.twilio.state.waitForMessages(ALEX, before + 1)).slice(before).map((message) => message.body);
    expect(done).toMatch(/^Done\. Your order is ORD-\d+ \(Fiber 2 Gig\)\. Next, we check it and schedule the work, expected by \w{3}, \w{3} \d{1,2}; we.ll text you as it goes\./);
    alexOrder = /ORD-\d+/.exec(done ?? '')?.[0] ?? '';
    expect((await env.sms(ALEX, 'yes', confirmSid)).status).toBe(200);
    // Turns run in order, so once this is answered the replay has been dealt with.
    const [status] = await say(ALEX, 'where is my order');
    expect(status).toContain(alexOrder);

    const alexId = await customerIdOf(ALEX);
    const orders = await prisma().productOrder.findMany({ where: { customerId: alexId }, include: { items: { include: { offering: true, product: { include: { offering: true } } } } } });
    expect(orders).toHaveLength(1);
    const [order] = orders;
    const inbound = await prisma().interaction.findFirstOrThrow({ where: { providerMessageId: confirmSid } });
    expect(order).toMatchObject({ state: 'acknowledged', category: 'change', channel: 'sms', idempotencyKey: `order-${inbound.id}` });
    expect(order?.items).toHaveLength(1);
    const [item] = order?.items ?? [];
    expect(item).toMatchObject({ action: 'modify', state: 'acknowledged', quantity: 1 });
    expect(item?.offering.code).toBe('FIBER-2G');
    expect(item?.product?.offering.code).toBe('FIBER-1G');
    expect(item?.recurringPrice.toFixed(2)).toBe('95.00');
    expect(item?.oneTimePrice.toFixed(2)).toBe('99.00');
    const daysOut = ((order?.expectedCompletionDate?.getTime() ?? 0) - (order?.createdAt.getTime() ?? 0)) / 86_400_000;
    expect(daysOut).toBeGreaterThan(1);
    expect(daysOut).toBeLessThan(3);
    expect(await prisma().auditEvent.count({ where: { entityType: 'productOrder', entityId: order?.id ?? '', action: 'productOrder.create' } })).toBe(1);

    const links = await prisma().interactionItem.findMany({ where: { itemType: 'productOrder', itemId: order?.id ?? '', action: 'created' }, include: { interaction: true } });
    expect(links.map((link) => [link.interaction.direction, link.interaction.text.slice(0, 4)]).sort()).toEqual([
      ['inbound', 'yes'],
      ['outbound', 'Done'],
    ]);
  });

  // Each transcript: what the customer says, what each reply must say, and the orders the customer has afterwards.
  const transcripts: Array<{ name: string; from: string; turns: Array<[string, ...RegExp[]]>; orders: Array<[string, string]> }> = [
    {
      name: 'fuzzy name: a misspelt plan is found and ordered',
      from: FUZZY,
      turns: [
        ["i'd like unlimted plus", /^Switch your Mobile Essentials to Mobile Unlimited Plus: \$75\.00 a month \(now \$30\.00\), \$10\.00 one-time fee, no commitment\./],
        ['Yes', /^Done\. Your order is ORD-\d+ \(Mobile Unlimited Plus\)/],
      ],
      orders: [['MOBILE-UNLIMITED-PLUS', 'modify']],
    },
    {
      name: 'ambiguous offer: asks which one, re-prompts a wrong answer, then orders the choice',
      from: NO_INTERNET_MULTI_GIG,
      turns: [
        ['I want gig fiber', /^Which one would you like\? 1\) Fiber 1 Gig \(\$65\.00\/mo\) 2\) Fiber 2 Gig \(\$95\.00\/mo\)$/],
        ['7', /^Please pick one, or name the plan or add-on you want\./],
        ['2', /^Fiber 2 Gig: \$95\.00 a month, \$99\.00 one-time fee, 12-month commitment\. Shall I place the order\?/],
        ['hmm', /^Please reply Yes to place the order or No to leave it\./],
        ['yes', /^Done\. Your order is ORD-\d+ \(Fiber 2 Gig\)/],
      ],
      orders: [['FIBER-2G', 'add']],
    },
    {
      name: 'correction: "no, the other plan" switches to the other one',
      from: SAM,
      turns: [
        ["I'd like the unlimited plan", /^Switch your Mobile Essentials to Mobile Unlimited: \$55\.00 a month/],
        ['no, the other plan', /^Switch your Mobile Essentials to Mobile Unlimited Plus: \$75\.00 a month/],
        ['yes', /^Done\. Your order is ORD-\d+ \(Mobile Unlimited Plus\)/],
      ],
      orders: [['MOBILE-UNLIMITED-PLUS', 'modify']],
    },
    {
      name: 'browse by service, then cancel half-way',
      from: FIBER_ONLY,
      turns: [
        ['I want to order something', /^What would you like to order\? .* 1\) Internet 2\) Mobile 3\) TV 4\) Home phone$/],
        ['banana', /^Please pick a service, or name the plan or add-on you want\./],
        ['mobile', /^Which mobile option would you like\? 1\) Mobile Essentials \(\$30\.00\/mo\)/],
        ['essentials', /^Mobile Essentials: \$30\.00 a month, \$10\.00 one-time fee, no commitment\./],
        ['never mind', /dropped that/],
      ],
      orders: [],
    },
    {
      name: '"another one" with nothing else in question lists the rest of that service; a plain no places nothing',
      from: NO_ORDERS,
      turns: [
        ['add call protect', /^Add Call Protect to your home phone: \$4\.00 a month, no one-time fee, no commitment\./],
        ['no, another one', /^Which home phone option would you like\? 1\) World Calling \(\$8\.00\/mo\)$/],
        ['1', /^Add World Calling to your home phone: \$8\.00 a month/],
        ['no', /haven't placed an order/],
      ],
      orders: [],
    },
    {
      name: 'ineligible: already has it',
      from: ALEX,
      turns: [['add the sports package', /^You already have Sports Package, so there's nothing to order\.$/]],
      orders: [['FIBER-2G', 'modify']],
    },
    {
      name: 'ineligible: a downgrade incompatible with an add-on the customer keeps',
      from: STATIC_IP,
      turns: [['switch me to fiber 300', /^Fiber 300 can't be combined with your Static IP\. Static IP would have to go first: say "agent"/]],
      orders: [],
    },
    {
      name: 'ineligible: an upgrade incompatible with an add-on',
      from: EXTRA_DATA,
      turns: [['I want mobile unlimited', /^Mobile Unlimited can't be combined with your Extra Data 10 GB\./]],
      orders: [],
    },
    {
      name: 'ineligible: not sold in the area, the nearest plan offered instead and declined',
      from: SAM,
      turns: [
        ['sign me up for fiber 2 gig', /^Sorry, Fiber 2 Gig isn't available at your address yet\. Fiber 1 Gig is \$65\.00 a month\. Would you like that instead\?/],
        ['no', /haven't ordered anything/],
      ],
      orders: [['MOBILE-UNLIMITED-PLUS', 'modify']],
    },
    {
      name: 'ineligible: account in arrears',
      from: IN_ARREARS,
      turns: [['I want a home phone line', /^Your bill INV-\d+ \(\$\d+\.\d{2}\) is past its due date, so I can't take new orders until it's paid\./]],
      orders: [],
    },
    {
      name: 'ineligible: account suspended',
      from: SUSPENDED,
      turns: [['I want a home phone line', /^Your account is suspended, so I can't take new orders\. Please call/]],
      orders: [],
    },
    {
      name: 'add-on without its base: the base plan is offered first and ordered',
      from: NO_TV,
      turns: [
        ['can I get the sports package', /^Sports Package works only with TV Basic or TV Max, which you don't have\. TV Basic is \$35\.00 a month\. Would you like to order it first\?/],
        ['yes', /^TV Basic: \$35\.00 a month, \$25\.00 one-time fee, no commitment\./],
        ['yes', /^Done\. Your order is ORD-\d+ \(TV Basic\)/],
      ],
      orders: [['TV-BASIC', 'add']],
    },
  ];

  it.each(transcripts)('$name', async ({ from, turns, orders }) => {
    for (const [text, ...expected] of turns) {
      const replies = await say(from, text, expected.length);
      expected.forEach((pattern, index) => expect(replies[index], `reply to "${text}"`).toMatch(pattern));
    }
    expect(await ordersOf(from)).toEqual(orders);
  });

  it('records why an order was refused on the contact log', async () => {
    const refused = await prisma().interaction.findFirstOrThrow({ where: { direction: 'inbound', text: 'switch me to fiber 300' } });
    expect(refused.reason).toBe('order.create.refused.incompatible');
    const arrears = await prisma().interaction.findFirstOrThrow({ where: { direction: 'inbound', text: 'I want a home phone line', customerId: await customerIdOf(IN_ARREARS) } });
    expect(arrears.reason).toBe('order.create.refused.arrears');
  });

  describe('order status', () => {
    it('answers by reference in any case, and links the order as viewed', async () => {
      const [reply] = await say(ALEX, `status of ${alexOrder.toLowerCase()}`);
      expect(reply).toMatch(new RegExp(`^${alexOrder} \\(change to Fiber 2 Gig, placed \\w{3}, \\w{3} \\d{1,2}\\): received; we are checking it and scheduling the work\\. Expected by \\w{3}, \\w{3} \\d{1,2}\\.$`));
      const order = await prisma().productOrder.findUniqueOrThrow({ where: { number: Number(alexOrder.slice(4)) } });
      const viewed = await prisma().interactionItem.count({ where: { itemType: 'productOrder', itemId: order.id, action: 'viewed' } });
      expect(viewed).toBeGreaterThan(0);
    });

    it('answers with the latest orders when no reference is given', async () => {
      const [reply] = await say(NO_TV, "what's the status of my order");
      expect(reply).toMatch(/^ORD-\d+ \(TV Basic, placed .*\): received; we are checking it and scheduling the work\. Expected by/);
    });

    it("answers another customer's reference as not found", async () => {
      const [reply] = await say(NO_ORDERS, `where is order ${alexOrder}`);
      expect(reply).toBe(`I can't find order ${alexOrder} on your account.`);
      const [none] = await say(NO_ORDERS, 'where is my order');
      expect(none).toMatch(/^You have no orders with us\./);
    });
  });
});
