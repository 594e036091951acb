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

/** A random, well-formed Twilio SID with the given two-letter prefix ("SM", "AC"). */
export function fakeSid(prefix: string): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(Math.random() * 16).toString(16)).join('');
  return `${prefix}${hex}`;
}
