import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeSid, postSignedForm } from '../../src/sandbox/twilio-signing.ts';
import { readError } from '../support/http.ts';
import { ACCOUNT_SID, ALEX, AUTH_TOKEN, OUR_NUMBER, startTestEnv, type TestEnv } from '../support/service.ts';
import { fetchAsStaff } from '../support/staff.ts';
import { callDirectLine, generateToken } from '../support/webchat.ts';

// What every response says to browsers and caches (security headers, no-store on tokens and
// customer data), who may read /metrics (METRICS_TOKEN), and which numbers the SMS webhook
// answers for.

const METRICS_TOKEN = 'metrics-token-for-the-edge-test';

let env: TestEnv;
let https: TestEnv;

beforeAll(async () => {
  [env, https] = await Promise.all([
    startTestEnv({ env: { METRICS_TOKEN } }),
    startTestEnv({ seed: false, env: { PUBLIC_BASE_URL: 'https://bot.example.com' } }),
  ]);
});

afterAll(async () => {
  await Promise.all([env?.close(), https?.close()]);
});

describe('security headers', () => {
  it('are on every response: nosniff, no framing, a Content-Security-Policy, no HSTS over http', async () => {
    for (const path of ['/healthz', '/v3/directline/nowhere', '/no/such/route']) {
      const response = await fetch(`${env.service.url}${path}`);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
      expect(response.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
      expect(response.headers.get('content-security-policy')).not.toMatch(/upgrade-insecure-requests/);
      expect(response.headers.get('strict-transport-security')).toBeNull();
      expect(response.headers.get('x-powered-by')).toBeNull();
    }
  });

  it('include HSTS when PUBLIC_BASE_URL is https', async () => {
    const response = await fetch(`${https.service.url}/healthz`);
    expect(response.headers.get('strict-transport-security')).toMatch(/^max-age=\d{7,}/);
    expect(response.headers.get('content-security-policy')).toMatch(/upgrade-insecure-requests/);
  });

  it('let operators\' pages load the Web Chat bundle from another origin', async () => {
    const response = await fetch(`${env.service.url}/webchat/webchat.js`);
    expect(response.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect((await fetch(`${env.service.url}/healthz`)).headers.get('cross-origin-resource-policy')).toBe('same-origin');
  });
});

describe('Cache-Control: no-store', () => {
  it('is on Direct Line tokens and conversations', async () => {
    const generated = await callDirectLine(env.service.url, '/tokens/generate', undefined, { method: 'POST' });
    expect(generated.headers.get('cache-control')).toBe('no-store');
    const { token } = await generateToken(env.service.url);
    for (const response of [
      await callDirectLine(env.service.url, '/tokens/refresh', token, { method: 'POST' }),
      await callDirectLine(env.service.url, '/conversations', token, { method: 'POST' }),
    ]) {
      expect(response.status).toBeLessThan(300);
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('is on the staff API (customer data)', async () => {
    const customer = await env.database.db.prisma.contactMedium.findUniqueOrThrow({ where: { phoneNumber: ALEX } });
    const response = await fetchAsStaff(`${env.service.url}/api/customers/${customer.customerId}/interactions`, {}, 'agent');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });
});

describe('GET /metrics with METRICS_TOKEN set', () => {
  it('answers only the bearer of the token', async () => {
    const missing = await fetch(`${env.service.url}/metrics`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await readError(missing)).toMatchObject({ code: 'metrics_token_required' });
    const wrong = await fetch(`${env.service.url}/metrics`, { headers: { Authorization: 'Bearer not-the-metrics-token' } });
    expect(wrong.status).toBe(401);
    expect((await readError(wrong)).code).toBe('invalid_metrics_token');
    const right = await fetch(`${env.service.url}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(right.status).toBe(200);
    expect(await right.text()).toMatch(/telcobot_/);
  });

  it('stays open when unset', async () => {
    expect((await fetch(`${https.service.url}/metrics`)).status).toBe(200);
  });
});

describe('POST /twilio/sms to a number that is not the operator\'s', () => {
  it('is refused with 403 number_not_served: not stored, not answered', async () => {
    const params = { MessageSid: fakeSid('SM'), AccountSid: ACCOUNT_SID, From: ALEX, To: '+15559990000', Body: 'hello' };
    const response = await postSignedForm(AUTH_TOKEN, `${env.service.url}/twilio/sms`, params, `${env.service.publicBaseUrl}/twilio/sms`);
    expect(response.status).toBe(403);
    const error = await readError(response);
    expect(error.code).toBe('number_not_served');
    expect(error.message).toContain(OUR_NUMBER);
    expect(await env.database.db.prisma.interaction.count({ where: { providerMessageId: params.MessageSid } })).toBe(0);
    // The same message to the operator's number is taken and answered.
    const ours = { ...params, MessageSid: fakeSid('SM'), To: OUR_NUMBER };
    expect((await postSignedForm(AUTH_TOKEN, `${env.service.url}/twilio/sms`, ours, `${env.service.publicBaseUrl}/twilio/sms`)).status).toBe(200);
    const replies = await env.twilio.state.waitForMessages(ALEX, 1);
    expect(replies.every((reply) => reply.from === OUR_NUMBER)).toBe(true);
    expect(await env.database.db.prisma.interaction.count({ where: { fromAddress: ALEX, toAddress: '+15559990000' } })).toBe(0);
  });
});
