import { io as connect, type Socket } from 'socket.io-client';
import { loadConfig } from '../src/app/config/index.ts';
import { startService } from '../src/app/service.ts';
import { consoleEvent } from '../src/domain/agents/console-events.ts';
import { seedDemoData } from '../src/domain/demo/seed.ts';
import { AGENT_API_BASE, inboxResponse, presenceResponse } from '../src/http/console/agent-api-schemas.ts';
import { CONSOLE_EVENT, CONSOLE_SOCKET_PATH } from '../src/http/console/live/console-live.ts';
import { createLogger } from '../src/lib/logger.ts';
import { fakeSid, postSignedForm } from '../src/sandbox/twilio-signing.ts';
import { freePort } from '../test/support/free-port.ts';
import { createStaffUser, signInStaff, type SignedInStaff } from '../test/support/staff.ts';
import { startTwilioStandIn } from '../test/support/twilio-standin-server.ts';
import { addBenchCustomers, benchPhoneNumber, createBenchDatabase, deleteRedisKeys } from './bench-env.ts';
import { BENCH_ACCOUNT_SID, BENCH_AUTH_TOKEN, BENCH_OUR_NUMBER } from './protocol.ts';
import { ms, summarise, table } from './stats.ts';

// The console step of `npm run bench`: the time from a customer's SMS (the signed webhook is
// sent) to the message showing in the owning agent's open console socket, with 50 conversations
// held by agents and all of them texting. Through the whole path: webhook, intake, the turn
// worker's "bot or person" routing, the live event through the Redis stream, socket.io to the
// console. It prints figures; it asserts nothing.

export interface ConsoleLatencyOptions {
  postgresUrl: string;
  redisUrl: string;
  /** Conversations held by agents at once. Default 50. */
  conversations?: number;
  /** Messages each conversation sends during the measurement. Default 10. */
  messagesPerConversation?: number;
  /** Each conversation's pause between its messages (ms); 50 conversations at 1000 ms ≈ 50 msg/s. Default 1000. */
  intervalMs?: number;
  log(line: string): void;
}

const AGENTS = 10;
const TARGET_P99_MS = 300;

