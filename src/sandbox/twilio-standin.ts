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
  /** Seconds Twilio would keep it queued before dropping it (ValidityPeriod), when the sender gave one. */
  validityPeriod?: number | undefined;
  at: Date;
  /** The last status reported to its callback (queued until then). */
  status: string;
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
  /** Requests to the Messages list (GET Messages.json). */
  listRequests = 0;
  /** Wait this long (ms) after recording a message before answering: a slow Twilio. */
  answerDelayMs = 0;
  private drops = 0;
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

  /**
   * The next `count` sends are recorded (Twilio has them: they will be sent) but never answered:
   * the connection is reset, as when Twilio or the network fails after taking the message.
   */
  dropAnswersAfterRecording(count: number): void {
    this.drops += count;
  }

  takeDrop(): boolean {
    if (this.drops <= 0) return false;
    this.drops--;
    return true;
  }

  takeFailure(): number | undefined {
    return this.failures.shift();
  }

  refusalFor(to: string) {
    return this.refused.get(to);
  }

  record(message: Omit<SentMessage, 'index' | 'status'>): SentMessage {
    const stored = { ...message, index: this.messages.length, status: 'queued' };
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
  /** Answer after this long (ms): a slow Twilio. */
  delayMs?: number;
  /** Reset the connection instead of answering (the message was recorded). */
  drop?: boolean;
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
    const validity = fields.get('ValidityPeriod');
    const validityPeriod = validity === null ? undefined : Number(validity);
    if (validityPeriod !== undefined && !(Number.isInteger(validityPeriod) && validityPeriod >= 1 && validityPeriod <= 36_000)) {
      return { status: 400, body: { code: 20001, message: 'ValidityPeriod must be an integer from 1 to 36000 seconds.', status: 400 } };
    }
    const sent = state.record({ sid: fakeSid('SM'), to, from, body, statusCallback, validityPeriod, at: new Date() });
    if (state.takeDrop()) return { status: 0, body: null, drop: true };
    const delayMs = state.answerDelayMs;
    // The first callback waits callbackDelayMs after the answer, so it always follows it.
    if (statusCallback) setTimeout(() => void this.reportStatuses(statusCallback, sent), delayMs);
    return { status: 201, body: this.resource(sent), delayMs };
  }

  /**
   * Twilio's "list messages" call (GET /2010-04-01/Accounts/{sid}/Messages.json): filters To,
   * From, DateSent (a date, YYYY-MM-DD, or a date-time), DateSent< (on or before) and DateSent>
   * (on or after); newest first; pages of PageSize (default 50, at most 1000) linked by
   * next_page_uri with a PageToken, as Twilio's list resources are.
   */
  list(accountSid: string, authorization: string | undefined, query: URLSearchParams): StandInAnswer {
    const { state, options } = this;
    state.listRequests++;
    if (authorization !== this.expectedAuth || accountSid !== options.accountSid) {
      return { status: 401, body: { code: 20003, message: 'Authenticate', status: 401 } };
    }
    const filters: Array<(message: SentMessage) => boolean> = [];
    const to = query.get('To');
    if (to) filters.push((message) => message.to === to);
    const from = query.get('From');
    if (from) filters.push((message) => message.from === from);
    for (const [key, compare] of [
      ['DateSent', 'on'],
      ['DateSent<', 'before'],
      ['DateSent>', 'after'],
    ] as const) {
      const value = query.get(key);
      if (value === null) continue;
      const range = dateFilterRange(value);
      if (!range) return { status: 400, body: { code: 20001, message: `Invalid ${key}: ${value}`, status: 400 } };
      if (compare === 'on') filters.push((message) => message.at >= range.start && message.at < range.end);
      if (compare === 'before') filters.push((message) => message.at < range.end);
      if (compare === 'after') filters.push((message) => message.at >= range.start);
    }
    const pageSize = Math.min(1000, Math.max(1, Number(query.get('PageSize') ?? 50) || 50));
    const page = Math.max(0, Number(query.get('Page') ?? 0) || 0);
    const tokenStart = /^PA(\d+)$/.exec(query.get('PageToken') ?? '')?.[1];
    const start = tokenStart !== undefined ? Number(tokenStart) : page * pageSize;
    const matching = state.messages.filter((message) => filters.every((filter) => filter(message))).reverse();
    const slice = matching.slice(start, start + pageSize);
    const base = `/2010-04-01/Accounts/${options.accountSid}/Messages.json`;
    const pageUri = (pageNumber: number, token?: string) => {
      const params = new URLSearchParams(query);
      params.set('PageSize', String(pageSize));
      params.set('Page', String(pageNumber));
      params.delete('PageToken');
      if (token) params.set('PageToken', token);
      return `${base}?${params.toString()}`;
    };
    const hasNext = start + pageSize < matching.length;
    return {
      status: 200,
      body: {
        messages: slice.map((message) => this.resource(message)),
        uri: pageUri(page, query.get('PageToken') ?? undefined),
        first_page_uri: pageUri(0),
        next_page_uri: hasNext ? pageUri(page + 1, `PA${start + pageSize}`) : null,
        previous_page_uri: page > 0 ? pageUri(page - 1, `PA${Math.max(0, start - pageSize)}`) : null,
        page,
        page_size: pageSize,
        start,
        end: start + Math.max(0, slice.length - 1),
      },
    };
  }

  /** A message as Twilio's API shows it. */
  private resource(message: SentMessage) {
    return {
      sid: message.sid,
      account_sid: this.options.accountSid,
      to: message.to,
      from: message.from,
      body: message.body,
      status: message.status,
      num_segments: '1',
      num_media: '0',
      direction: 'outbound-api',
      api_version: '2010-04-01',
      date_created: message.at.toUTCString(),
      date_updated: message.at.toUTCString(),
      date_sent: message.at.toUTCString(),
      error_code: null,
      error_message: null,
      uri: `/2010-04-01/Accounts/${this.options.accountSid}/Messages/${message.sid}.json`,
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
      message.status = status;
      const params = { MessageSid: message.sid, MessageStatus: status, AccountSid: 'AC', To: message.to, From: message.from };
      await sendSignedForm(this.options.authToken, target, params, url).catch(() => undefined);
    }
  }
}

