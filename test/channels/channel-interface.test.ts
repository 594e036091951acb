import { randomUUID } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { CHANNEL_CAPABILITIES, type Channel, type ProviderReport } from '../../src/channels/channel.ts';
import { createSmsChannel } from '../../src/channels/sms/sms.channel.ts';
import { ActivityStore } from '../../src/channels/webchat/activity-store.ts';
import { createWebchatChannel } from '../../src/channels/webchat/webchat.channel.ts';
import { PrismaClient } from '../../src/generated/prisma/client.ts';
import { AppError } from '../../src/lib/errors.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { deleteRedisKeys } from '../support/service.ts';

// Each channel as the service sees it: one object carrying its row of the capability table, its
// sender and its receipt parsing. The routes behind them are driven end to end in test/e2e.

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const prefix = `t${randomUUID().slice(0, 8)}`;
const redis = new Redis(REDIS_URL);
// Only the Direct Line routes query the database, and these tests never mount them: nothing connects.
const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: 'postgresql://unused@127.0.0.1:1/unused' }) });

const sms = createSmsChannel({
  accountSid: `AC${'ab'.repeat(16)}`,
  authToken: 'channel-interface-test-token',
  apiBaseUrl: () => 'http://127.0.0.1:1',
  publicBaseUrl: () => 'http://localhost:3000',
  validateSignatures: true,
  phoneNumbers: ['+15557770000'],
});
const webchat = createWebchatChannel({
  settings: {
    tokenSecret: 'channel-interface-test-secret-0123456789abcdef',
    tokenTtlSeconds: 1800,
    userTokenSecret: undefined,
    allowedOrigins: [],
    maxMessageLength: 2000,
    ratePerConversation: 10,
    ratePerIp: 10,
    newConversationsPerIp: 10,
  },
  redisPrefix: prefix,
  redis,
  createSubscriber: () => new Redis(REDIS_URL),
  prisma,
  operatorName: 'Northwind Telecom',
  clientAddress: () => '127.0.0.1',
  logger: createLogger('silent'),
});
const channels: Channel[] = [sms, webchat];

afterAll(async () => {
  await Promise.all(channels.map((channel) => channel.close()));
  redis.disconnect();
  await deleteRedisKeys(REDIS_URL, prefix);
});

describe('every channel', () => {
  it.each(channels)('$name carries its row of the capability table, and the edge methods that go with it', (channel) => {
    expect(channel.capabilities).toEqual(CHANNEL_CAPABILITIES[channel.name]);
    expect(channel.announceTyping !== undefined).toBe(channel.capabilities.typingIndicator);
  });
});

describe('SMS receipts (Twilio status callbacks)', () => {
  const sid = `SM${'0f'.repeat(16)}`;
  const iid = randomUUID();
  const parse = (report: ProviderReport) => {
    if (!sms.parseReceipt) throw new Error('SMS parses its receipts');
    return sms.parseReceipt(report);
  };
  const refusal = (report: ProviderReport) => {
    try {
      parse(report);
    } catch (error) {
      if (error instanceof AppError) return `${error.type}: ${error.message}`;
      throw error;
    }
    throw new Error('expected a refusal');
  };

  it.each([
    { twilio: 'accepted', status: 'queued' },
    { twilio: 'scheduled', status: 'queued' },
    { twilio: 'sending', status: 'sending' },
    { twilio: 'sent', status: 'sent' },
    { twilio: 'delivered', status: 'delivered' },
    { twilio: 'read', status: 'read' },
    { twilio: 'canceled', status: 'failed' },
    { twilio: 'receiving', status: 'received' },
  ])('reads Twilio status $twilio as $status', ({ twilio, status }) => {
    expect(parse({ body: { MessageSid: sid, MessageStatus: twilio }, query: { iid } })).toEqual({ providerMessageId: sid, status, errorCode: undefined, interactionId: iid });
  });

  it('keeps the error code, and does without our interaction id', () => {
    expect(parse({ body: { MessageSid: sid, MessageStatus: 'undelivered', ErrorCode: '30005' }, query: {} })).toEqual({
      providerMessageId: sid,
      status: 'undelivered',
      errorCode: '30005',
      interactionId: undefined,
    });
  });

  it('refuses a report it cannot read, payload before callback URL', () => {
    expect(refusal({ body: { MessageSid: sid, MessageStatus: 'teleported' }, query: { iid } })).toMatch(/^invalid_request: The status callback is not valid: MessageStatus/);
    expect(refusal({ body: { MessageSid: 'SM1', MessageStatus: 'sent' }, query: { iid: 'x' } })).toMatch(/^invalid_request: The status callback is not valid: MessageSid/);
    expect(refusal({ body: { MessageSid: sid, MessageStatus: 'sent' }, query: { iid: 'not-a-uuid' } })).toMatch(/^invalid_request: The status callback URL is not valid: iid/);
  });
});

describe('web chat delivery (the conversation activity stream on Redis)', () => {
  it('has no receipts: a reply is delivered once published', () => {
    expect(webchat.parseReceipt).toBeUndefined();
  });

  it('publishes each reply once, reads after a watermark, and announces typing without keeping it', async () => {
    const store = new ActivityStore(redis, prefix);
    const conversation = `c${randomUUID().slice(0, 8)}`;
    const subscriber = new Redis(REDIS_URL);
    const heard: string[] = [];
    subscriber.on('message', (_channel: string, message: string) => heard.push(message));
    await subscriber.subscribe(store.liveChannel(conversation));
    try {
      const first = await webchat.deliver({ interactionId: 'i-1', from: 'bot', to: conversation, text: 'one' });
      expect(first).toEqual({ providerMessageId: `${conversation}|i-1`, status: 'delivered' });
      // A retried delivery publishes nothing new.
      await webchat.deliver({ interactionId: 'i-1', from: 'bot', to: conversation, text: 'one' });
      await webchat.deliver({ interactionId: 'i-2', from: 'bot', to: conversation, text: 'two' });
      await webchat.announceTyping?.(conversation);

      const all = await store.read(conversation, undefined);
      expect(all.activities.map((a) => a.text)).toEqual(['one', 'two']);
      const afterFirst = await store.read(conversation, (await store.read(conversation, undefined, 1)).watermark);
      expect(afterFirst.activities.map((a) => a.text)).toEqual(['two']);
      expect(await store.read(conversation, all.watermark)).toEqual({ activities: [], watermark: all.watermark });

      await expect.poll(() => heard.length).toBe(3);
      expect(heard.slice(0, 2).every((message) => /^\d+-\d+$/.test(message))).toBe(true);
      expect(JSON.parse(heard[2] ?? '{}')).toMatchObject({ type: 'typing', from: { role: 'bot' } });
      expect(await redis.ttl(`${prefix}:webchat:{${conversation}}:activities`)).toBeGreaterThan(3600);
    } finally {
      subscriber.disconnect();
    }
  });
});
