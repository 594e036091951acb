import { Redis } from 'ioredis';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startService, type Service } from '../../src/app/service.ts';
import { consoleEvent, type ConsoleEvent } from '../../src/domain/agents/console-events.ts';
import { AGENT_API_BASE, conversationResponse, ownershipResponse } from '../../src/http/console/agent-api-schemas.ts';
import { CONSOLE_EVENT, CONSOLE_SOCKET_PATH, type LiveEvent } from '../../src/http/console/live/console-live.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { testDatabaseKind } from '../support/database.ts';
import type { PrivateRedis } from '../support/private-redis.ts';
import { ACCOUNT_SID, AUTH_TOKEN, baseTestSettings, eventually, OUR_NUMBER, startTestEnvOnPrivateRedis, type TestEnv } from '../support/service.ts';
import { startServiceProcess, type ServiceProcess } from '../support/service-process.ts';
import { createStaffUser, signInStaff, type SignedInStaff } from '../support/staff.ts';
import { connectChat, generateToken, textOf, type ChatClient } from '../support/webchat.ts';

// The live console across two service instances sharing PostgreSQL and one Redis: the agent's
// console socket is on instance A, the customer's web chat on instance B. The customer's message
// reaches the agent, the agent's reply and typing reach the web chat, the visitor's typing reaches
// the agent, and a Redis blip (every connection cut) loses nothing. On PostgreSQL, B is its own
// operating-system process; on PGlite (one process only) it is a second instance in this process.

const ALL_DAY = 'billing=00:00-24:00,technical=00:00-24:00,sales_retention=00:00-24:00,general=00:00-24:00';

let env: TestEnv;
let redis: PrivateRedis;
let closeEnv: () => Promise<void>;
let other: ServiceProcess | Service;
let otherUrl: string;
let agent: SignedInStaff;
const sockets: Socket[] = [];
const chats: ChatClient[] = [];

beforeAll(async () => {
  const started = await startTestEnvOnPrivateRedis({ env: { AGENT_STAFFED_HOURS: ALL_DAY } });
  ({ env, redis } = started);
  closeEnv = started.close;
  if (testDatabaseKind() === 'postgres') {
    const child = await startServiceProcess({
      ...baseTestSettings(env.config.redis.prefix),
      LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'warn',
      REDIS_URL: redis.url,
      DATABASE_URL: env.database.url,
      TWILIO_ACCOUNT_SID: ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      TWILIO_PHONE_NUMBER: OUR_NUMBER,
      TWILIO_API_BASE_URL: env.twilio.baseUrl,
      PUBLIC_BASE_URL: env.service.publicBaseUrl,
      AGENT_STAFFED_HOURS: ALL_DAY,
    });
    other = child;
    otherUrl = child.url;
  } else {
    const config = { ...env.config, http: { ...env.config.http, publicBaseUrl: env.service.publicBaseUrl } };
    const service = await startService(config, { logger: createLogger(config.logLevel), host: '127.0.0.1', database: env.database.db });
    other = service;
    otherUrl = service.url;
  }
  const user = await createStaffUser(env.database.db, { role: 'agent', displayName: 'Ada Agent' });
  agent = await signInStaff(env.service.url, user);
  const presence = await agent.request(`${AGENT_API_BASE}/presence`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ status: 'available' }) });
  expect(presence.status).toBe(200);
}, 120_000);

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.disconnect();
  for (const chat of chats.splice(0)) chat.close();
});

afterAll(async () => {
  await (other && 'close' in other ? other.close() : other?.stop());
  await closeEnv?.();
});

interface ConsoleSocket {
  socket: Socket;
  events: LiveEvent[];
}

function openConsole(headers: Record<string, string>): ConsoleSocket {
  const socket = connect(env.service.url, { path: CONSOLE_SOCKET_PATH, transports: ['websocket'], extraHeaders: headers, reconnectionDelay: 100, reconnectionDelayMax: 500 });
  sockets.push(socket);
  const events: LiveEvent[] = [];
  socket.on(CONSOLE_EVENT, (event: LiveEvent) => events.push(event));
  return { socket, events };
}

function outcome(socket: Socket): Promise<'connected' | string> {
  return new Promise((resolve) => {
    socket.once('connect', () => resolve('connected'));
    socket.once('connect_error', (error: Error & { data?: { code?: string } }) => resolve(error.data?.code ?? error.message));
  });
}

function nextEvent<T extends ConsoleEvent['type']>(target: ConsoleSocket, type: T, match: (event: Extract<ConsoleEvent, { type: T }>) => boolean = () => true, timeoutMs = 20_000) {
  return eventually(
    async () => {
      for (const raw of target.events) {
        const parsed = consoleEvent.safeParse(raw);
        if (parsed.success && isOfType(parsed.data, type) && match(parsed.data)) return parsed.data;
      }
      return undefined;
    },
    `a ${type} event`,
    timeoutMs,
  );
}

function isOfType<T extends ConsoleEvent['type']>(event: ConsoleEvent, type: T): event is Extract<ConsoleEvent, { type: T }> {
  return event.type === type;
}

