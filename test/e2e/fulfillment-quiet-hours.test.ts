import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestEnv, type TestEnv } from '../support/service.ts';
import { activeCustomers, placeOrder, textsTo, trackingSettings, type TestCustomer } from './fulfillment-support.ts';

// Quiet hours are set around the current time: milestone texts wait (a delayed job for the end
// of the window), an urgent one (the order failed) goes at once. Staff routes are closed here
// (no development switch).

const TIME_ZONE = 'America/New_York';
let env: TestEnv;
let customers: TestCustomer[];

function localTime(offsetMinutes: number): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: TIME_ZONE, hour: 'numeric', minute: 'numeric', hourCycle: 'h23' }).formatToParts(new Date());
  const minutes = Number(parts.find((part) => part.type === 'hour')?.value) * 60 + Number(parts.find((part) => part.type === 'minute')?.value);
  const shifted = (((minutes + offsetMinutes) % 1440) + 1440) % 1440;
  return `${String(Math.floor(shifted / 60)).padStart(2, '0')}:${String(shifted % 60).padStart(2, '0')}`;
}

beforeAll(async () => {
  env = await startTestEnv({
    env: trackingSettings({
      OPERATOR_TIME_ZONE: TIME_ZONE,
      QUIET_HOURS_START: localTime(-60),
      QUIET_HOURS_END: localTime(180),
      NETWORK_SIM_FAILURES: 'activate.tv:permanent=1',
    }),
  });
  customers = await activeCustomers(env.database.db.prisma, 2);
});

afterAll(async () => {
  await env?.close();
});

describe('quiet hours', () => {
  it('holds milestone texts until quiet hours end, sends them once when their time comes, and sends urgent ones at once', async () => {
    const { prisma } = env.database.db;
    const [quiet, urgent] = customers;
    if (!quiet || !urgent) throw new Error('no customers');
    const order = await placeOrder(prisma, quiet, [{ offeringCode: 'HOME-PHONE' }], 'quiet-order');
    const failing = await placeOrder(prisma, urgent, [{ offeringCode: 'TV-BASIC' }], 'quiet-failing-order');

    await eventually(async () => ((await prisma.productOrder.findUniqueOrThrow({ where: { id: order.id } })).state === 'completed' ? true : undefined), 'the order to complete');
    const [failureText] = await env.twilio.state.waitForMessages(urgent.phone, 1);
    expect(failureText?.body).toMatch(new RegExp(`^Sorry, we could not complete ORD-${failing.number}`));

    const scheduled = await prisma.timelineEvent.findMany({ where: { subjectId: order.id, kind: 'message' }, orderBy: { at: 'asc' } });
    expect(scheduled.map((event) => [event.name, event.outcome])).toEqual([
      ['order.scheduled', 'scheduled'],
      ['order.activated', 'scheduled'],
      ['order.completed', 'scheduled'],
    ]);
    expect(textsTo(env, quiet.phone)).toEqual([]);
    const delayed = await env.service.queues.queue('customer-updates').getDelayed();
    const mine = delayed.filter((job) => scheduled.some((event) => job.id === `${event.stepKey ?? ''}-send`));
    expect(mine).toHaveLength(3);
    expect(mine.every((job) => job.delay > 60 * 60_000)).toBe(true);

    // The window ends (the delayed job is promoted): the text goes, once.
    const first = mine.find((job) => job.id === `${scheduled[0]?.stepKey ?? ''}-send`);
    await first?.promote();
    const [sent] = await env.twilio.state.waitForMessages(quiet.phone, 1);
    expect(sent?.body).toMatch(new RegExp(`^ORD-${order.number} is scheduled`));
    await eventually(async () => ((await prisma.timelineEvent.findFirstOrThrow({ where: { id: scheduled[0]?.id ?? '' } })).outcome === 'sent' ? true : undefined), 'the event to read sent');
    const queue = env.service.queues.queue('customer-updates');
    const done = await eventually(async () => {
      const job = await queue.getJob(first?.id ?? '');
      return job?.finishedOn ? job : undefined;
    }, 'the promoted job to finish');
    expect(done.returnvalue).toEqual({ sent: true });
    await done.retry('completed');
    const again = await eventually(async () => {
      const job = await queue.getJob(first?.id ?? '');
      return job?.finishedOn && job.finishedOn > (done.finishedOn ?? 0) ? job : undefined;
    }, 'the retried job to finish');
    expect(again.returnvalue).toEqual({ sent: false });
    expect(textsTo(env, quiet.phone)).toHaveLength(1);
  });

  it('keeps the staff routes and the queue dashboard closed without a staff sign-in', async () => {
    for (const path of ['/admin/queues', '/api/orders/ORD-1/timeline', '/api/tickets/TT-1/timeline']) {
      const response = await fetch(`${env.service.url}${path}`);
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: { code: 'staff_sign_in_required' } });
    }
  });
});
