import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fakeSid, postSignedForm, signTwilioRequest } from '../../src/sandbox/twilio-signing.ts';
import { readError } from '../support/http.ts';
import { ACCOUNT_SID, ALEX, AUTH_TOKEN, OUR_NUMBER, eventually, startTestEnv, type TestEnv } from '../support/service.ts';

// Bad input at the SMS webhooks: each gets a clear error, and nothing is stored half-way.

let env: TestEnv;
const SAM_LIKE = '+15551230005';

beforeAll(async () => {
  env = await startTestEnv();
});

afterAll(async () => {
  await env?.close();
});

function smsParams(overrides: Record<string, string> = {}) {
  return { MessageSid: fakeSid('SM'), AccountSid: ACCOUNT_SID, From: SAM_LIKE, To: OUR_NUMBER, Body: 'hello', ...overrides };
}

async function storedWith(sid: string) {
  return env.database.db.prisma.interaction.count({ where: { providerMessageId: sid } });
}

describe('POST /twilio/sms', () => {
  const url = () => `${env.service.url}/twilio/sms`;
  const signedUrl = () => `${env.service.publicBaseUrl}/twilio/sms`;

  it('answers a valid message with empty TwiML after storing it', async () => {
    const params = smsParams();
    const response = await postSignedForm(AUTH_TOKEN, url(), params, signedUrl());
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/xml/);
    expect(await response.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
    expect(await storedWith(params.MessageSid)).toBe(1);
  });

  it.each([
    ['a forged signature', (params: Record<string, string>) => ({ 'X-Twilio-Signature': signTwilioRequest('not-the-token', `${env.service.publicBaseUrl}/twilio/sms`, params) })],
    ['a missing signature', () => ({})],
    ['a signature for another URL', (params: Record<string, string>) => ({ 'X-Twilio-Signature': signTwilioRequest(AUTH_TOKEN, 'https://evil.example.com/twilio/sms', params) })],
  ])('refuses %s with 403 and stores nothing', async (_name, headers) => {
    const params = smsParams();
    const response = await fetch(url(), {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers(params) },
      body: new URLSearchParams(params).toString(),
    });
    expect(response.status).toBe(403);
    const error = await readError(response);
    expect(error.code).toBe('invalid_signature');
    expect(error.message).toMatch(/PUBLIC_BASE_URL/);
    expect(await storedWith(params.MessageSid)).toBe(0);
  });

  it('refuses a tampered body (signed for other text) with 403', async () => {
    const params = smsParams({ Body: 'what is my balance' });
    const signature = signTwilioRequest(AUTH_TOKEN, signedUrl(), params);
    const response = await fetch(url(), {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signature },
      body: new URLSearchParams({ ...params, Body: 'cancel my service' }).toString(),
    });
    expect(response.status).toBe(403);
    expect(await storedWith(params.MessageSid)).toBe(0);
  });

  it.each([
    ['no MessageSid', { MessageSid: '' }, 'MessageSid'],
    ['a MessageSid of the wrong shape', { MessageSid: 'SM123' }, 'MessageSid'],
    ['a From that is not a phone number', { From: 'not-a-number' }, 'From'],
    ['a body longer than an SMS can be', { Body: 'x'.repeat(1601) }, 'Body'],
  ])('answers a signed payload with %s with 400 naming the field', async (_name, overrides, field) => {
    const params = smsParams(overrides);
    const response = await postSignedForm(AUTH_TOKEN, url(), params, signedUrl());
    expect(response.status).toBe(400);
    const error = await readError(response);
    expect(error.code).toBe('invalid_request');
    expect(error.message).toContain(field);
    expect(error.details?.some((d) => d.field === field)).toBe(true);
  });

  it('refuses an unsigned body that is not a form, and an oversized one, clearly', async () => {
    const json = await fetch(url(), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"MessageSid":' });
    expect(json.status).toBe(403);
    expect((await readError(json)).code).toBe('invalid_signature');
    const huge = await fetch(url(), { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `Body=${'x'.repeat(70_000)}` });
    expect(huge.status).toBe(413);
    expect((await readError(huge)).code).toBe('body_too_large');
  });

  it('acknowledges a retried MessageSid without handling it again', async () => {
    const params = smsParams({ From: ALEX, Body: 'hello' });
    const responses = await Promise.all([1, 2, 3].map(() => postSignedForm(AUTH_TOKEN, url(), params, signedUrl())));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    await env.twilio.state.waitForMessages(ALEX, 1);
    // Give a wrongly duplicated turn time to show itself before counting.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(env.twilio.state.messagesTo(ALEX)).toHaveLength(1);
    expect(await storedWith(params.MessageSid)).toBe(1);
    const again = await postSignedForm(AUTH_TOKEN, url(), params, signedUrl());
    expect(again.status).toBe(200);
    expect(await env.database.db.prisma.interaction.count({ where: { direction: 'outbound', toAddress: ALEX } })).toBe(1);
  });
});

