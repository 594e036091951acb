import { decodeJwt, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readError } from '../support/http.ts';
import { ALEX, startTestEnv, type TestEnv } from '../support/service.ts';
import {
  callDirectLine,
  ConnectionStatus,
  connectChat,
  textOf,
  conversationResponse,
  generateToken,
  openStream,
  signUserToken,
  tokenResponse,
} from '../support/webchat.ts';

// What the Direct Line API refuses, and how: tokens bound to one conversation and expiring,
// user tokens from the website, input limits, CORS and malformed payloads. Every refusal is a
// 4xx with a machine-readable code and a sentence, and leaves nothing stored.

const TTL_SECONDS = 30;
const ALLOWED_ORIGIN = 'https://shop.example.com';
const RATE_PER_IP = 60;

let env: TestEnv;
/** A token issued as the file starts, and its refreshed successor: checked again once the first has expired. */
let early: { token: string; conversationId: string; streamUrl: string; issuedAt: number; refreshed?: string };
let nextIp = 1;

/** Each test calls from its own address (X-Forwarded-For), so the per-IP limit is its own. */
function freshIp(): string {
  return `198.51.100.${nextIp++}`;
}

beforeAll(async () => {
  env = await startTestEnv({
    env: {
      WEBCHAT_TOKEN_TTL_SECONDS: String(TTL_SECONDS),
      WEBCHAT_MAX_MESSAGE_LENGTH: '50',
      WEBCHAT_RATE_PER_CONVERSATION: '3',
      WEBCHAT_RATE_PER_IP: String(RATE_PER_IP),
      WEBCHAT_ALLOWED_ORIGINS: ALLOWED_ORIGIN,
      // As behind one load balancer: each test's X-Forwarded-For is its client's address.
      TRUST_PROXY: '1',
    },
  });
  const issuedAt = Date.now();
  const { token, conversationId } = await generateToken(env.service.url);
  const started = conversationResponse.parse(await (await callDirectLine(env.service.url, '/conversations', token, { method: 'POST' })).json());
  early = { token, conversationId, streamUrl: started.streamUrl, issuedAt };
});

afterAll(async () => {
  await env?.close();
});

async function alexId(): Promise<string> {
  return (await env.database.db.prisma.contactMedium.findUniqueOrThrow({ where: { phoneNumber: ALEX } })).customerId;
}

function userSecret(): string {
  const secret = env.config.webchat.userTokenSecret;
  if (!secret) throw new Error('no user token secret');
  return secret;
}

async function storedIn(conversationId: string): Promise<number> {
  return env.database.db.prisma.interaction.count({ where: { channel: 'webchat', fromAddress: conversationId } });
}

