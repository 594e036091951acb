import { verifyPassword } from '../../../src/domain/staff/passwords.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../../src/db/client.ts';
import {
  ALEX_MORGAN,
  DEMO_CUSTOMERS,
  DEMO_CUSTOMERS_IN_ARREARS,
  DEMO_OFFERINGS,
  DEMO_OUTAGE,
  DEMO_OUTAGE_AREA_CUSTOMER,
  DEMO_STAFF,
  DEMO_STAFF_PASSWORD,
  DEMO_SUSPENDED_CUSTOMER,
  SAM_RIVERA,
  demoMarketingPrograms,
} from '../../../src/domain/demo/demo-data.ts';
import { seedDemoData, type SeedSummary } from '../../../src/domain/demo/seed.ts';
import { Prisma } from '../../../src/generated/prisma/client.ts';

const E164 = /^\+[1-9]\d{6,14}$/;

let db: Database;
let first: SeedSummary;
let second: SeedSummary;

beforeAll(async () => {
  db = await openDatabase({ url: 'pglite://memory' });
  first = await seedDemoData(db.prisma);
  second = await seedDemoData(db.prisma);
}, 60_000);

afterAll(async () => {
  await db?.close();
});

async function customerByPhone(phoneNumber: string) {
  const contact = await db.prisma.contactMedium.findUniqueOrThrow({ where: { phoneNumber } });
  return db.prisma.customer.findUniqueOrThrow({
    where: { id: contact.customerId },
    include: {
      contactMedia: true,
      products: { include: { offering: true } },
      accounts: { include: { bills: { include: { charges: true }, orderBy: { billDate: 'asc' } } } },
      consents: true,
    },
  });
}

function sumOfCharges(charges: readonly { amount: Prisma.Decimal }[]): Prisma.Decimal {
  return charges.reduce((sum, charge) => sum.plus(charge.amount), new Prisma.Decimal(0));
}

