import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationResponse, inboxResponse } from '../../src/http/console/agent-api-schemas.ts';
import { ALEX, SAM, eventually, startTestEnv, type TestEnv } from '../support/service.ts';
import { createStaffUser, signInStaff, type SignedInStaff } from '../support/staff.ts';

// The triggers that put a customer with a person without them asking, through the real SMS
// webhook, queues and dialogs: a cancellation the customer insists on, and a complaint from a
// customer the stored churn score says is at high risk of leaving. A low-risk complaint is
// acknowledged, logged and offered a person.

const ALL_DAY = 'billing=00:00-24:00,technical=00:00-24:00,sales_retention=00:00-24:00,general=00:00-24:00';
const API = '/console/api/agent';
const THIRD = '+15551230003';

let env: TestEnv;
let supervisor: SignedInStaff;

const inbox = async () => inboxResponse.parse(await (await supervisor.request(`${API}/inbox`)).json());
const customerIdOf = async (phone: string) => (await env.database.db.prisma.contactMedium.findFirstOrThrow({ where: { phoneNumber: phone } })).customerId;

beforeAll(async () => {
  env = await startTestEnv({ env: { AGENT_STAFFED_HOURS: ALL_DAY, AGENT_SWEEP_INTERVAL: '1h' } });
  supervisor = await signInStaff(env.service.url, await createStaffUser(env.database.db, { role: 'supervisor' }));
}, 180_000);

afterAll(async () => {
  await env?.close();
});

describe('a cancellation the customer insists on', () => {
  it('the retention offer comes first and the held request is opened; insisting after it puts a person on it', async () => {
    expect(await env.converse(ALEX, 'cancel my internet, its way too expensive')).toEqual([expect.stringMatching(/^Before you go: I can switch your internet to Fiber 300/)]);
    expect(await env.converse(ALEX, 'no')).toEqual([expect.stringMatching(/^OK\. Shall I ask our team to cancel your internet/)]);
    const [done = ''] = await env.converse(ALEX, 'yes');
    const reference = /ORD-\d+/.exec(done)?.[0];
    expect(done).toMatch(/^Done: your cancellation request is ORD-\d+\./);
    // Insisting: the request is pointed to and a person takes it, with it in the packet.
    const replies = await env.converse(ALEX, 'just cancel my internet already!! i dont want to wait for a call', 2);
    expect(replies).toEqual([`You've already asked us to cancel your internet: ${reference}.`, expect.stringMatching(/I'm passing you to our sales team\./)]);
    const card = await eventually(async () => (await inbox()).queued.find((entry) => entry.address === ALEX), 'Alex in the queue');
    expect(card).toMatchObject({ queue: 'sales_retention', reason: 'cancellation_insisted' });
    const { packet } = conversationResponse.parse(await (await supervisor.request(`${API}/conversations/${card.conversationId}`)).json());
    expect(packet).toMatchObject({ reason: 'cancellation_insisted', intent: 'service.cancel', collected: { cancellation: reference } });
    expect(packet?.suggestedNextStep).toMatch(new RegExp(`agree the date of ${reference}`));
    // Still one cancellation request.
    expect(await env.database.db.prisma.productOrder.count({ where: { category: 'cancellation', customerId: await customerIdOf(ALEX) } })).toBe(1);
  });
});

describe('a complaint', () => {
  it('from a customer at high risk of leaving goes to the retention team at a raised priority', async () => {
    const customerId = await customerIdOf(SAM);
    // The churn scorer's stored verdict (as the nightly and event sweeps write it).
    await env.database.db.prisma.churnScore.create({
      data: {
        customerId,
        score: 82,
        probability: 0.82,
        band: 'high',
        reasons: [
          { code: 'faults90', text: '3 faults in 90 days', points: 40 },
          { code: 'billJump', text: 'latest bill 40% above the usual', points: 20 },
        ],
        features: {},
        modelVersion: 'test',
        trigger: 'manual',
      },
    });
    const [told] = await env.converse(SAM, 'I want to make a complaint. third time this month my phone has had no signal for a whole day and your store just shrugged');
    expect(told).toMatch(/I'm passing you to our sales team\./);
    const card = await eventually(async () => (await inbox()).queued.find((entry) => entry.address === SAM), 'Sam in the queue');
    expect(card).toMatchObject({ queue: 'sales_retention', reason: 'complaint_high_churn' });
    // Churn high (+30) and the complaint (+10) on top of the wait.
    expect(card.priority).toBeGreaterThanOrEqual(40);
    const { packet } = conversationResponse.parse(await (await supervisor.request(`${API}/conversations/${card.conversationId}`)).json());
    expect(packet).toMatchObject({ reason: 'complaint_high_churn', intent: 'complaint', churnRisk: { band: 'high' } });
    expect(packet?.collected['complaint']).toMatch(/^I want to make a complaint\. third time this month/);
    expect(await env.database.db.prisma.auditEvent.findFirst({ where: { action: 'customer.complaint', actorId: customerId } })).toMatchObject({ details: expect.objectContaining({ churnBand: 'high' }) });
  });

  it('from a low-risk customer is acknowledged and logged, and a person offered', async () => {
    const [told] = await env.converse(THIRD, 'how do i complain about your installer?? he left cables all over my living room floor');
    expect(told).toMatch(/^I'm sorry about this\. I've logged your complaint in your own words, so our team can see it\. Would you like a person to take it up with you now\?/);
    const logged = await env.database.db.prisma.interaction.findFirstOrThrow({ where: { fromAddress: THIRD, direction: 'inbound' }, orderBy: { createdAt: 'desc' } });
    expect(logged.reason).toBe('complaint.logged');
    expect(await env.database.db.prisma.auditEvent.count({ where: { action: 'customer.complaint', entityId: logged.id } })).toBe(1);
    expect((await inbox()).queued.find((entry) => entry.address === THIRD)).toBeUndefined();
    expect(await env.converse(THIRD, 'no, just make sure someone reads it')).toEqual([expect.stringMatching(/^OK, your complaint stays logged/)]);
  });
});
