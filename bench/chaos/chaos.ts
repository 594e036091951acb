import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { z } from 'zod';
import { migrateAndSeed } from '../../src/cli/seed.ts';
import { fakeSid, postSignedForm } from '../../src/sandbox/twilio-signing.ts';
import { freePort } from '../../test/support/free-port.ts';
import { startTwilioStandIn, type RunningStandIn } from '../../test/support/twilio-standin-server.ts';
import { ScratchPostgres, ScratchRedis, ServiceNode, scratchDirectory } from './scratch-services.ts';

// `npm run chaos`: signed SMS and web chat traffic at a set rate against 2 api + 2 worker
// processes on one PostgreSQL cluster and one Redis of the script's own, while it kills Redis
// (and restarts it), kills a worker with SIGKILL while Twilio holds its sends, restarts
// PostgreSQL and kills and restarts an api process. Then it lets the system settle, reconciles
// what the clients were told against the database, Twilio's record and the web chat streams,
// prints one table, and exits non-zero on any loss, duplicate or stuck work.

const ACCOUNT_SID = `AC${'c4'.repeat(16)}`;
const AUTH_TOKEN = 'chaos-auth-token-0123456789';
const OUR_NUMBER = '+15557770900';
const DATABASE = 'telcobot_chaos';

export interface ChaosOptions {
  /** How long traffic runs, in seconds (the faults are spread over it). */
  seconds: number;
  /** New customer messages per second, SMS and web chat together. */
  rate: number;
  /** Progress lines (stderr by default). */
  log?: (line: string) => void;
}

export interface ChaosReport {
  seconds: number;
  rate: number;
  accepted: { sms: number; webchat: number };
  /** Acknowledged by no instance within the client's retry window (never acknowledged, so not owed). */
  refused: number;
  storedOnce: number;
  answeredOnce: number;
  duplicateSends: number;
  lost: number;
  orders: { created: number; duplicates: number };
  /** Work left after settling: unhandled inbound, undelivered replies. */
  stuck: { unhandled: number; undelivered: number };
  /** Turn and delivery jobs that failed for good (their work done since by another job, or it would count above). */
  failedJobs: number;
  longestWaitMs: number;
  faults: string[];
  ok: boolean;
}

interface SentMessage {
  channel: 'sms' | 'webchat';
  /** The provider's message id (SMS MessageSid; web chat activity id once acknowledged). */
  id: string;
  sentAt: number;
  accepted: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? ((line: string) => process.stderr.write(`[chaos] ${line}\n`));
  const scratch = scratchDirectory();
  const postgres = new ScratchPostgres(path.join(scratch.dir, 'pg'), await freePort());
  const redis = new ScratchRedis(path.join(scratch.dir, 'redis'), await freePort());
  let standIn: RunningStandIn | undefined;
  const nodes: ServiceNode[] = [];
  try {
    log(`scratch PostgreSQL on port ${postgres.port}, Redis on port ${redis.port}, in ${scratch.dir}`);
    await postgres.init(DATABASE);
    await redis.start();
    await migrateAndSeed(postgres.url(DATABASE));
    standIn = await startTwilioStandIn({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, callbackDelayMs: 20 });

    const apiPorts = [await freePort(), await freePort()];
    const common: Record<string, string> = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: postgres.url(DATABASE),
      DATABASE_POOL_SIZE: '6',
      REDIS_URL: redis.url,
      REDIS_PREFIX: 'chaos',
      TWILIO_ACCOUNT_SID: ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      TWILIO_PHONE_NUMBER: OUR_NUMBER,
      TWILIO_API_BASE_URL: standIn.baseUrl,
      WEBCHAT_TOKEN_SECRET: 'chaos-webchat-token-secret-0123456789abcdef',
      // All traffic comes from 127.0.0.1: lift the per-address caps that protect a real deployment.
      WEBCHAT_RATE_PER_IP: '1000000',
      WEBCHAT_NEW_CONVERSATIONS_PER_IP: '1000000',
      WEBCHAT_RATE_PER_CONVERSATION: '1000',
      DELIVERY_BACKOFF_MS: '250',
      DELIVERY_ATTEMPTS: '8',
      OUTBOX_INTERVAL_MS: '1000',
      TRACKING_WORKERS: 'false',
      TURN_CONCURRENCY: '8',
      DELIVERY_CONCURRENCY: '8',
    };
    // Status callbacks go to the first api instance, the URL Twilio would be given.
    const publicUrl = (port: number) => `http://localhost:${port}`;
    nodes.push(
      new ServiceNode('api-1', apiPorts[0] ?? 0, { ...common, ROLE: 'api', PUBLIC_BASE_URL: publicUrl(apiPorts[0] ?? 0) }, path.join(scratch.dir, 'api-1.log')),
      new ServiceNode('api-2', apiPorts[1] ?? 0, { ...common, ROLE: 'api', PUBLIC_BASE_URL: publicUrl(apiPorts[1] ?? 0) }, path.join(scratch.dir, 'api-2.log')),
      new ServiceNode('worker-1', await freePort(), { ...common, ROLE: 'worker', PUBLIC_BASE_URL: publicUrl(apiPorts[0] ?? 0) }, path.join(scratch.dir, 'worker-1.log')),
      new ServiceNode('worker-2', await freePort(), { ...common, ROLE: 'worker', PUBLIC_BASE_URL: publicUrl(apiPorts[0] ?? 0) }, path.join(scratch.dir, 'worker-2.log')),
    );
    // One at a time: four start-ups at once on two cores take longer than in turn.
    for (const node of nodes) {
      await node.start();
      log(`${node.name} up at ${node.url}`);
    }
    const [api1, api2, worker1] = nodes;
    if (!api1 || !api2 || !worker1) throw new Error('nodes missing');
    const apis = [api1, api2];

