import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readError } from '../support/http.ts';
import { startTestEnv, type TestEnv } from '../support/service.ts';
import { callDirectLine, conversationResponse, openStream } from '../support/webchat.ts';

// Whose address a web chat limit counts: the socket's, or the one a trusted proxy forwarded
// (TRUST_PROXY), the same on the REST API and the WebSocket stream; and how many new chats one
// address may open in an hour.

const RATE_PER_IP = 6;
const NEW_CONVERSATIONS_PER_IP = 4;

let direct: TestEnv;
let behindProxy: TestEnv;

beforeAll(async () => {
  const limits = { WEBCHAT_RATE_PER_IP: String(RATE_PER_IP), WEBCHAT_NEW_CONVERSATIONS_PER_IP: String(NEW_CONVERSATIONS_PER_IP) };
  [direct, behindProxy] = await Promise.all([
    startTestEnv({ seed: false, env: limits }),
    startTestEnv({ seed: false, env: { ...limits, TRUST_PROXY: '1' } }),
  ]);
});

afterAll(async () => {
  await Promise.all([direct?.close(), behindProxy?.close()]);
});

function generate(env: TestEnv, forwardedFor?: string) {
  return callDirectLine(env.service.url, '/tokens/generate', undefined, { method: 'POST', headers: forwardedFor ? { 'X-Forwarded-For': forwardedFor } : {} });
}

function refresh(env: TestEnv, token: string, forwardedFor: string) {
  return callDirectLine(env.service.url, '/tokens/refresh', token, { method: 'POST', headers: { 'X-Forwarded-For': forwardedFor } });
}

async function startConversation(env: TestEnv, forwardedFor: string) {
  const generated = await generate(env, forwardedFor);
  expect(generated.status).toBe(200);
  const { token } = conversationResponse.pick({ token: true }).parse(await generated.json());
  const started = await callDirectLine(env.service.url, '/conversations', token, { method: 'POST', headers: { 'X-Forwarded-For': forwardedFor } });
  return { token, streamUrl: conversationResponse.parse(await started.json()).streamUrl };
}

describe('without TRUST_PROXY (the default)', () => {
  it('counts a forged X-Forwarded-For under the socket address, on the API and the stream', async () => {
    const { token, streamUrl } = await startConversation(direct, '198.51.100.1');
    // Two requests so far; each further one claims another address.
    for (let i = 2; i < RATE_PER_IP; i++) expect((await refresh(direct, token, `198.51.100.${i}`)).status).toBe(200);
    const refused = await refresh(direct, token, '198.51.100.99');
    expect(refused.status).toBe(429);
    expect((await readError(refused)).code).toBe('rate_limited');
    expect((await openStream(streamUrl, { 'X-Forwarded-For': '198.51.100.100' })).status).toBe(429);
  });
});

describe('with TRUST_PROXY=1 (one load balancer in front)', () => {
  it('counts the right-most forwarded address, the same on the API and the stream', async () => {
    const client = '203.0.113.7';
    const { token, streamUrl } = await startConversation(behindProxy, `forged-1, ${client}`);
    for (let i = 2; i < RATE_PER_IP; i++) expect((await refresh(behindProxy, token, `10.9.9.${i}, ${client}`)).status).toBe(200);
    const refused = await refresh(behindProxy, token, `10.9.9.99, ${client}`);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // The stream counts the same address: refused too, whatever the client put in front of it.
    const stream = await openStream(streamUrl, { 'X-Forwarded-For': `192.0.2.200, ${client}` });
    expect(stream.status).toBe(429);
    expect(JSON.parse(stream.body)).toMatchObject({ error: { code: 'rate_limited' } });
    // Another client behind the same balancer is served, over the API and the stream.
    const other = '203.0.113.8';
    expect((await refresh(behindProxy, token, `${client}, ${other}`)).status).toBe(200);
    const open = await openStream(streamUrl, { 'X-Forwarded-For': other });
    expect(open.status).toBe(101);
    open.socket?.close();
  });
});

describe('WEBCHAT_NEW_CONVERSATIONS_PER_IP', () => {
  it('caps the new chats one address opens in an hour (429 rate_limited with Retry-After), others unaffected', async () => {
    const client = '203.0.113.50';
    for (let i = 0; i < NEW_CONVERSATIONS_PER_IP; i++) expect((await generate(behindProxy, client)).status).toBe(200);
    const refused = await generate(behindProxy, client);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(60);
    const error = await readError(refused);
    expect(error.code).toBe('rate_limited');
    expect(error.message).toMatch(/Too many new chats from your network \(at most 4 an hour\)/);
    expect((await generate(behindProxy, '203.0.113.51')).status).toBe(200);
  });
});
