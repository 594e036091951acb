import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingConsoleEvents } from '../../src/domain/agents/console-events.ts';
import { agentsResponse, conversationResponse, inboxResponse, ownershipResponse, routingProfileResponse, routingProfilesResponse, type ConversationCard } from '../../src/http/console/agent-api-schemas.ts';
import { ALEX, SAM, eventually, startTestEnv, type TestEnv } from '../support/service.ts';
import { createStaffUser, signInStaff, type SignedInStaff } from '../support/staff.ts';

// Two paths through the agent desk over the real entry points: a transfer (the owning agent to a
// named agent, who accepts, then on to another queue), and the credit-above-limit trigger (a
// customer disputes a charge for more than an agent may approve: the bot records the request and
// puts the conversation in the billing queue for a person, with the request in the packet); and
// the routing profiles supervisors set (skills and capacity per channel).

const ALL_DAY = 'billing=00:00-24:00,technical=00:00-24:00,sales_retention=00:00-24:00,general=00:00-24:00';
const API = '/console/api/agent';

let env: TestEnv;
const events = new RecordingConsoleEvents();
let first: SignedInStaff;
let second: SignedInStaff;
let supervisor: SignedInStaff;

async function call(staff: SignedInStaff, path: string, body?: unknown, method = body === undefined ? 'GET' : 'POST') {
  const response = await staff.request(`${API}${path}`, { method, ...(body === undefined ? {} : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }) });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as unknown) : null };
}

const presence = async (staff: SignedInStaff, status: 'available' | 'away') => expect((await call(staff, '/presence', { status }, 'PUT')).status).toBe(200);
const inbox = async (staff: SignedInStaff) => inboxResponse.parse((await call(staff, '/inbox')).json);

beforeAll(async () => {
  env = await startTestEnv({
    consoleEvents: events,
    env: {
      AGENT_STAFFED_HOURS: ALL_DAY,
      AGENT_OFFER_TIMEOUT: '10m',
      AGENT_SWEEP_INTERVAL: '1h',
      // Credits up to $25 by policy, up to $30 by an agent; no one-time code below $100.
      ADJUSTMENT_AUTO_APPROVE_LIMIT: '25.00',
      STAFF_AGENT_APPROVAL_LIMIT: '30.00',
      ADJUSTMENT_OTP_THRESHOLD: '100.00',
    },
  });
  const signIn = async (role: 'agent' | 'supervisor') => signInStaff(env.service.url, await createStaffUser(env.database.db, { role }));
  [first, second, supervisor] = [await signIn('agent'), await signIn('agent'), await signIn('supervisor')];
  // Both agents have opened the console (a presence row), and wait away until a test needs them.
  await presence(first, 'away');
  await presence(second, 'away');
}, 180_000);

afterAll(async () => {
  await env?.close();
});

