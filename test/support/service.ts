import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { loadConfig, type Config } from '../../src/app/config/index.ts';
import { seedDemoData } from '../../src/domain/demo/seed.ts';
import { fakeSid, postSignedForm } from '../../src/sandbox/twilio-signing.ts';
import { startTwilioStandIn, type RunningStandIn } from './twilio-standin-server.ts';
import { createLogger, type Logger } from '../../src/lib/logger.ts';
import { startService, type Service } from '../../src/app/service.ts';
import type { ConsoleEvents } from '../../src/domain/agents/console-events.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { PrivateRedis } from './private-redis.ts';

export const ACCOUNT_SID = 'AC0123456789abcdef0123456789abcdef';
export const AUTH_TOKEN = 'test-auth-token-0123456789';
export const OUR_NUMBER = '+15557770000';
export const ALEX = '+15551230001';
export const SAM = '+15551230002';

export interface TestEnv {
  service: Service;
  twilio: RunningStandIn;
  database: TestDatabase;
  config: Config;
  /** Posts a signed incoming SMS to the service; returns the HTTP response. */
  sms(from: string, body: string, messageSid?: string): Promise<Response>;
  /** Texts the bot, checks the webhook took it, and returns the next `count` replies to that number. */
  converse(from: string, text: string, count?: number): Promise<string[]>;
  /** Starts another service instance on the same database and Redis prefix (a restart). */
  restart(): Promise<Service>;
  close(): Promise<void>;
}

export interface TestEnvOptions {
  env?: Record<string, string>;
  /** Seed the demo data (customers Alex Morgan, Sam Rivera, …). Default true. */
  seed?: boolean;
  /** Live events to agent consoles (e.g. a RecordingConsoleEvents to look at). */
  consoleEvents?: ConsoleEvents;
  /** The service's logger (e.g. one writing to a stream the test reads); default by LOG_LEVEL to stdout. */
  logger?: Logger;
}

/** A test environment on a Redis of its own, which the test may stop and start (an outage). */
export async function startTestEnvOnPrivateRedis(options: TestEnvOptions = {}): Promise<{ env: TestEnv; redis: PrivateRedis; close(): Promise<void> }> {
  const redis = await PrivateRedis.start();
  const env = await startTestEnv({ ...options, env: { ...options.env, REDIS_URL: redis.url } });
  return {
    env,
    redis,
    async close() {
      // Redis back first, so the service closes its queues cleanly.
      await redis.start().catch(() => undefined);
      await env.close();
      await redis.stop();
    },
  };
}

/**
 * A running service for one test file: its own database (PGlite or a PostgreSQL clone, by
 * TEST_DB), its own Redis key prefix, and a Twilio stand-in that the official client talks to.
 */
export async function startTestEnv(options: TestEnvOptions = {}): Promise<TestEnv> {
  const prefix = `t${randomUUID().slice(0, 8)}`;
  const twilio = await startTwilioStandIn({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
  const database = await createTestDatabase();
  if (options.seed !== false) await seedDemoData(database.db.prisma);
  const config = loadConfig({
    ...baseTestSettings(prefix),
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    TWILIO_PHONE_NUMBER: OUR_NUMBER,
    TWILIO_API_BASE_URL: twilio.baseUrl,
    ...options.env,
  });
  const logger = options.logger ?? createLogger(config.logLevel);
  const services: Service[] = [];
  const start = async () => {
    const started = await startService(config, { logger, host: '127.0.0.1', database: database.db, ...(options.consoleEvents ? { consoleEvents: options.consoleEvents } : {}) });
    services.push(started);
    return started;
  };
  const service = await start();

  const sms = (from: string, body: string, messageSid = fakeSid('SM')) => {
    const current = services[services.length - 1] ?? service;
    const params = { MessageSid: messageSid, AccountSid: ACCOUNT_SID, From: from, To: OUR_NUMBER, Body: body };
    return postSignedForm(AUTH_TOKEN, `${current.url}/twilio/sms`, params, `${current.publicBaseUrl}/twilio/sms`);
  };
  return {
    service,
    twilio,
    database,
    config,
    sms,
    async converse(from, text, count = 1) {
      const before = twilio.state.messagesTo(from).length;
      const response = await sms(from, text);
      if (response.status !== 200) throw new Error(`The webhook answered ${response.status}: ${await response.text()}`);
      const replies = await twilio.state.waitForMessages(from, before + count);
      return replies.slice(before).map((message) => message.body);
    },
    restart: start,
    async close() {
      for (const running of services) await running.close();
      await twilio.close();
      await database.drop();
      await deleteRedisKeys(config.redis.url, prefix);
    },
  };
}

/** Settings every test service shares: a system-chosen port, quiet logs, its own Redis prefix, short retry delays. */
export function baseTestSettings(redisPrefix: string): Record<string, string> {
  return {
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent',
    REDIS_URL: process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: redisPrefix,
    DELIVERY_BACKOFF_MS: '50',
    OUTBOX_INTERVAL_MS: '250',
    // No tracking workers (fulfillment, assurance, adjustments) unless a test asks for them, so
    // orders and tickets a conversation creates stay as it left them and nobody is texted progress
    // in the middle of a conversation. The tracking tests turn them on with a short sweep.
    TRACKING_WORKERS: 'false',
    // Test services have a (stand-in) Twilio account, so no development secrets apply: set them,
    // the same for every instance a test starts.
    WEBCHAT_TOKEN_SECRET: 'test-webchat-token-secret-0123456789abcdef',
    WEBCHAT_USER_TOKEN_SECRET: 'test-webchat-user-token-secret-0123456789',
    TRACKING_SWEEP_MS: '3600000',
  };
}

/** Removes every key a test's prefix created. */
export async function deleteRedisKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Polls until `check` returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
