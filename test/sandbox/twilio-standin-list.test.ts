import express from 'express';
import type { Server } from 'node:http';
import twilio from 'twilio';
import RequestClient from 'twilio/lib/base/RequestClient.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmsChannel } from '../../src/channels/sms/sms.channel.ts';
import { twilioStandInRouter, type TwilioStandInState } from '../../src/sandbox/twilio-standin.ts';
import { closeServer, listeningPort } from '../../src/lib/net.ts';
import { startTwilioStandIn, type RunningStandIn } from '../support/twilio-standin-server.ts';

// Twilio's Messages list (GET …/Messages.json) on both stand-ins, as the official client reads it:
// To / From / DateSent / DateSent< / DateSent> filters, newest first, pages linked by next_page_uri.
// The SMS channel's look-up of a send that never came back rides on it.

const ACCOUNT_SID = `AC${'cd'.repeat(16)}`;
const AUTH_TOKEN = 'stand-in-list-test-token';
const OUR_NUMBER = '+15557770200';
const ONE = '+15551230081';
const TWO = '+15551230082';

/** The official client, its requests sent to `baseUrl` instead of api.twilio.com. */
function clientFor(baseUrl: string) {
  class Redirect extends RequestClient {
    override request<T>(opts: RequestClient.RequestOptions<T>) {
      return super.request({ ...opts, uri: opts.uri.replace('https://api.twilio.com', baseUrl) });
    }
  }
  return twilio(ACCOUNT_SID, AUTH_TOKEN, { httpClient: new Redirect() });
}

let standalone: RunningStandIn;
let mounted: { baseUrl: string; state: TwilioStandInState; server: Server };

beforeAll(async () => {
  standalone = await startTwilioStandIn({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, callbackStatuses: [] });
  const { router, state } = twilioStandInRouter({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, callbackStatuses: [] });
  const app = express().use('/dev/twilio', router);
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  mounted = { baseUrl: `http://127.0.0.1:${listeningPort(server)}/dev/twilio`, state, server };
});

afterAll(async () => {
  await standalone?.close();
  if (mounted) await closeServer(mounted.server);
});

describe.each([
  ['on its own port', () => ({ baseUrl: standalone.baseUrl, state: standalone.state })],
  ['mounted on Express (the sandbox)', () => ({ baseUrl: mounted.baseUrl, state: mounted.state })],
])('the Messages list %s', (_name, standIn) => {
  it('filters by To and From, newest first, across pages the client follows', async () => {
    const { baseUrl, state } = standIn();
    const client = clientFor(baseUrl);
    for (let index = 0; index < 120; index++) await client.messages.create({ to: ONE, from: OUR_NUMBER, body: `message ${index}` });
    await client.messages.create({ to: TWO, from: OUR_NUMBER, body: 'to someone else' });
    const listsBefore = state.listRequests;

    const listed = await client.messages.list({ to: ONE, from: OUR_NUMBER, pageSize: 50 });

    expect(listed).toHaveLength(120);
    expect(listed[0]?.body).toBe('message 119');
    expect(listed[119]?.body).toBe('message 0');
    expect(new Set(listed.map((message) => message.sid)).size).toBe(120);
    expect(listed.every((message) => message.to === ONE && message.direction === 'outbound-api' && message.dateSent instanceof Date)).toBe(true);
    // 120 at 50 a page: three requests, linked by next_page_uri.
    expect(state.listRequests - listsBefore).toBe(3);
    expect(await client.messages.list({ to: ONE, from: '+15550000000' })).toHaveLength(0);
  });

  it('filters by DateSent (a day), DateSent> (on or after) and DateSent< (on or before)', async () => {
    const { baseUrl } = standIn();
    const client = clientFor(baseUrl);
    const before = new Date(Date.now() - 2000);
    const created = await client.messages.create({ to: TWO, from: OUR_NUMBER, body: 'dated' });
    const today = new Date(created.dateCreated.toISOString().slice(0, 10));

    const after = await client.messages.list({ to: TWO, dateSentAfter: before });
    expect(after.map((message) => message.body)).toContain('dated');
    expect(await client.messages.list({ to: TWO, dateSentAfter: new Date(Date.now() + 60_000) })).toHaveLength(0);
    expect(await client.messages.list({ to: TWO, dateSentBefore: new Date(Date.now() - 3_600_000) })).toHaveLength(0);
    expect((await client.messages.list({ to: TWO, dateSentBefore: new Date(Date.now() + 60_000) })).map((message) => message.body)).toContain('dated');
    // A bare date (what Twilio's own examples send) covers that UTC day.
    const onDay = await fetch(`${baseUrl}/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json?To=${encodeURIComponent(TWO)}&DateSent=${today.toISOString().slice(0, 10)}`, {
      headers: { authorization: `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}` },
    });
    expect(onDay.status).toBe(200);
    expect(JSON.stringify(await onDay.json())).toContain('dated');
  });

  it('refuses a wrong account or token (401) and a date it cannot read (400)', async () => {
    const { baseUrl } = standIn();
    const path = `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`;
    expect((await fetch(`${baseUrl}${path}`)).status).toBe(401);
    const auth = { authorization: `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}` };
    expect((await fetch(`${baseUrl}${path}?DateSent%3E=yesterday`, { headers: auth })).status).toBe(400);
  });

  it('lets the SMS channel find a send whose answer was lost, by recipient, text and time', async () => {
    const { baseUrl, state } = standIn();
    const channel = createSmsChannel({
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      apiBaseUrl: () => baseUrl,
      publicBaseUrl: () => 'http://127.0.0.1:9',
      validateSignatures: true,
      phoneNumbers: [OUR_NUMBER],
      timeoutMs: 2000,
    });
    const message = { interactionId: '7f9c1c1e-4a57-4f7e-9a55-0d3f00000001', from: OUR_NUMBER, to: TWO, text: 'Your ticket is TT-100001.', suggestedActions: ['Yes', 'No'] };
    const startedAt = new Date();
    state.dropAnswersAfterRecording(1);
    await expect(channel.deliver(message)).rejects.toThrow();
    const recorded = state.messagesTo(TWO).at(-1);
    expect(recorded?.body).toBe('Your ticket is TT-100001. 1) Yes 2) No');

    const found = await channel.findEarlierSends?.(message, startedAt);
    expect(found?.map((candidate) => candidate.providerMessageId)).toEqual([recorded?.sid]);
    expect(await channel.findEarlierSends?.({ ...message, text: 'another text' }, startedAt)).toEqual([]);
  });
});
