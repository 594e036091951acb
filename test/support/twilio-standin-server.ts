import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, listeningPort } from '../../src/lib/net.ts';
import { FORM_TYPE, MessagesApi, type StandInAnswer, type StandInOptions, type TwilioStandInState } from '../../src/sandbox/twilio-standin.ts';

// The Twilio stand-in's API (src/sandbox/twilio-standin.ts) on its own port, for the tests and
// the benchmark.

export interface RunningStandIn {
  baseUrl: string;
  state: TwilioStandInState;
  close(): Promise<void>;
}

const MESSAGES_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;
/** Express's urlencoded and text parsers refuse larger bodies too. */
const MAX_BODY_BYTES = 100 * 1024;

/**
 * Starts the stand-in on its own port (tests, benchmark). The same routes as
 * twilioStandInRouter on a bare node:http server: the benchmark runs it at hundreds of messages
 * a second, in the process whose CPU must stay small next to the service's.
 */
export async function startTwilioStandIn(options: StandInOptions): Promise<RunningStandIn> {
  const api = new MessagesApi(options);
  const server = http.createServer((req, res) => handleStandInRequest(api, req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${listeningPort(server)}`,
    state: api.state,
    close: () => closeServer(server),
  };
}

function handleStandInRequest(api: MessagesApi, req: IncomingMessage, res: ServerResponse): void {
  const url = req.url ?? '/';
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  const accountSid = MESSAGES_PATH.exec(path)?.[1];
  if (accountSid !== undefined && req.method === 'POST') {
    readForm(req, (fields) => {
      if (fields === undefined) answer(res, { status: 413, body: { code: 20413, message: 'Request entity too large', status: 413 } });
      else answer(res, api.create(decodePathSegment(accountSid), req.headers.authorization, fields));
    });
    return;
  }
  if (accountSid !== undefined && req.method === 'GET') {
    req.resume();
    answer(res, api.list(decodePathSegment(accountSid), req.headers.authorization, new URLSearchParams(queryAt === -1 ? '' : url.slice(queryAt + 1))));
    return;
  }
  if (req.method === 'GET' && path === '/messages') {
    const query = new URLSearchParams(queryAt === -1 ? '' : url.slice(queryAt + 1));
    answer(res, { status: 200, body: { messages: api.state.messagesAfter(query.get('to') ?? undefined, Number(query.get('after') ?? -1)) } });
    return;
  }
  req.resume();
  answer(res, { status: 404, body: { code: 20404, message: 'The requested resource was not found', status: 404 } });
}

/** Reads a urlencoded body (any other type reads as no fields); undefined when it is too large. */
function readForm(req: IncomingMessage, done: (fields: URLSearchParams | undefined) => void): void {
  const isForm = (req.headers['content-type'] ?? '').toLowerCase().startsWith(FORM_TYPE);
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  });
  req.on('end', () => {
    if (size > MAX_BODY_BYTES) done(undefined);
    else done(new URLSearchParams(isForm ? Buffer.concat(chunks, size).toString('utf8') : ''));
  });
  req.on('error', () => req.destroy());
}

function answer(res: ServerResponse, { status, body, delayMs, drop }: StandInAnswer): void {
  if (drop) {
    res.socket?.destroy();
    return;
  }
  if (delayMs) {
    setTimeout(() => answer(res, { status, body }), delayMs);
    return;
  }
  const json = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(json) });
  res.end(json);
}

function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