describe('Direct Line tokens', () => {
  it('work only for the conversation they were issued for', async () => {
    const headers = { 'X-Forwarded-For': freshIp() };
    const a = await generateToken(env.service.url, undefined, headers);
    const b = await generateToken(env.service.url, undefined, headers);
    const attempts = [
      callDirectLine(env.service.url, `/conversations/${b.conversationId}/activities`, a.token, { headers }),
      callDirectLine(env.service.url, `/conversations/${b.conversationId}/activities`, a.token, { headers, body: { type: 'message', text: 'hi' } }),
      callDirectLine(env.service.url, `/conversations/${b.conversationId}?watermark=`, a.token, { headers }),
    ];
    for (const response of await Promise.all(attempts)) {
      expect(response.status).toBe(403);
      const error = await readError(response);
      expect(error.code).toBe('token_conversation_mismatch');
      expect(error.message).toMatch(/another conversation/);
    }
    // The stream URL of A, pointed at B.
    const start = conversationResponse.parse(await (await callDirectLine(env.service.url, '/conversations', a.token, { method: 'POST', headers })).json());
    const refused = await openStream(start.streamUrl.replace(a.conversationId, b.conversationId), headers);
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toMatchObject({ error: { code: 'token_conversation_mismatch' } });
    expect(await storedIn(b.conversationId)).toBe(0);
  });

  it('are required, and must be signed by this service for Direct Line', async () => {
    const headers = { 'X-Forwarded-For': freshIp() };
    const { conversationId, token } = await generateToken(env.service.url, undefined, headers);
    const path = `/conversations/${conversationId}/activities`;
    const missing = await callDirectLine(env.service.url, path, undefined, { headers });
    expect(missing.status).toBe(401);
    expect((await readError(missing)).code).toBe('missing_token');

    const claims = decodeJwt(token);
    const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('not-the-service-secret-0123456789abcdef'));
    const start = conversationResponse.parse(await (await callDirectLine(env.service.url, '/conversations', token, { method: 'POST', headers })).json());
    const streamToken = new URL(start.streamUrl).searchParams.get('t') ?? '';
    for (const bad of ['garbage', forged, streamToken]) {
      const response = await callDirectLine(env.service.url, path, bad, { headers });
      expect(response.status).toBe(403);
      expect((await readError(response)).code).toBe('invalid_token');
    }
  });

  it('are refreshed with the same conversation and a later expiry', async () => {
    // Refreshed at least two seconds after issue, so the new expiry is later to the second.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, early.issuedAt + 2500 - Date.now())));
    const response = await callDirectLine(env.service.url, '/tokens/refresh', early.token, { method: 'POST', headers: { 'X-Forwarded-For': freshIp() } });
    expect(response.status).toBe(200);
    const refreshed = tokenResponse.parse(await response.json());
    expect(refreshed.conversationId).toBe(early.conversationId);
    expect(refreshed.expires_in).toBe(TTL_SECONDS);
    expect(decodeJwt(refreshed.token).exp ?? 0).toBeGreaterThan(decodeJwt(early.token).exp ?? 0);
    expect(decodeJwt(refreshed.token)).toMatchObject({ conv: early.conversationId, user: decodeJwt(early.token)['user'] });
    early.refreshed = refreshed.token;
  });
});

describe('user tokens from the website', () => {
  it.each([
    { name: 'expired', make: async () => signUserToken(userSecret(), await alexId(), -5), code: 'user_token_expired' },
    { name: 'signed with another secret', make: async () => signUserToken('someone-elses-secret-0123456789abcdef', await alexId()), code: 'invalid_user_token' },
    { name: 'valid for hours', make: async () => signUserToken(userSecret(), await alexId(), 3 * 3600), code: 'user_token_too_long' },
    { name: 'for nobody we know', make: async () => signUserToken(userSecret(), '00000000-0000-4000-8000-000000000000'), code: 'unknown_customer' },
    {
      name: 'without a customer id',
      make: async () => new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('5m').sign(new TextEncoder().encode(userSecret())),
      code: 'invalid_user_token',
    },
  ])('are refused when $name', async ({ make, code }) => {
    const response = await callDirectLine(env.service.url, '/tokens/generate', await make(), { method: 'POST', headers: { 'X-Forwarded-For': freshIp() } });
    expect(response.status).toBe(403);
    expect((await readError(response)).code).toBe(code);
  });
});