    const traffic = new Traffic(apis, standIn, options.rate, log);
    const faults: string[] = [];
    const at = (fraction: number) => sleep(Math.max(0, traffic.startedAt + fraction * options.seconds * 1000 - Date.now()));
    const fault = (line: string) => {
      const stamp = `${((Date.now() - traffic.startedAt) / 1000).toFixed(1)} s: ${line}`;
      faults.push(stamp);
      log(stamp);
    };
    traffic.start();
    const schedule = (async () => {
      await at(0.15);
      fault('Redis killed (SIGKILL)');
      await redis.kill();
      await sleep(3000);
      await redis.start();
      fault('Redis restarted (append-only file)');

      await at(0.35);
      standIn.state.answerDelayMs = 4000;
      await sleep(1500);
      fault('worker-1 killed (SIGKILL) while Twilio holds its sends');
      await worker1.kill('SIGKILL');
      standIn.state.answerDelayMs = 0;
      void worker1.start().then(() => fault('worker-1 back'), (error: unknown) => fault(`worker-1 did not come back: ${String(error)}`));

      await at(0.55);
      fault('PostgreSQL restart (pg_ctl -m fast)');
      await postgres.restart();
      fault('PostgreSQL back');

      await at(0.75);
      fault('api-1 killed (SIGKILL)');
      await api1.kill('SIGKILL');
      await api1.start();
      fault('api-1 back');
    })();
    await at(1);
    await traffic.stop();
    await schedule;
    log(`traffic stopped: ${traffic.sent.filter((m) => m.accepted).length} accepted; settling`);
    for (const node of nodes) if (!node.running) await node.start();

    const report = await reconcile({ postgres, redis, standIn, traffic, options, faults, log });
    return report;
  } finally {
    for (const node of nodes) await node.kill('SIGKILL');
    await standIn?.close();
    await redis.kill();
    await postgres.stop();
    scratch.remove();
  }
}

/** Customers texting and chatting: each sends its next message once the last one is answered (or 20 s passed). */
class Traffic {
  readonly sent: SentMessage[] = [];
  startedAt = Date.now();
  private running = false;
  private loops: Array<Promise<void>> = [];
  private next = 0;
  /** Demo customers who place one order each (Mobile Essentials → Unlimited). */
  readonly orderers = new Set<string>();

  constructor(
    readonly apis: ServiceNode[],
    private readonly standIn: RunningStandIn,
    private readonly rate: number,
    private readonly log: (line: string) => void,
  ) {}

  start(): void {
    this.running = true;
    this.startedAt = Date.now();
    // A session every 1/rate seconds; each session is a short conversation, SMS and web chat in turn.
    this.loops.push(
      (async () => {
        let index = 0;
        while (this.running) {
          const session = index++;
          this.loops.push(session % 2 === 0 ? this.smsSession(session) : this.webchatSession(session));
          await sleep(1000 / this.rate);
        }
      })(),
    );
  }

  async stop(): Promise<void> {
    this.running = false;
    // Sessions finish the message in hand (its retries included).
    await Promise.all(this.loops);
  }

  private api(): ServiceNode {
    const api = this.apis[this.next++ % this.apis.length];
    if (!api) throw new Error('no api');
    return api;
  }