export async function runConsoleLatencyStep(options: ConsoleLatencyOptions): Promise<void> {
  const { log } = options;
  const conversations = options.conversations ?? 50;
  const perConversation = options.messagesPerConversation ?? 10;
  const intervalMs = options.intervalMs ?? 1000;
  const capacity = Math.ceil(conversations / AGENTS);
  const prefix = `benchconsole${Math.random().toString(36).slice(2, 8)}`;
  const cleanups: Array<() => Promise<unknown>> = [];
  const sockets: Socket[] = [];
  try {
    const database = await createBenchDatabase(options.postgresUrl);
    cleanups.push(() => database.drop());
    cleanups.push(() => deleteRedisKeys(options.redisUrl, prefix));
    const twilio = await startTwilioStandIn({ accountSid: BENCH_ACCOUNT_SID, authToken: BENCH_AUTH_TOKEN });
    cleanups.push(() => twilio.close());
    const port = await freePort();
    const config = loadConfig({
      PORT: String(port),
      NODE_ENV: 'development',
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      LOG_LEVEL: 'silent',
      DATABASE_URL: database.url,
      REDIS_URL: options.redisUrl,
      REDIS_PREFIX: prefix,
      TWILIO_ACCOUNT_SID: BENCH_ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: BENCH_AUTH_TOKEN,
      TWILIO_PHONE_NUMBER: BENCH_OUR_NUMBER,
      TWILIO_API_BASE_URL: twilio.baseUrl,
      TRACKING_WORKERS: 'false',
      AGENT_CAPACITY_SMS: String(capacity),
      AGENT_STAFFED_HOURS: 'billing=00:00-24:00,technical=00:00-24:00,sales_retention=00:00-24:00,general=00:00-24:00',
    });
    const service = await startService(config, { logger: createLogger('silent'), host: '127.0.0.1' });
    cleanups.push(() => service.close());
    await seedDemoData(service.db.prisma);
    await addBenchCustomers(service.db.prisma, conversations);
    const base = service.url;

    // Agents: signed in, available, their console socket open (as the browser opens it).
    const arrivals = new Map<string, number>();
    const agents: SignedInStaff[] = [];
    for (let i = 0; i < AGENTS; i++) {
      const user = await createStaffUser(service.db.prisma, { role: 'agent', displayName: `Bench agent ${i + 1}` });
      const agent = await signInStaff(base, user);
      agents.push(agent);
      const socket = connect(base, { path: CONSOLE_SOCKET_PATH, transports: ['websocket'], extraHeaders: { cookie: agent.cookie, origin: config.http.publicBaseUrl } });
      sockets.push(socket);
      socket.on(CONSOLE_EVENT, (payload: unknown) => {
        const event = consoleEvent.safeParse(payload);
        if (!event.success) return;
        if (event.data.type === 'conversation.offered' && event.data.staffId === agent.staff.id) {
          // Accept every offer at once, as an attentive agent would.
          void agent.request(`${AGENT_API_BASE}/conversations/${event.data.conversationId}/accept`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ version: event.data.version }) });
        }
        if (event.data.type === 'conversation.message' && event.data.direction === 'inbound' && !arrivals.has(event.data.text)) arrivals.set(event.data.text, performance.now());
      });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      const presence = await agent.request(`${AGENT_API_BASE}/presence`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ status: 'available' }) });
      presenceResponse.parse(await presence.json());
    }

    const sms = (from: string, body: string) =>
      postSignedForm(BENCH_AUTH_TOKEN, `${base}/twilio/sms`, { MessageSid: fakeSid('SM'), AccountSid: BENCH_ACCOUNT_SID, From: from, To: BENCH_OUR_NUMBER, Body: body }, `${config.http.publicBaseUrl}/twilio/sms`);

    // Hand every conversation to a person, and wait until agents own them all.
    const phones = Array.from({ length: conversations }, (_, i) => benchPhoneNumber(i));
    for (const phone of phones) await sms(phone, 'I want to talk to a person');
    const owned = await waitFor(async () => {
      let count = 0;
      for (const agent of agents) {
        const inbox = await agent.request(`${AGENT_API_BASE}/inbox`);
        const body: unknown = await inbox.json();
        const parsed = inboxResponse.safeParse(body);
        count += parsed.success ? parsed.data.mine.length : 0;
      }
      return count >= conversations ? count : undefined;
    }, 60_000);
    log(`console: ${owned} SMS conversations held by ${AGENTS} agents (capacity ${capacity} each), each console socket open`);

    // Every conversation texts every `intervalMs`, staggered; latency = webhook sent → event in the owner's socket.
    const sent = new Map<string, number>();
    const failures: string[] = [];
    await Promise.all(
      phones.map(async (phone, index) => {
        await sleep((intervalMs * index) / conversations);
        for (let n = 0; n < perConversation; n++) {
          const text = `bench ${index}-${n} is my line working`;
          sent.set(text, performance.now());
          const response = await sms(phone, text);
          if (response.status !== 200) failures.push(`${response.status}`);
          await sleep(intervalMs);
        }
      }),
    );
    await waitFor(async () => (arrivals.size >= sent.size ? true : undefined), 10_000).catch(() => undefined);
    const latencies = [...sent].flatMap(([text, at]) => {
      const arrived = arrivals.get(text);
      return arrived === undefined ? [] : [arrived - at];
    });
    const summary = summarise(latencies);
    const rate = (conversations * 1000) / intervalMs;
    log(
      table(
        ['customer SMS → agent console', 'messages', 'shown', 'p50', 'p90', 'p99', 'max', 'target p99'],
        [[`${conversations} busy conversations, ~${rate.toFixed(0)} msg/s`, String(sent.size), String(summary.count), ms(summary.p50), ms(summary.p90), ms(summary.p99), ms(summary.max), `< ${TARGET_P99_MS} ms`]],
      ),
    );
    if (failures.length > 0) log(`console: ${failures.length} webhooks refused (${[...new Set(failures)].join(', ')})`);
    if (summary.count < sent.size) log(`console: ${sent.size - summary.count} messages never showed in a console within 10 s of the last send`);
    log(`console: p99 ${ms(summary.p99)} ${summary.p99 < TARGET_P99_MS ? 'meets' : 'misses'} the target (< ${TARGET_P99_MS} ms)`);
  } finally {
    for (const socket of sockets) socket.disconnect();
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => log(`console cleanup: ${error instanceof Error ? error.message : String(error)}`));
  }
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`console bench: timed out after ${timeoutMs / 1000} s`);
    await sleep(100);
  }
}
