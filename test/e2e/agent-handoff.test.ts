import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingConsoleEvents } from '../../src/domain/agents/console-events.ts';
import { cannedRepliesResponse, conversationResponse, inboxResponse, transcriptResponse, ownershipResponse, replyResponse, wallboardResponse, type ConversationCard } from '../../src/http/console/agent-api-schemas.ts';
import { ALEX, eventually, startTestEnv, type TestEnv } from '../support/service.ts';
import { createStaffUser, signInStaff, type SignedInStaff } from '../support/staff.ts';
import { connectChat, generateToken, signUserToken, textOf } from '../support/webchat.ts';

// Handoff to a person and back, through the real entry points: the SMS webhook (Twilio's SDK
// against the stand-in), Direct Line for web chat, and the agent API behind staff sign-in.

const ALL_DAY = 'billing=00:00-24:00,technical=00:00-24:00,sales_retention=00:00-24:00,general=00:00-24:00';
const API = '/console/api/agent';

let env: TestEnv;
const events = new RecordingConsoleEvents();
let agentA: SignedInStaff;
let agentB: SignedInStaff;
let supervisor: SignedInStaff;
let marketer: SignedInStaff;

beforeAll(async () => {
  env = await startTestEnv({
    consoleEvents: events,
    env: { AGENT_STAFFED_HOURS: ALL_DAY, AGENT_OFFER_TIMEOUT: '8s', AGENT_SWEEP_INTERVAL: '1h', AGENT_CAPACITY_SMS: '3' },
  });
  const signIn = async (role: 'agent' | 'supervisor' | 'marketer') => signInStaff(env.service.url, await createStaffUser(env.database.db, { role }));
  [agentA, agentB, supervisor, marketer] = [await signIn('agent'), await signIn('agent'), await signIn('supervisor'), await signIn('marketer')];
}, 180_000);

afterAll(async () => {
  await env?.close();
});

async function call(staff: SignedInStaff, path: string, body?: unknown, method = body === undefined ? 'GET' : 'POST') {
  const response = await staff.request(`${API}${path}`, { method, ...(body === undefined ? {} : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }) });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as unknown) : null };
}

async function inbox(staff: SignedInStaff) {
  const answer = await call(staff, '/inbox');
  expect(answer.status).toBe(200);
  return inboxResponse.parse(answer.json);
}

async function setPresence(staff: SignedInStaff, status: 'available' | 'away' | 'offline') {
  expect((await call(staff, '/presence', { status }, 'PUT')).status).toBe(200);
}

async function offeredTo(staff: SignedInStaff, conversationId?: string): Promise<ConversationCard> {
  return eventually(async () => (await inbox(staff)).offeredToMe.find((card) => !conversationId || card.conversationId === conversationId), 'an offer');
}

/** The reason the turn recorded on the customer's message. */
async function handledReason(from: string, text: string) {
  return eventually(async () => {
    const found = await env.database.db.prisma.interaction.findFirst({ where: { fromAddress: from, text, status: 'handled' }, orderBy: { createdAt: 'desc' } });
    return found ? found.reason : undefined;
  }, `"${text}" to be handled`);
}

