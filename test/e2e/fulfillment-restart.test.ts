import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNetworkStandIn, type RunningNetworkStandIn } from '../support/network-standin.ts';
import { eventually, startTestEnv, type TestEnv } from '../support/service.ts';
import { activeCustomers, placeOrder, textsTo, timelineOf, trackingSettings } from './fulfillment-support.ts';

// A worker dies in the middle of an order's flow (while the network is activating a service) and
// another instance on the same database and Redis takes over: the flow completes exactly once.
// The network is the HTTP implementation against a stand-in that counts what it really did.

let network: RunningNetworkStandIn;
let env: TestEnv;

beforeAll(async () => {
  network = await startNetworkStandIn({ seed: 'restart', latencyMs: {}, failures: [], transientAttempts: 1 });
  env = await startTestEnv({
    env: trackingSettings({
      NETWORK_MODE: 'http',
      NETWORK_BASE_URL: network.baseUrl,
      // The dead worker's request never returns while the test runs.
      NETWORK_TIMEOUT_MS: '120000',
      NETWORK_RETRIES: '0',
    }),
  });
});

afterAll(async () => {
  await env?.close();
  await network?.close();
});

describe('fulfillment across a crash', () => {
  it('completes the flow once when the worker is killed during activation and another instance takes over', async () => {
    const { prisma } = env.database.db;
    const [who] = await activeCustomers(prisma, 1);
    if (!who) throw new Error('no customer');
    const held = network.hold('activate');
    const order = await placeOrder(prisma, who, [{ offeringCode: 'HOME-PHONE' }, { offeringCode: 'ADDON-EXTRA-DATA-10GB' }], 'restart-order');
    await env.service.queues.startOrder(order.id);

    await held.arrived;
    // The crash: this instance's tracking workers stop without finishing or failing their jobs.
    await env.service.queues.abandonWork();
    await env.restart();

    const done = await eventually(async () => {
      const row = await prisma.productOrder.findUniqueOrThrow({ where: { id: order.id }, include: { items: { include: { product: true } } } });
      return row.state === 'completed' ? row : undefined;
    }, 'the order to complete on the new instance', 30_000);

    // The held activation was asked again with the same idempotency key, and done once.
    const activations = network.requests.filter((request) => request.step === 'activate');
    expect(activations.length).toBeGreaterThan(order.itemIds.length);
    expect(new Set(activations.map((request) => request.idempotencyKey))).toEqual(new Set(order.itemIds.map((itemId) => `${itemId}-activate`)));
    expect(network.simulator.performed('activate')).toBe(order.itemIds.length);

    const timeline = await timelineOf(prisma, 'productOrder', order.id);
    expect(timeline.filter((entry) => entry === 'step:activate:completed')).toHaveLength(2);
    expect(timeline.filter((entry) => entry === 'step:complete:completed')).toHaveLength(1);
    expect(done.items.map((item) => item.product?.status)).toEqual(['active', 'active']);
    expect(await prisma.product.count({ where: { orderItems: { some: { orderId: order.id } } } })).toBe(2);
    for (const itemId of order.itemIds) expect(await prisma.billCharge.count({ where: { idempotencyKey: `${itemId}-recurring` } })).toBe(1);

    await eventually(async () => (textsTo(env, who.phone).length >= 4 ? true : undefined), 'the milestone texts');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const texts = textsTo(env, who.phone);
    expect(texts.filter((text) => text.includes('is scheduled'))).toHaveLength(1);
    expect(texts.filter((text) => text.includes('is now active'))).toHaveLength(2);
    expect(texts.filter((text) => text.includes('is complete'))).toHaveLength(1);
    expect(texts).toHaveLength(4);
  });
});