describe('input limits', () => {
  it('refuses a message longer than WEBCHAT_MAX_MESSAGE_LENGTH and takes one at the limit', async () => {
    const headers = { 'X-Forwarded-For': freshIp() };
    const { token, conversationId } = await generateToken(env.service.url, undefined, headers);
    const path = `/conversations/${conversationId}/activities`;
    const tooLong = await callDirectLine(env.service.url, path, token, { headers, body: { type: 'message', text: 'x'.repeat(51) } });
    expect(tooLong.status).toBe(400);
    const error = await readError(tooLong);
    expect(error).toMatchObject({ code: 'message_too_long' });
    expect(error.message).toMatch(/at most 50/);
    expect(await storedIn(conversationId)).toBe(0);
    const atLimit = await callDirectLine(env.service.url, path, token, { headers, body: { type: 'message', text: 'y'.repeat(50) } });
    expect(atLimit.status).toBe(200);
  });

  it('limits messages per conversation (429 with Retry-After), other conversations unaffected', async () => {
    const headers = { 'X-Forwarded-For': freshIp() };
    const busy = await generateToken(env.service.url, undefined, headers);
    const path = `/conversations/${busy.conversationId}/activities`;
    for (const text of ['one', 'two', 'three']) {
      expect((await callDirectLine(env.service.url, path, busy.token, { headers, body: { type: 'message', text } })).status).toBe(200);
    }
    const fourth = await callDirectLine(env.service.url, path, busy.token, { headers, body: { type: 'message', text: 'four' } });
    expect(fourth.status).toBe(429);
    expect(Number(fourth.headers.get('retry-after'))).toBeGreaterThan(0);
    const error = await readError(fourth);
    expect(error.code).toBe('rate_limited');
    expect(error.message).toMatch(/Too many messages in this conversation/);
    const texts = await env.database.db.prisma.interaction.findMany({ where: { fromAddress: busy.conversationId, direction: 'inbound' }, select: { text: true } });
    expect(texts.map((t) => t.text).sort()).toEqual(['one', 'three', 'two']);

    const other = await generateToken(env.service.url, undefined, headers);
    const fine = await callDirectLine(env.service.url, `/conversations/${other.conversationId}/activities`, other.token, { headers, body: { type: 'message', text: 'hi' } });
    expect(fine.status).toBe(200);
  });

  it('limits requests per IP address, for the REST API and the stream alike', async () => {
    const ip = freshIp();
    const { token } = await generateToken(env.service.url, undefined, { 'X-Forwarded-For': ip });
    const start = conversationResponse.parse(await (await callDirectLine(env.service.url, '/conversations', token, { method: 'POST', headers: { 'X-Forwarded-For': ip } })).json());
    for (let i = 2; i < RATE_PER_IP; i++) {
      expect((await callDirectLine(env.service.url, '/tokens/generate', undefined, { method: 'POST', headers: { 'X-Forwarded-For': ip } })).status).toBe(200);
    }
    const refused = await callDirectLine(env.service.url, '/tokens/generate', undefined, { method: 'POST', headers: { 'X-Forwarded-For': ip } });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await readError(refused)).message).toMatch(/Too many web chat requests from your network/);
    const stream = await openStream(start.streamUrl, { 'X-Forwarded-For': ip });
    expect(stream.status).toBe(429);
    // Someone else is still served.
    expect((await callDirectLine(env.service.url, '/tokens/generate', undefined, { method: 'POST', headers: { 'X-Forwarded-For': freshIp() } })).status).toBe(200);
  });
});