  /** Posts with retries across api instances until a 2xx (a load balancer's failover); false after `windowMs`. */
  private async withFailover(windowMs: number, attempt: (api: ServiceNode) => Promise<Response>): Promise<Response | undefined> {
    const deadline = Date.now() + windowMs;
    while (Date.now() < deadline) {
      try {
        const response = await attempt(this.api());
        if (response.ok) return response;
        await response.body?.cancel();
        if (response.status < 500 && response.status !== 429) return undefined;
      } catch {
        // connection refused or reset: the instance is down
      }
      await sleep(300);
    }
    return undefined;
  }

  private async smsSession(session: number): Promise<void> {
    // Every fifth SMS session is a demo customer ordering; the rest are numbers we do not know.
    const ordering = session % 10 === 0 && this.orderers.size < 30;
    const from = ordering ? `+1555123${String(1 + (this.orderers.size % 40)).padStart(4, '0')}` : `+1555800${String(session).padStart(4, '0')}`;
    if (ordering && this.orderers.has(from)) return;
    if (ordering) this.orderers.add(from);
    const script = ordering ? ["I'd like the unlimited plan", 'yes'] : ['hello', 'what can you do', 'thanks'];
    for (const text of script) {
      if (!this.running && text === script[0]) return;
      const before = this.standIn.state.messagesTo(from).length;
      const message: SentMessage = { channel: 'sms', id: fakeSid('SM'), sentAt: Date.now(), accepted: false };
      this.sent.push(message);
      const response = await this.withFailover(30_000, (api) => {
        const params = { MessageSid: message.id, AccountSid: ACCOUNT_SID, From: from, To: OUR_NUMBER, Body: text };
        return postSignedForm(AUTH_TOKEN, `${api.url}/twilio/sms`, params, `http://localhost:${api.port}/twilio/sms`);
      });
      if (!response) return;
      await response.body?.cancel();
      message.accepted = true;
      // An order waits for its offer however long the faults make it (the yes must answer it).
      await this.standIn.state.waitForMessages(from, before + 1, ordering ? 120_000 : 20_000).catch(() => undefined);
      // An order that was not offered (the customer has no Mobile Essentials) ends here.
      if (ordering && !/Switch your|Shall I/.test(this.standIn.state.messagesTo(from).at(-1)?.body ?? '')) return;
    }
  }

  readonly webchatConversations = new Map<string, string>();

  private async webchatSession(session: number): Promise<void> {
    const generated = await this.withFailover(30_000, (api) => fetch(`${api.url}/v3/directline/tokens/generate`, { method: 'POST' }));
    if (!generated) return;
    const { token, conversationId } = z.object({ token: z.string(), conversationId: z.string() }).parse(await generated.json());
    const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    const opened = await this.withFailover(30_000, (api) => fetch(`${api.url}/v3/directline/conversations`, { method: 'POST', headers }));
    if (!opened) return;
    await opened.body?.cancel();
    this.webchatConversations.set(conversationId, token);
    let watermark = '';
    for (const text of ['hi', 'what can you do', 'thanks']) {
      if (!this.running && text === 'hi') return;
      const message: SentMessage = { channel: 'webchat', id: '', sentAt: Date.now(), accepted: false };
      this.sent.push(message);
      const clientActivityID = `chaos-${session}-${randomUUID()}`;
      const body = JSON.stringify({ type: 'message', from: { id: 'visitor' }, text, channelData: { clientActivityID } });
      const response = await this.withFailover(30_000, (api) => fetch(`${api.url}/v3/directline/conversations/${conversationId}/activities`, { method: 'POST', headers, body }));
      if (!response) return;
      message.id = z.object({ id: z.string() }).parse(await response.json()).id;
      message.accepted = true;
      // Poll for the bot's answer to this message before the next one.
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline) {
        const polled = await fetch(`${this.apis[0]?.url}/v3/directline/conversations/${conversationId}/activities?watermark=${watermark}`, { headers }).catch(() => undefined);
        if (polled?.ok) {
          const set = activitySet.parse(await polled.json());
          watermark = set.watermark ?? watermark;
          if (set.activities.some((activity) => activity.type === 'message' && activity.replyToId === message.id)) break;
        } else await polled?.body?.cancel();
        await sleep(500);
      }
    }
  }
}

const activitySet = z.object({
  activities: z.array(z.object({ type: z.string(), id: z.string(), replyToId: z.string().optional(), from: z.object({ id: z.string() }), text: z.string().optional() })),
  watermark: z.string().optional(),
});

