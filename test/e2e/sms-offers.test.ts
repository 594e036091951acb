import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALEX, SAM, startTestEnv, type TestEnv } from '../support/service.ts';

// Offers by SMS through the real webhook: the general catalog for a number we do not know,
// offers tailored to what a customer has, and the hand-over to the order dialog.

let env: TestEnv;

beforeAll(async () => {
  env = await startTestEnv();
});

afterAll(async () => {
  await env?.close();
});

const prisma = () => env.database.db.prisma;
const say = (from: string, text: string, count = 1) => env.converse(from, text, count);
const STRANGER = '+15559870001';

async function customerIdOf(phoneNumber: string): Promise<string> {
  return (await prisma().contactMedium.findUniqueOrThrow({ where: { phoneNumber } })).customerId;
}

describe('offers by SMS', () => {
  // Each: who asks, what, and what each reply must (and must not) say.
  const transcripts: Array<{ name: string; from: string; text: string; replies: RegExp[]; not?: RegExp }> = [
    {
      name: 'an unknown number gets the general catalog and how to order',
      from: STRANGER,
      text: 'what offers do you have',
      replies: [/^Our plans: Internet from \$50\.00\/mo \(Fiber 300, Fiber 1 Gig, Fiber 2 Gig\); Mobile from \$30\.00\/mo .*Home phone \$20\.00\/mo/, /^To order, text us from the phone number on your account, or call/],
    },
    {
      name: 'an unknown number asking about one kind of service gets its plans, a line each',
      from: STRANGER,
      text: 'tell me about your internet plans',
      replies: [/^Our internet plans:\nFiber 300, \$50\.00\/mo: fiber internet at 300 Mbps download and upload\.\nFiber 1 Gig, \$65\.00\/mo: .*\nFiber 2 Gig, \$95\.00\/mo: /, /^To order, text us/],
      not: /Static IP|Mesh/,
    },
    {
      name: 'a customer gets upgrades of their plans and add-ons that fit, with prices',
      from: ALEX,
      text: 'any deals for me?',
      replies: [
        /^Offers for you:\nFiber 2 Gig, \$95\.00\/mo \(up from your Fiber 1 Gig\): .*\nMobile Unlimited Plus, \$75\.00\/mo \(up from your Mobile Unlimited\): .*\n.+, \$\d+\.\d{2}\/mo: /,
        /^Would you like to order one\? 1\) Fiber 2 Gig 2\) Mobile Unlimited Plus 3\) .+ 4\) No thanks$/,
      ],
      not: /Sports Package|Mesh Wi-Fi|TV Max/,
    },
  ];

  it.each(transcripts)('$name', async ({ from, text, replies, not }) => {
    const got = await say(from, text, replies.length);
    replies.forEach((pattern, index) => expect(got[index]).toMatch(pattern));
    for (const reply of got) {
      expect(reply.length).toBeLessThanOrEqual(320);
      if (not) expect(reply).not.toMatch(not);
    }
  });

  it('logs the unknown number and its answers without a customer', async () => {
    const logged = await prisma().interaction.findMany({ where: { conversation: { externalId: STRANGER } }, orderBy: [{ createdAt: 'asc' }] });
    expect(logged.every((interaction) => interaction.customerId === null)).toBe(true);
    expect(logged.filter((interaction) => interaction.direction === 'inbound').map((interaction) => interaction.reason)).toEqual(['product.info', 'product.info']);
  });

  it('hands a chosen offer over to the order, which places it after a yes', async () => {
    // Alex was just asked "Would you like to order one?".
    const [summary] = await say(ALEX, '1');
    expect(summary).toMatch(/^Switch your Fiber 1 Gig to Fiber 2 Gig: \$95\.00 a month \(now \$65\.00\), \$99\.00 one-time fee, 12-month commitment\. Shall I place the order\?/);
    const [done] = await say(ALEX, 'yes');
    const reference = /ORD-\d+/.exec(done ?? '')?.[0];
    expect(reference).toBeDefined();
    const order = await prisma().productOrder.findUniqueOrThrow({ where: { number: Number(reference?.slice(4)) }, include: { items: { include: { offering: true } } } });
    expect(order.customerId).toBe(await customerIdOf(ALEX));
    expect(order.items.map((item) => [item.offering.code, item.action])).toEqual([['FIBER-2G', 'modify']]);
    const links = await prisma().interactionItem.count({ where: { itemType: 'productOrder', itemId: order.id, action: 'created' } });
    expect(links).toBe(2);
  });

  it('tailors to a mobile-only customer, and takes no for an answer', async () => {
    const [offers, question] = await say(SAM, 'what offers do you have', 2);
    expect(offers).toMatch(/^Offers for you:\nMobile Unlimited, \$55\.00\/mo \(up from your Mobile Essentials\): /);
    expect(offers).toMatch(/Extra Data 10 GB, \$10\.00\/mo/);
    expect(offers).not.toMatch(/Fiber|TV|Sports/);
    expect(question).toMatch(/^Would you like to order one\?/);
    const [declined] = await say(SAM, 'no thanks');
    expect(declined).toMatch(/^OK\. Text me anytime/);
    expect(await prisma().productOrder.count({ where: { customerId: await customerIdOf(SAM) } })).toBe(0);
  });

  it('explains one offering asked about by name and orders it on one yes', async () => {
    const [about, summary] = await say(SAM, 'tell me about the extra data pack', 2);
    expect(about).toBe('Extra Data 10 GB, $10.00/mo: 10 GB more high-speed data every month on Mobile Essentials.');
    expect(summary).toMatch(/^Add Extra Data 10 GB to your mobile: \$10\.00 a month, no one-time fee, no commitment\. Shall I place the order\?/);
    const [done] = await say(SAM, 'yes');
    expect(done).toMatch(/^Done\. Your order is ORD-\d+ \(Extra Data 10 GB\)/);
    const orders = await prisma().productOrder.findMany({ where: { customerId: await customerIdOf(SAM) }, include: { items: { include: { offering: true } } } });
    expect(orders.flatMap((order) => order.items.map((item) => [item.offering.code, item.action, item.recurringPrice.toFixed(2)]))).toEqual([['ADDON-EXTRA-DATA-10GB', 'add', '10.00']]);
  });

  it('no longer offers what the customer has on order', async () => {
    const [offers] = await say(SAM, 'what plans do you have for me', 2);
    expect(offers).not.toMatch(/Extra Data/);
  });
});
