import { createHash } from 'node:crypto';
import { Prisma, type PrismaClient } from '../../generated/prisma/client.ts';
import {
  demoMarketingPrograms,
  OFFERS_DISCLOSURE,
  RETENTION_DISCLOSURE,
  DEMO_CUSTOMERS,
  DEMO_OFFERINGS,
  DEMO_OUTAGE,
  DEMO_STAFF,
  DEMO_STAFF_PASSWORD,
  addDays,
  demoBillingPeriod,
  demoOffering,
  type BillingPeriod,
  type DemoCharge,
  type DemoCustomer,
} from './demo-data.ts';
import { hashPassword } from '../staff/passwords.ts';

/** Row counts per table. */
export interface SeedCounts {
  offerings: number;
  customers: number;
  contactMedia: number;
  accounts: number;
  products: number;
  bills: number;
  billCharges: number;
  consents: number;
  outages: number;
  staffUsers: number;
}

export interface SeedSummary {
  /** Rows this run inserted: all zero when the demo data was already there. */
  created: SeedCounts;
  /** Rows in each table after the run (demo data and anything else). */
  total: SeedCounts;
  /**
   * Demo customers left out because their phone number, account number or a bill number
   * already belongs to another record (their phone numbers; normally empty).
   */
  skippedCustomers: string[];
}

// Demo ids are UUIDv5 of a natural key, so a row is the same row in every database and every
// run, and re-inserting it is a no-op (createMany with skipDuplicates).
const DEMO_ID_NAMESPACE = Buffer.from('6f1d3c2a9b8e4d7f8a1b2c3d4e5f6a7b', 'hex');

