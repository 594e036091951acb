import { createHash } from 'node:crypto';
import http from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toStorableText } from '../../src/lib/storable-text.ts';
import { fakeSid, signTwilioRequest } from '../../src/sandbox/twilio-signing.ts';
import { ACCOUNT_SID, AUTH_TOKEN, OUR_NUMBER, SAM, startTestEnv, type TestEnv } from '../support/service.ts';
import { createStaffUser, signInStaff } from '../support/staff.ts';
import { startSandboxEnv, type SandboxEnv } from '../support/sandbox.ts';
import { generateToken, getActivities } from '../support/webchat.ts';

// Whatever an outsider sends to a webhook or the Direct Line API, the answer is a 2xx with the
// message stored once, or a 4xx with a stable code and nothing stored: never a 5xx, never a
// half-written message, never an echo of text that is not what was stored.

let env: TestEnv;
const METRICS_TOKEN = 'fuzz-metrics-token-0123456789';

beforeAll(async () => {
  // Every case posts from this machine: the per-address limit must not be what answers.
  // The staff routes are reached as a signed-in admin and /metrics with its token, so the fuzz reaches their parsers.
  env = await startTestEnv({
    env: { WEBCHAT_RATE_PER_IP: '10000', WEBCHAT_RATE_PER_CONVERSATION: '1000', METRICS_TOKEN: METRICS_TOKEN },
  });
  const admin = await signInStaff(env.service.url, await createStaffUser(env.database.db, { role: 'admin' }));
  staffHeaders = { Cookie: admin.cookie, 'x-csrf-token': admin.csrfToken };
}, 180_000);

/** A signed-in admin's cookie and CSRF header, sent with every request to /api. */
let staffHeaders: Record<string, string> = {};

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

// Every other input, generated from tables: each route with each hostile value in each place it
// takes input (path, query, JSON body, form fields, headers), and signed requests replayed with
// their body or URL changed. Each answer must be below 500 (a 4xx with a code where it refuses),
// and a refused request must leave the database exactly as it was (a fingerprint of the tables
// a request could write, taken before and after).

