import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestEnv, type TestEnv } from '../support/service.ts';
import { fetchAsStaff } from '../support/staff.ts';
import { activeCustomers, getJson, placeOrder, textsTo, timelineOf, trackingSettings, type TestCustomer } from './fulfillment-support.ts';

// Fulfillment of product orders through the BullMQ flow, against real Redis and the test database,
// with the network simulator: landline goes through cleanly, mobile provisioning fails twice
// (transient) before it works, TV activation is refused for good (permanent).

let env: TestEnv;
let customers: TestCustomer[];

beforeAll(async () => {
  env = await startTestEnv({ env: trackingSettings({ NETWORK_SIM_FAILURES: 'provision.mobile:transient=1,activate.tv:permanent=1' }) });
  customers = await activeCustomers(env.database.db.prisma, 4);
});

afterAll(async () => {
  await env?.close();
});

function customer(index: number): TestCustomer {
  const found = customers[index];
  if (!found) throw new Error(`No test customer ${index}`);
  return found;
}

async function orderSettles(orderId: string, states: string[] = ['completed', 'partial', 'failed']) {
  return eventually(async () => {
    const order = await env.database.db.prisma.productOrder.findUniqueOrThrow({ where: { id: orderId }, include: { items: { include: { product: true } } } });
    return states.includes(order.state) ? order : undefined;
  }, `order ${orderId} to settle`, 20_000);
}

function steps(timeline: string[]): string[] {
  return timeline.filter((entry) => entry.startsWith('step:')).map((entry) => entry.slice('step:'.length));
}