/** The id the seed gives a demo record, e.g. demoRecordId('customer', '+15551230001'). */
export function demoRecordId(kind: string, naturalKey: string): string {
  const hash = createHash('sha1').update(DEMO_ID_NAMESPACE).update(`${kind}:${naturalKey}`).digest();
  hash.writeUInt8((hash.readUInt8(6) & 0x0f) | 0x50, 6);
  hash.writeUInt8((hash.readUInt8(8) & 0x3f) | 0x80, 8);
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Seeds the demo catalog, customers, bills, outage and staff users. Idempotent: it only inserts
 * rows that are missing (by natural key or demo id) and never overwrites existing ones, so a
 * second run changes nothing and edits made through the product survive a re-seed. Dates are
 * computed from the time of the first run; amounts are always the same.
 */
export async function seedDemoData(prisma: PrismaClient): Promise<SeedSummary> {
  const now = new Date();
  const staffToCreate = await staffUsersToCreate(prisma);

  const inserted = await prisma.$transaction(
    async (tx) => {
      // Serialises concurrent seeders (two processes running setup at once).
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('telco-bot:demo-seed'))`;

      const offerings = await tx.productOffering.createMany({
        data: DEMO_OFFERINGS.map((offering) => ({
          id: demoRecordId('offering', offering.code),
          code: offering.code,
          name: offering.name,
          description: offering.description,
          serviceType: offering.serviceType,
          isAddOn: offering.isAddOn,
          recurringPrice: new Prisma.Decimal(offering.recurringPrice),
          oneTimePrice: new Prisma.Decimal(offering.oneTimePrice),
          commitmentMonths: offering.commitmentMonths,
          keywords: [...offering.keywords],
          compatibleWith: [...offering.compatibleWith],
          incompatibleWith: [...(offering.incompatibleWith ?? [])],
          availableAreas: [...(offering.availableAreas ?? [])],
        })),
        skipDuplicates: true,
      });

      // Products point at offerings by id; existing offerings keep whatever id they were given.
      const offeringIds = new Map(
        (await tx.productOffering.findMany({ select: { id: true, code: true } })).map((row) => [row.code, row.id]),
      );
      const offeringIdFor = (code: string): string => {
        const id = offeringIds.get(code);
        if (id === undefined) throw new Error(`Offering ${code} is missing`);
        return id;
      };

      const allRows = DEMO_CUSTOMERS.map((customer) => customerRows(customer, now, offeringIdFor));
      const conflicting = await customersWithTakenKeys(tx, allRows);
      const rows = allRows.filter((row) => !conflicting.has(row.phoneNumber));

      const customers = await tx.customer.createMany({
        data: rows.map((row) => row.customer),
        skipDuplicates: true,
      });
      const contactMedia = await tx.contactMedium.createMany({
        data: rows.flatMap((row) => row.contactMedia),
        skipDuplicates: true,
      });
      const accounts = await tx.account.createMany({ data: rows.map((row) => row.account), skipDuplicates: true });
      const products = await tx.product.createMany({
        data: rows.flatMap((row) => row.products),
        skipDuplicates: true,
      });
      const bills = await tx.bill.createMany({ data: rows.flatMap((row) => row.bills), skipDuplicates: true });
      const billCharges = await tx.billCharge.createMany({
        data: rows.flatMap((row) => row.charges),
        skipDuplicates: true,
      });
      const consents = await tx.consent.createMany({ data: rows.flatMap((row) => row.consents), skipDuplicates: true });
      await tx.programConsent.createMany({ data: rows.flatMap((row) => row.programConsents), skipDuplicates: true });

      if (bills.count > 0) {
        // Bills carry fixed numbers (INV-10001...); move the sequence past them so bills the
        // product creates later do not collide.
        await tx.$executeRaw`
          SELECT setval(pg_get_serial_sequence('"Bill"', 'number'), (SELECT MAX("number") FROM "Bill"))`;
      }

      const outages = await tx.outage.createMany({
        data: [
          {
            id: demoRecordId('outage', `${DEMO_OUTAGE.serviceType}:${DEMO_OUTAGE.area}`),
            serviceType: DEMO_OUTAGE.serviceType,
            area: DEMO_OUTAGE.area,
            status: 'active',
            description: DEMO_OUTAGE.description,
            startedAt: new Date(now.getTime() - DEMO_OUTAGE.startedHoursAgo * 3_600_000),
            expectedRestoreAt: new Date(now.getTime() + DEMO_OUTAGE.expectedRestoreInHours * 3_600_000),
          },
        ],
        skipDuplicates: true,
      });

      const staffUsers = await tx.staffUser.createMany({ data: staffToCreate, skipDuplicates: true });

      const counts: SeedCounts = {
        offerings: offerings.count,
        customers: customers.count,
        contactMedia: contactMedia.count,
        accounts: accounts.count,
        products: products.count,
        bills: bills.count,
        billCharges: billCharges.count,
        consents: consents.count,
        outages: outages.count,
        staffUsers: staffUsers.count,
      };
      return { counts, skippedCustomers: [...conflicting] };
    },
    { maxWait: 10_000, timeout: 60_000 },
  );

  return { created: inserted.counts, total: await countRows(prisma), skippedCustomers: inserted.skippedCustomers };
}

type WithId<T> = T & { id: string };

interface CustomerRows {
  phoneNumber: string;
  customer: WithId<Prisma.CustomerCreateManyInput>;
  contactMedia: Prisma.ContactMediumCreateManyInput[];
  account: WithId<Prisma.AccountCreateManyInput>;
  products: Prisma.ProductCreateManyInput[];
  bills: WithId<Prisma.BillCreateManyInput & { number: number }>[];
  charges: Prisma.BillChargeCreateManyInput[];
  consents: Prisma.ConsentCreateManyInput[];
  programConsents: Prisma.ProgramConsentCreateManyInput[];
}

function customerRows(customer: DemoCustomer, now: Date, offeringIdFor: (code: string) => string): CustomerRows {
  const customerId = demoRecordId('customer', customer.phoneNumber);
  const { accountNumber, billCycleDay } = customer.account;
  const accountId = demoRecordId('account', accountNumber);
  const productId = (productKey: string): string => demoRecordId('product', `${accountNumber}:${productKey}`);
  // A cycle's dates; products start and end a few days into the period they are billed from.
  const period = (cyclesAgo: number) => demoBillingPeriod(now, billCycleDay, cyclesAgo);
  const programs = demoMarketingPrograms(customer);

  const bills = customer.bills.map((bill): CustomerRows['bills'][number] => {
    const dates = period(bill.cyclesAgo);
    // Paid bills read settled once their due date has passed; until then they are open.
    const settled = bill.paidOnTime && dates.dueDate <= now;
    return {
      id: demoRecordId('bill', String(bill.number)),
      number: bill.number,
      accountId,
      ...dates,
      amountDue: new Prisma.Decimal(bill.amountDue),
      state: settled ? 'settled' : 'sent',
    };
  });

  return {
    phoneNumber: customer.phoneNumber,
    customer: {
      id: customerId,
      givenName: customer.givenName,
      familyName: customer.familyName,
      status: customer.status,
      serviceArea: customer.serviceArea,
    },
    contactMedia: [
      {
        id: demoRecordId('contact', `${customer.phoneNumber}:phone`),
        customerId,
        mediumType: 'phone',
        preferred: true,
        phoneNumber: customer.phoneNumber,
      },
      {
        id: demoRecordId('contact', `${customer.phoneNumber}:email`),
        customerId,
        mediumType: 'email',
        email: customer.email,
      },
      {
        id: demoRecordId('contact', `${customer.phoneNumber}:postalAddress`),
        customerId,
        mediumType: 'postalAddress',
        ...customer.postalAddress,
      },
    ],
    account: {
      id: accountId,
      accountNumber,
      customerId,
      status: customer.account.status,
      paperlessBill: customer.account.paperlessBill,
      billCycleDay,
    },
    products: customer.products.map((product) => ({
      id: productId(product.key),
      customerId,
      accountId,
      offeringId: offeringIdFor(product.offeringCode),
      serviceType: product.serviceType,
      status: product.status,
      serviceIdentifier: product.serviceIdentifier,
      startDate: addDays(period(product.startedCyclesAgo).periodStart, 4),
      terminationDate:
        product.terminatedCyclesAgo === undefined
          ? null
          : addDays(period(product.terminatedCyclesAgo).periodStart, 4),
    })),
    bills,
    charges: customer.bills.flatMap((bill) =>
      bill.charges.map((charge, line) => ({
        id: demoRecordId('bill-charge', `${bill.number}:${line}`),
        billId: demoRecordId('bill', String(bill.number)),
        productId: charge.productKey === undefined ? null : productId(charge.productKey),
        chargeType: charge.chargeType,
        description: charge.description,
        amount: new Prisma.Decimal(charge.amount),
        ...asIssued(customer, charge, period(bill.cyclesAgo)),
      })),
    ),
    consents: [
      {
        id: demoRecordId('consent', `sms:${customer.phoneNumber}:service`),
        channel: 'sms',
        address: customer.phoneNumber,
        purpose: 'service',
        status: 'granted',
        source: 'demo-seed',
        customerId,
      },
      ...(programs.length > 0
        ? [{ id: demoRecordId('consent', `sms:${customer.phoneNumber}:marketing`), channel: 'sms' as const, address: customer.phoneNumber, purpose: 'marketing' as const, status: 'granted' as const, source: 'web-form', customerId }]
        : []),
    ],
    // Signed up on the operator's offers page a month before the seed.
    programConsents: programs.map((program) => ({
      id: demoRecordId('program-consent', `sms:${customer.phoneNumber}:${program}`),
      channel: 'sms',
      address: customer.phoneNumber,
      program,
      status: 'granted',
      disclosureText: program === 'retention' ? RETENTION_DISCLOSURE : OFFERS_DISCLOSURE,
      source: 'web-form',
      capturedWhere: `https://www.example.com/sign-up/${program}`,
      capturedAt: addDays(now, -30),
      customerId,
    })),
  };
}