/** A DateSent filter value as an interval: a date covers its UTC day, a date-time is an instant. */
function dateFilterRange(value: string): { start: Date; end: Date } | undefined {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const start = new Date(day ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(start.getTime())) return undefined;
  return { start, end: day ? new Date(start.getTime() + 86_400_000) : new Date(start.getTime() + 1000) };
}

export const FORM_TYPE = 'application/x-www-form-urlencoded';

/** The stand-in's routes, to mount on any Express app (the dev sandbox mounts it at /dev/twilio). */
export function twilioStandInRouter(options: StandInOptions, state = new TwilioStandInState()): { router: Router; state: TwilioStandInState } {
  const router = Router();
  const api = new MessagesApi(options, state);

  router.post('/2010-04-01/Accounts/:accountSid/Messages.json', express.text({ type: FORM_TYPE }), (req, res) => {
    const fields = new URLSearchParams(typeof req.body === 'string' ? req.body : '');
    const answer = api.create(req.params.accountSid, req.header('authorization'), fields);
    if (answer.drop) {
      req.socket.destroy();
      return;
    }
    setTimeout(() => res.status(answer.status).json(answer.body), answer.delayMs ?? 0);
  });

  router.get('/2010-04-01/Accounts/:accountSid/Messages.json', (req, res) => {
    const queryAt = req.originalUrl.indexOf('?');
    const answer = api.list(req.params.accountSid, req.header('authorization'), new URLSearchParams(queryAt === -1 ? '' : req.originalUrl.slice(queryAt + 1)));
    res.status(answer.status).json(answer.body);
  });

  /** For the chat CLI and the demo page: what was sent, after a given index. */
  router.get('/messages', (req, res) => {
    const to = typeof req.query.to === 'string' ? req.query.to : undefined;
    res.json({ messages: state.messagesAfter(to, Number(req.query.after ?? -1)) });
  });

  return { router, state };
}
