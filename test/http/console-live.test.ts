import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { Redis } from 'ioredis';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleLive, consoleRooms, CONSOLE_EVENT, CONSOLE_SOCKET_PATH, type LiveEvent, type LiveStaff } from '../../src/http/console/live/console-live.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { listeningPort } from '../../src/lib/net.ts';
import { PrivateRedis } from '../support/private-redis.ts';
import { deleteRedisKeys, eventually } from '../support/service.ts';

// The live layer alone, on a Redis of its own (so the test can take it away): two instances with
// a console on one and the publisher on the other, a publish-only instance (a worker), the
// handshake's refusals, and events published while Redis was down arriving once it is back.
// Sign-in, handoff's rules and the channels are the ports; here they are tables the test fills.

const STAFF: Record<string, LiveStaff> = {
  'good-agent': { id: 'staff-agent-1', role: 'agent', displayName: 'Ada Agent' },
  'good-supervisor': { id: 'staff-sup-1', role: 'supervisor', displayName: 'Sol Supervisor' },
};

interface Instance {
  live: ConsoleLive;
  server: Server | undefined;
  url: string;
  heartbeats: string[];
  typed: string[];
  redis: Redis;
  close(): Promise<void>;
}

let redis: PrivateRedis;
const prefix = `t${randomUUID().slice(0, 8)}`;
const instances: Instance[] = [];
const sockets: Socket[] = [];

async function startInstance(attach: boolean): Promise<Instance> {
  const connection = new Redis(redis.url, { maxRetriesPerRequest: null, retryStrategy: () => 100 });
  connection.on('error', () => undefined);
  const heartbeats: string[] = [];
  const typed: string[] = [];
  let origin = 'http://localhost:1';
  const live = new ConsoleLive({
    redis: connection,
    prefix,
    allowedOrigin: () => origin,
    recoverySeconds: 60,
    streamMaxLength: 1000,
    logger: createLogger('silent'),
    ports: {
      authenticate: async (cookie) => STAFF[/staff_session=([^;]+)/.exec(cookie ?? '')?.[1] ?? ''] ?? null,
      mayWatchConversation: async (staff, conversationId) => staff.role === 'supervisor' || conversationId.startsWith('mine-'),
      queuesOf: async () => ['billing'],
      heartbeat: async (staff) => {
        heartbeats.push(staff.id);
      },
      announceAgentTyping: async (staff, conversationId) => {
        typed.push(`${staff.id}:${conversationId}`);
        return conversationId.startsWith('mine-');
      },
    },
  });
  let server: Server | undefined;
  let url = '';
  if (attach) {
    server = createServer((_req, res) => res.writeHead(404).end());
    live.attach(server);
    server.on('upgrade', (req, socket) => {
      if (!live.ownsUpgrade(req)) socket.destroy();
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    url = `http://localhost:${listeningPort(server)}`;
    origin = url;
  }
  const instance: Instance = {
    live,
    server,
    url,
    heartbeats,
    typed,
    redis: connection,
    async close() {
      await live.close();
      if (server) await new Promise((resolve) => server?.close(resolve));
      connection.disconnect();
    },
  };
  instances.push(instance);
  return instance;
}

interface Console {
  socket: Socket;
  events: LiveEvent[];
}

function openConsole(instance: Instance, options: { cookie?: string; origin?: string; transports?: string[] } = {}): Console {
  const headers: Record<string, string> = { origin: options.origin ?? instance.url };
  if (options.cookie) headers['cookie'] = options.cookie;
  const socket = connect(instance.url, { path: CONSOLE_SOCKET_PATH, extraHeaders: headers, transports: options.transports ?? ['websocket'], reconnectionDelay: 100, reconnectionDelayMax: 500 });
  sockets.push(socket);
  const events: LiveEvent[] = [];
  socket.on(CONSOLE_EVENT, (event: LiveEvent) => events.push(event));
  return { socket, events };
}

function connected(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.connected) return resolve();
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => reject(error));
  });
}

function refusal(socket: Socket): Promise<{ message: string; data?: unknown }> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => reject(new Error('the socket was let in')));
    socket.once('connect_error', (error: Error & { data?: unknown }) => resolve({ message: error.message, data: error.data }));
  });
}

function waitForEvent(target: Console, predicate: (event: LiveEvent) => boolean, timeoutMs = 10_000): Promise<LiveEvent> {
  return eventually(async () => target.events.find(predicate), 'a console event', timeoutMs);
}

let a: Instance;
let b: Instance;
let worker: Instance;

beforeAll(async () => {
  redis = await PrivateRedis.start();
  a = await startInstance(true);
  b = await startInstance(true);
  worker = await startInstance(false);
}, 30_000);

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.disconnect();
});

afterAll(async () => {
  await redis?.start().catch(() => undefined);
  for (const instance of instances) await instance.close();
  await deleteRedisKeys(redis.url, prefix).catch(() => undefined);
  await redis?.stop();
});