describe('handoff to a person on SMS', () => {
  it('queues, offers, lets the agent reply, keeps the bot silent (STOP still works), hands back and stores the CSAT answer', async () => {
    await setPresence(agentB, 'away');
    await setPresence(agentA, 'available');
    const [told] = await env.converse(ALEX, 'I want to talk to a real person');
    expect(told).toMatch(/^I'm passing you to our customer care team\. You're number 1 in line; the wait is about a minute\./);

    const offer = await offeredTo(agentA);
    expect(offer.state).toBe('offered');
    expect(offer.customer?.name).toBe('Alex Morgan');
    const conversationId = offer.conversationId;
    const acceptAnswer = await call(agentA, `/conversations/${conversationId}/accept`, { version: offer.version });
    expect(acceptAnswer.json).toMatchObject({ conversation: { state: 'agent' } });
    const accepted = ownershipResponse.parse(acceptAnswer.json);
    expect(accepted.conversation).toMatchObject({ state: 'agent', ownerStaffId: agentA.staff.id });

    // The packet comes first: who, what, the last messages, and a next step.
    const opened = conversationResponse.parse((await call(agentA, `/conversations/${conversationId}`)).json);
    expect(opened.packet).toMatchObject({ reason: 'customer_asked', who: { name: 'Alex Morgan', verified: true, verifiedBy: 'number-on-file' }, channel: 'sms' });
    expect(opened.packet?.lastMessages.map((message) => message.text)).toContain('I want to talk to a real person');
    expect(opened.packet?.suggestedNextStep).toBeTruthy();

    // The customer writes: no bot answer, the agent sees it (live event and unread count).
    const before = env.twilio.state.messagesTo(ALEX).length;
    expect((await env.sms(ALEX, 'my internet has been down since yesterday')).status).toBe(200);
    expect(await handledReason(ALEX, 'my internet has been down since yesterday')).toBe('agent.inbox');
    expect(events.ofType('conversation.message').some((event) => event.conversationId === conversationId && event.direction === 'inbound' && event.ownerStaffId === agentA.staff.id)).toBe(true);
    expect((await inbox(agentA)).mine.find((card) => card.conversationId === conversationId)?.unread).toBe(1);

    // Only the owner may reply; the reply goes out through the delivery path.
    const refused = await call(agentB, `/conversations/${conversationId}/replies`, { text: 'Hello from B', clientMessageId: randomUUID() });
    expect(refused.status).toBe(403);
    expect(refused.json).toMatchObject({ error: { code: 'not_conversation_owner' } });
    const reply = await call(agentA, `/conversations/${conversationId}/replies`, { text: 'Hi Alex, I am looking at your line now.', clientMessageId: randomUUID() });
    expect(reply.status).toBe(201);
    replyResponse.parse(reply.json);
    const delivered = await env.twilio.state.waitForMessages(ALEX, before + 1);
    expect(delivered.slice(before).map((message) => message.body)).toEqual(['Hi Alex, I am looking at your line now.']);

    // Notes stay internal; canned replies are filled for Alex; the transcript shows who wrote what and its delivery status.
    expect((await call(agentA, `/conversations/${conversationId}/notes`, { text: 'Checked the line test: fine.' })).status).toBe(201);
    const canned = cannedRepliesResponse.parse((await call(agentA, `/canned-replies?conversationId=${conversationId}`)).json);
    expect(canned.replies.find((entry) => entry.id === 'greeting')?.text).toMatch(/^Hi Alex, this is Test agent from Northwind Telecom\./);
    const { entries } = transcriptResponse.parse((await call(agentA, `/conversations/${conversationId}/transcript`)).json);
    const agentLine = entries.find((entry) => entry.text === 'Hi Alex, I am looking at your line now.');
    expect(agentLine).toMatchObject({ author: 'agent', staffId: agentA.staff.id, direction: 'outbound' });
    expect(agentLine?.deliveryStatus).not.toBe('pending');
    expect(entries.find((entry) => entry.kind === 'note')).toMatchObject({ text: 'Checked the line test: fine.', direction: 'internal' });
    expect(env.twilio.state.messagesTo(ALEX).some((message) => message.body.includes('line test'))).toBe(false);

    // STOP still works while a person owns the conversation, and the agent cannot text an opted-out number.
    expect(await env.converse(ALEX, 'STOP')).toEqual([expect.stringMatching(/unsubscribed/)]);
    const optedOut = await call(agentA, `/conversations/${conversationId}/replies`, { text: 'Are you there?', clientMessageId: randomUUID() });
    expect(optedOut.status).toBe(422);
    expect(optedOut.json).toMatchObject({ error: { code: 'recipient_opted_out' } });
    expect(await env.converse(ALEX, 'START')).toEqual([expect.stringMatching(/resubscribed/)]);

    // Hand back with a satisfaction question; the answer is stored and the bot is back.
    expect((await call(agentA, `/conversations/${conversationId}/read`, undefined, 'POST')).status).toBe(200);
    const current = conversationResponse.parse((await call(agentA, `/conversations/${conversationId}`)).json);
    expect(current.conversation.unread).toBe(0);
    const sentBefore = env.twilio.state.messagesTo(ALEX).length;
    const handedBack = await call(agentA, `/conversations/${conversationId}/hand-back`, { version: current.conversation.version, resume: { kind: 'csat' } });
    expect(handedBack.status).toBe(200);
    const question = await env.twilio.state.waitForMessages(ALEX, sentBefore + 1);
    expect(question.at(-1)?.body).toMatch(/Reply with a number from 1 \(poor\) to 5 \(great\)/);
    expect(await env.converse(ALEX, '4')).toEqual(['Thank you for rating us 4 out of 5. Text us anytime you need help.']);
    const csat = await env.database.db.prisma.csatResponse.findFirst({ where: { conversationId } });
    expect(csat).toMatchObject({ score: 4, staffId: agentA.staff.id });
    expect((await env.converse(ALEX, 'what do I owe'))[0]).toMatch(/\$/);

    // Every change is in the ownership log and the audit trail.
    const log = await env.database.db.prisma.ownershipEvent.findMany({ where: { conversationId }, orderBy: { version: 'asc' } });
    expect(log.map((entry) => entry.toState)).toEqual(['queued', 'offered', 'agent', 'bot']);
    expect(await env.database.db.prisma.auditEvent.count({ where: { entityType: 'conversation', entityId: conversationId, action: { startsWith: 'conversation.owner.' } } })).toBe(4);
    await setPresence(agentA, 'away');
  });

  it('an offer nobody accepts moves to the next agent by its delayed job', async () => {
    await setPresence(agentA, 'available');
    await setPresence(agentB, 'away');
    const customer = '+15551230002';
    await env.converse(customer, 'agent please');
    const first = await offeredTo(agentA);
    await setPresence(agentB, 'available');
    // Nobody answers agent A's offer: after AGENT_OFFER_TIMEOUT the job offers it to B.
    const second = await eventually(async () => (await inbox(agentB)).offeredToMe.find((card) => card.conversationId === first.conversationId), 'the offer to move to agent B', 40_000);
    expect(second.version).toBeGreaterThan(first.version);
    expect((await inbox(agentA)).offeredToMe.find((card) => card.conversationId === first.conversationId)).toBeUndefined();
    // A stale accept from A is refused; B's accept wins.
    const stale = await call(agentA, `/conversations/${first.conversationId}/accept`, { version: first.version });
    expect(stale.status).toBe(409);
    expect(stale.json).toMatchObject({ error: { code: 'stale_version' } });
    expect((await call(agentB, `/conversations/${first.conversationId}/accept`, { version: second.version })).status).toBe(200);
    const closed = await call(agentB, `/conversations/${first.conversationId}/close`, { version: second.version + 1 });
    expect(closed.status).toBe(200);
    await setPresence(agentA, 'away');
    await setPresence(agentB, 'away');
  });
});