interface ReconcileInput {
  postgres: ScratchPostgres;
  redis: ScratchRedis;
  standIn: RunningStandIn;
  traffic: Traffic;
  options: ChaosOptions;
  faults: string[];
  log: (line: string) => void;
}

const interactionRow = z.object({
  id: z.string(),
  providerMessageId: z.string().nullable(),
  status: z.string(),
  channel: z.string(),
  conversationId: z.string(),
});

async function reconcile(input: ReconcileInput): Promise<ChaosReport> {
  const { postgres, standIn, traffic, options, faults, log } = input;
  const accepted = traffic.sent.filter((message) => message.accepted);
  const pool = new pg.Pool({ connectionString: postgres.url(DATABASE), max: 2 });
  try {
    // Settle: until every acknowledged message is handled and every reply handed over, or 120 s.
    const ids = accepted.map((message) => message.id);
    const deadline = Date.now() + 120_000;
    for (;;) {
      const { rows } = await pool.query(
        `SELECT
           (SELECT count(*)::int FROM "Interaction" WHERE "direction" = 'inbound' AND "providerMessageId" = ANY($1::text[]) AND "handledAt" IS NOT NULL) AS handled,
           (SELECT count(*)::int FROM "Interaction" WHERE "direction" = 'outbound' AND "deliveryStatus" = 'pending') AS pending`,
        [ids],
      );
      const row = z.object({ handled: z.number(), pending: z.number() }).parse(rows[0]);
      if ((row.handled === ids.length && row.pending === 0) || Date.now() > deadline) break;
      await sleep(1000);
    }
    // A last look for late resends.
    await sleep(3000);

    const inbound = z.array(interactionRow).parse(
      (await pool.query(`SELECT "id", "providerMessageId", "status"::text AS "status", "channel"::text AS "channel", "conversationId" FROM "Interaction" WHERE "direction" = 'inbound' AND "providerMessageId" = ANY($1::text[])`, [ids])).rows,
    );
    const outbound = z
      .array(interactionRow.extend({ inReplyToId: z.string().nullable(), deliveryStatus: z.string().nullable(), toAddress: z.string(), sentAt: z.coerce.date() }))
      .parse(
        (
          await pool.query(
            `SELECT "id", "providerMessageId", "status"::text AS "status", "channel"::text AS "channel", "conversationId", "inReplyToId", "deliveryStatus"::text AS "deliveryStatus", "toAddress",
               to_char("updatedAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "sentAt"
             FROM "Interaction" WHERE "direction" = 'outbound'`,
          )
        ).rows,
      );
    const storedIds = new Set(inbound.map((row) => row.providerMessageId));
    const repliesTo = new Map<string, typeof outbound>();
    for (const reply of outbound) if (reply.inReplyToId) repliesTo.set(reply.inReplyToId, [...(repliesTo.get(reply.inReplyToId) ?? []), reply]);
    const handedOver = (reply: (typeof outbound)[number]) => reply.providerMessageId !== null && reply.deliveryStatus !== 'pending' && reply.deliveryStatus !== 'failed';
    const answered = inbound.filter((row) => row.status === 'handled' && (repliesTo.get(row.id) ?? []).length > 0 && (repliesTo.get(row.id) ?? []).every(handedOver));

    // Duplicate sends: texts Twilio took that no reply of ours owns, and web chat activities shown twice.
    const ourSids = new Set(outbound.filter((reply) => reply.channel === 'sms').map((reply) => reply.providerMessageId));
    const smsDuplicates = standIn.state.messages.filter((message) => !ourSids.has(message.sid)).length;
    let webchatDuplicates = 0;
    for (const [conversationId, token] of traffic.webchatConversations) {
      const response = await fetch(`${traffic.apis[0]?.url ?? ''}/v3/directline/conversations/${conversationId}/activities?watermark=`, { headers: { Authorization: `Bearer ${token}` } });
      if (!response.ok) continue;
      const set = activitySet.parse(await response.json());
      const shown = set.activities.filter((activity) => activity.type === 'message' && activity.from.id !== 'visitor').map((activity) => activity.id);
      webchatDuplicates += shown.length - new Set(shown).size;
    }

    // Longest wait: from the client's first try to its first reply handed over.
    const sentAt = new Map(accepted.map((message) => [message.id, message.sentAt]));
    const smsSentAt = new Map(standIn.state.messages.map((message) => [message.sid, message.at.getTime()]));
    let longestWaitMs = 0;
    for (const row of answered) {
      const first = (repliesTo.get(row.id) ?? [])
        .map((reply) => (reply.channel === 'sms' ? smsSentAt.get(reply.providerMessageId ?? '') : reply.sentAt.getTime()))
        .filter((time): time is number => time !== undefined)
        .sort((a, b) => a - b)[0];
      const asked = sentAt.get(row.providerMessageId ?? '');
      if (first !== undefined && asked !== undefined) longestWaitMs = Math.max(longestWaitMs, first - asked);
    }

    const orders = z.array(z.object({ customerId: z.string(), count: z.number() })).parse((await pool.query(`SELECT "customerId", count(*)::int AS "count" FROM "ProductOrder" WHERE "createdAt" >= $1::timestamp GROUP BY "customerId"`, [new Date(traffic.startedAt).toISOString()])).rows);
    const pendingOut = outbound.filter((reply) => reply.deliveryStatus === 'pending').length;
    const failedJobs = await countFailedJobs(input.redis.url);

    const lost = accepted.length - answered.length;
    const report: ChaosReport = {
      seconds: options.seconds,
      rate: options.rate,
      accepted: { sms: accepted.filter((m) => m.channel === 'sms').length, webchat: accepted.filter((m) => m.channel === 'webchat').length },
      refused: traffic.sent.length - accepted.length,
      storedOnce: accepted.filter((message) => storedIds.has(message.id)).length,
      answeredOnce: answered.length,
      duplicateSends: smsDuplicates + webchatDuplicates,
      lost,
      orders: { created: orders.reduce((sum, row) => sum + row.count, 0), duplicates: orders.reduce((sum, row) => sum + Math.max(0, row.count - 1), 0) },
      stuck: { unhandled: inbound.filter((row) => row.status !== 'handled').length, undelivered: pendingOut },
      failedJobs,
      longestWaitMs,
      faults,
      ok: false,
    };
    report.ok = report.lost === 0 && report.duplicateSends === 0 && report.orders.duplicates === 0 && report.stuck.unhandled === 0 && report.stuck.undelivered === 0 && report.storedOnce === accepted.length;
    log('reconciled');
    return report;
  } finally {
    await pool.end();
  }
}

