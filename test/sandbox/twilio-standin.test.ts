import express from 'express';
import http, { type IncomingMessage } from 'node:http';
import type { Server } from 'node:http';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createSmsChannel, validityPeriodSeconds } from '../../src/channels/sms/sms.channel.ts';
import { PermanentDeliveryError } from '../../src/channels/channel.ts';
import { fakeSid, sendSignedForm, signTwilioRequest } from '../../src/sandbox/twilio-signing.ts';
import { twilioStandInRouter } from '../../src/sandbox/twilio-standin.ts';
import { startTwilioStandIn, type RunningStandIn } from '../support/twilio-standin-server.ts';
import { closeServer, listeningPort } from '../../src/lib/net.ts';

// The Twilio stand-in as the official client and the service see it: the Messages API on its own
// port (tests, benchmark) and mounted on Express (the dev sandbox) answer alike, and each accepted
// message gets its signed status callbacks over a kept-alive connection.

const ACCOUNT_SID = `AC${'ab'.repeat(16)}`;
const AUTH_TOKEN = 'stand-in-test-token';
const OUR_NUMBER = '+15557770100';
const CUSTOMER = '+15551230077';

interface ReceivedCallback {
  url: string;
  params: Record<string, string>;
  signatureValid: boolean;
  remotePort: number | undefined;
  at: number;
}

/** Plays the service's status-callback endpoint: records each callback and checks its signature. */
async function startCallbackReceiver(): Promise<{ baseUrl: string; received: ReceivedCallback[]; close(): Promise<void> }> {
  const received: ReceivedCallback[] = [];
  let baseUrl = '';
  const server: Server = http.createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString()));
      const url = `${baseUrl}${req.url ?? ''}`;
      const signature = req.headers['x-twilio-signature'];
      received.push({ url, params, signatureValid: typeof signature === 'string' && twilio.validateRequest(AUTH_TOKEN, signature, url, params), remotePort: req.socket.remotePort, at: performance.now() });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${listeningPort(server)}`;
  return { baseUrl, received, close: () => closeServer(server) };
}

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const basicAuth = (sid: string, token: string) => `Basic ${Buffer.from(`${sid}:${token}`).toString('base64')}`;

const createdMessage = z.object({
  sid: z.string().regex(/^SM[0-9a-f]{32}$/),
  account_sid: z.literal(ACCOUNT_SID),
  to: z.string(),
  from: z.string(),
  body: z.string(),
  status: z.literal('queued'),
  num_segments: z.literal('1'),
  direction: z.literal('outbound-api'),
  date_created: z.string(),
  uri: z.string(),
});
const apiError = z.object({ code: z.number(), message: z.string(), status: z.number() });

let standIn: RunningStandIn;
let mounted: { baseUrl: string; close(): Promise<void> };
let receiver: Awaited<ReturnType<typeof startCallbackReceiver>>;

beforeAll(async () => {
  standIn = await startTwilioStandIn({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
  const app = express();
  app.use('/dev/twilio', twilioStandInRouter({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN }).router);
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  mounted = { baseUrl: `http://127.0.0.1:${listeningPort(server)}/dev/twilio`, close: () => closeServer(server) };
  receiver = await startCallbackReceiver();
});

afterAll(async () => {
  await standIn?.close();
  await mounted?.close();
  await receiver?.close();
});