/** What a line billed, as the bill was issued: the product's offering then, and the period a monthly charge or usage covers. */
function asIssued(customer: DemoCustomer, charge: DemoCharge, dates: BillingPeriod): Pick<Prisma.BillChargeCreateManyInput, 'productName' | 'offeringCode' | 'serviceType' | 'periodStart' | 'periodEnd'> {
  const product = customer.products.find((candidate) => candidate.key === charge.productKey);
  const offering = product ? demoOffering(product.offeringCode) : undefined;
  const covered = charge.chargeType === 'recurring' || charge.chargeType === 'usage';
  return {
    productName: offering?.name ?? null,
    offeringCode: offering?.code ?? null,
    serviceType: product?.serviceType ?? null,
    periodStart: covered ? dates.periodStart : null,
    periodEnd: covered ? dates.periodEnd : null,
  };
}

/**
 * The demo customers (by phone number) whose natural keys are held by records the seed did not
 * create, e.g. a customer added through the API with a demo number. Inserting them would fail
 * or leave a customer without its phone, so they are skipped.
 */
async function customersWithTakenKeys(
  tx: Prisma.TransactionClient,
  rows: readonly CustomerRows[],
): Promise<Set<string>> {
  const [phones, accounts, bills] = await Promise.all([
    tx.contactMedium.findMany({
      where: { phoneNumber: { in: rows.map((row) => row.phoneNumber) } },
      select: { phoneNumber: true, customerId: true },
    }),
    tx.account.findMany({
      where: { accountNumber: { in: rows.map((row) => row.account.accountNumber) } },
      select: { accountNumber: true, id: true },
    }),
    tx.bill.findMany({
      where: { number: { in: rows.flatMap((row) => row.bills.map((bill) => bill.number)) } },
      select: { number: true, id: true },
    }),
  ]);
  const customerIdByPhone = new Map(phones.map((row) => [row.phoneNumber, row.customerId]));
  const accountIdByNumber = new Map(accounts.map((row) => [row.accountNumber, row.id]));
  const billIdByNumber = new Map(bills.map((row) => [row.number, row.id]));
  const taken = new Set<string>();
  for (const row of rows) {
    const phoneHolder = customerIdByPhone.get(row.phoneNumber);
    const accountId = accountIdByNumber.get(row.account.accountNumber);
    const billTaken = row.bills.some((bill) => {
      const existingId = billIdByNumber.get(bill.number);
      return existingId !== undefined && existingId !== bill.id;
    });
    const phoneTaken = phoneHolder !== undefined && phoneHolder !== row.customer.id;
    const accountTaken = accountId !== undefined && accountId !== row.account.id;
    if (phoneTaken || accountTaken || billTaken) taken.add(row.phoneNumber);
  }
  return taken;
}