describe('seedDemoData', () => {
  it('seeds everything once and changes nothing on a second run', () => {
    const bills = DEMO_CUSTOMERS.flatMap((customer) => customer.bills);
    expect(first.total).toEqual({
      offerings: DEMO_OFFERINGS.length,
      customers: DEMO_CUSTOMERS.length,
      contactMedia: DEMO_CUSTOMERS.length * 3,
      accounts: DEMO_CUSTOMERS.length,
      products: DEMO_CUSTOMERS.reduce((sum, customer) => sum + customer.products.length, 0),
      bills: bills.length,
      billCharges: bills.reduce((sum, bill) => sum + bill.charges.length, 0),
      // Service texts for everyone; general marketing consent for those signed up to a program.
      consents: DEMO_CUSTOMERS.length + DEMO_CUSTOMERS.filter((customer) => demoMarketingPrograms(customer).length > 0).length,
      outages: 1,
      staffUsers: DEMO_STAFF.length,
    });
    expect(first.created).toEqual(first.total);
    expect(second.total).toEqual(first.total);
    expect(Object.values(second.created).every((count) => count === 0)).toBe(true);
    expect(second.skippedCustomers).toEqual([]);
  });

  it('gives Alex Morgan internet, mobile and TV and itemised bills that add up exactly', async () => {
    const alex = await customerByPhone('+15551230001');
    expect([alex.givenName, alex.familyName]).toEqual(['Alex', 'Morgan']);
    const serviceTypes = new Set(alex.products.map((product) => product.serviceType));
    expect(serviceTypes).toEqual(new Set(['internet', 'mobile', 'tv']));
    const mobile = alex.products.find((product) => product.serviceType === 'mobile');
    expect(mobile?.serviceIdentifier).toBe('+15551230001');

    const account = alex.accounts[0];
    expect(alex.accounts).toHaveLength(1);
    expect(account?.accountNumber).toBe('ACC-10001');
    const bills = account?.bills ?? [];
    expect(bills.length).toBeGreaterThanOrEqual(3);
    // Amounts are deterministic: the same on every run and in every database.
    expect(bills.map((bill) => bill.amountDue.toFixed(2))).toEqual(['239.56', '239.22', '334.17']);
    expect(ALEX_MORGAN.bills.map((bill) => bill.amountDue)).toEqual(['239.56', '239.22', '334.17']);
    for (const bill of bills) {
      expect(sumOfCharges(bill.charges).equals(bill.amountDue)).toBe(true);
      const types = bill.charges.map((charge) => charge.chargeType);
      expect(types).toContain('usage');
      expect(types).toContain('tax');
      const chargedProducts = new Set(
        bill.charges.filter((charge) => charge.chargeType === 'recurring').map((charge) => charge.productId),
      );
      const baseProducts = alex.products.filter((product) => !product.offering.isAddOn);
      expect(baseProducts.every((product) => chargedProducts.has(product.id))).toBe(true);
    }
    expect(bills.some((bill) => bill.charges.some((charge) => charge.chargeType === 'oneTime'))).toBe(true);
    expect(alex.consents).toEqual([
      expect.objectContaining({ channel: 'sms', address: '+15551230001', purpose: 'service', status: 'granted' }),
    ]);
    const media = alex.contactMedia.map((medium) => medium.mediumType).sort();
    expect(media).toEqual(['email', 'phone', 'postalAddress']);
  });

  it('gives Sam Rivera mobile only, with two bills', async () => {
    const sam = await customerByPhone('+15551230002');
    expect([sam.givenName, sam.familyName]).toEqual(['Sam', 'Rivera']);
    expect(sam.products.length).toBeGreaterThan(0);
    expect(sam.products.every((product) => product.serviceType === 'mobile')).toBe(true);
    expect(sam.accounts[0]?.bills).toHaveLength(SAM_RIVERA.bills.length);
    expect(SAM_RIVERA.bills).toHaveLength(2);
  });

  it('makes every bill in the database add up to its amount due exactly', async () => {
    const bills = await db.prisma.bill.findMany({ include: { charges: true } });
    const mismatched = bills.filter((bill) => !sumOfCharges(bill.charges).equals(bill.amountDue));
    expect(mismatched.map((bill) => `INV-${bill.number}`)).toEqual([]);
  });

  it('bills no product after it ended: customers who moved from Fiber 300 pay only for their current plan', async () => {
    const charges = await db.prisma.billCharge.findMany({
      where: { chargeType: 'recurring', product: { isNot: null } },
      include: { bill: true, product: { include: { offering: true } } },
    });
    const afterTheEnd = charges.filter((charge) => charge.product?.terminationDate && charge.product.terminationDate < charge.bill.periodEnd);
    expect(afterTheEnd.map((charge) => `INV-${charge.bill.number}: ${charge.description}`)).toEqual([]);
    // The customers the issue names exist: a terminated Fiber 300 with a faster plan after it.
    const replaced = await db.prisma.product.count({ where: { status: 'terminated', offering: { code: 'FIBER-300' } } });
    expect(replaced).toBeGreaterThan(0);
    // One monthly internet plan per bill, never the old and the new together.
    const plansPerBill = new Map<string, number>();
    for (const charge of charges) {
      if (charge.product?.serviceType !== 'internet' || charge.product.offering.isAddOn) continue;
      plansPerBill.set(charge.billId, (plansPerBill.get(charge.billId) ?? 0) + 1);
    }
    expect([...plansPerBill.values()].filter((count) => count > 1)).toEqual([]);
  });

  it('uses unique E.164 phone numbers', async () => {
    const phones = await db.prisma.contactMedium.findMany({ where: { mediumType: 'phone' } });
    const numbers = phones.map((phone) => phone.phoneNumber ?? '');
    expect(numbers).toHaveLength(DEMO_CUSTOMERS.length);
    expect(numbers.filter((number) => !E164.test(number))).toEqual([]);
    expect(new Set(numbers).size).toBe(numbers.length);

    const msisdns = await db.prisma.product.findMany({
      where: { serviceType: 'mobile', offering: { isAddOn: false } },
      select: { serviceIdentifier: true },
    });
    expect(msisdns.every((product) => E164.test(product.serviceIdentifier ?? ''))).toBe(true);
  });

  it('has customers in arrears, a suspended account and an outage to match', async () => {
    const now = new Date();
    const overdue = await db.prisma.bill.findMany({
      where: { state: { not: 'settled' }, dueDate: { lt: now } },
      include: { account: { include: { customer: { include: { contactMedia: true } } } } },
    });
    const phonesInArrears = new Set(
      overdue.flatMap((bill) =>
        bill.account.customer.contactMedia.flatMap((medium) => (medium.phoneNumber ? [medium.phoneNumber] : [])),
      ),
    );
    expect(phonesInArrears).toEqual(
      new Set([...DEMO_CUSTOMERS_IN_ARREARS, DEMO_SUSPENDED_CUSTOMER].map((customer) => customer.phoneNumber)),
    );

    const suspended = await customerByPhone(DEMO_SUSPENDED_CUSTOMER.phoneNumber);
    expect(suspended.status).toBe('suspended');
    expect(suspended.accounts[0]?.status).toBe('suspended');

    const outages = await db.prisma.outage.findMany({ where: { status: 'active' } });
    expect(outages).toEqual([expect.objectContaining({ area: DEMO_OUTAGE.area, serviceType: 'internet' })]);
    const affected = await customerByPhone(DEMO_OUTAGE_AREA_CUSTOMER.phoneNumber);
    expect(affected.serviceArea).toBe(DEMO_OUTAGE.area);
    expect(affected.products.some((product) => product.serviceType === 'internet')).toBe(true);
  });

  it('creates one staff user per role whose argon2id hash verifies the demo password', async () => {
    const staff = await db.prisma.staffUser.findMany({ orderBy: { email: 'asc' } });
    expect(staff.map((user) => user.role).sort()).toEqual(['admin', 'agent', 'marketer', 'supervisor']);
    for (const user of staff) {
      expect(user.passwordHash.startsWith('$argon2id$')).toBe(true);
      expect(await verifyPassword(user.passwordHash, DEMO_STAFF_PASSWORD)).toBe(true);
      expect(await verifyPassword(user.passwordHash, 'not-the-demo-password')).toBe(false);
    }
  });

  it('numbers bills the product creates after the demo ones', async () => {
    const demoBillNumbers = DEMO_CUSTOMERS.flatMap((customer) => customer.bills.map((bill) => bill.number));
    const account = await db.prisma.account.findUniqueOrThrow({
      where: { accountNumber: ALEX_MORGAN.account.accountNumber },
    });
    const day = new Date();
    const bill = await db.prisma.bill.create({
      data: {
        accountId: account.id,
        billDate: day,
        periodStart: day,
        periodEnd: day,
        dueDate: day,
        amountDue: new Prisma.Decimal('0.00'),
      },
    });
    expect(bill.number).toBeGreaterThan(Math.max(...demoBillNumbers));
    await db.prisma.bill.delete({ where: { id: bill.id } });
  });
});
