import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/logger.ts';
import { startService, type Service } from '../../src/app/service.ts';
import { testDatabaseKind } from '../support/database.ts';
import { ACCOUNT_SID, AUTH_TOKEN, baseTestSettings, eventually, OUR_NUMBER, startTestEnv, type TestEnv } from '../support/service.ts';
import { startServiceProcess, type ServiceProcess } from '../support/service-process.ts';
import { connectChat, generateToken, textOf, type ChatClient } from '../support/webchat.ts';

// Two instances sharing one PostgreSQL and one Redis: a browser's Direct Line stream is held by
// instance A (ROLE=api: it takes the messages and runs no turns); instance B (ROLE=worker) runs
// the turn and delivers the reply, which reaches the client on A through Redis. On PostgreSQL, B
// is a separate operating-system process; the embedded database lives inside one process, so on
// PGlite B is a second service instance in this process (still meeting A only through Redis).

let env: TestEnv;
let worker: ServiceProcess | Service | undefined;
let clients: ChatClient[] = [];

beforeAll(async () => {
  env = await startTestEnv({ env: { ROLE: 'api' } });
  if (testDatabaseKind() === 'postgres') {
    worker = await startServiceProcess({
      ...baseTestSettings(env.config.redis.prefix),
      LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'warn',
      ROLE: 'worker',
      DATABASE_URL: env.database.url,
      TWILIO_ACCOUNT_SID: ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      TWILIO_PHONE_NUMBER: OUR_NUMBER,
      TWILIO_API_BASE_URL: env.twilio.baseUrl,
      PUBLIC_BASE_URL: env.service.publicBaseUrl,
    });
  } else {
    const config = { ...env.config, role: 'worker' as const, http: { ...env.config.http, publicBaseUrl: env.service.publicBaseUrl } };
    worker = await startService(config, { logger: createLogger(config.logLevel), host: '127.0.0.1', database: env.database.db });
  }
}, 120_000);

afterEach(() => {
  for (const client of clients) client.close();
  clients = [];
});

afterAll(async () => {
  await (worker && 'close' in worker ? worker.close() : worker?.stop());
  await env?.close();
});

describe('two instances', () => {
  it.each([
    { transport: 'WebSocket', webSocket: true },
    { transport: 'polling', webSocket: false },
  ])('a $transport client on the api instance gets the reply the worker instance produced', async ({ webSocket }) => {
    const { token, conversationId } = await generateToken(env.service.url);
    const client = connectChat(env.service.url, { token, webSocket });
    clients.push(client);
    await client.say('hello');
    expect(textOf(await client.botMessage(0, 30_000))).toMatch(/^Hi/);
    await client.say('what can you do');
    const reply = await client.botMessage(1);
    expect(textOf(reply).length).toBeGreaterThan(0);
    // The worker's typing indicator is never stored: it can only have come live through Redis.
    if (webSocket) expect(client.activities.some((a) => a.type === 'typing' && a.from.role === 'bot')).toBe(true);

    const { prisma } = env.database.db;
    const outbound = await eventually(
      async () => (await prisma.interaction.findFirst({ where: { channel: 'webchat', toAddress: conversationId, providerMessageId: reply.id, deliveryStatus: 'delivered' } })) ?? undefined,
      'the reply marked delivered',
    );
    expect(outbound.text).toBe(textOf(reply));
  });
});
