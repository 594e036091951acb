import { createRequire } from 'node:module';
import { ConnectionStatus, DirectLine, type Activity } from 'botframework-directlinejs';
import { SignJWT } from 'jose';
import { WebSocket } from 'ws';
import { z } from 'zod';

// Web chat test helpers: Microsoft's official Direct Line client (botframework-directlinejs) in
// Node, and plain HTTP calls for what a client library hides (status codes, error bodies).

// DirectLineJS is written for browsers: it needs WebSocket and XMLHttpRequest globals.
const require = createRequire(import.meta.url);
const XMLHttpRequestPolyfill: unknown = require('xhr2');
Object.assign(globalThis, { WebSocket, XMLHttpRequest: XMLHttpRequestPolyfill });

export { ConnectionStatus };

export const tokenResponse = z.object({ conversationId: z.string(), token: z.string(), expires_in: z.number() });
export const conversationResponse = tokenResponse.extend({ streamUrl: z.string() });
const activitySet = z.object({
  activities: z.array(
    z.object({
      type: z.string(),
      id: z.string(),
      text: z.string().optional(),
      from: z.object({ id: z.string(), role: z.string().optional() }),
      suggestedActions: z.object({ actions: z.array(z.object({ type: z.string(), title: z.string(), value: z.string() })) }).optional(),
      channelData: z.object({ clientActivityID: z.string().optional() }).optional(),
    }),
  ),
  watermark: z.string().optional(),
});

export type ActivitySet = z.infer<typeof activitySet>;

/** The Direct Line base URL of a running service. */
export function directLineBase(serviceUrl: string): string {
  return `${serviceUrl}/v3/directline`;
}

/** A user token as the operator's website would sign it for a logged-in customer. */
export async function signUserToken(secret: string, customerId: string, expiresInSeconds = 300): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(customerId)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + expiresInSeconds)
    .sign(new TextEncoder().encode(secret));
}

/** POST /tokens/generate, anonymous or with a user token. */
export async function generateToken(serviceUrl: string, userToken?: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${directLineBase(serviceUrl)}/tokens/generate`, {
    method: 'POST',
    headers: { ...headers, ...(userToken ? { Authorization: `Bearer ${userToken}` } : {}) },
  });
  if (response.status !== 200) throw new Error(`tokens/generate answered ${response.status}: ${await response.text()}`);
  return tokenResponse.parse(await response.json());
}

/** A Direct Line API call with a bearer token; returns the raw response. */
export function callDirectLine(serviceUrl: string, path: string, token: string | undefined, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...init.headers };
  if (token) headers['Authorization'] = `Bearer ${token}`;
  if (init.body !== undefined) headers['Content-Type'] ??= 'application/json';
  return fetch(`${directLineBase(serviceUrl)}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
  });
}

/** GET /conversations/{id}/activities?watermark= */
export async function getActivities(serviceUrl: string, token: string, conversationId: string, watermark = ''): Promise<ActivitySet> {
  const response = await callDirectLine(serviceUrl, `/conversations/${conversationId}/activities?watermark=${watermark}`, token);
  if (response.status !== 200) throw new Error(`GET activities answered ${response.status}: ${await response.text()}`);
  return activitySet.parse(await response.json());
}

export interface ChatClient {
  directLine: DirectLine;
  /** Every activity received so far, in order. */
  activities: Activity[];
  statuses: ConnectionStatus[];
  /** Posts a message as the user; resolves with the activity id the service gave it. */
  say(text: string, clientActivityID?: string): Promise<string>;
  /** Waits for the bot's message number `index` (0-based, counting from the client's start, the welcome not counted) and returns it. */
  botMessage(index: number, timeoutMs?: number): Promise<Activity>;
  /** Waits until `check` finds something among the activities received. */
  waitFor<T>(check: (activities: Activity[]) => T | undefined, what: string, timeoutMs?: number): Promise<T>;
  close(): void;
}

/** An official Direct Line client against the service, over WebSocket or polling. */
export function connectChat(
  serviceUrl: string,
  options: { token: string; webSocket: boolean; conversationId?: string; watermark?: string; streamUrl?: string },
): ChatClient {
  const directLine = new DirectLine({
    domain: directLineBase(serviceUrl),
    token: options.token,
    webSocket: options.webSocket,
    pollingInterval: 200,
    ...(options.conversationId ? { conversationId: options.conversationId } : {}),
    ...(options.watermark ? { watermark: options.watermark } : {}),
    ...(options.streamUrl ? { streamUrl: options.streamUrl } : {}),
  });
  const activities: Activity[] = [];
  const statuses: ConnectionStatus[] = [];
  const subscriptions = [
    directLine.activity$.subscribe((activity) => activities.push(activity)),
    directLine.connectionStatus$.subscribe((status) => statuses.push(status)),
  ];
  const waitFor = async <T,>(check: (all: Activity[]) => T | undefined, what: string, timeoutMs = 15_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = check(activities);
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}; received: ${JSON.stringify(activities.map((a) => [a.type, a.from.role, a.type === 'message' ? a.text : '']))}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  return {
    directLine,
    activities,
    statuses,
    say(text, clientActivityID) {
      return new Promise<string>((resolve, reject) => {
        directLine
          .postActivity({ type: 'message', from: { id: 'ignored-by-the-service', name: 'Visitor' }, text, ...(clientActivityID ? { channelData: { clientActivityID } } : {}) })
          .subscribe({ next: (id: unknown) => resolve(String(id)), error: (error: unknown) => reject(error instanceof Error ? error : new Error(JSON.stringify(error))) });
      });
    },
    botMessage(index, timeoutMs) {
      return waitFor((all) => all.filter((a) => a.type === 'message' && a.from.role === 'bot' && !isWelcome(a))[index], `bot message #${index + 1}`, timeoutMs);
    },
    waitFor,
    close() {
      for (const subscription of subscriptions) subscription.unsubscribe();
      directLine.end();
    },
  };
}

/** The welcome a new chat opens with (published by the channel when the conversation starts). */
export function isWelcome(activity: Activity): boolean {
  return activity.id?.endsWith('|welcome') === true;
}

/** The text of an activity (messages only). */
export function textOf(activity: Activity): string {
  return activity.type === 'message' ? (activity.text ?? '') : '';
}

/** Opens a Direct Line stream: the open socket, or the status and body of the refusal. */
export function openStream(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; socket: WebSocket | undefined }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.once('open', () => resolve({ status: 101, body: '', socket }));
    socket.once('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body, socket: undefined }));
    });
    socket.once('error', (error) => reject(error));
  });
}
