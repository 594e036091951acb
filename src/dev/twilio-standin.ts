import express, { Router } from 'express';
import type { Server } from 'node:http';
import { closeServer, listeningPort } from '../lib/net.ts';
import { fakeSid, postSignedForm } from './twilio-signing.ts';

// A local stand-in for the part of Twilio's REST API the product uses (sending messages), with
// signed status callbacks. The development sandbox, the chat CLI, the tests and the benchmark all
// point the official twilio client at it through TWILIO_API_BASE_URL.

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

/** The stand-in's routes, to mount on any Express app (the dev sandbox mounts it at /dev/twilio). */
export function twilioStandInRouter(options: StandInOptions, state = new TwilioStandInState()): { router: Router; state: TwilioStandInState } {
  const router = Router();
  const callbackStatuses = options.callbackStatuses ?? ['sent', 'delivered'];
  const callbackDelayMs = options.callbackDelayMs ?? 5;
  const expectedAuth = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;

  router.post('/2010-04-01/Accounts/:accountSid/Messages.json', express.urlencoded({ extended: false }), (req, res) => {
    state.requests++;
    if (req.header('authorization') !== expectedAuth || req.params.accountSid !== options.accountSid) {
      res.status(401).json({ code: 20003, message: 'Authenticate', status: 401 });
      return;
    }
    const failure = state.takeFailure();
    if (failure !== undefined) {
      res.status(failure).json({ code: 20500, message: 'Internal Server Error (stand-in)', status: failure });
      return;
    }
    const fields: Record<string, unknown> = req.body ?? {};
    const to = String(fields.To ?? '');
    const from = String(fields.From ?? '');
    const body = String(fields.Body ?? '');
    if (!to || !from) {
      res.status(400).json({ code: 21604, message: "A 'To' and 'From' phone number is required.", status: 400 });
      return;
    }
    const refusal = state.refusalFor(to);
    if (refusal) {
      res.status(400).json({ ...refusal, status: 400 });
      return;
    }
    const statusCallback = typeof fields.StatusCallback === 'string' ? fields.StatusCallback : undefined;
    const sent = state.record({ sid: fakeSid('SM'), to, from, body, statusCallback, at: new Date() });
    res.status(201).json({
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
    });
    if (statusCallback) void reportStatuses(options.authToken, statusCallback, sent, callbackStatuses, callbackDelayMs);
  });

  /** For the chat CLI and the demo page: what was sent, after a given index. */
  router.get('/messages', (req, res) => {
    const to = typeof req.query.to === 'string' ? req.query.to : undefined;
    const after = Number(req.query.after ?? -1);
    res.json({ messages: state.messages.filter((m) => (!to || m.to === to) && m.index > after) });
  });

  return { router, state };
}

async function reportStatuses(authToken: string, url: string, message: SentMessage, statuses: string[], delayMs: number) {
  for (const status of statuses) {
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    const params = { MessageSid: message.sid, MessageStatus: status, AccountSid: 'AC', To: message.to, From: message.from };
    await postSignedForm(authToken, url, params).catch(() => undefined);
  }
}

export interface RunningStandIn {
  baseUrl: string;
  state: TwilioStandInState;
  close(): Promise<void>;
}

/** Starts the stand-in on its own port (tests, benchmark, chat CLI). */
export async function startTwilioStandIn(options: StandInOptions): Promise<RunningStandIn> {
  const app = express();
  const { router, state } = twilioStandInRouter(options);
  app.use(router);
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return {
    baseUrl: `http://127.0.0.1:${listeningPort(server)}`,
    state,
    close: () => closeServer(server),
  };
}
