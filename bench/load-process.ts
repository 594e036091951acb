import { fakeSid, sendSignedForm } from '../src/sandbox/twilio-signing.ts';
import type { SentMessage } from '../src/sandbox/twilio-standin.ts';
import { startTwilioStandIn } from '../test/support/twilio-standin-server.ts';
import {
  BENCH_ACCOUNT_SID,
  BENCH_AUTH_TOKEN,
  toLoadSchema,
  type ClosedLoopRun,
  type FromLoad,
  type OpenLoopRun,
  type RunResult,
  type Target,
} from './protocol.ts';
import { summarise } from './stats.ts';

// The benchmark's load process (a child process, so sending and timing do not share an event
// loop with the service under test): it runs the Twilio stand-in that receives the service's
// replies and sends its status callbacks, and the generator that posts signed SMS webhooks.

/** Each message asks about a ticket number no one has; the reply quotes it, which matches the two. */
const FIRST_TICKET_NUMBER = 900_000_000;
const TICKET_IN_REPLY = /TT-(\d+)/;

interface RunAccumulator {
  sent: number;
  acked: number;
  non200: number;
  networkErrors: number;
  shed: number;
  replies: number;
  missing: number;
  strayReplies: number;
  outstanding: number;
  firstSendAt: number;
  lastSendAt: number;
  lastCompletionAt: number;
  maxScheduleLagMs: number;
  intake: number[];
  endToEnd: number[];
  statusCodes: Record<string, number>;
  cpu: NodeJS.CpuUsage;
}

interface PendingReply {
  run: RunAccumulator;
  sentAt: number;
  onReply: (() => void) | undefined;
}

const pending = new Map<number, PendingReply>();
let nextTicketNumber = FIRST_TICKET_NUMBER;
let senderCursor = 0;
let currentRun: RunAccumulator | undefined;

const standIn = await startTwilioStandIn({ accountSid: BENCH_ACCOUNT_SID, authToken: BENCH_AUTH_TOKEN });
// Sees each message the moment the stand-in records it, so end-to-end times carry no polling delay.
const recordMessage = standIn.state.record.bind(standIn.state);
standIn.state.record = (message) => {
  const stored = recordMessage(message);
  onReplyRecorded(stored);
  // The benchmark never reads the stand-in's log back; dropping it keeps memory flat.
  standIn.state.messages.length = 0;
  return stored;
};

function onReplyRecorded(message: SentMessage): void {
  const now = performance.now();
  const ticket = TICKET_IN_REPLY.exec(message.body)?.[1];
  const waiting = ticket === undefined ? undefined : pending.get(Number(ticket));
  if (!waiting || ticket === undefined) {
    if (currentRun) currentRun.strayReplies++;
    return;
  }
  pending.delete(Number(ticket));
  const { run } = waiting;
  run.replies++;
  run.outstanding--;
  run.endToEnd.push(now - waiting.sentAt);
  run.lastCompletionAt = Math.max(run.lastCompletionAt, now);
  waiting.onReply?.();
}

function newRun(): RunAccumulator {
  return {
    sent: 0,
    acked: 0,
    non200: 0,
    networkErrors: 0,
    shed: 0,
    replies: 0,
    missing: 0,
    strayReplies: 0,
    outstanding: 0,
    firstSendAt: 0,
    lastSendAt: 0,
    lastCompletionAt: 0,
    maxScheduleLagMs: 0,
    intake: [],
    endToEnd: [],
    statusCodes: {},
    cpu: process.cpuUsage(),
  };
}

interface SendOutcome {
  status: number | undefined;
  ticket: number;
}

let endpointCursor = 0;
const alternateUrls = new Map<string, URL>();

/** The instance this send goes to: the target's own URL, or round-robin over it and its alternates. */
function endpointFor(target: Target, primary: URL): { url: URL; signUrl: string } {
  if (target.alternates.length === 0) return { url: primary, signUrl: target.signUrl };
  const index = endpointCursor++ % (target.alternates.length + 1);
  const alternate = index === 0 ? undefined : target.alternates[index - 1];
  if (!alternate) return { url: primary, signUrl: target.signUrl };
  const url = alternateUrls.get(alternate.url) ?? new URL(alternate.url);
  alternateUrls.set(alternate.url, url);
  return { url, signUrl: alternate.signUrl };
}

/** Sends one signed incoming-SMS webhook, exactly the form fields Twilio posts. */
async function sendOne(target: Target, primary: URL, from: string, run: RunAccumulator, expectReply: boolean, onReply?: () => void): Promise<SendOutcome> {
  const { url, signUrl } = endpointFor(target, primary);
  const ticket = nextTicketNumber++;
  const params = {
    MessageSid: fakeSid('SM'),
    AccountSid: target.accountSid,
    From: from,
    To: target.ourNumber,
    Body: `what's the status of my ticket TT-${ticket}`,
  };
  const sentAt = performance.now();
  if (run.sent === 0) run.firstSendAt = sentAt;
  run.lastSendAt = sentAt;
  run.sent++;
  if (expectReply) {
    pending.set(ticket, { run, sentAt, onReply });
    run.outstanding++;
  }
  try {
    const status = await sendSignedForm(target.authToken, url, params, signUrl);
    const now = performance.now();
    run.statusCodes[status] = (run.statusCodes[status] ?? 0) + 1;
    if (status === 200) {
      run.acked++;
      run.intake.push(now - sentAt);
      if (!expectReply) run.lastCompletionAt = Math.max(run.lastCompletionAt, now);
    } else {
      run.non200++;
      // A refused message gets no reply; it is counted once, as a non-200.
      forget(ticket);
    }
    return { status, ticket };
  } catch {
    run.networkErrors++;
    run.statusCodes['error'] = (run.statusCodes['error'] ?? 0) + 1;
    return { status: undefined, ticket };
  }
}