describe('the Messages API, through the official twilio client', () => {
  it('accepts a message, records it, and reports sent then delivered, signed, on one kept-alive connection', async () => {
    const before = receiver.received.length;
    const callbackUrl = `${receiver.baseUrl}/twilio/sms/status?iid=interaction-1`;
    const sender = createSmsChannel({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, apiBaseUrl: () => standIn.baseUrl, publicBaseUrl: () => receiver.baseUrl, validateSignatures: true, phoneNumbers: [OUR_NUMBER] });
    const acceptedAt = performance.now();
    const result = await sender.deliver({ interactionId: 'interaction-1', from: OUR_NUMBER, to: CUSTOMER, text: 'Your ticket TT-1 is in progress.' });

    expect(result.status).toBe('queued');
    const [recorded] = await standIn.state.waitForMessages(CUSTOMER, 1);
    expect(recorded).toMatchObject({ sid: result.providerMessageId, to: CUSTOMER, from: OUR_NUMBER, body: 'Your ticket TT-1 is in progress.', statusCallback: callbackUrl });

    await until(() => receiver.received.length >= before + 2);
    const [sent, delivered] = receiver.received.slice(before);
    expect(sent?.params).toEqual({ MessageSid: result.providerMessageId, MessageStatus: 'sent', AccountSid: 'AC', To: CUSTOMER, From: OUR_NUMBER });
    expect(delivered?.params).toMatchObject({ MessageSid: result.providerMessageId, MessageStatus: 'delivered' });
    expect([sent?.url, delivered?.url]).toEqual([callbackUrl, callbackUrl]);
    expect([sent?.signatureValid, delivered?.signatureValid]).toEqual([true, true]);
    expect(delivered?.remotePort).toBe(sent?.remotePort);
    // Each callback waits the default 5 ms (timers may fire up to a millisecond early).
    expect((sent?.at ?? 0) - acceptedAt).toBeGreaterThanOrEqual(4);
    expect((delivered?.at ?? 0) - (sent?.at ?? 0)).toBeGreaterThanOrEqual(4);
  });

  it('passes a message\'s validity to Twilio as ValidityPeriod (seconds, 1 to 36,000); none when it has none', async () => {
    const sender = createSmsChannel({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, apiBaseUrl: () => standIn.baseUrl, publicBaseUrl: () => receiver.baseUrl, validateSignatures: true, phoneNumbers: [OUR_NUMBER] });
    const to = '+15550009001';
    await sender.deliver({ interactionId: 'valid-10-min', from: OUR_NUMBER, to, text: 'An offer until 9 pm.', validUntil: new Date(Date.now() + 600_000) });
    await sender.deliver({ interactionId: 'valid-2-days', from: OUR_NUMBER, to, text: 'An offer for days.', validUntil: new Date(Date.now() + 2 * 86_400_000) });
    await sender.deliver({ interactionId: 'no-validity', from: OUR_NUMBER, to, text: 'Your order is on its way.' });
    const [tenMinutes, twoDays, none] = await standIn.state.waitForMessages(to, 3);
    expect(tenMinutes?.validityPeriod).toBeGreaterThanOrEqual(595);
    expect(tenMinutes?.validityPeriod).toBeLessThanOrEqual(600);
    expect(twoDays?.validityPeriod).toBe(36_000);
    expect(none?.validityPeriod).toBeUndefined();
    expect(validityPeriodSeconds(new Date(0), new Date(5_000))).toBe(1);
  });

  it('refuses a ValidityPeriod outside 1 to 36,000 seconds with a 400, recording nothing', async () => {
    const to = '+15550009002';
    for (const period of ['0', '36001', '1.5', 'soon']) {
      const response = await fetch(`${standIn.baseUrl}/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`, {
        method: 'POST',
        headers: { Authorization: `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ To: to, From: OUR_NUMBER, Body: 'x', ValidityPeriod: period }).toString(),
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code: 20001, message: 'ValidityPeriod must be an integer from 1 to 36000 seconds.' });
    }
    expect(standIn.state.messagesTo(to)).toEqual([]);
  });

  it('refuses wrong credentials as Twilio does (401, code 20003)', async () => {
    const sender = createSmsChannel({ accountSid: ACCOUNT_SID, authToken: 'not-the-token', apiBaseUrl: () => standIn.baseUrl, publicBaseUrl: () => receiver.baseUrl, validateSignatures: true, phoneNumbers: [OUR_NUMBER] });
    const refused = await sender.deliver({ interactionId: 'i', from: OUR_NUMBER, to: CUSTOMER, text: 'hi' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(PermanentDeliveryError);
    expect(refused).toMatchObject({ code: 'twilio_20003' });
  });
});

describe('the stand-in on its own port and mounted on Express', () => {
  const targets = () => [
    { name: 'own port', baseUrl: standIn.baseUrl },
    { name: 'Express', baseUrl: mounted.baseUrl },
  ];

  async function create(baseUrl: string, fields: Record<string, string>, authorization = basicAuth(ACCOUNT_SID, AUTH_TOKEN), accountSid = ACCOUNT_SID) {
    const response = await fetch(`${baseUrl}/2010-04-01/Accounts/${accountSid}/Messages.json`, {
      method: 'POST',
      headers: { Authorization: authorization, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
    return { status: response.status, type: response.headers.get('content-type'), body: z.unknown().parse(await response.json()) };
  }

  it('answers 201 with the message resource', async () => {
    for (const { baseUrl } of targets()) {
      const answer = await create(baseUrl, { To: '+15551230101', From: OUR_NUMBER, Body: 'Hello & welcome' });
      expect(answer.status).toBe(201);
      expect(answer.type).toMatch(/^application\/json/);
      const message = createdMessage.parse(answer.body);
      expect(message).toMatchObject({ to: '+15551230101', from: OUR_NUMBER, body: 'Hello & welcome' });
      expect(message.uri).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${message.sid}.json`);
      expect(new Date(message.date_created).toUTCString()).toBe(message.date_created);
    }
  });

  it('answers errors with the same statuses and Twilio codes', async () => {
    for (const { baseUrl } of targets()) {
      const cases = [
        { answer: await create(baseUrl, { To: CUSTOMER, From: OUR_NUMBER }, basicAuth(ACCOUNT_SID, 'wrong')), status: 401, code: 20003 },
        { answer: await create(baseUrl, { To: CUSTOMER, From: OUR_NUMBER }, basicAuth(ACCOUNT_SID, AUTH_TOKEN), `AC${'cd'.repeat(16)}`), status: 401, code: 20003 },
        { answer: await create(baseUrl, { From: OUR_NUMBER, Body: 'no recipient' }), status: 400, code: 21604 },
      ];
      for (const { answer, status, code } of cases) {
        expect(answer.status).toBe(status);
        expect(apiError.parse(answer.body)).toMatchObject({ code, status });
      }
    }
  });

  it('applies the failures and refusals a test asks for', async () => {
    standIn.state.failNext(1, 503);
    standIn.state.refuse('+15551230199');
    const requestsBefore = standIn.state.requests;
    const failed = await create(standIn.baseUrl, { To: CUSTOMER, From: OUR_NUMBER, Body: 'x' });
    const refused = await create(standIn.baseUrl, { To: '+15551230199', From: OUR_NUMBER, Body: 'x' });
    expect(failed.status).toBe(503);
    expect(apiError.parse(failed.body)).toMatchObject({ code: 20500, status: 503 });
    expect(refused.status).toBe(400);
    expect(apiError.parse(refused.body)).toMatchObject({ code: 21610, status: 400 });
    expect(standIn.state.requests - requestsBefore).toBe(2);
    expect(standIn.state.messagesTo('+15551230199')).toEqual([]);
  });

  it('lists what was sent after an index (GET /messages)', async () => {
    for (const { baseUrl } of targets()) {
      await create(baseUrl, { To: '+15551230155', From: OUR_NUMBER, Body: 'first' });
      await create(baseUrl, { To: '+15551230155', From: OUR_NUMBER, Body: 'second' });
      const all = z.object({ messages: z.array(z.object({ index: z.number(), body: z.string() })) }).parse(await (await fetch(`${baseUrl}/messages?to=%2B15551230155`)).json());
      expect(all.messages.map((message) => message.body)).toEqual(['first', 'second']);
      const later = z.object({ messages: z.array(z.object({ body: z.string() })) }).parse(await (await fetch(`${baseUrl}/messages?to=%2B15551230155&after=${all.messages[0]?.index}`)).json());
      expect(later.messages.map((message) => message.body)).toEqual(['second']);
    }
  });

  it('answers an unknown path with 404', async () => {
    const response = await fetch(`${standIn.baseUrl}/2010-04-01/Accounts/${ACCOUNT_SID}/Calls.json`, { method: 'POST' });
    expect(response.status).toBe(404);
  });
});

describe('signing helpers', () => {
  it('sendSignedForm signs as Twilio does and reports the status', async () => {
    const before = receiver.received.length;
    const url = `${receiver.baseUrl}/twilio/sms?x=1`;
    const params = { MessageSid: fakeSid('SM'), Body: "what's up? 100% + ünïcode" };
    expect(await sendSignedForm(AUTH_TOKEN, url, params)).toBe(200);
    const [received] = receiver.received.slice(before);
    expect(received?.params).toEqual(params);
    expect(received?.signatureValid).toBe(true);
    expect(signTwilioRequest(AUTH_TOKEN, url, params)).toBe(twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, params));
  });

  it('fakeSid makes distinct, well-formed SIDs', () => {
    const sids = Array.from({ length: 600 }, () => fakeSid('SM'));
    for (const sid of sids) expect(sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(new Set(sids).size).toBe(sids.length);
  });
});