/** The visitor's "typing" activity, as Web Chat sends it while they type. */
function sendTyping(chat: ChatClient): Promise<void> {
  return new Promise((resolve, reject) => {
    chat.directLine.postActivity({ type: 'typing', from: { id: 'ignored-by-the-service', name: 'Visitor' } }).subscribe({ next: () => resolve(), error: (error: unknown) => reject(error instanceof Error ? error : new Error(String(error))) });
  });
}

async function post(path: string, body: unknown): Promise<Response> {
  return agent.request(`${AGENT_API_BASE}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

describe('the console socket on a running service', () => {
  it('refuses a handshake without a session, with a forged one, from another origin, and after sign-out', async () => {
    const origin = env.service.publicBaseUrl;
    expect(await outcome(openConsole({ origin }).socket)).toBe('staff_sign_in_required');
    expect(await outcome(openConsole({ origin, cookie: 'staff_session=forged-0123456789abcdef' }).socket)).toBe('staff_sign_in_required');
    expect(await outcome(openConsole({ origin: 'https://evil.example', cookie: agent.cookie }).socket)).not.toBe('connected');
    expect(await outcome(openConsole({ cookie: agent.cookie }).socket)).not.toBe('connected');

    const user = await createStaffUser(env.database.db, { role: 'agent' });
    const leaving = await signInStaff(env.service.url, user);
    expect(await outcome(openConsole({ origin, cookie: leaving.cookie }).socket)).toBe('connected');
    expect((await leaving.request('/console/api/session', { method: 'DELETE' })).status).toBeLessThan(300);
    expect(await outcome(openConsole({ origin, cookie: leaving.cookie }).socket)).toBe('staff_sign_in_required');
  });
});

describe('an agent on one instance, the customer on the other', () => {
  it('carries messages, replies and typing both ways, through a Redis blip, until hand-back', async () => {
    const console = openConsole({ origin: env.service.publicBaseUrl, cookie: agent.cookie });
    expect(await outcome(console.socket)).toBe('connected');

    const { token } = await generateToken(otherUrl);
    const chat = connectChat(otherUrl, { token, webSocket: true });
    chats.push(chat);
    await chat.say('I want to talk to a person');
    const offer = await nextEvent(console, 'conversation.offered', (event) => event.staffId === agent.staff.id, 30_000);
    const accepted = await post(`/conversations/${offer.conversationId}/accept`, { version: offer.version });
    expect(accepted.status).toBe(200);
    let version = ownershipResponse.parse(await accepted.json()).conversation.version;
    const { conversationId } = offer;
    expect(await console.socket.emitWithAck('conversation:watch', { conversationId })).toEqual({ ok: true });

    // The customer's message, taken on B and run by whichever worker, shows in the console on A.
    await chat.say('my router keeps dropping the connection');
    const inbound = await nextEvent(console, 'conversation.message', (event) => event.direction === 'inbound' && event.text === 'my router keeps dropping the connection');
    expect(inbound).toMatchObject({ conversationId, channel: 'webchat', ownerStaffId: agent.staff.id });

    // The visitor typing shows in the console; the agent typing shows in the web chat.
    await sendTyping(chat);
    await eventually(async () => (console.events.some((event) => event.type === 'customer.typing' && event['conversationId'] === conversationId) ? true : undefined), 'the customer typing');
    const typingBefore = chat.activities.filter((activity) => activity.type === 'typing' && activity.from.role === 'bot').length;
    console.socket.emit('typing', { conversationId });
    await eventually(async () => (chat.activities.filter((activity) => activity.type === 'typing' && activity.from.role === 'bot').length > typingBefore ? true : undefined), 'the agent typing in the web chat');

    // The agent's reply, taken on A, reaches the web chat on B.
    const reply = await post(`/conversations/${conversationId}/replies`, { text: 'Sorry about that, Ada here: let me check your line.', clientMessageId: 'e2e-reply-0001' });
    expect(reply.status).toBe(201);
    await eventually(async () => chat.activities.find((activity) => activity.type === 'message' && textOf(activity) === 'Sorry about that, Ada here: let me check your line.'), 'the reply in the web chat');

    // A Redis blip: every client connection is cut; what the customer sends next still arrives.
    const admin = new Redis(redis.url);
    try {
      await admin.client('KILL', 'TYPE', 'normal');
      await admin.client('KILL', 'TYPE', 'pubsub');
    } finally {
      admin.disconnect();
    }
    await chat.say('are you still there?');
    await nextEvent(console, 'conversation.message', (event) => event.direction === 'inbound' && event.text === 'are you still there?', 30_000);

    // Hand back: the bot takes over again and asks for a rating.
    const card = await agent.request(`${AGENT_API_BASE}/conversations/${conversationId}`);
    version = conversationResponse.parse(await card.json()).conversation.version;
    const handBack = await post(`/conversations/${conversationId}/hand-back`, { version, resume: { kind: 'csat' } });
    expect(handBack.status).toBe(200);
    await nextEvent(console, 'conversation.handed-back', (event) => event.conversationId === conversationId);
  }, 120_000);
});
