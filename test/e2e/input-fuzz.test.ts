import http from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toStorableText } from '../../src/lib/storable-text.ts';
import { fakeSid, signTwilioRequest } from '../../src/sandbox/twilio-signing.ts';
import { ACCOUNT_SID, AUTH_TOKEN, OUR_NUMBER, SAM, startTestEnv, type TestEnv } from '../support/service.ts';
import { generateToken, getActivities } from '../support/webchat.ts';

// Whatever an outsider sends to a webhook or the Direct Line API, the answer is a 2xx with the
// message stored once, or a 4xx with a stable code and nothing stored: never a 5xx, never a
// half-written message, never an echo of text that is not what was stored.

let env: TestEnv;

beforeAll(async () => {
  // Every case posts from this machine: the per-address limit must not be what answers.
  env = await startTestEnv({ env: { WEBCHAT_RATE_PER_IP: '10000', WEBCHAT_RATE_PER_CONVERSATION: '1000' } });
});

afterAll(async () => {
  await env?.close();
});

interface RawResponse {
  status: number;
  body: string;
}

/** A request with exactly these bytes and headers (fetch would fix up Content-Encoding and friends). */
function rawPost(url: string, headers: Record<string, string>, body: Buffer | string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

const errorCode = z.object({ error: z.object({ code: z.string().min(1), message: z.string().min(1) }) });

/** The invariant every case must keep: 2xx, or 4xx with a code; never 5xx. Returns the code. */
function expectAnsweredCleanly(response: RawResponse): string | undefined {
  expect(response.status, response.body).toBeLessThan(500);
  expect(response.status).toBeGreaterThanOrEqual(200);
  if (response.status < 300) return undefined;
  return errorCode.parse(JSON.parse(response.body)).error.code;
}

async function storedWithProviderId(providerMessageId: string) {
  // The query itself must not carry a NUL to PostgreSQL.
  return env.database.db.prisma.interaction.findMany({ where: { providerMessageId: toStorableText(providerMessageId), direction: 'inbound' } });
}

const FORM = 'application/x-www-form-urlencoded';

interface SmsCase {
  name: string;
  /** The fields as signed (what the service will parse). */
  fields?: Record<string, string>;
  /** The body as sent, when it is not the fields encoded as a form. */
  body?: (fields: Record<string, string>) => Buffer | string;
  headers?: Record<string, string>;
  /** The expected answer: a status and code, or 'stored' with the text stored. */
  expected: { status: number; code: string } | { stored: string };
}

const smsCases: SmsCase[] = [
  { name: 'a NUL in the body', fields: { Body: 'hi\u0000there' }, expected: { stored: 'hi\uFFFDthere' } },
  { name: 'only NULs', fields: { Body: '\u0000\u0000' }, expected: { stored: '\uFFFD\uFFFD' } },
  // A form carries UTF-8; bytes that are no UTF-8 (an encoded lone surrogate) reach the route undecoded.
  { name: 'an encoded lone surrogate', fields: { Body: 'a%ED%A0%80b' }, body: (fields) => formWithRawBody(fields, 'a%ED%A0%80b'), expected: { stored: 'a%ED%A0%80b' } },
  // The phone number parser reads the digits and ignores the rest, as it does with spaces.
  { name: 'a NUL in From', fields: { From: `${SAM}\u0000` }, expected: { stored: 'hello' } },
  { name: 'a NUL in MessageSid', fields: { MessageSid: `${fakeSid('SM')}\u0000` }, expected: { status: 400, code: 'invalid_request' } },
  { name: 'an oversized body', fields: { Body: 'x'.repeat(70_000) }, expected: { status: 413, code: 'body_too_large' } },
  { name: 'a JSON Content-Type', headers: { 'Content-Type': 'application/json' }, expected: { status: 403, code: 'invalid_signature' } },
  { name: 'a garbage Content-Encoding', headers: { 'Content-Encoding': 'x-garbage' }, expected: { status: 415, code: 'unsupported_encoding' } },
  { name: 'a gzip Content-Encoding over plain bytes', headers: { 'Content-Encoding': 'gzip' }, expected: { status: 400, code: 'malformed_body' } },
  { name: 'an unknown charset', headers: { 'Content-Type': `${FORM}; charset=x-unknown` }, expected: { status: 415, code: 'unsupported_charset' } },
  { name: 'an empty body', body: () => '', expected: { status: 403, code: 'invalid_signature' } },
];

/** The fields as a form, with `raw` put in as Body without encoding it again. */
function formWithRawBody(fields: Record<string, string>, raw: string): string {
  const { Body: _body, ...rest } = fields;
  return `${new URLSearchParams(rest).toString()}&Body=${raw}`;
}

describe('the SMS webhook under malformed input', () => {
  it.each(smsCases)('$name', async ({ fields: overrides, body, headers, expected }) => {
    const fields = { MessageSid: fakeSid('SM'), AccountSid: ACCOUNT_SID, From: SAM, To: OUR_NUMBER, Body: 'hello', ...overrides };
    const url = `${env.service.url}/twilio/sms`;
    const response = await rawPost(
      url,
      { 'Content-Type': FORM, 'X-Twilio-Signature': signTwilioRequest(AUTH_TOKEN, `${env.service.publicBaseUrl}/twilio/sms`, fields), ...headers },
      body ? body(fields) : new URLSearchParams(fields).toString(),
    );
    const code = expectAnsweredCleanly(response);
    const stored = await storedWithProviderId(fields.MessageSid);
    if ('stored' in expected) {
      expect(response.status, response.body).toBe(200);
      expect(stored.map((row) => row.text)).toEqual([expected.stored]);
      expect(stored[0]?.text.length).toBe(expected.stored.length);
    } else {
      expect({ status: response.status, code }).toEqual(expected);
      expect(stored).toHaveLength(0);
    }
  });

  it('answers a gzip-encoded form that is really gzip', async () => {
    const fields = { MessageSid: fakeSid('SM'), AccountSid: ACCOUNT_SID, From: SAM, To: OUR_NUMBER, Body: 'zipped\u0000' };
    const response = await rawPost(
      `${env.service.url}/twilio/sms`,
      { 'Content-Type': FORM, 'Content-Encoding': 'gzip', 'X-Twilio-Signature': signTwilioRequest(AUTH_TOKEN, `${env.service.publicBaseUrl}/twilio/sms`, fields) },
      gzipSync(new URLSearchParams(fields).toString()),
    );
    expect(response.status, response.body).toBe(200);
    expect((await storedWithProviderId(fields.MessageSid)).map((row) => row.text)).toEqual(['zipped\uFFFD']);
  });
});

interface DirectLineCase {
  name: string;
  body: Buffer | string;
  headers?: Record<string, string>;
  expected: { status: number; code: string } | { stored: string };
}

const activity = (text: string, extra: Record<string, unknown> = {}) => JSON.stringify({ type: 'message', text, ...extra });

const directLineCases: DirectLineCase[] = [
  { name: 'a NUL in the text', body: activity('hi\u0000there'), expected: { stored: 'hi\uFFFDthere' } },
  // JSON.stringify writes a lone surrogate as the escape \ud800, which JSON.parse turns back into one.
  { name: 'a lone high surrogate', body: activity('a\ud800b'), expected: { stored: 'a\uFFFDb' } },
  { name: 'a lone low surrogate', body: activity('a\udc00b'), expected: { stored: 'a\uFFFDb' } },
  { name: 'a NUL in the sender name', body: activity('hello', { from: { name: 'Mal\u0000lory' } }), expected: { stored: 'hello' } },
  { name: 'an oversized body', body: activity('z'.repeat(40_000)), expected: { status: 413, code: 'body_too_large' } },
  { name: 'a text/plain Content-Type', body: activity('hello'), headers: { 'Content-Type': 'text/plain' }, expected: { status: 400, code: 'invalid_request' } },
  { name: 'a garbage Content-Encoding', body: activity('hello'), headers: { 'Content-Encoding': 'x-garbage' }, expected: { status: 415, code: 'unsupported_encoding' } },
  { name: 'a gzip Content-Encoding over plain bytes', body: activity('hello'), headers: { 'Content-Encoding': 'gzip' }, expected: { status: 400, code: 'malformed_body' } },
  { name: 'an unknown charset', body: activity('hello'), headers: { 'Content-Type': 'application/json; charset=x-unknown' }, expected: { status: 415, code: 'unsupported_charset' } },
  { name: 'JSON cut short', body: '{"type": "message", "text": ', expected: { status: 400, code: 'malformed_body' } },
  { name: 'an empty body', body: '', expected: { status: 400, code: 'invalid_request' } },
];

describe('the Direct Line activities route under malformed input', () => {
  it.each(directLineCases)('$name', async ({ body, headers, expected }) => {
    const { token, conversationId } = await generateToken(env.service.url);
    const response = await rawPost(
      `${env.service.url}/v3/directline/conversations/${conversationId}/activities`,
      { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, ...headers },
      body,
    );
    const code = expectAnsweredCleanly(response);
    const stored = await env.database.db.prisma.interaction.findMany({ where: { fromAddress: conversationId, direction: 'inbound' } });
    const echoes = (await getActivities(env.service.url, token, conversationId)).activities.filter((a) => a.from.role === 'user');
    if ('stored' in expected) {
      expect(response.status, response.body).toBe(200);
      expect(stored.map((row) => row.text)).toEqual([expected.stored]);
      // What the visitor sees echoed is exactly what was stored.
      expect(echoes.map((echo) => echo.text)).toEqual([expected.stored]);
    } else {
      expect({ status: response.status, code }).toEqual(expected);
      expect(stored).toHaveLength(0);
      expect(echoes).toHaveLength(0);
    }
  });

  it.each([
    { name: 'a garbage Content-Encoding', headers: { 'Content-Encoding': 'x-garbage' }, status: 415, code: 'unsupported_encoding' },
    { name: 'JSON cut short', body: '{"a":', status: 400, code: 'malformed_body' },
  ])('answers tokens/generate with $name with $status $code', async ({ headers, body, status, code }) => {
    const response = await rawPost(`${env.service.url}/v3/directline/tokens/generate`, { 'Content-Type': 'application/json', ...headers }, body ?? '{}');
    expect({ status: response.status, code: expectAnsweredCleanly(response) }).toEqual({ status, code });
  });
});