/** Stops waiting for a message's reply; it counts as missing. */
function forget(ticket: number): boolean {
  const waiting = pending.get(ticket);
  if (!waiting) return false;
  pending.delete(ticket);
  waiting.run.outstanding--;
  return true;
}

function nextSender(senders: string[]): string {
  const sender = senders[senderCursor % senders.length] ?? senders[0] ?? '';
  senderCursor++;
  return sender;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Sends at a fixed rate on schedule, whatever the responses, then waits for the replies. */
async function runOpenLoop(run: OpenLoopRun): Promise<RunResult> {
  const acc = newRun();
  currentRun = acc;
  const url = new URL(run.target.url);
  const total = Math.max(1, Math.round((run.rate * run.durationMs) / 1000));
  const interval = 1000 / run.rate;
  const inFlight = new Set<Promise<SendOutcome>>();
  const start = performance.now();
  let index = 0;
  while (index < total) {
    const now = performance.now();
    const due = Math.min(total, Math.floor((now - start) / interval) + 1);
    for (; index < due; index++) {
      acc.maxScheduleLagMs = Math.max(acc.maxScheduleLagMs, now - (start + index * interval));
      if (inFlight.size >= run.maxInFlight) {
        acc.shed++;
        continue;
      }
      const sending = sendOne(run.target, url, nextSender(run.target.senders), acc, run.expectReplies);
      inFlight.add(sending);
      void sending.finally(() => inFlight.delete(sending));
    }
    if (index < total) await sleep(Math.max(0, start + index * interval - performance.now()));
  }
  await Promise.all(inFlight);
  const deadline = acc.lastSendAt + run.drainMs;
  while (acc.outstanding > 0 && performance.now() < deadline) await sleep(10);
  expireOutstanding(acc);
  return finish(acc);
}

/** Simulated customers each send, wait for the answer, and send again, for the duration. */
async function runClosedLoop(run: ClosedLoopRun): Promise<RunResult> {
  const acc = newRun();
  currentRun = acc;
  const url = new URL(run.target.url);
  const end = performance.now() + run.durationMs;
  const customer = async (sender: string) => {
    while (performance.now() < end) {
      let replied = () => {};
      const reply = new Promise<void>((resolve) => {
        replied = resolve;
      });
      const outcome = await sendOne(run.target, url, sender, acc, run.expectReplies, () => replied());
      if (outcome.status !== 200) {
        await sleep(10);
        continue;
      }
      if (!run.expectReplies) continue;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        reply.then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), run.replyTimeoutMs);
        }),
      ]);
      clearTimeout(timer);
      if (timedOut && forget(outcome.ticket)) acc.missing++;
    }
  };
  await Promise.all(Array.from({ length: run.concurrency }, (_, k) => customer(run.target.senders[k % run.target.senders.length] ?? '')));
  expireOutstanding(acc);
  return finish(acc);
}

function expireOutstanding(acc: RunAccumulator): void {
  for (const [ticket, waiting] of pending) {
    if (waiting.run === acc && forget(ticket)) acc.missing++;
  }
}

function finish(acc: RunAccumulator): RunResult {
  const cpu = process.cpuUsage(acc.cpu);
  return {
    loadCpuMs: (cpu.user + cpu.system) / 1000,
    sent: acc.sent,
    acked: acc.acked,
    non200: acc.non200,
    networkErrors: acc.networkErrors,
    shed: acc.shed,
    replies: acc.replies,
    missing: acc.missing,
    strayReplies: acc.strayReplies,
    sendWindowMs: acc.lastSendAt - acc.firstSendAt,
    completionWindowMs: Math.max(0, acc.lastCompletionAt - acc.firstSendAt),
    maxScheduleLagMs: acc.maxScheduleLagMs,
    intake: summarise(acc.intake),
    endToEnd: summarise(acc.endToEnd),
    statusCodes: acc.statusCodes,
  };
}

function tell(message: FromLoad): void {
  process.send?.(message);
}

let queue = Promise.resolve();
process.on('message', (raw) => {
  const parsed = toLoadSchema.safeParse(raw);
  if (!parsed.success) {
    tell({ type: 'failed', message: `load process: bad command: ${parsed.error.message}` });
    return;
  }
  const command = parsed.data;
  // One run at a time, in the order asked.
  queue = queue.then(async () => {
    if (command.type === 'stop') {
      await shutdown();
      return;
    }
    try {
      const result = command.type === 'open-loop' ? await runOpenLoop(command) : await runClosedLoop(command);
      tell({ type: 'result', id: command.id, result });
    } catch (error) {
      tell({ type: 'failed', id: command.id, message: error instanceof Error ? error.message : String(error) });
    }
  });
});

let stopping = false;
async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await standIn.close().catch(() => undefined);
  process.disconnect?.();
  process.exit(0);
}

// The benchmark went away (crashed or was killed): nothing left to do.
process.on('disconnect', () => {
  void shutdown();
});

tell({ type: 'ready', standInUrl: standIn.baseUrl });