describe('the console socket', () => {
  it('is refused without a cookie, with a forged one, and from another origin', async () => {
    const none = await refusal(openConsole(a).socket);
    expect(none.data).toMatchObject({ code: 'staff_sign_in_required' });
    const forged = await refusal(openConsole(a, { cookie: 'staff_session=forged-token' }).socket);
    expect(forged.data).toMatchObject({ code: 'staff_sign_in_required' });
    // The right cookie from a page elsewhere (a cross-site WebSocket carries the cookie on its own).
    const elsewhere = await refusal(openConsole(a, { cookie: 'staff_session=good-agent', origin: 'https://evil.example' }).socket);
    expect(elsewhere.message).not.toBe('');
    const polling = await refusal(openConsole(a, { cookie: 'staff_session=good-agent', origin: 'https://evil.example', transports: ['polling'] }).socket);
    expect(polling.message).not.toBe('');
  });

  it('delivers an event published on another instance, and one from a publish-only (worker) instance', async () => {
    const agent = openConsole(a, { cookie: 'staff_session=good-agent' });
    await connected(agent.socket);
    b.live.publish(consoleRooms.staff('staff-agent-1'), { type: 'inbox.changed', n: 1 });
    await waitForEvent(agent, (event) => event.type === 'inbox.changed' && event['n'] === 1);
    worker.live.publish(consoleRooms.queue('billing'), { type: 'conversation.queued', conversationId: 'c-1' });
    await waitForEvent(agent, (event) => event.type === 'conversation.queued');
    // Someone else's room and a queue the agent does not serve never reach it.
    worker.live.publish(consoleRooms.staff('someone-else'), { type: 'inbox.changed', n: 2 });
    worker.live.publish(consoleRooms.queue('technical'), { type: 'conversation.queued', conversationId: 'c-2' });
    worker.live.publish(consoleRooms.supervisors, { type: 'wallboard.changed' });
    worker.live.publish(consoleRooms.staff('staff-agent-1'), { type: 'inbox.changed', n: 3 });
    await waitForEvent(agent, (event) => event['n'] === 3);
    expect(agent.events.map((event) => event['n'] ?? event['conversationId'] ?? event.type)).toEqual([1, 'c-1', 3]);
  });

  it('lets a console watch a conversation it may see, and refuses one it may not', async () => {
    const agent = openConsole(a, { cookie: 'staff_session=good-agent' });
    await connected(agent.socket);
    expect(await agent.socket.emitWithAck('conversation:watch', { conversationId: 'mine-1' })).toEqual({ ok: true });
    expect(await agent.socket.emitWithAck('conversation:watch', { conversationId: 'theirs-1' })).toMatchObject({ ok: false, code: 'conversation_forbidden' });
    expect(await agent.socket.emitWithAck('conversation:watch', { nothing: true })).toMatchObject({ ok: false, code: 'invalid_request' });
    worker.live.customerTyping('theirs-1');
    worker.live.customerTyping('mine-1');
    await waitForEvent(agent, (event) => event.type === 'customer.typing');
    expect(agent.events.filter((event) => event.type === 'customer.typing').map((event) => event['conversationId'])).toEqual(['mine-1']);
  });

  it('announces an agent typing to the customer only where the agent owns the conversation, at most every 2 s', async () => {
    const agent = openConsole(a, { cookie: 'staff_session=good-agent' });
    const supervisor = openConsole(b, { cookie: 'staff_session=good-supervisor' });
    await Promise.all([connected(agent.socket), connected(supervisor.socket)]);
    await supervisor.socket.emitWithAck('conversation:watch', { conversationId: 'mine-typing' });
    agent.socket.emit('typing', { conversationId: 'mine-typing' });
    agent.socket.emit('typing', { conversationId: 'mine-typing' });
    agent.socket.emit('typing', { conversationId: 'theirs-typing' });
    await waitForEvent(supervisor, (event) => event.type === 'agent.typing');
    await eventually(async () => (a.typed.length >= 2 ? true : undefined), 'both typing requests handled');
    expect(a.typed.filter((entry) => entry.endsWith('mine-typing'))).toHaveLength(1);
    expect(supervisor.events.find((event) => event.type === 'agent.typing')).toMatchObject({ conversationId: 'mine-typing', staffId: 'staff-agent-1' });
  });

  it('counts a connection and a visible-again tab as presence heartbeats', async () => {
    const before = b.heartbeats.length;
    const agent = openConsole(b, { cookie: 'staff_session=good-agent' });
    await connected(agent.socket);
    await eventually(async () => (b.heartbeats.length > before ? true : undefined), 'the heartbeat of connecting');
    agent.socket.emit('presence:heartbeat');
    await eventually(async () => (b.heartbeats.length > before + 1 ? true : undefined), 'the heartbeat of a visible tab');
    expect(b.heartbeats.slice(before)).toEqual(['staff-agent-1', 'staff-agent-1']);
  });

  it('delivers events published while Redis was down once it is back', async () => {
    const agent = openConsole(a, { cookie: 'staff_session=good-agent' });
    await connected(agent.socket);
    await redis.stop();
    worker.live.publish(consoleRooms.staff('staff-agent-1'), { type: 'inbox.changed', during: 'outage' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(agent.events.some((event) => event['during'] === 'outage')).toBe(false);
    await redis.start();
    await waitForEvent(agent, (event) => event['during'] === 'outage', 20_000);
    worker.live.publish(consoleRooms.staff('staff-agent-1'), { type: 'inbox.changed', during: 'after' });
    await waitForEvent(agent, (event) => event['during'] === 'after');
  }, 40_000);

  it('sends a console what it missed while its connection was cut (connection state recovery)', async () => {
    const agent = openConsole(a, { cookie: 'staff_session=good-agent' });
    await connected(agent.socket);
    b.live.publish(consoleRooms.staff('staff-agent-1'), { type: 'inbox.changed', seq: 1 });
    await waitForEvent(agent, (event) => event['seq'] === 1);
    // Cut the transport under the client (as a network blip does); it reconnects on its own.
    agent.socket.io.engine.close();
    b.live.publish(consoleRooms.staff('staff-agent-1'), { type: 'inbox.changed', seq: 2 });
    await eventually(async () => (agent.socket.connected ? true : undefined), 'the reconnection');
    await waitForEvent(agent, (event) => event['seq'] === 2);
    expect(agent.socket.recovered).toBe(true);
  });
});