describe('CORS', () => {
  it('answers preflights for allowed origins and refuses other origins outright', async () => {
    const ip = freshIp();
    const preflight = await fetch(`${env.service.url}/v3/directline/conversations`, {
      method: 'OPTIONS',
      headers: { Origin: ALLOWED_ORIGIN, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type,x-ms-bot-agent', 'X-Forwarded-For': ip },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization.*x-ms-bot-agent/);
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, POST');

    const allowed = await callDirectLine(env.service.url, '/tokens/generate', undefined, { method: 'POST', headers: { Origin: ALLOWED_ORIGIN, 'X-Forwarded-For': ip } });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    // The service's own pages are always allowed.
    const sameOrigin = await callDirectLine(env.service.url, '/tokens/generate', undefined, { method: 'POST', headers: { Origin: env.service.url, 'X-Forwarded-For': ip } });
    expect(sameOrigin.status).toBe(200);

    const evil = await callDirectLine(env.service.url, '/tokens/generate', undefined, { method: 'POST', headers: { Origin: 'https://evil.example', 'X-Forwarded-For': ip } });
    expect(evil.status).toBe(403);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    expect(await readError(evil)).toMatchObject({ code: 'origin_not_allowed' });
    const evilStream = await openStream(early.streamUrl, { Origin: 'https://evil.example', 'X-Forwarded-For': ip });
    expect(evilStream.status).toBe(403);
  });
});

describe('malformed payloads', () => {
  it.each([
    { name: 'a body that is not JSON', body: '{"type": "message", "text": ', status: 400, code: 'malformed_body' },
    { name: 'a JSON array', body: '[]', status: 400, code: 'invalid_request' },
    { name: 'no type', body: { text: 'hi' }, status: 400, code: 'invalid_request' },
    { name: 'a type the bot does not take', body: { type: 'conversationUpdate' }, status: 400, code: 'unsupported_activity' },
    { name: 'an empty message', body: { type: 'message', text: '   ' }, status: 400, code: 'empty_message' },
    { name: 'a text that is not a string', body: { type: 'message', text: 42 }, status: 400, code: 'invalid_request' },
    { name: 'an attachment', body: { type: 'message', text: 'see photo', attachments: [{ contentType: 'image/png', contentUrl: 'https://x/y.png' }] }, status: 400, code: 'attachments_not_supported' },
    { name: 'a body over the size limit', body: JSON.stringify({ type: 'message', text: 'z'.repeat(40_000) }), status: 413, code: 'body_too_large' },
  ])('refuses $name with $status $code, storing nothing', async ({ body, status, code }) => {
    const headers = { 'X-Forwarded-For': freshIp() };
    const { token, conversationId } = await generateToken(env.service.url, undefined, headers);
    const response = await callDirectLine(env.service.url, `/conversations/${conversationId}/activities`, token, { headers, body });
    expect(response.status).toBe(status);
    const error = await readError(response);
    expect(error.code).toBe(code);
    expect(error.message.length).toBeGreaterThan(10);
    expect(await storedIn(conversationId)).toBe(0);
  });

  it('refuses uploads, bad watermarks and ids that are not conversations; acknowledges typing without storing it', async () => {
    const headers = { 'X-Forwarded-For': freshIp() };
    const { token, conversationId } = await generateToken(env.service.url, undefined, headers);
    const upload = await callDirectLine(env.service.url, `/conversations/${conversationId}/upload?userId=x`, token, { headers, method: 'POST' });
    expect(upload.status).toBe(400);
    expect((await readError(upload)).code).toBe('attachments_not_supported');
    const watermark = await callDirectLine(env.service.url, `/conversations/${conversationId}/activities?watermark=abc`, token, { headers });
    expect(watermark.status).toBe(400);
    expect((await readError(watermark)).code).toBe('invalid_request');
    const notAnId = await callDirectLine(env.service.url, `/conversations/${encodeURIComponent('a b')}/activities`, token, { headers });
    expect(notAnId.status).toBe(404);
    const typing = await callDirectLine(env.service.url, `/conversations/${conversationId}/activities`, token, { headers, body: { type: 'typing' } });
    expect(typing.status).toBe(200);
    expect(await storedIn(conversationId)).toBe(0);
  });
});

describe('token expiry (WEBCHAT_TOKEN_TTL_SECONDS=30)', () => {
  it('refuses the expired token (DirectLineJS reports it expired), keeps the refreshed one working', { timeout: 60_000 }, async () => {
    if (!early.refreshed) throw new Error('the refresh test did not run');
    // Refresh once more shortly before the first token ends, so the token this test goes on with
    // has most of its lifetime left however slow the machine is (the one refreshed at +2.5 s ends
    // only a second after the first).
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, early.issuedAt + (TTL_SECONDS - 3) * 1000 - Date.now())));
    const again = await callDirectLine(env.service.url, '/tokens/refresh', early.refreshed, { method: 'POST', headers: { 'X-Forwarded-For': freshIp() } });
    expect(again.status).toBe(200);
    const refreshed = z.object({ token: z.string() }).parse(await again.json()).token;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, early.issuedAt + (TTL_SECONDS + 1.5) * 1000 - Date.now())));
    const headers = { 'X-Forwarded-For': freshIp() };
    const path = `/conversations/${early.conversationId}/activities`;
    const expired = await callDirectLine(env.service.url, path, early.token, { headers });
    expect(expired.status).toBe(403);
    const error = await readError(expired);
    expect(error.code).toBe('token_expired');
    expect(error.message).toMatch(/tokens\/refresh/);
    const refresh = await callDirectLine(env.service.url, '/tokens/refresh', early.token, { method: 'POST', headers });
    expect(refresh.status).toBe(403);
    expect((await callDirectLine(env.service.url, path, refreshed, { headers })).status).toBe(200);

    // The official client sees the expiry, and carries on once given the refreshed token.
    const client = connectChat(env.service.url, { token: early.token, webSocket: false, conversationId: early.conversationId, streamUrl: early.streamUrl });
    try {
      await client.waitFor(() => (client.statuses.includes(ConnectionStatus.ExpiredToken) ? true : undefined), 'the ExpiredToken status');
      client.directLine.reconnect({ conversationId: early.conversationId, token: refreshed, streamUrl: early.streamUrl });
      await client.say('hello after refresh');
      const reply = await client.botMessage(0);
      expect(textOf(reply)).toMatch(/^Hi/);
    } finally {
      client.close();
    }
  });
});