describe('handoff to a person on web chat', () => {
  it('the agent claims from the queue, the visitor sees the reply, the bot stays silent, and the handback asks for a rating', async () => {
    const medium = await env.database.db.prisma.contactMedium.findFirstOrThrow({ where: { phoneNumber: ALEX } });
    const secret = env.config.webchat.userTokenSecret;
    if (!secret) throw new Error('test services have a web chat user token secret');
    const { token } = await generateToken(env.service.url, await signUserToken(secret, medium.customerId));
    const chat = connectChat(env.service.url, { token, webSocket: true });
    try {
      await chat.say('can I speak to an agent');
      expect(textOf(await chat.botMessage(0))).toMatch(/^I'm passing you to our customer care team/);
      const queued = await eventually(async () => (await inbox(agentB)).queued.find((card) => card.channel === 'webchat'), 'the chat in the queue');
      const claimed = await call(agentB, `/conversations/${queued.conversationId}/claim`, { version: queued.version });
      expect(claimed.status).toBe(200);
      // A second claim of the same conversation is refused.
      const again = await call(agentA, `/conversations/${queued.conversationId}/claim`, { version: queued.version });
      expect(again.status).toBe(409);

      await chat.say('my bill looks wrong');
      const reply = await call(agentB, `/conversations/${queued.conversationId}/replies`, { text: 'Let me check the bill for you.', clientMessageId: randomUUID() });
      expect(reply.status).toBe(201);
      expect(textOf(await chat.botMessage(1))).toBe('Let me check the bill for you.');
      expect(await env.database.db.prisma.interaction.count({ where: { conversationId: queued.conversationId, direction: 'outbound', reason: { notIn: ['agent.reply', 'agent.request'] } } })).toBe(0);

      const { conversation } = ownershipResponse.parse((await call(agentB, `/conversations/${queued.conversationId}`)).json);
      expect((await call(agentB, `/conversations/${queued.conversationId}/hand-back`, { version: conversation.version, resume: { kind: 'csat' } })).status).toBe(200);
      expect(textOf(await chat.botMessage(2))).toMatch(/How did we do\?/);
      await chat.say('5');
      expect(textOf(await chat.botMessage(3))).toBe('Thank you for rating us 5 out of 5. Text us anytime you need help.');
      expect(await env.database.db.prisma.csatResponse.count({ where: { conversationId: queued.conversationId, score: 5 } })).toBe(1);
    } finally {
      chat.close();
    }
  });
});

describe('the agent API', () => {
  it('answers only signed-in agents, supervisors and admins, with CSRF on changes; the wallboard is for supervisors', async () => {
    expect((await fetch(`${env.service.url}${API}/inbox`)).status).toBe(401);
    const forbidden = await call(marketer, '/inbox');
    expect(forbidden.status).toBe(403);
    expect(forbidden.json).toMatchObject({ error: { code: 'staff_role_forbidden' } });
    expect((await call(agentA, '/wallboard')).status).toBe(403);
    const board = await call(supervisor, '/wallboard');
    expect(board.status).toBe(200);
    const parsed = wallboardResponse.parse(board.json);
    expect(parsed.csatToday.responses).toBeGreaterThanOrEqual(2);
    expect(parsed.handoffReasons.find((entry) => entry.reason === 'customer_asked')?.count).toBeGreaterThanOrEqual(1);
    const noCsrf = await fetch(`${env.service.url}${API}/presence`, { method: 'PUT', headers: { Cookie: agentA.cookie, 'Content-Type': 'application/json' }, body: JSON.stringify({ status: 'available' }) });
    expect(noCsrf.status).toBe(403);
    expect((await call(agentA, '/conversations/00000000-0000-4000-8000-000000000000/reassign', { version: 0, staffId: agentB.staff.id })).status).toBe(403);
  });

  it('refuses bad input with a clear code and writes nothing', async () => {
    const unknown = await call(agentA, `/conversations/${randomUUID()}/claim`, { version: 0 });
    expect(unknown.status).toBe(404);
    expect(unknown.json).toMatchObject({ error: { code: 'conversation_not_found' } });
    expect((await call(agentA, '/conversations/not-a-uuid/claim', { version: 0 })).status).toBe(400);
    const malformed = await call(agentA, `/conversations/${randomUUID()}/transfer`, { version: 'x', to: { kind: 'nowhere' } });
    expect(malformed.status).toBe(400);
    expect(malformed.json).toMatchObject({ error: { code: 'invalid_request' } });
    expect((await call(agentA, `/conversations/${randomUUID()}/replies`, { text: '', clientMessageId: randomUUID() })).status).toBe(400);
    expect((await call(agentA, '/presence', { status: 'sleeping' }, 'PUT')).status).toBe(400);
  });
});
