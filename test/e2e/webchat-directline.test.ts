import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ALEX, eventually, startTestEnv, type TestEnv } from '../support/service.ts';
import {
  callDirectLine,
  connectChat,
  conversationResponse,
  generateToken,
  getActivities,
  signUserToken,
  textOf,
  type ChatClient,
} from '../support/webchat.ts';

// Web chat through the Direct Line 3.0 API with Microsoft's official client library
// (botframework-directlinejs), over polling and over the WebSocket stream: the same bot, dialogs
// and contact log as SMS.

const postedId = z.object({ id: z.string() });

let env: TestEnv;
let clients: ChatClient[] = [];

beforeAll(async () => {
  env = await startTestEnv();
});

afterEach(() => {
  for (const client of clients) client.close();
  clients = [];
});

afterAll(async () => {
  await env?.close();
});

function chat(options: Parameters<typeof connectChat>[1]): ChatClient {
  const client = connectChat(env.service.url, options);
  clients.push(client);
  return client;
}

async function alexUserToken(): Promise<{ token: string; customerId: string }> {
  const medium = await env.database.db.prisma.contactMedium.findUniqueOrThrow({ where: { phoneNumber: ALEX } });
  const secret = env.config.webchat.userTokenSecret;
  if (!secret) throw new Error('the test service has no user token secret');
  return { token: await signUserToken(secret, medium.customerId), customerId: medium.customerId };
}

describe.each([
  { transport: 'polling', webSocket: false },
  { transport: 'WebSocket', webSocket: true },
])('an anonymous visitor over $transport', ({ webSocket }) => {
  it('starts a conversation, posts a message and receives its echo and the reply, logged as web chat', async () => {
    const { token, conversationId } = await generateToken(env.service.url);
    const client = chat({ token, webSocket });
    const id = await client.say('hello', `hello-${conversationId}`);
    expect(id.startsWith(`${conversationId}|`)).toBe(true);

    const echo = await client.waitFor((all) => all.find((a) => a.id === id), 'the echo of the message');
    expect(echo.from.role).toBe('user');
    expect(echo.from.id).toMatch(/^dl_/);
    expect(textOf(echo)).toBe('hello');
    expect(echo.channelData).toMatchObject({ clientActivityID: `hello-${conversationId}` });
    const reply = await client.botMessage(0);
    expect(textOf(reply)).toMatch(/^Hi/);
    expect(reply.from).toMatchObject({ id: 'bot', name: 'Northwind Telecom', role: 'bot' });
    // The echo is published before the reply: the conversation's stream holds them in that order.
    // (The official client, over WebSocket on a loaded machine, has been seen to hand the two on in
    // the other order, once in about ten runs, with the stream in this order; polling never has.)
    const redis = new Redis(env.config.redis.url);
    const stream = await redis.xrange(`${env.config.redis.prefix}:webchat:{${conversationId}}:activities`, '-', '+');
    await redis.quit();
    const streamed = stream.map(([, fields]) => z.object({ id: z.string() }).parse(JSON.parse(fields[1] ?? '{}')).id);
    expect(streamed.indexOf(id)).toBeGreaterThanOrEqual(0);
    expect(streamed.indexOf(id)).toBeLessThan(streamed.indexOf(reply.id ?? ''));
    if (!webSocket) expect(client.activities.findIndex((a) => a.id === id)).toBeLessThan(client.activities.indexOf(reply));

    const { prisma } = env.database.db;
    const conversation = await prisma.conversation.findUniqueOrThrow({ where: { channel_externalId: { channel: 'webchat', externalId: conversationId } } });
    expect(conversation.customerId).toBeNull();
    // The reply is marked delivered just after it is published to the client.
    const interactions = await eventually(async () => {
      const rows = await prisma.interaction.findMany({ where: { conversationId: conversation.id }, orderBy: { createdAt: 'asc' } });
      return rows.some((row) => row.deliveryStatus === 'pending') ? undefined : rows;
    }, 'the reply marked delivered');
    expect(interactions.map((i) => [i.direction, i.channel, i.status])).toEqual([
      ['inbound', 'webchat', 'handled'],
      ['outbound', 'webchat', 'completed'],
    ]);
    const [inbound, outbound] = interactions;
    expect(inbound).toMatchObject({ text: 'hello', seq: 1, providerMessageId: id, fromAddress: conversationId, customerId: null });
    expect(outbound).toMatchObject({ deliveryStatus: 'delivered', providerMessageId: reply.id, inReplyToId: inbound?.id, toAddress: conversationId });
  });
});

