import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareBills } from '../../src/domain/billing/bill-explanation.ts';
import { findCustomerBill } from '../../src/domain/billing/bills.service.ts';
import { matchCharge } from '../../src/domain/billing/charge-matching.ts';
import { createDemoDatabase, type DemoDatabase } from '../support/demo-database.ts';

// A bill's lines carry what was billed (TMF678 applied billing rates: name, product, period,
// price) as issued. A plan change today must not rewrite November's bill.

let database: DemoDatabase;
let alexId: string;

beforeAll(async () => {
  database = await createDemoDatabase();
  alexId = await database.customerId('+15551230001');
}, 180_000);

afterAll(async () => {
  await database?.drop();
});

const prisma = () => database.db.prisma;

/** Moves Alex's plan of a service to another offering in place, as a completed plan-change order does. */
async function changePlan(serviceType: 'internet' | 'mobile', code: string): Promise<void> {
  const offering = await prisma().productOffering.findUniqueOrThrow({ where: { code } });
  const product = await prisma().product.findFirstOrThrow({ where: { customerId: alexId, serviceType, offering: { isAddOn: false }, status: 'active' } });
  await prisma().product.update({ where: { id: product.id }, data: { offeringId: offering.id } });
}

describe('bills as issued', () => {
  let before: Awaited<ReturnType<typeof findCustomerBill>>;

  it('shows INV-10002 with the names it was issued with after the plans changed today', async () => {
    before = await findCustomerBill(prisma(), alexId, 10002);
    await changePlan('internet', 'FIBER-2G');
    await changePlan('mobile', 'MOBILE-UNLIMITED-PLUS');
    const after = await findCustomerBill(prisma(), alexId, 10002);
    expect(after).toEqual(before);
    const internet = after?.charges.find((charge) => charge.chargeType === 'recurring' && charge.serviceType === 'internet');
    const mobile = after?.charges.find((charge) => charge.chargeType === 'recurring' && charge.serviceType === 'mobile');
    expect([internet?.productName, internet?.amount]).toEqual(['Fiber 1 Gig', '65.00']);
    expect([mobile?.productName, mobile?.amount]).toEqual(['Mobile Unlimited', '55.00']);
  });

  it('keeps the explanation and the charge a dispute finds on the issued names', async () => {
    const previous = await findCustomerBill(prisma(), alexId, 10002);
    const latest = await findCustomerBill(prisma(), alexId, 10003);
    if (!previous || !latest) throw new Error('Alex has INV-10002 and INV-10003');
    const changes = compareBills(latest, previous);
    expect(JSON.stringify(changes, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value))).not.toMatch(/Fiber 2 Gig|Unlimited Plus/);
    expect(matchCharge('the fiber 1 gig charge', undefined, previous.charges).charge?.productName).toBe('Fiber 1 Gig');
  });

  it('stores the offering and the period a monthly charge covers on the line', async () => {
    const bill = await prisma().bill.findFirstOrThrow({ where: { number: 10002 }, include: { charges: true } });
    const internet = bill.charges.find((charge) => charge.chargeType === 'recurring' && charge.serviceType === 'internet');
    expect([internet?.offeringCode, internet?.periodStart?.toISOString(), internet?.periodEnd?.toISOString()]).toEqual([
      'FIBER-1G',
      bill.periodStart.toISOString(),
      bill.periodEnd.toISOString(),
    ]);
    expect(bill.charges.filter((charge) => charge.chargeType === 'tax').every((charge) => charge.productName === null && charge.periodStart === null)).toBe(true);
  });

  it("backfills lines written before the columns existed from each line's own description, not the product's plan today", async () => {
    // As the rows were before the migration (the plan already changed since: Fiber 2 Gig today).
    await prisma().billCharge.updateMany({ data: { productName: null, offeringCode: null, serviceType: null, periodStart: null, periodEnd: null } });
    const migration = await readFile(new URL('../../prisma/migrations/20261206224442_bill_lines_as_issued/migration.sql', import.meta.url), 'utf8');
    const statements = migration.replace(/^--.*$/gm, '').split(/;\s*\n/).map((sql) => sql.trim());
    const backfill = statements.filter((sql) => sql.startsWith('UPDATE'));
    expect(backfill).toHaveLength(3);
    for (const sql of backfill) await prisma().$executeRawUnsafe(sql);
    const after = await findCustomerBill(prisma(), alexId, 10002);
    expect(after).toEqual(before);
    const unnamed = await prisma().billCharge.count({ where: { productId: { not: null }, productName: null } });
    expect(unnamed).toBe(0);
  });
});
