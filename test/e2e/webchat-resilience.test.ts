import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { PrivateRedis } from '../support/private-redis.ts';
import { readError } from '../support/http.ts';
import { eventually, startTestEnvOnPrivateRedis, type TestEnv } from '../support/service.ts';
import { callDirectLine, ConnectionStatus, connectChat, generateToken, getActivities } from '../support/webchat.ts';

// Web chat loses nothing while Redis is down, as SMS does not: the message is stored and
// acknowledged, the reply comes once Redis is back, and the visitor is shown only what was stored.

const postedId = z.object({ id: z.string() });

let env: TestEnv;
let redis: PrivateRedis;
let close = async () => {};

beforeAll(async () => {
  ({ env, redis, close } = await startTestEnvOnPrivateRedis());
});

afterAll(() => close());

function inboundOf(conversationId: string) {
  return env.database.db.prisma.interaction.findMany({ where: { fromAddress: conversationId, direction: 'inbound' } });
}

describe('web chat during a Redis outage', () => {
  it('stores a message posted while Redis is down, acknowledges it with its id, and answers it once Redis is back', async () => {
    const { token, conversationId } = await generateToken(env.service.url);
    const message = { type: 'message', text: 'hello', channelData: { clientActivityID: `hello-${conversationId}` } };

    await redis.stop();
    const posted = await callDirectLine(env.service.url, `/conversations/${conversationId}/activities`, token, { body: message });
    expect(posted.status, await posted.clone().text()).toBe(200);
    const { id } = postedId.parse(await posted.json());
    const stored = await inboundOf(conversationId);
    expect(stored.map((row) => [row.providerMessageId, row.text, row.status])).toEqual([[id, 'hello', 'received']]);
    // Reading the conversation needs Redis: a clear 503, not a 500.
    const read = await callDirectLine(env.service.url, `/conversations/${conversationId}/activities`, token);
    expect(read.status).toBe(503);
    expect((await readError(read)).code).toBe('webchat_unavailable');

    await redis.start();
    const reply = await eventually(async () => {
      // Until the service has reconnected to Redis, reading still answers 503.
      const set = await getActivities(env.service.url, token, conversationId).catch(() => undefined);
      return set?.activities.find((activity) => activity.from.role === 'bot' && activity.type === 'message');
    }, 'the reply to the message posted while Redis was down', 20_000);
    expect(reply.text).toMatch(/\S/);

    // The client's retry of the post (Web Chat offers one when no echo came) is a duplicate: still
    // one stored message, one answer, and now the echo.
    const retried = await callDirectLine(env.service.url, `/conversations/${conversationId}/activities`, token, { body: message });
    expect(retried.status).toBe(200);
    expect(postedId.parse(await retried.json()).id).toBe(id);
    const set = await getActivities(env.service.url, token, conversationId);
    expect(set.activities.filter((activity) => activity.id === id).map((activity) => activity.text)).toEqual(['hello']);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await inboundOf(conversationId)).toHaveLength(1);
    const replies = (await getActivities(env.service.url, token, conversationId)).activities.filter((activity) => activity.from.role === 'bot' && activity.type === 'message');
    expect(replies.map((activity) => activity.id)).toEqual([reply.id]);
  });

  // Over its WebSocket stream: DirectLineJS stops polling at the first failed poll, whatever its status.
  it("gives the official client the message's id while Redis is down, and the reply when it is back", async () => {
    const { token } = await generateToken(env.service.url);
    const client = connectChat(env.service.url, { token, webSocket: true });
    try {
      await client.waitFor((all) => (client.statuses.includes(ConnectionStatus.Online) ? all : undefined), 'the client to be online');
      await redis.stop();
      const id = await client.say('hello again');
      expect((await env.database.db.prisma.interaction.findMany({ where: { providerMessageId: id } })).map((row) => row.text)).toEqual(['hello again']);
      await redis.start();
      const reply = await client.botMessage(0, 20_000);
      expect(reply.type).toBe('message');
    } finally {
      client.close();
    }
  });
});