/** A request with this method, raw path (already percent-encoded as sent) and bytes. */
function rawRequest(method: string, url: string, requestHeaders: Record<string, string>, body?: Buffer | string): Promise<RawResponse> {
  const headers = url.startsWith(`${env.service.url}/api/`) ? { ...staffHeaders, ...requestHeaders } : requestHeaders;
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, headers: body === undefined ? headers : { ...headers, 'Content-Length': String(Buffer.byteLength(body)) } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** What a request could write: every row of these tables, hashed (the test databases are small). */
const WRITABLE_TABLES = ['Interaction', 'Conversation', 'TroubleTicket', 'TroubleTicketStatusChange', 'Outage', 'ProductOrder', 'BillAdjustment', 'TimelineEvent', 'AuditEvent', 'Consent'];
const fingerprintRows = z.array(z.object({ digest: z.string() }));

/**
 * Waits until nothing is being written (two fingerprints 300 ms apart agree): a case answered 2xx
 * may have started work (a turn, its replies, their status callbacks) that must not be mistaken
 * for a write by the next case. Returns the quiet fingerprint.
 */
async function quietFingerprint(prisma: TestEnv['database']['db']['prisma'], settled: Settled = 'accepted'): Promise<string> {
  // First the work a 2xx case started must be done: every message handled and every SMS reply
  // settled (the sandbox's stand-in reports 'delivered' up to a second or more after 'sent').
  for (let tries = 0; tries < 100 && (await outstandingWork(prisma, settled)) > 0; tries++) await new Promise((resolve) => setTimeout(resolve, 100));
  let last = await databaseFingerprint(prisma);
  for (let tries = 0; tries < 50; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const now = await databaseFingerprint(prisma);
    if (now === last) return now;
    last = now;
  }
  throw new Error('the database never went quiet');
}

/** When an SMS reply counts as settled: taken by the provider, or reported delivered (a stand-in that sends status callbacks). */
type Settled = 'accepted' | 'delivered';

/** Messages whose turn has not run, and SMS replies not yet settled. */
async function outstandingWork(prisma: TestEnv['database']['db']['prisma'], settled: Settled): Promise<number> {
  const unsettled = settled === 'delivered' ? `'pending', 'queued', 'sending', 'sent'` : `'pending', 'queued', 'sending'`;
  const [row] = z
    .array(z.object({ count: z.coerce.number() }))
    .parse(
      await prisma.$queryRawUnsafe(
        `SELECT count(*) AS "count" FROM "Interaction" WHERE ("direction" = 'inbound' AND "status" = 'received')
           OR ("direction" = 'outbound' AND "channel" = 'sms' AND "deliveryStatus" IN (${unsettled}))`,
      ),
    );
  return row?.count ?? 0;
}

async function databaseFingerprint(prisma: TestEnv['database']['db']['prisma']): Promise<string> {
  const digests: string[] = [];
  for (const table of WRITABLE_TABLES) {
    const rows = fingerprintRows.parse(await prisma.$queryRawUnsafe(`SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS "digest" FROM "${table}" t`));
    digests.push(`${table}:${rows[0]?.digest ?? ''}`);
  }
  return createHash('sha256').update(digests.join(',')).digest('hex');
}

/** Hostile values for a path segment or a query value, percent-encoded as they travel. */
const HOSTILE_IN_URL: Record<string, string> = {
  'a NUL': 'a%00b',
  'a lone surrogate (UTF-8 of U+D800)': 'a%ED%A0%80b',
  'broken percent-encoding': '%zz%',
  'an overlong UTF-8 slash': '%C0%AF',
  'an emoji': '%F0%9F%98%80',
  '5,000 characters': 'x'.repeat(5000),
  'a quote and SQL': "'%20OR%201%3D1--",
  'a path climb': '..%2F..%2Fetc%2Fpasswd',
  'a huge number': '1e309',
  'a negative number': '-1',
};

/** Hostile values inside JSON (JSON.stringify writes a lone surrogate as its escape, which JSON.parse restores). */
const HOSTILE_IN_JSON: Record<string, unknown> = {
  'a NUL': 'a\u0000b',
  'a lone surrogate': 'a\ud800b',
  '100,000 characters': 'y'.repeat(100_000),
  'a number': 12,
  'null': null,
  'an array': ['yes'],
  'an object': { $gt: '' },
  'deep nesting': JSON.parse(`${'['.repeat(2000)}${']'.repeat(2000)}`),
};

/** Whole-body mutations of a JSON request. */
const BROKEN_JSON_BODIES: Array<{ name: string; body: string; headers?: Record<string, string> }> = [
  { name: 'JSON cut short', body: '{"status": ' },
  { name: 'a garbage Content-Encoding', body: '{}', headers: { 'Content-Encoding': 'x-garbage' } },
  { name: 'gzip that is not', body: '{}', headers: { 'Content-Encoding': 'gzip' } },
  { name: 'an unknown charset', body: '{}', headers: { 'Content-Type': 'application/json; charset=x-unknown' } },
  { name: 'text/plain', body: '{}', headers: { 'Content-Type': 'text/plain' } },
  { name: 'a bare string', body: '"yes"' },
  { name: 'UTF-16 bytes', body: Buffer.from('{"answer":"yes"}', 'utf16le').toString('latin1') },
];

interface FuzzCase {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

interface Fixture {
  customerId: string;
  ticketId: string;
  outageId: string;
  conversationId: string;
  token: string;
  outboundId: string;
  outboundSid: string;
}

let fixture: Fixture;

/** Routes taking an id in the path (GET unless said), with `{v}` where the hostile value goes. */
const pathRoutes = (f: Fixture): Array<{ route: string; method?: 'GET' | 'POST'; body?: string; headers?: Record<string, string> }> => [
  { route: '/api/customers/{v}/interactions' },
  { route: '/api/orders/{v}/timeline' },
  { route: '/api/tickets/{v}/timeline' },
  { route: '/api/adjustments/{v}/timeline' },
  { route: '/api/outages/{v}/timeline' },
  { route: '/api/tickets/{v}/status', method: 'POST', body: JSON.stringify({ status: 'resolved', reason: 'fuzz' }) },
  { route: '/api/tickets/{v}/confirmation', method: 'POST', body: JSON.stringify({ answer: 'yes' }) },
  { route: '/api/outages/{v}/restore', method: 'POST', body: '{}' },
  { route: '/v3/directline/conversations/{v}', headers: { Authorization: `Bearer ${f.token}` } },
  { route: '/v3/directline/conversations/{v}/activities', headers: { Authorization: `Bearer ${f.token}` } },
  { route: '/webchat/{v}' },
  { route: '/{v}' },
];

/** Routes taking query parameters. */
const queryRoutes = (f: Fixture): Array<{ route: string; headers?: Record<string, string> }> => [
  { route: `/api/customers/${f.customerId}/interactions?limit={v}` },
  { route: `/api/customers/${f.customerId}/interactions?before={v}` },
  { route: `/api/customers/${f.customerId}/interactions?limit=1&limit={v}` },
  { route: `/v3/directline/conversations/${f.conversationId}/activities?watermark={v}`, headers: { Authorization: `Bearer ${f.token}` } },
  { route: `/v3/directline/conversations/${f.conversationId}?watermark={v}`, headers: { Authorization: `Bearer ${f.token}` } },
  { route: '/healthz?{v}' },
  { route: '/readyz?{v}={v}' },
  { route: '/metrics?{v}', headers: { Authorization: `Bearer ${METRICS_TOKEN}` } },
];

/** JSON routes and the field the hostile value replaces. */
const jsonRoutes = (f: Fixture): Array<{ route: string; fields: Record<string, unknown>; field: string; headers?: Record<string, string> }> => [
  { route: `/api/tickets/${f.ticketId}/status`, fields: { status: 'resolved', reason: 'fuzz' }, field: 'status' },
  { route: `/api/tickets/${f.ticketId}/status`, fields: { status: 'resolved', reason: 'fuzz' }, field: 'reason' },
  { route: `/api/tickets/${f.ticketId}/confirmation`, fields: { answer: 'yes' }, field: 'answer' },
  { route: `/api/outages/${f.outageId}/restore`, fields: { note: 'fixed' }, field: 'note' },
  { route: '/v3/directline/tokens/refresh', fields: {}, field: 'extra', headers: { Authorization: `Bearer ${f.token}` } },
  { route: '/v3/directline/conversations', fields: {}, field: 'extra', headers: { Authorization: `Bearer ${f.token}` } },
];

/** Bearer tokens an outsider might present. */
const HOSTILE_BEARERS: Record<string, string> = {
  'garbage': 'not-a-token',
  'a JWT with alg none': `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"conversationId":"x"}').toString('base64url')}.`,
  '8,000 characters': 'z'.repeat(8000),
  'Latin-1 bytes': 'caf\u00e9',
  'an empty one': '',
};
const bearerRoutes = (f: Fixture) => [
  { method: 'POST' as const, route: '/v3/directline/conversations' },
  { method: 'POST' as const, route: '/v3/directline/tokens/refresh' },
  { method: 'GET' as const, route: `/v3/directline/conversations/${f.conversationId}/activities` },
  { method: 'POST' as const, route: `/v3/directline/conversations/${f.conversationId}/activities`, body: JSON.stringify({ type: 'message', text: 'hi' }) },
  { method: 'GET' as const, route: '/metrics' },
];

function fuzzCases(f: Fixture): FuzzCase[] {
  const cases: FuzzCase[] = [];
  for (const { route, method = 'GET', body, headers } of pathRoutes(f)) {
    for (const [what, value] of Object.entries(HOSTILE_IN_URL)) {
      cases.push({ name: `${method} ${route} with ${what}`, method, path: route.replace('{v}', value), headers: { 'Content-Type': 'application/json', ...headers }, body });
    }
  }
  for (const { route, headers } of queryRoutes(f)) {
    for (const [what, value] of Object.entries(HOSTILE_IN_URL)) cases.push({ name: `GET ${route} with ${what}`, method: 'GET', path: route.replaceAll('{v}', value), headers });
  }
  for (const { route, fields, field, headers } of jsonRoutes(f)) {
    for (const [what, value] of Object.entries(HOSTILE_IN_JSON)) {
      cases.push({ name: `POST ${route} with ${what} as ${field}`, method: 'POST', path: route, headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify({ ...fields, [field]: value }) });
    }
    for (const broken of BROKEN_JSON_BODIES) {
      cases.push({ name: `POST ${route} with ${broken.name}`, method: 'POST', path: route, headers: { 'Content-Type': 'application/json', ...headers, ...broken.headers }, body: broken.body });
    }
  }
  for (const { method, route, body } of bearerRoutes(f)) {
    for (const [what, value] of Object.entries(HOSTILE_BEARERS)) {
      cases.push({ name: `${method} ${route} with ${what} as bearer`, method, path: route, headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${value}` }, body });
    }
  }
  return cases;
}

describe('every API, tracking, web chat, health and metrics input', () => {
  beforeAll(async () => {
    const prisma = env.database.db.prisma;
    const alex = await prisma.customer.findFirstOrThrow({ where: { givenName: 'Alex', familyName: 'Morgan' } });
    const outage = await prisma.outage.findFirstOrThrow();
    // A ticket and a delivered reply of our own, so the routes that act on them get that far.
    await env.converse(SAM, 'hello');
    await quietFingerprint(prisma);
    const outbound = await prisma.interaction.findFirstOrThrow({ where: { toAddress: SAM, direction: 'outbound', deliveryStatus: 'delivered' } });
    const ticket = await prisma.troubleTicket.findFirst({ where: { customerId: alex.id } });
    const { token, conversationId } = await generateToken(env.service.url);
    fixture = {
      customerId: alex.id,
      ticketId: ticket?.id ?? '00000000-0000-4000-8000-000000000000',
      outageId: outage.id,
      conversationId,
      token,
      outboundId: outbound.id,
      outboundSid: outbound.providerMessageId ?? '',
    };
  });

  it('answers every generated case below 500, with a code when it refuses, and writes nothing when it refuses', async () => {
    const cases = fuzzCases(fixture);
    expect(cases.length).toBeGreaterThan(300);
    const failures: string[] = [];
    const counts = { ok: 0, refused: 0 };
    let busy = true;
    for (const fuzz of cases) {
      const before = busy ? await quietFingerprint(env.database.db.prisma) : await databaseFingerprint(env.database.db.prisma);
      busy = false;
      const response = await rawRequest(fuzz.method, `${env.service.url}${fuzz.path}`, fuzz.headers ?? {}, fuzz.body);
      if (response.status >= 500 || response.status < 200) {
        failures.push(`${fuzz.name}: ${response.status} ${response.body.slice(0, 200)}`);
        busy = true;
        continue;
      }
      if (response.status < 300) {
        counts.ok++;
        busy = true;
        continue;
      }
      counts.refused++;
      const parsed = errorCode.safeParse(JSON.parse(response.body.startsWith('{') ? response.body : '{}'));
      // A 404 for a path no route knows, and a refusal by a route, both carry a code.
      if (!parsed.success) failures.push(`${fuzz.name}: ${response.status} without an error code: ${response.body.slice(0, 200)}`);
      if ((await databaseFingerprint(env.database.db.prisma)) !== before) failures.push(`${fuzz.name}: refused (${response.status}) but the database changed`);
    }
    console.info(`[input-fuzz] ${cases.length} generated cases: ${counts.ok} answered 2xx, ${counts.refused} refused 4xx, ${failures.length} failures`);
    expect(failures).toEqual([]);
  }, 600_000);
});

describe('the SMS status callback under malformed and replayed input', () => {
  const statusUrl = () => `${env.service.url}/twilio/sms/status?iid=${fixture.outboundId}`;
  const signedUrl = () => `${env.service.publicBaseUrl}/twilio/sms/status?iid=${fixture.outboundId}`;
  // Signed over 'sent' (stale: the reply is delivered); forged to 'read', which would apply if accepted.
  const legit = (status = 'sent') => ({ MessageSid: fixture.outboundSid, MessageStatus: status, AccountSid: ACCOUNT_SID });

  const cases: Array<{ name: string; send: () => { url: string; headers: Record<string, string>; body: string }; expected: { status: number; code: string } }> = [
    {
      name: 'a replayed signature over a changed body',
      send: () => ({ url: statusUrl(), headers: { 'Content-Type': FORM, 'X-Twilio-Signature': signTwilioRequest(AUTH_TOKEN, signedUrl(), legit()) }, body: new URLSearchParams(legit('read')).toString() }),
      expected: { status: 403, code: 'invalid_signature' },
    },
    {
      name: 'a replayed signature over a changed URL (another message id)',
      send: () => ({
        url: `${env.service.url}/twilio/sms/status?iid=00000000-0000-4000-8000-000000000001`,
        headers: { 'Content-Type': FORM, 'X-Twilio-Signature': signTwilioRequest(AUTH_TOKEN, signedUrl(), legit()) },
        body: new URLSearchParams(legit()).toString(),
      }),
      expected: { status: 403, code: 'invalid_signature' },
    },
    ...Object.entries({ MessageStatus: 'bogus', MessageSid: 'SM\u0000', ErrorCode: '30003\ud800' }).map(([field, value]) => ({
      name: `signed, with ${JSON.stringify(value)} as ${field}`,
      send: () => {
        const fields = { ...legit(), [field]: value };
        return { url: statusUrl(), headers: { 'Content-Type': FORM, 'X-Twilio-Signature': signTwilioRequest(AUTH_TOKEN, signedUrl(), fields) }, body: new URLSearchParams(fields).toString() };
      },
      expected: { status: 400, code: 'invalid_request' },
    })),
    {
      name: 'signed, with an iid that is no id',
      send: () => {
        const url = `${env.service.publicBaseUrl}/twilio/sms/status?iid=%00`;
        return { url: `${env.service.url}/twilio/sms/status?iid=%00`, headers: { 'Content-Type': FORM, 'X-Twilio-Signature': signTwilioRequest(AUTH_TOKEN, url, legit()) }, body: new URLSearchParams(legit()).toString() };
      },
      expected: { status: 400, code: 'invalid_request' },
    },
    { name: 'unsigned', send: () => ({ url: statusUrl(), headers: { 'Content-Type': FORM }, body: new URLSearchParams(legit()).toString() }), expected: { status: 403, code: 'invalid_signature' } },
    { name: 'a garbage Content-Encoding', send: () => ({ url: statusUrl(), headers: { 'Content-Type': FORM, 'Content-Encoding': 'x-garbage' }, body: 'a=b' }), expected: { status: 415, code: 'unsupported_encoding' } },
    { name: 'an oversized body', send: () => ({ url: statusUrl(), headers: { 'Content-Type': FORM }, body: `a=${'x'.repeat(200_000)}` }), expected: { status: 413, code: 'body_too_large' } },
  ];

  it.each(cases)('$name', async ({ send, expected }) => {
    const before = await quietFingerprint(env.database.db.prisma);
    const { url, headers, body } = send();
    const response = await rawRequest('POST', url, headers, body);
    expect({ status: response.status, code: expectAnsweredCleanly(response) }).toEqual(expected);
    expect(await databaseFingerprint(env.database.db.prisma)).toBe(before);
  });

  it('still applies the genuine callback after the forgeries (so the forgeries were refused, not ignored)', async () => {
    const read = legit('read');
    const response = await rawRequest('POST', statusUrl(), { 'Content-Type': FORM, 'X-Twilio-Signature': signTwilioRequest(AUTH_TOKEN, signedUrl(), read) }, new URLSearchParams(read).toString());
    expect(response.status, response.body).toBe(200);
    const stored = await env.database.db.prisma.interaction.findUniqueOrThrow({ where: { id: fixture.outboundId } });
    expect(stored.deliveryStatus).toBe('read');
  });
});

describe('the sandbox routes (no Twilio account) under malformed input', () => {
  let sandbox: SandboxEnv;
  beforeAll(async () => {
    sandbox = await startSandboxEnv();
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  const sandboxCases = (): FuzzCase[] => {
    const cases: FuzzCase[] = [];
    for (const [what, value] of Object.entries(HOSTILE_IN_JSON)) {
      cases.push({ name: `POST /dev/sms/send with ${what} as text`, method: 'POST', path: '/dev/sms/send', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ from: SAM, text: value }) });
      cases.push({ name: `POST /dev/sms/send with ${what} as from`, method: 'POST', path: '/dev/sms/send', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ from: value, text: 'hi' }) });
      cases.push({ name: `POST /dev/webchat/user-token with ${what} as customerId`, method: 'POST', path: '/dev/webchat/user-token', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ customerId: value }) });
    }
    for (const broken of BROKEN_JSON_BODIES) {
      for (const path of ['/dev/sms/send', '/dev/webchat/user-token']) {
        cases.push({ name: `POST ${path} with ${broken.name}`, method: 'POST', path, headers: { 'Content-Type': 'application/json', ...broken.headers }, body: broken.body });
      }
    }
    for (const [what, value] of Object.entries(HOSTILE_IN_URL)) {
      cases.push({ name: `GET /dev/twilio/messages with ${what}`, method: 'GET', path: `/dev/twilio/messages?to=${value}&after=${value}` });
      cases.push({ name: `GET /dev/twilio Messages list with ${what}`, method: 'GET', path: `/dev/twilio/2010-04-01/Accounts/${value}/Messages.json?DateSent%3E=${value}` });
      cases.push({ name: `GET /try/sms?${what}`, method: 'GET', path: `/try/sms?${value}` });
      cases.push({ name: `GET /?${what}`, method: 'GET', path: `/?${value}=${value}` });
      cases.push({ name: `GET /dev/demo/customers?${what}`, method: 'GET', path: `/dev/demo/customers?${value}` });
    }
    return cases;
  };

  it('answers every generated case below 500, with a code when it refuses, and writes nothing when it refuses', async () => {
    const cases = sandboxCases();
    const failures: string[] = [];
    let busy = true;
    for (const fuzz of cases) {
      const before = busy ? await quietFingerprint(sandbox.database.db.prisma, 'delivered') : await databaseFingerprint(sandbox.database.db.prisma);
      busy = false;
      const response = await rawRequest(fuzz.method, `${sandbox.service.url}${fuzz.path}`, fuzz.headers ?? {}, fuzz.body);
      if (response.status >= 500 || response.status < 200) {
        failures.push(`${fuzz.name}: ${response.status} ${response.body.slice(0, 200)}`);
        busy = true;
        continue;
      }
      if (response.status < 300) {
        busy = true;
        continue;
      }
      // The stand-in answers as Twilio does ({code, message, status}); the service's own routes with {error: {code}}.
      const json: unknown = JSON.parse(response.body.startsWith('{') ? response.body : '{}');
      const coded = errorCode.safeParse(json).success || z.object({ code: z.number(), message: z.string() }).safeParse(json).success;
      if (!coded) failures.push(`${fuzz.name}: ${response.status} without an error code: ${response.body.slice(0, 200)}`);
      if ((await databaseFingerprint(sandbox.database.db.prisma)) !== before) failures.push(`${fuzz.name}: refused (${response.status}) but the database changed`);
    }
    console.info(`[input-fuzz] sandbox: ${cases.length} generated cases, ${failures.length} failures`);
    expect(failures).toEqual([]);
  }, 600_000);
});
