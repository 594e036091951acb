import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrivateRedis } from '../support/private-redis.ts';
import { ALEX, SAM, eventually, startTestEnvOnPrivateRedis, type TestEnv } from '../support/service.ts';

// Nothing a customer sends is lost: not while Redis is down, not across a restart.

let env: TestEnv;
let redis: PrivateRedis;
let close = async () => {};

beforeAll(async () => {
  ({ env, redis, close } = await startTestEnvOnPrivateRedis());
});

afterAll(() => close());

describe('resilience', () => {
  it('stores a message that arrives while Redis is down and answers it once Redis is back', async () => {
    await redis.stop();
    const ready = await fetch(`${env.service.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'not_ready', checks: { database: 'ok' } });

    const response = await env.sms(SAM, 'hello');
    expect(response.status).toBe(200);
    const stored = await env.database.db.prisma.interaction.findFirstOrThrow({ where: { fromAddress: SAM, direction: 'inbound' } });
    expect(stored.status).toBe('received');

    await redis.start();
    const [reply] = await env.twilio.state.waitForMessages(SAM, 1, 20_000);
    expect(reply?.body).toMatch(/^Hi Sam!/);
    await eventually(async () => {
      const row = await env.database.db.prisma.interaction.findUniqueOrThrow({ where: { id: stored.id } });
      return row.status === 'handled' ? row : undefined;
    }, 'the stored message to be handled');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(env.twilio.state.messagesTo(SAM)).toHaveLength(1);
  });

  it('resumes a conversation after a restart in the middle of it', async () => {
    await env.sms(ALEX, 'my internet has been down since yesterday');
    const [selfHelp] = await env.twilio.state.waitForMessages(ALEX, 1);
    expect(selfHelp?.body).toMatch(/Did that fix it\?/);
    await env.sms(ALEX, 'skip');
    const [, confirm] = await env.twilio.state.waitForMessages(ALEX, 2);
    expect(confirm?.body).toMatch(/Shall I go ahead/);

    await env.service.close();
    const restarted = await env.restart();
    expect(restarted.url).not.toBe(env.service.url);

    await env.sms(ALEX, 'yes');
    const replies = await env.twilio.state.waitForMessages(ALEX, 3);
    expect(replies[2]?.body).toMatch(/Your ticket is TT-\d+/);
    expect(await env.database.db.prisma.troubleTicket.count({ where: { customer: { givenName: 'Alex', familyName: 'Morgan' } } })).toBe(1);
  });
});
