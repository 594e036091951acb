import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/logger.ts';
import { startService, type Service } from '../../src/app/service.ts';
import { eventually, startTestEnv, type TestEnv } from '../support/service.ts';

// The same build as separate roles: an `api` instance takes webhooks and runs no turns; a
// `worker` instance runs the turns and deliveries; they share only PostgreSQL and Redis.

let env: TestEnv;
let worker: Service | undefined;
const FROM = '+15551230014';

beforeAll(async () => {
  env = await startTestEnv({ env: { ROLE: 'api' } });
});

afterAll(async () => {
  await worker?.close();
  await env?.close();
});

describe('roles', () => {
  it('stores a message on the api instance and answers it from the worker instance', async () => {
    expect((await env.sms(FROM, 'hello')).status).toBe(200);
    // Only the api instance is running: the message waits, stored.
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(env.twilio.state.messagesTo(FROM)).toHaveLength(0);
    const stored = await env.database.db.prisma.interaction.findFirstOrThrow({ where: { fromAddress: FROM } });
    expect(stored.status).toBe('received');

    // Status callbacks must reach the api instance: that is the public URL Twilio calls.
    const config = { ...env.config, role: 'worker' as const, http: { ...env.config.http, publicBaseUrl: env.service.publicBaseUrl } };
    worker = await startService(config, { logger: createLogger('silent'), host: '127.0.0.1', database: env.database.db });
    const [reply] = await env.twilio.state.waitForMessages(FROM, 1);
    expect(reply?.body).toMatch(/^Hi /);
    await eventually(async () => {
      const row = await env.database.db.prisma.interaction.findFirst({ where: { toAddress: FROM, direction: 'outbound', deliveryStatus: 'delivered' } });
      return row ?? undefined;
    }, 'the status callback to reach the api instance');
  });

  it('serves no webhooks from the worker instance', async () => {
    if (!worker) throw new Error('the worker instance did not start');
    const response = await fetch(`${worker.url}/twilio/sms`, { method: 'POST' });
    expect(response.status).toBe(404);
    expect((await fetch(`${worker.url}/readyz`)).status).toBe(200);
  });
});