async function countFailedJobs(redisUrl: string): Promise<number> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  try {
    let failed = 0;
    for (const name of ['turns', 'deliveries']) {
      const queue = new Queue(name, { connection, prefix: 'chaos' });
      failed += await queue.getFailedCount();
      await queue.close();
    }
    return failed;
  } finally {
    connection.disconnect();
  }
}

export function formatReport(report: ChaosReport): string {
  const rows: Array<[string, string]> = [
    ['traffic', `${report.seconds} s at ${report.rate} new messages/s, 2 api + 2 worker processes`],
    ['accepted (acknowledged 2xx)', `${report.accepted.sms + report.accepted.webchat} (SMS ${report.accepted.sms}, web chat ${report.accepted.webchat})`],
    ['never acknowledged (client gave up)', String(report.refused)],
    ['stored once', String(report.storedOnce)],
    ['answered once', String(report.answeredOnce)],
    ['duplicate sends', String(report.duplicateSends)],
    ['lost', String(report.lost)],
    ['orders created / duplicated', `${report.orders.created} / ${report.orders.duplicates}`],
    ['bill credits', 'not driven by this traffic'],
    ['jobs stuck: messages unhandled / replies undelivered', `${report.stuck.unhandled} / ${report.stuck.undelivered}`],
    ['failed jobs whose work another job did', String(report.failedJobs)],
    ['longest wait for a reply', `${(report.longestWaitMs / 1000).toFixed(1)} s`],
    ['verdict', report.ok ? 'PASS: nothing lost, nothing sent twice, nothing stuck' : 'FAIL'],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  return [...report.faults.map((line) => `fault at ${line}`), '', ...rows.map(([name, value]) => `${name.padEnd(width)}  ${value}`)].join('\n');
}

const isEntryPoint = process.argv[1]?.endsWith('chaos.ts');
if (isEntryPoint) {
  const { values } = parseArgs({ options: { minutes: { type: 'string' }, seconds: { type: 'string' }, rate: { type: 'string' } } });
  const seconds = values.seconds ? Number(values.seconds) : values.minutes ? Number(values.minutes) * 60 : 60;
  const rate = values.rate ? Number(values.rate) : 4;
  const report = await runChaos({ seconds, rate });
  process.stdout.write(`${formatReport(report)}\n`);
  process.exit(report.ok ? 0 : 1);
}
