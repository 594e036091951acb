import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { expect } from 'vitest';
import { outboundRelayFrame, type OutboundRelayFrame } from '../../src/channels/voice/relay-messages.ts';
import { postSignedForm, signTwilioRequest } from '../../src/sandbox/twilio-signing.ts';
import { ACCOUNT_SID, AUTH_TOKEN, OUR_NUMBER, type TestEnv } from './service.ts';

// Twilio's part of a phone call, for tests: the signed voice webhooks, a ConversationRelay client
// that checks every frame the service sends against the message schema, and a small TwiML reader.

export function fakeCallSid(): string {
  return `CA${randomBytes(16).toString('hex')}`;
}

/** Posts a signed voice webhook (path with its query) as Twilio would. */
export function postVoice(env: TestEnv, path: string, params: Record<string, string>, options: { forge?: boolean } = {}): Promise<Response> {
  const service = env.service;
  const token = options.forge ? 'not-the-auth-token-000' : AUTH_TOKEN;
  return postSignedForm(token, `${service.url}${path}`, { AccountSid: ACCOUNT_SID, ...params }, `${service.publicBaseUrl}${path}`);
}

/** An XML element of a TwiML document. */
export interface TwimlElement {
  name: string;
  attributes: Record<string, string>;
  children: TwimlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const decode = (text: string) => text.replace(/&(amp|lt|gt|quot|apos);/g, (_match, name: string) => ENTITIES[name] ?? '');

/** Reads TwiML (as xmlbuilder writes it: elements, attributes, text) into a tree; throws on anything malformed. */
export function parseTwiml(xml: string): TwimlElement {
  const body = xml.replace(/^<\?xml[^>]*\?>/, '').trim();
  const root: TwimlElement = { name: '#document', attributes: {}, children: [], text: '' };
  const stack = [root];
  const token = /<(\/?)([A-Za-z]+)((?:\s+[A-Za-z]+="[^"]*")*)\s*(\/?)>|([^<]+)/g;
  let consumed = 0;
  for (const match of body.matchAll(token)) {
    if (match.index !== consumed) throw new Error(`Malformed TwiML near ${body.slice(consumed, consumed + 40)}`);
    consumed = match.index + match[0].length;
    const [, closing, name, attributeText, selfClosing, text] = match;
    const top = stack[stack.length - 1];
    if (!top) throw new Error('Malformed TwiML: unbalanced');
    if (text !== undefined) {
      top.text += decode(text);
      continue;
    }
    if (closing) {
      if (top.name !== name) throw new Error(`Malformed TwiML: </${name}> closes <${top.name}>`);
      stack.pop();
      continue;
    }
    const attributes: Record<string, string> = {};
    for (const attribute of (attributeText ?? '').matchAll(/([A-Za-z]+)="([^"]*)"/g)) attributes[attribute[1] ?? ''] = decode(attribute[2] ?? '');
    const element: TwimlElement = { name: name ?? '', attributes, children: [], text: '' };
    top.children.push(element);
    if (!selfClosing) stack.push(element);
  }
  if (consumed !== body.length || stack.length !== 1) throw new Error('Malformed TwiML: unbalanced');
  const [response] = root.children;
  if (!response || response.name !== 'Response') throw new Error('TwiML must have one <Response>');
  return response;
}

/** Every element named `name` under `element`, depth first. */
export function findAll(element: TwimlElement, name: string): TwimlElement[] {
  return element.children.flatMap((child) => [...(child.name === name ? [child] : []), ...findAll(child, name)]);
}

/** A ConversationRelay client: plays Twilio's side of the socket. */
export class RelayClient {
  readonly frames: OutboundRelayFrame[] = [];
  private spoken: string[] = [];
  private current = '';
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (raw) => {
      // Every frame the service sends must be one ConversationRelay accepts.
      const frame = outboundRelayFrame.parse(JSON.parse(String(raw)));
      this.frames.push(frame);
      if (frame.type === 'text') {
        this.current += (this.current ? ' ' : '') + frame.token.trim();
        if (frame.last) {
          this.spoken.push(this.current);
          this.current = '';
        }
      }
      for (const wake of this.waiters.splice(0)) wake();
    });
    socket.on('close', () => {
      this.closed = true;
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  /** Opens the socket with Twilio's handshake signature over the wss URL (or a forged one, or none). */
  static open(env: TestEnv, signature: 'valid' | 'forged' | 'none' = 'valid'): Promise<RelayClient> {
    const path = '/twilio/voice/relay';
    const signedUrl = `${env.service.publicBaseUrl.replace(/^http/, 'ws')}${path}`;
    const headers: Record<string, string> = {};
    if (signature !== 'none') headers['X-Twilio-Signature'] = signTwilioRequest(signature === 'valid' ? AUTH_TOKEN : 'forged-token-0000000', signedUrl, {});
    const socket = new WebSocket(`${env.service.url.replace(/^http/, 'ws')}${path}`, { headers });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new RelayClient(socket)));
      socket.once('unexpected-response', (_request, response) => reject(new Error(`handshake refused: ${response.statusCode}`)));
      socket.once('error', reject);
    });
  }

  send(frame: Record<string, unknown>): void {
    this.socket.send(JSON.stringify(frame));
  }

  setup(callSid: string, from: string): void {
    this.send({ type: 'setup', sessionId: `VX${randomBytes(16).toString('hex')}`, callSid, accountSid: ACCOUNT_SID, from, to: OUR_NUMBER, direction: 'inbound', callType: 'PSTN', callStatus: 'IN-PROGRESS', customParameters: {} });
  }

  say(text: string): void {
    this.send({ type: 'prompt', voicePrompt: text, lang: 'en-US', last: true });
  }

  key(digits: string): void {
    for (const digit of digits) this.send({ type: 'dtmf', digit });
  }

  /** Waits until the service has spoken `count` complete utterances in all; returns them all. */
  async utterances(count: number, timeoutMs = 15_000): Promise<string[]> {
    await this.until(() => this.spoken.length >= count, `${count} utterances (have ${JSON.stringify(this.spoken)})`, timeoutMs);
    return [...this.spoken];
  }

  /** Waits for an utterance after the first `after` matching `pattern`; returns it. */
  async next(after: number, pattern: RegExp = /./, timeoutMs = 15_000): Promise<string> {
    let found: string | undefined;
    await this.until(() => {
      found = this.spoken.slice(after).find((utterance) => pattern.test(utterance));
      return found !== undefined;
    }, `an utterance matching ${pattern} (have ${JSON.stringify(this.spoken.slice(after))})`, timeoutMs);
    return found ?? '';
  }

  get count(): number {
    return this.spoken.length;
  }

  async endFrame(timeoutMs = 15_000): Promise<OutboundRelayFrame & { type: 'end' }> {
    let end: (OutboundRelayFrame & { type: 'end' }) | undefined;
    await this.until(() => {
      end = this.frames.find((frame): frame is OutboundRelayFrame & { type: 'end' } => frame.type === 'end');
      return end !== undefined;
    }, 'an end frame', timeoutMs);
    if (!end) throw new Error('no end frame');
    return end;
  }

  close(): void {
    this.socket.close();
  }

  private async until(done: () => boolean, what: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }
}