describe('transfer', () => {
  it('the owner passes the conversation to a named agent with a note; that agent accepts and moves it on to another queue', async () => {
    await presence(first, 'available');
    await env.converse(SAM, 'can I talk to someone about my data plan, a real person please');
    const offer = await eventually<ConversationCard>(async () => (await inbox(first)).offeredToMe[0], 'the offer to the first agent');
    const accepted = ownershipResponse.parse((await call(first, `/conversations/${offer.conversationId}/accept`, { version: offer.version })).json).conversation;
    await presence(first, 'away');
    const id = accepted.conversationId;

    // Refusals first: someone who does not own it, to oneself, to nobody, without a note, to a queue that does not exist.
    expect(await call(second, `/conversations/${id}/transfer`, { version: accepted.version, to: { kind: 'queue', queue: 'technical' }, note: 'mine now' })).toMatchObject({ status: 403, json: { error: { code: 'not_conversation_owner' } } });
    expect(await call(first, `/conversations/${id}/transfer`, { version: accepted.version, to: { kind: 'agent', staffId: first.staff.id }, note: 'to me' })).toMatchObject({ status: 400, json: { error: { code: 'transfer_to_self' } } });
    expect(await call(first, `/conversations/${id}/transfer`, { version: accepted.version, to: { kind: 'agent', staffId: supervisor.staff.id }, note: 'to a supervisor who never opened the desk' })).toMatchObject({ status: 400, json: { error: { code: 'unknown_agent' } } });
    expect(await call(first, `/conversations/${id}/transfer`, { version: accepted.version, to: { kind: 'queue', queue: 'technical' }, note: '  ' })).toMatchObject({ status: 400 });
    expect(await call(first, `/conversations/${id}/transfer`, { version: accepted.version, to: { kind: 'queue', queue: 'plumbing' }, note: 'x' })).toMatchObject({ status: 400 });
    expect(await call(first, `/conversations/${id}/transfer`, { version: accepted.version - 1, to: { kind: 'queue', queue: 'technical' }, note: 'stale' })).toMatchObject({ status: 409, json: { error: { code: 'stale_version' } } });

    // To the second agent: offered to them (even while away: a named transfer is a direct offer), with the note.
    const toAgent = await call(first, `/conversations/${id}/transfer`, { version: accepted.version, to: { kind: 'agent', staffId: second.staff.id }, note: 'Sam wants a bigger data plan; sales question' });
    expect(toAgent.status).toBe(200);
    const offered = ownershipResponse.parse(toAgent.json).conversation;
    expect(offered).toMatchObject({ state: 'offered', offeredToStaffId: second.staff.id, ownerStaffId: null });
    expect(events.ofType('conversation.transferred').find((event) => event.conversationId === id)).toMatchObject({ fromStaffId: first.staff.id, to: { kind: 'agent', staffId: second.staff.id } });
    expect((await inbox(second)).offeredToMe.map((card) => card.conversationId)).toContain(id);
    expect((await inbox(first)).mine.map((card) => card.conversationId)).not.toContain(id);
    // The first agent can no longer reply.
    expect((await call(first, `/conversations/${id}/replies`, { text: 'still here', clientMessageId: 'client-message-1' })).status).toBe(403);
    const taken = ownershipResponse.parse((await call(second, `/conversations/${id}/accept`, { version: offered.version })).json).conversation;
    expect(taken).toMatchObject({ state: 'agent', ownerStaffId: second.staff.id });
    const opened = conversationResponse.parse((await call(second, `/conversations/${id}`)).json);
    expect(opened.transcript.some((entry) => entry.kind === 'note' && entry.text === 'Transfer note: Sam wants a bigger data plan; sales question')).toBe(true);

    // On to the sales and retention queue: waiting there, nobody's.
    const toQueue = await call(second, `/conversations/${id}/transfer`, { version: taken.version, to: { kind: 'queue', queue: 'sales_retention' }, note: 'Retention offer needed' });
    expect(toQueue.status).toBe(200);
    expect(ownershipResponse.parse(toQueue.json).conversation).toMatchObject({ state: 'queued', queue: 'sales_retention', ownerStaffId: null, offeredToStaffId: null });
    expect((await inbox(second)).mine.map((card) => card.conversationId)).not.toContain(id);

    const log = await env.database.db.prisma.ownershipEvent.findMany({ where: { conversationId: id }, orderBy: { version: 'asc' } });
    expect(log.map((entry) => [entry.toState, entry.reason])).toEqual([
      ['queued', expect.any(String)],
      ['offered', expect.any(String)],
      ['agent', expect.any(String)],
      ['offered', 'transferred'],
      ['agent', expect.any(String)],
      ['queued', 'transferred'],
    ]);
    expect(log.filter((entry) => entry.reason === 'transferred').map((entry) => [entry.actorId, entry.note])).toEqual([
      [first.staff.id, 'Sam wants a bigger data plan; sales question'],
      [second.staff.id, 'Retention offer needed'],
    ]);
    const latest = await env.database.db.prisma.conversationOwner.findUniqueOrThrow({ where: { conversationId: id } });
    const closed = await call(supervisor, `/conversations/${id}/close`, { version: latest.version });
    expect(closed.status).toBe(200);
  });
});