describe('POST /twilio/sms/status', () => {
  async function sentReply() {
    const before = env.twilio.state.messagesTo(ALEX).length;
    await env.sms(ALEX, 'thanks');
    const [message] = (await env.twilio.state.waitForMessages(ALEX, before + 1)).slice(before);
    if (!message?.statusCallback) throw new Error('the reply carried no status callback');
    return { sid: message.sid, callback: message.statusCallback };
  }

  // The stand-in may record a message before the service has stored the provider's id for it.
  async function deliveryStatus(sid: string) {
    return (await env.database.db.prisma.interaction.findFirst({ where: { providerMessageId: sid } }))?.deliveryStatus;
  }

  it('applies statuses in order and never moves a message backwards', async () => {
    const { sid, callback } = await sentReply();
    await eventually(async () => ((await deliveryStatus(sid)) === 'delivered' ? true : undefined), 'the stand-in callbacks');
    const stale = await postSignedForm(AUTH_TOKEN, callback.replace(env.service.publicBaseUrl, env.service.url), { MessageSid: sid, MessageStatus: 'sent' }, callback);
    expect(stale.status).toBe(200);
    expect(await stale.json()).toEqual({ status: 'stale' });
    expect(await deliveryStatus(sid)).toBe('delivered');
    const read = await postSignedForm(AUTH_TOKEN, callback.replace(env.service.publicBaseUrl, env.service.url), { MessageSid: sid, MessageStatus: 'read' }, callback);
    expect(await read.json()).toEqual({ status: 'applied' });
    expect(await deliveryStatus(sid)).toBe('read');
  });

  it('records a failure with its error code', async () => {
    const { sid } = await sentReply();
    await eventually(async () => ((await deliveryStatus(sid)) === 'delivered' ? true : undefined), 'the stand-in callbacks');
    // A fresh message, failed by the carrier before any other status arrived.
    const interaction = await env.database.db.prisma.interaction.create({
      data: {
        conversationId: (await env.database.db.prisma.interaction.findFirstOrThrow({ where: { providerMessageId: sid } })).conversationId,
        direction: 'outbound',
        channel: 'sms',
        fromAddress: OUR_NUMBER,
        toAddress: ALEX,
        text: 'made up for the test',
        status: 'pending',
        deliveryStatus: 'queued',
        providerMessageId: fakeSid('SM'),
      },
    });
    const url = `${env.service.url}/twilio/sms/status`;
    const response = await postSignedForm(AUTH_TOKEN, url, { MessageSid: interaction.providerMessageId ?? '', MessageStatus: 'undelivered', ErrorCode: '30005' }, `${env.service.publicBaseUrl}/twilio/sms/status`);
    expect(await response.json()).toEqual({ status: 'applied' });
    const after = await env.database.db.prisma.interaction.findUniqueOrThrow({ where: { id: interaction.id } });
    expect([after.deliveryStatus, after.deliveryErrorCode, after.status]).toEqual(['undelivered', '30005', 'failed']);
  });

  it('applies a burst of callbacks for many messages, each message moving only forward', async () => {
    const { sid } = await sentReply();
    await eventually(async () => ((await deliveryStatus(sid)) === 'delivered' ? true : undefined), 'the stand-in callbacks');
    const { conversationId } = await env.database.db.prisma.interaction.findFirstOrThrow({ where: { providerMessageId: sid } });
    const messages = await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        env.database.db.prisma.interaction.create({
          data: { conversationId, direction: 'outbound', channel: 'sms', fromAddress: OUR_NUMBER, toAddress: ALEX, text: `burst ${index}`, status: 'pending', deliveryStatus: 'queued', providerMessageId: fakeSid('SM') },
        }),
      ),
    );
    const url = `${env.service.url}/twilio/sms/status`;
    const signed = `${env.service.publicBaseUrl}/twilio/sms/status`;
    const post = (iid: string, fields: Record<string, string>) => postSignedForm(AUTH_TOKEN, `${url}?iid=${iid}`, fields, `${signed}?iid=${iid}`);
    // Every message gets sent and delivered (even ones undelivered, 30003), all at once, in any order.
    const responses = await Promise.all(
      messages.flatMap((message, index) => {
        const MessageSid = message.providerMessageId ?? '';
        const last: Record<string, string> = index % 4 === 0 ? { MessageSid, MessageStatus: 'undelivered', ErrorCode: '30003' } : { MessageSid, MessageStatus: 'delivered' };
        const calls = [post(message.id, { MessageSid, MessageStatus: 'sent' }), post(message.id, last)];
        return index % 2 === 0 ? calls : calls.reverse();
      }),
    );
    const outcomes = await Promise.all(responses.map(async (response) => ({ code: response.status, body: z.object({ status: z.string() }).parse(await response.json()) })));
    expect(outcomes.every((outcome) => outcome.code === 200)).toBe(true);
    expect(outcomes.filter((outcome) => outcome.body.status === 'applied').length).toBeGreaterThanOrEqual(messages.length);
    const after = await env.database.db.prisma.interaction.findMany({ where: { id: { in: messages.map((message) => message.id) } } });
    for (const [index, message] of messages.entries()) {
      const row = after.find((candidate) => candidate.id === message.id);
      if (index % 4 === 0) expect([row?.deliveryStatus, row?.deliveryErrorCode, row?.status]).toEqual(['undelivered', '30003', 'failed']);
      else expect([row?.deliveryStatus, row?.deliveryErrorCode, row?.status]).toEqual(['delivered', null, 'completed']);
    }
    // In the same burst: another message's id under a known interaction, and an interaction that does not exist.
    const [mismatched, missing] = await Promise.all([
      post(messages[1]?.id ?? '', { MessageSid: fakeSid('SM'), MessageStatus: 'read' }),
      post('00000000-0000-4000-8000-000000000000', { MessageSid: fakeSid('SM'), MessageStatus: 'read' }),
    ]);
    expect([mismatched.status, missing.status]).toEqual([404, 404]);
    expect((await env.database.db.prisma.interaction.findUniqueOrThrow({ where: { id: messages[1]?.id ?? '' } })).deliveryStatus).toBe('delivered');
  });

  it('answers an unknown message with 404, a forged callback with 403, a bad status with 400', async () => {
    const url = `${env.service.url}/twilio/sms/status`;
    const signed = `${env.service.publicBaseUrl}/twilio/sms/status`;
    const unknown = await postSignedForm(AUTH_TOKEN, url, { MessageSid: fakeSid('SM'), MessageStatus: 'delivered' }, signed);
    expect(unknown.status).toBe(404);
    expect((await readError(unknown)).code).toBe('unknown_message');
    const forged = await postSignedForm('wrong-token-123', url, { MessageSid: fakeSid('SM'), MessageStatus: 'delivered' }, signed);
    expect(forged.status).toBe(403);
    const bad = await postSignedForm(AUTH_TOKEN, url, { MessageSid: fakeSid('SM'), MessageStatus: 'teleported' }, signed);
    expect(bad.status).toBe(400);
    expect((await readError(bad)).message).toContain('MessageStatus');
  });
});

describe('health and metrics', () => {
  it('reports liveness, readiness and Prometheus metrics', async () => {
    expect((await fetch(`${env.service.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${env.service.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', redis: 'ok' } });
    const metrics = await (await fetch(`${env.service.url}/metrics`)).text();
    expect(metrics).toMatch(/telcobot_messages_in_total\{channel="sms"\} [1-9]/);
    expect(metrics).toMatch(/telcobot_messages_out_total\{channel="sms"\} [1-9]/);
    expect(metrics).toMatch(/telcobot_webhook_rejections_total\{reason="invalid_signature"\} [1-9]/);
    expect(metrics).toMatch(/telcobot_turn_duration_seconds_bucket/);
    expect(metrics).toMatch(/telcobot_queue_jobs\{queue="turns",state="waiting"\} \d+/);
  });

  it('answers unknown routes with a JSON 404', async () => {
    const response = await fetch(`${env.service.url}/nope`);
    expect(response.status).toBe(404);
    expect((await readError(response)).code).toBe('not_found');
  });
});
