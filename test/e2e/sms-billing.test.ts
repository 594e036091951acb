import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billDay } from '../../dialogs/bill-inquiry.dialog.ts';
import { formatMoney } from '../../src/domain/billing/money.ts';
import { DEMO_CUSTOMERS_IN_ARREARS } from '../../src/domain/demo/demo-data.ts';
import { Prisma } from '../../src/generated/prisma/client.ts';
import { ALEX, SAM, startTestEnv, type TestEnv } from '../support/service.ts';

// Bill questions by SMS through the real webhook, queues and dialogs: balance and due date, the
// latest bill's charges, a named past bill, why a bill differs from the one before, and never
// another customer's bill. Each answer is checked against the database, and the contact log
// must link the messages to the bills shown.

let env: TestEnv;

beforeAll(async () => {
  env = await startTestEnv();
});

afterAll(async () => {
  await env?.close();
});

const prisma = () => env.database.db.prisma;

async function customerIdOf(phoneNumber: string): Promise<string> {
  return (await prisma().contactMedium.findUniqueOrThrow({ where: { phoneNumber } })).customerId;
}

/** The bills the contact log links to the last inbound message from this number. */
async function billsViewedBy(phoneNumber: string, text: string): Promise<string[]> {
  const inbound = await prisma().interaction.findFirstOrThrow({
    where: { direction: 'inbound', text, conversation: { externalId: phoneNumber } },
    orderBy: { createdAt: 'desc' },
    include: { items: true },
  });
  const ids = inbound.items.filter((item) => item.itemType === 'bill' && item.action === 'viewed').map((item) => item.itemId);
  const bills = await prisma().bill.findMany({ where: { id: { in: ids } }, orderBy: { number: 'asc' } });
  return bills.map((bill) => `INV-${bill.number}`);
}

async function unpaidBills(phoneNumber: string) {
  const customerId = await customerIdOf(phoneNumber);
  return prisma().bill.findMany({ where: { account: { customerId }, state: { in: ['sent', 'partiallyPaid'] } }, orderBy: { billDate: 'asc' } });
}

describe('bill inquiry by SMS', () => {
  it.each([
    { who: 'Alex', from: ALEX, text: "what's my balance" },
    { who: 'Sam', from: SAM, text: 'how much do i owe' },
    { who: 'a customer in arrears', from: DEMO_CUSTOMERS_IN_ARREARS[0]?.phoneNumber ?? '', text: 'when is my bill due' },
  ])('tells $who the balance over unpaid bills and the due dates', async ({ from, text }) => {
    const unpaid = await unpaidBills(from);
    const owed = unpaid.reduce((sum, bill) => sum.plus(bill.amountDue), new Prisma.Decimal(0));
    const [reply] = await env.converse(from, text);
    expect(reply?.length).toBeLessThanOrEqual(320);
    if (unpaid.length === 0) {
      expect(reply).toMatch(/^You owe nothing right now\. Your latest bill, INV-\d+ for \$[\d,]+\.\d{2}, is paid\./);
    } else {
      expect(reply).toContain(`You owe ${formatMoney(owed.toFixed(2))}`);
      for (const bill of unpaid) {
        expect(reply).toContain(`INV-${bill.number}`);
        expect(reply).toContain(`${bill.dueDate < new Date() ? 'overdue since' : 'due'} ${billDay(bill.dueDate)}`);
      }
    }
    const viewed = await billsViewedBy(from, text);
    expect(viewed.length).toBeGreaterThan(0);
    if (unpaid.length > 0) expect(viewed).toEqual(unpaid.map((bill) => `INV-${bill.number}`).sort());
  });

  it('shows only unpaid bills as owed for the customer in arrears, flagged overdue', async () => {
    const arrears = DEMO_CUSTOMERS_IN_ARREARS[1]?.phoneNumber ?? '';
    const unpaid = await unpaidBills(arrears);
    expect(unpaid.length).toBe(2);
    const [reply] = await env.converse(arrears, 'what is my outstanding balance');
    expect(reply).toMatch(/on 2 bills/);
    expect(reply).toMatch(/overdue since/);
  });

  it.each([
    {
      name: "the latest bill's charges, grouped",
      from: ALEX,
      text: 'explain my bill',
      bills: ['INV-10003'],
      expected: [/^INV-10003 \(\w{3}, \w{3} 1\): \$334\.17, /, /Internet \$75\.00/, /mobile \$55\.00/, /TV \$95\.00/, /one-time fees \$49\.00/, /usage \$34\.70/, /taxes \$25\.47/],
    },
    { name: 'a named past bill in lower case', from: ALEX, text: 'show me inv-10001', bills: ['INV-10001'], expected: [/^INV-10001 .*\$239\.56/, /usage \$6\.30 \(International calls\)/, /taxes \$18\.26/] },
    { name: 'a past bill by month', from: ALEX, text: 'my bill from last month', bills: ['INV-10002'], expected: [/^INV-10002 \(\w{3}, \w{3} 1\): \$239\.22, paid\./, /usage \$5\.99 \(Pay-per-view\)/] },
    {
      name: 'why the bill differs from the last one',
      from: ALEX,
      text: 'why is my bill higher than last month',
      bills: ['INV-10002', 'INV-10003'],
      expected: [
        /^INV-10003 is \$94\.95 more than INV-10002 \(\$334\.17 vs \$239\.22\): /,
        /one-time Mesh Wi-Fi Extender setup \+\$49\.00/,
        /usage \+\$28\.71 \(International calls, Roaming day pass\)/,
        /new Mesh Wi-Fi Extender \+\$10\.00/,
        /taxes \+\$7\.24/,
      ],
    },
    {
      name: 'a difference with a fee that is gone',
      from: SAM,
      text: 'why did my bill go up',
      bills: ['INV-10004', 'INV-10005'],
      expected: [/^INV-10005 is \$5\.41 more than INV-10004 \(\$48\.71 vs \$43\.30\): /, /usage \+\$15\.00 \(Data overage\)/, /no Mobile Essentials setup this time -\$10\.00/, /taxes \+\$0\.41/],
    },
    {
      name: "another customer's bill, as not found",
      from: ALEX,
      text: 'show me INV-10005',
      bills: [],
      expected: [/^I can't find INV-10005 on your account\. Your recent bills: INV-10003 \(\w{3}, \w{3} 1\), INV-10002 \(\w{3}, \w{3} 1\), INV-10001/],
    },
    { name: 'a month without a bill', from: SAM, text: 'my bill for january 2020', bills: [], expected: [/^I can't find a bill for that month\. Your recent bills: INV-10005 .*, INV-10004 /] },
  ])('answers $name', async ({ from, text, bills, expected }) => {
    const [reply] = await env.converse(from, text);
    for (const pattern of expected) expect(reply).toMatch(pattern);
    expect(reply?.length).toBeLessThanOrEqual(320);
    expect(reply).not.toMatch(/\d\.\d{3,}|NaN|undefined|\[object/);
    expect(await billsViewedBy(from, text)).toEqual(bills);
  });

  it('records what each question was about in the contact log', async () => {
    const reasons = await prisma().interaction.findMany({
      where: { direction: 'inbound', conversation: { externalId: ALEX }, reason: { startsWith: 'bill.inquiry' } },
      select: { reason: true },
    });
    expect(new Set(reasons.map((row) => row.reason))).toEqual(new Set(['bill.inquiry.balance', 'bill.inquiry.charges', 'bill.inquiry.compare', 'bill.inquiry.notFound']));
  });
});
