import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import twilio from 'twilio';

/** Signs a webhook request the way Twilio does (X-Twilio-Signature over URL + sorted params). */
export function signTwilioRequest(authToken: string, url: string, params: Record<string, string>): string {
  return twilio.getExpectedTwilioSignature(authToken, url, params);
}

/** Posts a form to a Twilio-style webhook, signed. */
export async function postSignedForm(authToken: string, url: string, params: Record<string, string>, signUrl = url): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signTwilioRequest(authToken, signUrl, params) },
    body: new URLSearchParams(params).toString(),
  });
}

// Twilio keeps its connections to a webhook host open between requests; so do these. Node
// unreferences idle kept-alive sockets, so they never hold a process open.
const keepAliveHttp = new http.Agent({ keepAlive: true });
const keepAliveHttps = new https.Agent({ keepAlive: true });

/** Twilio gives up on a webhook after 15 s. */
const WEBHOOK_TIMEOUT_MS = 15_000;

/**
 * Posts a signed form over kept-alive node:http(s) connections and resolves with the HTTP status
 * once the answer is read (its body is discarded). For callbacks sent in bulk, such as the
 * stand-in's status callbacks: far less CPU per request than fetch.
 */
export function sendSignedForm(authToken: string, url: string | URL, params: Record<string, string>, signUrl = String(url)): Promise<number> {
  const target = typeof url === 'string' ? new URL(url) : url;
  const secure = target.protocol === 'https:';
  const body = new URLSearchParams(params).toString();
  return new Promise((resolve, reject) => {
    const request = (secure ? https : http).request(
      target,
      {
        method: 'POST',
        agent: secure ? keepAliveHttps : keepAliveHttp,
        timeout: WEBHOOK_TIMEOUT_MS,
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          'Content-Length': Buffer.byteLength(body),
          'X-Twilio-Signature': signTwilioRequest(authToken, signUrl, params),
        },
      },
      (response) => {
        response.on('error', reject);
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.resume();
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${WEBHOOK_TIMEOUT_MS} ms`)));
    request.on('error', reject);
    request.end(body);
  });
}

const SID_BYTES = 16;
// Random bytes for 256 SIDs at a time: a randomBytes call per SID costs ~10 µs.
let sidPool = Buffer.alloc(0);
let sidOffset = 0;

/** A random, well-formed Twilio SID with the given two-letter prefix ("SM", "AC"). */
export function fakeSid(prefix: string): string {
  if (sidOffset + SID_BYTES > sidPool.length) {
    sidPool = randomBytes(SID_BYTES * 256);
    sidOffset = 0;
  }
  const hex = sidPool.toString('hex', sidOffset, sidOffset + SID_BYTES);
  sidOffset += SID_BYTES;
  return `${prefix}${hex}`;
}
