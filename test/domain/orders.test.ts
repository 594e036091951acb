import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CUSTOMERS_IN_ARREARS } from '../../src/domain/demo/demo-data.ts';
import { loadCustomerHoldings } from '../../src/domain/orders/customer-holdings.ts';
import { formatOrderReference, parseOrderReference } from '../../src/domain/references.ts';
import {
  checkOrderEligibility,
  describeOrderState,
  findCustomerOrder,
  LEAD_DAYS,
  listRecentOrders,
  placeProductOrder,
  type PlaceProductOrderRequest,
} from '../../src/domain/orders/product-orders.service.ts';
import { createDemoDatabase, type DemoDatabase } from '../support/demo-database.ts';

// The orders domain against a real (embedded or server) database with the demo data.

let database: DemoDatabase;
let alexId: string;
let samId: string;
let arrearsId: string;

beforeAll(async () => {
  database = await createDemoDatabase();
  alexId = await database.customerId('+15551230001');
  samId = await database.customerId('+15551230002');
  const [arrears] = DEMO_CUSTOMERS_IN_ARREARS;
  if (!arrears) throw new Error('no demo customer in arrears');
  arrearsId = await database.customerId(arrears.phoneNumber);
});

afterAll(async () => {
  await database?.drop();
});

const prisma = () => database.db.prisma;

function request(overrides: Partial<PlaceProductOrderRequest>): PlaceProductOrderRequest {
  return { customerId: alexId, offeringCode: 'ADDON-MOVIES', channel: 'sms', idempotencyKey: `order-${crypto.randomUUID()}`, ...overrides };
}

describe('order references', () => {
  it('formats ORD-<number> and reads it back in any case', () => {
    expect(formatOrderReference(100001)).toBe('ORD-100001');
    expect(parseOrderReference('ord-100001')).toBe(100001);
    expect(parseOrderReference('ORD 100001')).toBe(100001);
    expect(parseOrderReference('Ord#100001')).toBe(100001);
    expect(parseOrderReference('100001')).toBeUndefined();
    expect(parseOrderReference('TT-100001')).toBeUndefined();
  });
});

describe('placing orders', () => {
  it('places an acknowledged TMF622 order priced from the catalog, audited, once per key', async () => {
    const now = new Date('2026-03-02T15:00:00Z');
    const first = await placeProductOrder(prisma(), request({ offeringCode: 'FIBER-2G', idempotencyKey: 'order-domain-1', now, correlationId: 'corr-1' }));
    if (first.status !== 'created') throw new Error(`expected a new order, got ${first.status}`);
    const { order } = first;
    expect(order.reference).toMatch(/^ORD-\d{6,}$/);
    expect(order).toMatchObject({ state: 'acknowledged', category: 'change', channel: 'sms', description: 'Change Fiber 1 Gig to Fiber 2 Gig' });
    expect(order.items).toEqual([expect.objectContaining({ action: 'modify', offeringCode: 'FIBER-2G', state: 'acknowledged', recurringPrice: '95.00', oneTimePrice: '99.00' })]);
    expect(order.expectedCompletionDate?.getTime()).toBe(now.getTime() + LEAD_DAYS.internet.change * 86_400_000);

    const row = await prisma().productOrder.findUniqueOrThrow({ where: { id: order.id }, include: { items: { include: { product: { include: { offering: true } } } } } });
    expect(row.idempotencyKey).toBe('order-domain-1');
    expect(row.items[0]?.product?.offering.code).toBe('FIBER-1G');
    expect(row.items[0]?.recurringPrice.toFixed(2)).toBe('95.00');

    const again = await placeProductOrder(prisma(), request({ offeringCode: 'FIBER-2G', idempotencyKey: 'order-domain-1', now }));
    expect(again).toMatchObject({ status: 'existing', order: { id: order.id } });
    expect(await prisma().productOrder.count({ where: { idempotencyKey: 'order-domain-1' } })).toBe(1);

    const audit = await prisma().auditEvent.findMany({ where: { entityType: 'productOrder', entityId: order.id } });
    expect(audit).toEqual([expect.objectContaining({ action: 'productOrder.create', actorType: 'customer', actorId: alexId, correlationId: 'corr-1' })]);
  });

  it('places one order when the same key arrives twice at once', async () => {
    const key = 'order-domain-race';
    const outcomes = await Promise.all([0, 1].map(() => placeProductOrder(prisma(), request({ offeringCode: 'ADDON-DEVICE-PROTECT', idempotencyKey: key }))));
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['created', 'existing']);
    expect(await prisma().productOrder.count({ where: { idempotencyKey: key } })).toBe(1);
  });

  it('refuses, and writes nothing, when the rules say no', async () => {
    const before = await prisma().productOrder.count();
    const duplicate = await placeProductOrder(prisma(), request({ offeringCode: 'FIBER-2G' }));
    expect(duplicate).toMatchObject({ status: 'refused', refusal: { reason: 'alreadyOrdered' } });
    const arrears = await placeProductOrder(prisma(), request({ customerId: arrearsId, offeringCode: 'HOME-PHONE' }));
    expect(arrears).toMatchObject({ status: 'refused', refusal: { reason: 'arrears', overdueBill: { reference: expect.stringMatching(/^INV-\d+$/) } } });
    expect(await placeProductOrder(prisma(), request({ offeringCode: 'NO-SUCH-OFFER' }))).toEqual({ status: 'unknownOffering' });
    expect(await prisma().productOrder.count()).toBe(before);
  });

  it('reads what the customer holds: products, open orders, overdue bills', async () => {
    const holdings = await loadCustomerHoldings(prisma(), alexId, new Date());
    expect(holdings?.products.map((product) => product.offeringCode).sort()).toEqual(['ADDON-MESH-WIFI', 'ADDON-SPORTS', 'FIBER-1G', 'MOBILE-UNLIMITED', 'TV-MAX']);
    expect(holdings?.openOrders.flatMap((order) => order.offeringCodes)).toContain('FIBER-2G');
    expect(holdings?.overdueBills).toEqual([]);
    expect((await loadCustomerHoldings(prisma(), arrearsId, new Date()))?.overdueBills.length).toBeGreaterThan(0);
    expect(await checkOrderEligibility(prisma(), samId, 'ADDON-EXTRA-DATA-10GB', {}, new Date())).toMatchObject({ eligible: true, action: 'add', category: 'new' });
  });
});

describe('order status', () => {
  it("finds only the customer's own orders, open ones first", async () => {
    const [latest] = await listRecentOrders(prisma(), alexId);
    if (!latest) throw new Error('Alex has no orders');
    const number = parseOrderReference(latest.reference) ?? 0;
    expect(await findCustomerOrder(prisma(), alexId, number)).toMatchObject({ id: latest.id });
    expect(await findCustomerOrder(prisma(), samId, number)).toBeNull();
    expect(await listRecentOrders(prisma(), samId)).toEqual([]);
  });

  it('says every TMF622 state in plain words', () => {
    const states = ['acknowledged', 'rejected', 'pending', 'held', 'inProgress', 'cancelled', 'completed', 'failed', 'partial', 'assessingCancellation', 'pendingCancellation', 'draft'] as const;
    const words = states.map(describeOrderState);
    expect(new Set(words).size).toBe(states.length);
    for (const text of words) expect(text).not.toMatch(/[A-Z]/);
  });
});