export function expectTwiml(response: Response): Promise<TwimlElement> {
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/text\/xml/);
  return response.text().then(parseTwiml);
}

const DIGIT_NAMES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

/** A code as a caller says it and speech-to-text may write it: "one two three four five six". */
export function codeInWords(code: string): string {
  return [...code].map((digit) => DIGIT_NAMES[Number(digit)] ?? digit).join(' ');
}

/** The one-time code texted to `phone` after its first `before` messages (the SMS channel's outbound path, at the stand-in). */
export async function textedCode(env: TestEnv, phone: string, before: number): Promise<string> {
  const [texted] = (await env.twilio.state.waitForMessages(phone, before + 1)).slice(before);
  const code = /\b(\d{6})\b/.exec(texted?.body ?? '')?.[1];
  if (!code) throw new Error(`no code in ${JSON.stringify(texted?.body)}`);
  return code;
}

/** A call answered with ConversationRelay (the TwiML checked), its socket open and set up as Twilio would. */
export async function startRelayCall(env: TestEnv, from: string): Promise<{ callSid: string; relay: RelayClient }> {
  const callSid = fakeCallSid();
  const twiml = await expectTwiml(await postVoice(env, '/twilio/voice', { CallSid: callSid, From: from, To: OUR_NUMBER, CallStatus: 'ringing' }));
  expect(findAll(twiml, 'ConversationRelay')).toHaveLength(1);
  const relay = await RelayClient.open(env);
  relay.setup(callSid, from);
  return { callSid, relay };
}