/** Hashes only for staff users that do not exist yet: argon2id is deliberately slow. */
async function staffUsersToCreate(prisma: PrismaClient): Promise<Prisma.StaffUserCreateManyInput[]> {
  const existing = await prisma.staffUser.findMany({
    where: { email: { in: DEMO_STAFF.map((staff) => staff.email) } },
    select: { email: true },
  });
  const existingEmails = new Set(existing.map((row) => row.email));
  const missing = DEMO_STAFF.filter((staff) => !existingEmails.has(staff.email));
  return Promise.all(
    missing.map(async (staff) => ({
      id: demoRecordId('staff', staff.email),
      email: staff.email,
      name: staff.name,
      role: staff.role,
      // Demo only: every demo staff user shares the published DEMO_STAFF_PASSWORD.
      passwordHash: await hashPassword(DEMO_STAFF_PASSWORD),
    })),
  );
}

async function countRows(prisma: PrismaClient): Promise<SeedCounts> {
  const [offerings, customers, contactMedia, accounts, products] = await Promise.all([
    prisma.productOffering.count(),
    prisma.customer.count(),
    prisma.contactMedium.count(),
    prisma.account.count(),
    prisma.product.count(),
  ]);
  const [bills, billCharges, consents, outages, staffUsers] = await Promise.all([
    prisma.bill.count(),
    prisma.billCharge.count(),
    prisma.consent.count(),
    prisma.outage.count(),
    prisma.staffUser.count(),
  ]);
  return { offerings, customers, contactMedia, accounts, products, bills, billCharges, consents, outages, staffUsers };
}
