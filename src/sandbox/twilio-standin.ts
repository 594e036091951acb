import express, { Router } from 'express';
import { fakeSid, sendSignedForm } from './twilio-signing.ts';

// A local stand-in for the part of Twilio's REST API the product uses (sending messages), with
// signed status callbacks. The development sandbox serves it at /dev/twilio (the chat CLI and the
// demo page use it there); the tests and the benchmark run the same API on its own port
// (test/support/twilio-standin-server.ts). Each points the official twilio client at it through
// TWILIO_API_BASE_URL.

export interface SentMessage {
  sid: string;
  index: number;
  to: string;
  from: string;
  body: string;
  statusCallback: string | undefined;
  at: Date;
}

export interface StandInOptions {
  accountSid: string;
  authToken: string;
  /** Statuses to report to the status callback after accepting a message. Default sent, delivered. */
  callbackStatuses?: string[];
  /** Wait before each callback, in ms. Default 5. */
  callbackDelayMs?: number;
}

/** What a test can see and steer. */
export class TwilioStandInState {
  readonly messages: SentMessage[] = [];
  /** Requests to the Messages API, including refused ones. */
  requests = 0;
  private failures: number[] = [];
  private readonly refused = new Map<string, { code: number; message: string }>();
  private readonly waiters = new Set<() => void>();

  /** The next `count` sends answer with this HTTP status (500 by default). */
  failNext(count: number, status = 500): void {
    this.failures.push(...Array.from({ length: count }, () => status));
  }

  /** Sends to this number are refused as Twilio refuses an unsubscribed recipient (21610). */
  refuse(to: string, code = 21610, message = 'Attempt to send to unsubscribed recipient'): void {
    this.refused.set(to, { code, message });
  }

  takeFailure(): number | undefined {
    return this.failures.shift();
  }

  refusalFor(to: string) {
    return this.refused.get(to);
  }

  record(message: Omit<SentMessage, 'index'>): SentMessage {
    const stored = { ...message, index: this.messages.length };
    this.messages.push(stored);
    for (const wake of this.waiters) wake();
    return stored;
  }

  messagesTo(to: string): SentMessage[] {
    return this.messages.filter((message) => message.to === to);
  }

  /** Messages after index `after`, to `to` or to anyone (GET /messages: the chat CLI and the demo page). */
  messagesAfter(to: string | undefined, after: number): SentMessage[] {
    return this.messages.filter((message) => (!to || message.to === to) && message.index > after);
  }

  /** Resolves once `count` messages have gone to `to`, or rejects after `timeoutMs`. */
  async waitForMessages(to: string, count: number, timeoutMs = 10_000): Promise<SentMessage[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.messagesTo(to).length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`Expected ${count} message(s) to ${to}, got ${this.messagesTo(to).length}: ${JSON.stringify(this.messagesTo(to).map((m) => m.body))}`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.waiters.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(wake, Math.min(left, 200));
        this.waiters.add(wake);
      });
    }
    return this.messagesTo(to).slice(0, count);
  }
}

/** What the stand-in answers one API request with. */
export interface StandInAnswer {
  status: number;
  body: unknown;
}

/**
 * Twilio's "create a message" call (POST /2010-04-01/Accounts/{sid}/Messages.json), whatever
 * server carries it: checks Basic auth, applies the failures and refusals a test asked for,
 * records the message, and schedules its status callbacks.
 */
export class MessagesApi {
  private readonly callbackStatuses: string[];
  private readonly callbackDelayMs: number;
  private readonly expectedAuth: string;

  constructor(
    private readonly options: StandInOptions,
    readonly state = new TwilioStandInState(),
  ) {
    this.callbackStatuses = options.callbackStatuses ?? ['sent', 'delivered'];
    this.callbackDelayMs = options.callbackDelayMs ?? 5;
    this.expectedAuth = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;
  }

  create(accountSid: string, authorization: string | undefined, fields: URLSearchParams): StandInAnswer {
    const { state, options } = this;
    state.requests++;
    if (authorization !== this.expectedAuth || accountSid !== options.accountSid) {
      return { status: 401, body: { code: 20003, message: 'Authenticate', status: 401 } };
    }
    const failure = state.takeFailure();
    if (failure !== undefined) {
      return { status: failure, body: { code: 20500, message: 'Internal Server Error (stand-in)', status: failure } };
    }
    const to = fields.get('To') ?? '';
    const from = fields.get('From') ?? '';
    const body = fields.get('Body') ?? '';
    if (!to || !from) {
      return { status: 400, body: { code: 21604, message: "A 'To' and 'From' phone number is required.", status: 400 } };
    }
    const refusal = state.refusalFor(to);
    if (refusal) return { status: 400, body: { ...refusal, status: 400 } };
    const statusCallback = fields.get('StatusCallback') ?? undefined;
    const sent = state.record({ sid: fakeSid('SM'), to, from, body, statusCallback, at: new Date() });
    // The first callback waits callbackDelayMs, so it always follows this answer.
    if (statusCallback) void this.reportStatuses(statusCallback, sent);
    return {
      status: 201,
      body: {
        sid: sent.sid,
        account_sid: options.accountSid,
        to,
        from,
        body,
        status: 'queued',
        num_segments: '1',
        direction: 'outbound-api',
        date_created: sent.at.toUTCString(),
        uri: `/2010-04-01/Accounts/${options.accountSid}/Messages/${sent.sid}.json`,
      },
    };
  }

  private async reportStatuses(url: string, message: SentMessage): Promise<void> {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return;
    }
    for (const status of this.callbackStatuses) {
      await new Promise((resolve) => setTimeout(resolve, this.callbackDelayMs));
      const params = { MessageSid: message.sid, MessageStatus: status, AccountSid: 'AC', To: message.to, From: message.from };
      await sendSignedForm(this.options.authToken, target, params, url).catch(() => undefined);
    }
  }
}

export const FORM_TYPE = 'application/x-www-form-urlencoded';

/** The stand-in's routes, to mount on any Express app (the dev sandbox mounts it at /dev/twilio). */
export function twilioStandInRouter(options: StandInOptions, state = new TwilioStandInState()): { router: Router; state: TwilioStandInState } {
  const router = Router();
  const api = new MessagesApi(options, state);

  router.post('/2010-04-01/Accounts/:accountSid/Messages.json', express.text({ type: FORM_TYPE }), (req, res) => {
    const fields = new URLSearchParams(typeof req.body === 'string' ? req.body : '');
    const answer = api.create(req.params.accountSid, req.header('authorization'), fields);
    res.status(answer.status).json(answer.body);
  });

  /** For the chat CLI and the demo page: what was sent, after a given index. */
  router.get('/messages', (req, res) => {
    const to = typeof req.query.to === 'string' ? req.query.to : undefined;
    res.json({ messages: state.messagesAfter(to, Number(req.query.after ?? -1)) });
  });

  return { router, state };
}