describe('fulfillment', () => {
  it('takes an acknowledged order through every step, found by the sweep, and tells the customer at each milestone', async () => {
    const { prisma } = env.database.db;
    const alex = customer(0);
    const order = await placeOrder(prisma, alex, [{ offeringCode: 'HOME-PHONE' }], 'test-order-happy');
    const [itemId] = order.itemIds;

    const done = await orderSettles(order.id);
    expect(done.state).toBe('completed');
    expect(done.completionDate).not.toBeNull();
    const item = done.items[0];
    expect(item?.state).toBe('completed');
    // Inventory: a new active product on the line the network provisioned.
    expect(item?.product).toMatchObject({ status: 'active', serviceType: 'landline', customerId: alex.id });
    expect(item?.product?.serviceIdentifier).toMatch(/^\+1415\d{7}$/);

    expect(steps(await timelineOf(prisma, 'productOrder', order.id))).toEqual([
      'validate:completed',
      'reserve:completed',
      'provision:completed',
      'activate:completed',
      'test:completed',
      'complete:completed',
    ]);

    // The next cycle's bill carries the new monthly charge, once.
    const charges = await prisma.billCharge.findMany({ where: { idempotencyKey: `${itemId}-recurring` }, include: { bill: true } });
    expect(charges).toHaveLength(1);
    expect(charges[0]?.bill.state).toBe('new');
    expect(charges[0]?.amount.toFixed(2)).toBe(item?.recurringPrice.toFixed(2));

    const texts = await env.twilio.state.waitForMessages(alex.phone, 3);
    expect(texts.map((text) => text.body)).toEqual([
      expect.stringMatching(new RegExp(`^ORD-${order.number} is scheduled: we are setting up Home Phone`)),
      expect.stringMatching(/^Good news: Home Phone is now active/),
      expect.stringMatching(new RegExp(`^ORD-${order.number} is complete`)),
    ]);
    // The texts are in the contact log, linked to the order.
    const linked = await prisma.interactionItem.findMany({ where: { itemType: 'productOrder', itemId: order.id } });
    expect(linked).toHaveLength(3);
    expect(await prisma.auditEvent.count({ where: { action: 'product.activate', entityId: item?.productId ?? '' } })).toBe(1);

    // Asked by text, the order status dialog reads the order's state and its timeline's last update.
    const [status] = await env.converse(alex.phone, `status of ord-${order.number}`);
    expect(status).toMatch(new RegExp(`^ORD-${order.number} \\(Home Phone, placed .*\\): done\\. Completed .*\\. Latest \\(.*\\): ORD-${order.number} is complete`));
  });

  it('retries a transient provisioning failure with backoff, tells the customer of the delay, and completes', async () => {
    const { prisma } = env.database.db;
    const sam = customer(1);
    const order = await placeOrder(prisma, sam, [{ offeringCode: 'ADDON-EXTRA-DATA-10GB' }], 'test-order-transient');
    // Started at once, as the orders dialog can do, instead of waiting for the sweep.
    await env.service.queues.startOrder(order.id);

    const done = await orderSettles(order.id);
    expect(done.state).toBe('completed');
    const timeline = await timelineOf(prisma, 'productOrder', order.id);
    expect(timeline.filter((entry) => entry === 'attempt:provision:retrying')).toHaveLength(2);
    expect(steps(timeline)).toContain('provision:completed');
    const attempts = await prisma.timelineEvent.findMany({ where: { subjectId: order.id, kind: 'attempt' }, orderBy: { at: 'asc' } });
    expect(attempts.map((attempt) => attempt.attempt)).toEqual([1, 2]);
    expect(attempts[0]?.error).toMatch(/network_busy/);

    const texts = await env.twilio.state.waitForMessages(sam.phone, 4);
    expect(texts.map((text) => text.body)).toEqual([
      expect.stringMatching(/is scheduled/),
      expect.stringMatching(/taking a little longer than planned/),
      expect.stringMatching(/is now active/),
      expect.stringMatching(/is complete/),
    ]);
  });

  it('fails an item refused by the network, compensates what it did, completes the rest as partial and opens a ticket', async () => {
    const { prisma } = env.database.db;
    const who = customer(2);
    const order = await placeOrder(prisma, who, [{ offeringCode: 'HOME-PHONE' }, { offeringCode: 'TV-BASIC' }], 'test-order-partial');
    const [phoneItemId, tvItemId] = order.itemIds;

    const done = await orderSettles(order.id);
    expect(done.state).toBe('partial');
    const phone = done.items.find((item) => item.id === phoneItemId);
    const tv = done.items.find((item) => item.id === tvItemId);
    expect(phone?.state).toBe('completed');
    expect(tv?.state).toBe('failed');
    expect(tv?.stateReason).toMatch(/activate failed: network_refused/);
    // Reserved and provisioned, then refused at activation: released, and the product ended.
    expect(tv?.product?.status).toBe('terminated');
    const timeline = await timelineOf(prisma, 'productOrder', order.id);
    expect(timeline).toContain('step:compensate-release:compensated');
    expect(timeline).toContain('step:activate:failed');
    expect(await prisma.billCharge.count({ where: { idempotencyKey: `${tvItemId}-recurring` } })).toBe(0);

    const ticket = await prisma.troubleTicket.findFirstOrThrow({ where: { relatedOrderId: order.id } });
    expect(ticket).toMatchObject({ ticketType: 'orderFallout', customerId: who.id, workQueue: 'provisioning', status: 'acknowledged' });
    expect(ticket.description).toMatch(/TV Basic/);

    const texts = await env.twilio.state.waitForMessages(who.phone, 3);
    expect(texts.at(-1)?.body).toMatch(new RegExp(`partly done: Home Phone is ready, but we could not set up TV Basic.*TT-${ticket.number}`));
  });

  it('fails an order whose only item is refused, and tells the customer once', async () => {
    const { prisma } = env.database.db;
    const who = customer(3);
    const order = await placeOrder(prisma, who, [{ offeringCode: 'TV-BASIC' }], 'test-order-failed');
    const done = await orderSettles(order.id);
    expect(done.state).toBe('failed');
    expect(done.completionDate).toBeNull();
    const ticket = await prisma.troubleTicket.findFirstOrThrow({ where: { relatedOrderId: order.id } });
    await eventually(async () => (textsTo(env, who.phone).some((text) => text.startsWith('Sorry, we could not complete')) ? true : undefined), 'the failure text');
    // Sweeps keep running: nothing is texted or opened twice.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(textsTo(env, who.phone).filter((text) => text.includes(`TT-${ticket.number}`))).toHaveLength(1);
    expect(await prisma.troubleTicket.count({ where: { relatedOrderId: order.id } })).toBe(1);
  });

  it('fails a step refused for good at once, without retries, and still runs the order to completion', async () => {
    const { prisma } = env.database.db;
    const order = await prisma.productOrder.findFirstOrThrow({ where: { idempotencyKey: 'test-order-partial' }, include: { items: true } });
    const tvItem = order.items.find((item) => item.state === 'failed');
    if (!tvItem) throw new Error('no failed item');
    const fulfillment = env.service.queues.queue('fulfillment');
    const refused = await fulfillment.getJob(`${tvItem.id}-activate`);
    expect(await refused?.getState()).toBe('failed');
    expect(refused?.attemptsMade).toBe(1);
    expect(refused?.failedReason).toMatch(/failed the item for good/);
    // The chain's later step ran (and skipped), and so did the order's completion.
    expect(await (await fulfillment.getJob(`${tvItem.id}-test`))?.getState()).toBe('completed');
    expect(await (await fulfillment.getJob(`${order.id}-complete`))?.getState()).toBe('completed');
  });

  it('serves an order timeline by reference, with steps, attempts and messages', async () => {
    const { prisma } = env.database.db;
    const order = await prisma.productOrder.findFirstOrThrow({ where: { idempotencyKey: 'test-order-transient' } });
    const { status, body } = await getJson(`${env.service.url}/api/orders/ORD-${order.number}/timeline`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ productOrder: { id: order.id, reference: `ORD-${order.number}`, state: 'completed' } });
    const timeline = JSON.stringify(body);
    expect(timeline).toContain('"kind":"attempt"');
    expect(timeline).toContain('"name":"sent"');
    expect((await getJson(`${env.service.url}/api/orders/ORD-999999/timeline`)).status).toBe(404);
  });

  it('shows every queue on the dashboard and its job counts in /metrics', async () => {
    const page = await fetchAsStaff(`${env.service.url}/admin/queues`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/html/);
    const { status, body } = await getJson(`${env.service.url}/admin/queues/api/queues`);
    expect(status).toBe(200);
    const names = JSON.stringify(body);
    for (const queue of ['turns', 'deliveries', 'fulfillment', 'assurance', 'adjustments', 'customer-updates', 'tracking-sweep']) expect(names).toContain(`"${queue}"`);

    const metrics = await (await fetch(`${env.service.url}/metrics`)).text();
    for (const queue of ['fulfillment', 'assurance', 'adjustments', 'customer-updates']) {
      for (const state of ['waiting', 'active', 'failed', 'delayed']) expect(metrics).toContain(`telcobot_queue_jobs{queue="${queue}",state="${state}"}`);
    }
    expect(metrics).toMatch(/telcobot_queue_jobs\{queue="fulfillment",state="completed"\} [1-9]/);
  });
});