describe('a signed-in customer (user token from the website)', () => {
  it('reports a fault with quick-reply buttons, gets the TT- reference and asks its status, all in their contact log', async () => {
    const alex = await alexUserToken();
    const { token, conversationId } = await generateToken(env.service.url, alex.token);
    const client = chat({ token, webSocket: true });

    await client.say('my internet has been down since yesterday');
    const selfHelp = await client.botMessage(0);
    expect(textOf(selfHelp)).toMatch(/Did that fix it\?$/);
    // Quick replies are imBack buttons here, not numbered text as on SMS.
    expect(selfHelp.type === 'message' ? selfHelp.suggestedActions?.actions : undefined).toEqual([
      { type: 'imBack', title: 'Yes, fixed', value: 'Yes, fixed' },
      { type: 'imBack', title: 'No', value: 'No' },
      { type: 'imBack', title: 'Skip', value: 'Skip' },
    ]);
    await client.say('Skip');
    expect(textOf(await client.botMessage(1))).toMatch(/open a fault ticket for your internet.*Shall I go ahead\?$/);
    await client.say('Yes');
    const done = textOf(await client.botMessage(2));
    const reference = /TT-\d+/.exec(done)?.[0];
    expect(reference, done).toBeDefined();
    await client.say("what's the status of my ticket");
    expect(textOf(await client.botMessage(3))).toContain(reference);
    // Typing indicators went out while the bot worked (live only: they are not kept for replay).
    expect(client.activities.some((a) => a.type === 'typing' && a.from.role === 'bot')).toBe(true);

    const { prisma } = env.database.db;
    const ticket = await prisma.troubleTicket.findUniqueOrThrow({ where: { number: Number(reference?.slice(3)) } });
    expect(ticket.customerId).toBe(alex.customerId);
    const conversation = await prisma.conversation.findUniqueOrThrow({ where: { channel_externalId: { channel: 'webchat', externalId: conversationId } } });
    expect(conversation.customerId).toBe(alex.customerId);
    const interactions = await prisma.interaction.findMany({ where: { conversationId: conversation.id }, include: { items: true } });
    expect(interactions).toHaveLength(8);
    expect(interactions.every((i) => i.customerId === alex.customerId && i.channel === 'webchat')).toBe(true);
    expect(interactions.filter((i) => i.items.some((item) => item.itemType === 'troubleTicket' && item.itemId === ticket.id)).length).toBeGreaterThanOrEqual(2);
    const buttons = interactions.find((i) => i.text === textOf(selfHelp));
    expect(buttons?.suggestedActions).toEqual(['Yes, fixed', 'No', 'Skip']);
  });
});

describe('reconnecting', () => {
  it('replays exactly what was missed after the watermark, over WebSocket and over polling', async () => {
    const { token, conversationId } = await generateToken(env.service.url);
    const first = chat({ token, webSocket: true });
    await first.say('hello');
    await first.botMessage(0);
    const { watermark, activities: seen } = await getActivities(env.service.url, token, conversationId);
    // The welcome, the visitor's message and the reply.
    expect(seen).toHaveLength(3);
    first.close();

    // Meanwhile, on another device of the same visitor: a message and its reply.
    const posted = await callDirectLine(env.service.url, `/conversations/${conversationId}/activities`, token, { body: { type: 'message', text: 'help' } });
    expect(posted.status).toBe(200);
    const { activities: all } = await waitForActivities(token, conversationId, 5);

    // The reconnect call answers with a stream URL that resumes after the watermark.
    const reconnect = await callDirectLine(env.service.url, `/conversations/${conversationId}?watermark=${watermark}`, token);
    expect(reconnect.status).toBe(200);
    const resumed = conversationResponse.parse(await reconnect.json());
    expect(resumed.conversationId).toBe(conversationId);
    expect(resumed.streamUrl).toContain(`watermark=${watermark}`);

    const second = chat({ token, webSocket: true, conversationId, watermark });
    const missed = await second.waitFor((got) => (got.length >= 2 ? got : undefined), 'the missed activities');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(missed.map((a) => a.id)).toEqual(all.slice(3).map((a) => a.id));
    expect(missed.map(textOf)[0]).toBe('help');

    const polled = await getActivities(env.service.url, token, conversationId, watermark);
    expect(polled.activities.map((a) => a.id)).toEqual(all.slice(3).map((a) => a.id));
    // Nothing newer: the same watermark comes back with no activities.
    const idle = await getActivities(env.service.url, token, conversationId, polled.watermark);
    expect(idle).toEqual({ activities: [], watermark: polled.watermark });
  });

  it('answers a retried post (same clientActivityID) with the same id, storing and showing the message once', async () => {
    const { token, conversationId } = await generateToken(env.service.url);
    const body = { type: 'message', text: 'hello again', channelData: { clientActivityID: 'retry-me' } };
    const path = `/conversations/${conversationId}/activities`;
    const ids: string[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const response = await callDirectLine(env.service.url, path, token, { body });
      expect(response.status).toBe(200);
      ids.push(postedId.parse(await response.json()).id);
    }
    expect(new Set(ids).size).toBe(1);
    const { activities } = await waitForActivities(token, conversationId, 2);
    expect(activities.filter((a) => a.from.role === 'user')).toHaveLength(1);
    const { prisma } = env.database.db;
    expect(await prisma.interaction.count({ where: { channel: 'webchat', direction: 'inbound', providerMessageId: ids[0] } })).toBe(1);
  });

  it('starts a conversation once: 201 the first time, 200 after', async () => {
    const { token, conversationId } = await generateToken(env.service.url);
    const first = await callDirectLine(env.service.url, '/conversations', token, { method: 'POST' });
    expect(first.status).toBe(201);
    const started = conversationResponse.parse(await first.json());
    expect(started).toMatchObject({ conversationId, token });
    expect(started.expires_in).toBeGreaterThan(0);
    expect(started.streamUrl).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:\\d+/v3/directline/conversations/${conversationId}/stream\\?t=`));
    const again = await callDirectLine(env.service.url, '/conversations', token, { method: 'POST' });
    expect(again.status).toBe(200);
    expect(await env.database.db.prisma.conversation.count({ where: { channel: 'webchat', externalId: conversationId } })).toBe(1);
  });
});

async function waitForActivities(token: string, conversationId: string, count: number) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const set = await getActivities(env.service.url, token, conversationId);
    if (set.activities.length >= count) return set;
    if (Date.now() > deadline) throw new Error(`Only ${set.activities.length} of ${count} activities arrived: ${JSON.stringify(set.activities.map((a) => a.text))}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
