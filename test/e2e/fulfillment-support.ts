import type { OrderItemAction, PrismaClient, TimelineSubject } from '../../src/generated/prisma/client.ts';
import type { TestEnv } from '../support/service.ts';
import { fetchAsStaff } from '../support/staff.ts';

// Helpers for the tracking tests (fulfillment, assurance, adjustments): short durations, requests
// created the way the dialogs create them, and reading back timelines and texts.

/** Settings for a service whose tracking runs fast: short sweeps, lock and backoff; no quiet hours. */
export function trackingSettings(extra: Record<string, string> = {}): Record<string, string> {
  return {
    NETWORK_SIM_SEED: 'tracking-tests',
    NETWORK_SIM_LATENCY_MS: '5',
    NETWORK_SIM_FAILURES: 'provision:transient=0',
    TRACKING_WORKERS: 'true',
    TRACKING_SWEEP_MS: '200',
    TRACKING_BACKOFF_MS: '50',
    TRACKING_ATTEMPTS: '5',
    TRACKING_LOCK_MS: '1000',
    QUIET_HOURS_START: '00:00',
    QUIET_HOURS_END: '00:00',
    ...extra,
  };
}

export interface TestCustomer {
  id: string;
  phone: string;
  accountId: string;
  serviceArea: string | null;
}

/** Active customers with an active account and a phone, outside `excludeArea`, in phone order. */
export async function activeCustomers(prisma: PrismaClient, count: number, excludeArea?: string): Promise<TestCustomer[]> {
  const customers = await prisma.customer.findMany({
    where: {
      status: 'active',
      accounts: { some: { status: 'active' } },
      contactMedia: { some: { mediumType: 'phone', phoneNumber: { not: null } } },
      ...(excludeArea ? { NOT: { serviceArea: excludeArea } } : {}),
    },
    include: { accounts: { where: { status: 'active' }, take: 1 }, contactMedia: { where: { mediumType: 'phone' } } },
  });
  return customers
    .flatMap((customer) => {
      const phone = customer.contactMedia.find((medium) => medium.phoneNumber)?.phoneNumber;
      const account = customer.accounts[0];
      return phone && account ? [{ id: customer.id, phone, accountId: account.id, serviceArea: customer.serviceArea }] : [];
    })
    .sort((a, b) => a.phone.localeCompare(b.phone))
    .slice(0, count);
}

export interface PlacedOrder {
  id: string;
  number: number;
  itemIds: string[];
}

/** An acknowledged TMF622 order, as the orders domain leaves it for fulfillment. */
export async function placeOrder(prisma: PrismaClient, customer: TestCustomer, items: Array<{ offeringCode: string; action?: OrderItemAction; productId?: string }>, key: string): Promise<PlacedOrder> {
  const offerings = await prisma.productOffering.findMany({ where: { code: { in: items.map((item) => item.offeringCode) } } });
  const order = await prisma.productOrder.create({
    data: {
      customerId: customer.id,
      accountId: customer.accountId,
      state: 'acknowledged',
      category: 'new',
      description: 'Test order',
      channel: 'sms',
      expectedCompletionDate: new Date(Date.now() + 2 * 86_400_000),
      idempotencyKey: key,
      items: {
        create: items.map((item) => {
          const offering = offerings.find((candidate) => candidate.code === item.offeringCode);
          if (!offering) throw new Error(`No offering ${item.offeringCode}`);
          return { action: item.action ?? 'add', offeringId: offering.id, productId: item.productId ?? null, recurringPrice: offering.recurringPrice, oneTimePrice: offering.oneTimePrice };
        }),
      },
    },
    include: { items: { orderBy: { createdAt: 'asc' } } },
  });
  return { id: order.id, number: order.number, itemIds: order.items.map((item) => item.id) };
}

/** The subject's timeline events as "kind:name:outcome", oldest first. */
export async function timelineOf(prisma: PrismaClient, subjectType: TimelineSubject, subjectId: string): Promise<string[]> {
  const events = await prisma.timelineEvent.findMany({ where: { subjectType, subjectId }, orderBy: [{ at: 'asc' }, { id: 'asc' }] });
  return events.map((event) => `${event.kind}:${event.name}:${event.outcome ?? ''}`);
}

/** The texts the Twilio stand-in received for this number. */
export function textsTo(env: TestEnv, phone: string): string[] {
  return env.twilio.state.messagesTo(phone).map((message) => message.body);
}

/** GET a staff route as the demo admin. */
export async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetchAsStaff(url);
  return { status: response.status, body: await response.json() };
}

/** POST to a staff route as the demo admin (session cookie and CSRF header). */
export async function postJson(url: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetchAsStaff(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}
