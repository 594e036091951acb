import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { DirectLineTokens, MAX_USER_TOKEN_SECONDS } from '../../src/channels/webchat/directline-tokens.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { WebchatGuard } from '../../src/channels/webchat/webchat-guard.ts';
import { inboundActivityId, toBotActivity } from '../../src/channels/webchat/directline-activities.ts';
import { AppError } from '../../src/lib/errors.ts';
import { deleteRedisKeys } from '../support/service.ts';
import { signUserToken } from '../support/webchat.ts';

// The web chat channel's parts on their own: tokens, activity conversions, origins, and the
// per-conversation activity stream on the real Redis.

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const prefix = `t${randomUUID().slice(0, 8)}`;
const redis = new Redis(REDIS_URL);
const SECRET = 'unit-test-direct-line-secret-0123456789abcdef';
const USER_SECRET = 'unit-test-user-token-secret-0123456789abcdef';
const bot = { id: 'bot', name: 'Northwind Telecom' };

afterAll(async () => {
  redis.disconnect();
  await deleteRedisKeys(REDIS_URL, prefix);
});

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return `${error.type}:${error.code}`;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('Direct Line tokens', () => {
  const tokens = new DirectLineTokens({ secret: SECRET, ttlSeconds: 1800, userTokenSecret: USER_SECRET });

  it('carry the conversation, the Direct Line user and the customer, until they expire', async () => {
    const now = new Date();
    const { token, expiresIn } = await tokens.issue({ conversationId: 'conv1', userId: 'dl_u1', customerId: 'cust-1' }, now);
    expect(expiresIn).toBe(1800);
    expect(await tokens.verify(token)).toEqual({ conversationId: 'conv1', userId: 'dl_u1', customerId: 'cust-1', expiresAt: new Date(Math.floor(now.getTime() / 1000) * 1000 + 1_800_000) });
    const anonymous = await tokens.issue({ conversationId: 'conv2', userId: 'dl_u2', customerId: null });
    expect((await tokens.verify(anonymous.token)).customerId).toBeNull();

    const old = await tokens.issue({ conversationId: 'conv1', userId: 'dl_u1', customerId: null }, new Date(Date.now() - 1_801_000));
    expect(await refusal(tokens.verify(old.token))).toBe('forbidden:token_expired');
    const otherService = new DirectLineTokens({ secret: 'another-service-secret-0123456789abcdef', ttlSeconds: 1800, userTokenSecret: undefined });
    expect(await refusal(otherService.verify(token))).toBe('forbidden:invalid_token');
  });

  it('keep stream tokens apart: one minute, and never accepted as a conversation token', async () => {
    const grant = await tokens.verify((await tokens.issue({ conversationId: 'conv3', userId: 'dl_u3', customerId: null })).token);
    const stream = await tokens.issueStreamToken(grant);
    expect(await tokens.verifyStreamToken(stream)).toEqual({ conversationId: 'conv3', tokenExpiresAt: grant.expiresAt });
    expect(await refusal(tokens.verify(stream))).toBe('forbidden:invalid_token');
    const stale = await tokens.issueStreamToken(grant, new Date(Date.now() - 61_000));
    expect(await refusal(tokens.verifyStreamToken(stale))).toBe('forbidden:token_expired');
  });

  it('read the customer from a short-lived user token signed by the website', async () => {
    expect(await tokens.verifyUserToken(await signUserToken(USER_SECRET, 'cust-9'))).toBe('cust-9');
    expect(await refusal(tokens.verifyUserToken(await signUserToken(USER_SECRET, 'cust-9', MAX_USER_TOKEN_SECONDS + 60)))).toBe('forbidden:user_token_too_long');
    expect(await refusal(tokens.verifyUserToken(await signUserToken(USER_SECRET, 'cust-9', -1)))).toBe('forbidden:user_token_expired');
    expect(await refusal(tokens.verifyUserToken(await signUserToken(SECRET, 'cust-9')))).toBe('forbidden:invalid_user_token');
    const off = new DirectLineTokens({ secret: SECRET, ttlSeconds: 1800, userTokenSecret: undefined });
    expect(await refusal(off.verifyUserToken(await signUserToken(USER_SECRET, 'cust-9')))).toBe('forbidden:user_tokens_disabled');
  });
});

describe('activities', () => {
  it('name a posted activity after the client id for it, so a retry is recognised', () => {
    const first = inboundActivityId('conv', { type: 'message', channelData: { clientActivityID: 'abc' } });
    expect(inboundActivityId('conv', { type: 'message', channelData: { clientActivityID: 'abc' } })).toBe(first);
    expect(inboundActivityId('conv', { type: 'message', channelData: { clientActivityId: 'abc' } })).toBe(first);
    // Scoped to the conversation: another conversation's client cannot collide with it.
    expect(inboundActivityId('other', { type: 'message', channelData: { clientActivityID: 'abc' } }).startsWith('other|')).toBe(true);
    expect(inboundActivityId('conv', { type: 'message' })).not.toBe(inboundActivityId('conv', { type: 'message' }));
    expect(first).toMatch(/^conv\|c[A-Za-z0-9_-]{22}$/);
  });

  it('turn a reply and its quick replies into a bot message with imBack buttons', () => {
    const activity = toBotActivity({ interactionId: 'i-1', from: 'bot', to: 'conv', text: 'Shall I go ahead?', suggestedActions: ['Yes', 'No'] }, bot, new Date('2026-01-02T03:04:05Z'));
    expect(activity).toEqual({
      type: 'message',
      id: 'conv|i-1',
      timestamp: '2026-01-02T03:04:05.000Z',
      channelId: 'directline',
      conversation: { id: 'conv' },
      from: { id: 'bot', name: 'Northwind Telecom', role: 'bot' },
      text: 'Shall I go ahead?',
      textFormat: 'plain',
      suggestedActions: { actions: [{ type: 'imBack', title: 'Yes', value: 'Yes' }, { type: 'imBack', title: 'No', value: 'No' }] },
    });
    expect(toBotActivity({ interactionId: 'i-2', from: 'bot', to: 'conv', text: 'Hi' }, bot)).not.toHaveProperty('suggestedActions');
  });
});

describe('origins', () => {
  const guard = new WebchatGuard({ allowedOrigins: ['https://shop.example.com'], ratePerIp: 10, ratePerConversation: 10, newConversationsPerIp: 10, clientAddress: () => '127.0.0.1', redis, prefix, logger: createLogger('silent') });

  it.each([
    { origin: undefined, host: 'bot.example.com', allowed: true },
    { origin: 'https://shop.example.com', host: 'bot.example.com', allowed: true },
    { origin: 'https://SHOP.example.com', host: 'bot.example.com', allowed: true },
    { origin: 'https://bot.example.com', host: 'bot.example.com', allowed: true },
    { origin: 'https://evil.example.com', host: 'bot.example.com', allowed: false },
    { origin: 'null', host: 'bot.example.com', allowed: false },
  ])('origin $origin on host $host: allowed=$allowed', ({ origin, host, allowed }) => {
    expect(guard.originAllowed(origin, host)).toBe(allowed);
  });
});