describe('a credit above the agent approval limit', () => {
  it('is recorded pending and the conversation waits in the billing queue with the request in the packet', async () => {
    const replies = await env.converse(ALEX, 'you charged me for the mesh wifi extender setup and the installer never even showed up', 1);
    expect(replies[0]).toMatch(/^I'll ask for a \$49\.00 credit on INV-\d+ for Mesh Wi-Fi Extender setup/);
    const [recorded, handedOff] = await env.converse(ALEX, 'yes', 2);
    expect(recorded).toMatch(/^Thanks\. I've passed your \$49\.00 credit request \(ADJ-\d+\) to our billing team/);
    expect(handedOff).toMatch(/^I'm passing you to our billing team. You're number 1 in line/);
    const reference = /ADJ-\d+/.exec(recorded ?? '')?.[0];
    if (!reference) throw new Error('no reference in the reply');

    const card = await eventually(async () => (await inbox(supervisor)).queued.find((entry) => entry.customer?.name === 'Alex Morgan'), 'Alex in the queue');
    expect(card).toMatchObject({ queue: 'billing', reason: 'adjustment_over_limit', state: 'queued' });
    const adjustment = await env.database.db.prisma.billAdjustment.findFirstOrThrow({ where: { number: Number(reference.slice(4)) } });
    expect(adjustment).toMatchObject({ status: 'pending' });
    const { packet } = conversationResponse.parse((await call(supervisor, `/conversations/${card.conversationId}`)).json);
    expect(packet).toMatchObject({ reason: 'adjustment_over_limit', intent: 'bill.dispute', who: { name: 'Alex Morgan' } });
    expect(packet?.collected).toMatchObject({ adjustment: reference, amount: '$49.00' });
    expect(packet?.open.disputes.map((dispute) => dispute.reference)).toContain(reference);
    expect(packet?.suggestedNextStep).toMatch(new RegExp(`Review ${reference} .*supervisor`));
    // While it waits for a person the bot stays silent.
    const before = env.twilio.state.messagesTo(ALEX).length;
    expect((await env.sms(ALEX, 'hello?? anyone there')).status).toBe(200);
    await eventually(async () => ((await env.database.db.prisma.interaction.findFirst({ where: { fromAddress: ALEX, text: 'hello?? anyone there', status: 'handled' } })) ? true : undefined), 'the message handled');
    expect(env.twilio.state.messagesTo(ALEX).length).toBe(before);
  });
});

describe('routing profiles (skills and capacity per agent)', () => {
  it('a supervisor sets an agent’s queues and capacities; agents may not; bad input is refused; routing follows at once', async () => {
    const profileUrl = (staffId: string) => `/agents/${staffId}/routing`;
    const listed = routingProfilesResponse.parse((await call(supervisor, '/routing-profiles')).json);
    expect(listed.profiles.map((profile) => profile.staffId)).toEqual(expect.arrayContaining([first.staff.id, second.staff.id, supervisor.staff.id]));
    expect(listed.defaults.sms).toBeGreaterThan(0);

    const body = { skills: ['technical'], capacity: { sms: 2, webchat: null, voice: 0 } };
    expect(await call(first, profileUrl(second.staff.id), body, 'PUT')).toMatchObject({ status: 403, json: { error: { code: 'staff_role_forbidden' } } });
    expect(await call(supervisor, profileUrl(second.staff.id), { skills: ['plumbing'], capacity: body.capacity }, 'PUT')).toMatchObject({ status: 400 });
    expect(await call(supervisor, profileUrl(second.staff.id), { skills: [], capacity: { sms: -1, webchat: null, voice: null } }, 'PUT')).toMatchObject({ status: 400 });
    expect(await call(supervisor, profileUrl(second.staff.id), { skills: [] }, 'PUT')).toMatchObject({ status: 400 });
    expect(await call(supervisor, profileUrl('00000000-0000-4000-8000-000000000000'), body, 'PUT')).toMatchObject({ status: 404, json: { error: { code: 'staff_not_found' } } });
    const marketer = await createStaffUser(env.database.db, { role: 'marketer' });
    expect(await call(supervisor, profileUrl(marketer.id), body, 'PUT')).toMatchObject({ status: 400, json: { error: { code: 'not_an_agent' } } });

    const saved = await call(supervisor, profileUrl(second.staff.id), body, 'PUT');
    expect(saved.status).toBe(200);
    expect(routingProfileResponse.parse(saved.json).profile).toMatchObject({ staffId: second.staff.id, skills: ['technical'], capacity: { sms: 2, webchat: null, voice: 0 } });
    expect(await env.database.db.prisma.auditEvent.findFirst({ where: { action: 'agent.routing.updated', entityId: second.staff.id } })).toMatchObject({ actorType: 'staff', actorId: supervisor.staff.id });
    // The presence view reports the new capacity (the default where none is set).
    const agents = agentsResponse.parse((await call(first, '/agents')).json).agents;
    expect(agents.find((agent) => agent.staffId === second.staff.id)).toMatchObject({ skills: ['technical'], capacity: { sms: 2, webchat: listed.defaults.webchat, voice: 0 } });

    // Routing follows: a request for a person (the general queue) is not offered to an agent who serves only technical.
    await presence(second, 'available');
    await presence(first, 'away');
    await env.converse('+15551230004', 'can I please talk to a person');
    const waiting = await eventually(async () => (await inbox(supervisor)).queued.find((card) => card.address === '+15551230004'), 'the conversation queued');
    expect(waiting).toMatchObject({ queue: 'general', offeredToStaffId: null });
    expect((await inbox(second)).offeredToMe).toEqual([]);
    // Every queue, and room for both waiting SMS conversations: it is offered at once.
    expect((await call(supervisor, profileUrl(second.staff.id), { skills: [], capacity: { sms: 5, webchat: null, voice: null } }, 'PUT')).status).toBe(200);
    await eventually(async () => (await inbox(second)).offeredToMe.find((card) => card.conversationId === waiting.conversationId), 'the offer to the agent');
    await presence(second, 'away');
  });
});
