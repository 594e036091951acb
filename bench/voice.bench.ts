import { randomBytes, randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { z } from 'zod';
import { loadConfig } from '../src/app/config/index.ts';
import { startService } from '../src/app/service.ts';
import { outboundRelayFrame } from '../src/channels/voice/relay-messages.ts';
import { seedDemoData } from '../src/domain/demo/seed.ts';
import { createLogger } from '../src/lib/logger.ts';
import { postSignedForm, signTwilioRequest } from '../src/sandbox/twilio-signing.ts';
import { createBenchDatabase, deleteRedisKeys, listCustomerPhones } from './bench-env.ts';
import { ms, table } from './stats.ts';

// `npm run bench` (after the SMS figures), or `npm run bench:voice`: voice turn latency on this
// machine. ConversationRelay: a caller's prompt received → the first text token of the reply
// sent (rule-based turns, no OpenAI; the "One moment" filler does not count as the reply).
// Gather: the action webhook answered with its TwiML. Each call first proves who is calling with
// the code texted to the caller (caller ID is only a hint); those turns are not measured. It
// prints figures and never asserts.

const options = z
  .object({
    BENCH_POSTGRES_URL: z.string().default('postgresql://postgres@127.0.0.1:5432/postgres'),
    BENCH_REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
    /** Calls, and prompts per call. */
    BENCH_VOICE_CALLS: z.coerce.number().int().min(1).default(10),
    BENCH_VOICE_PROMPTS: z.coerce.number().int().min(1).default(8),
  })
  .parse(process.env);

// Turns the offline recogniser answers from rules and the database: balance, greeting, thanks, help, order status.
const PROMPTS = ['what do I owe', 'hello', 'thanks', 'help', 'where is my order', 'what is my balance', 'hi there', 'thank you'];

function percentile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
}

async function main(): Promise<void> {
  const database = await createBenchDatabase(options.BENCH_POSTGRES_URL);
  const prefix = `bv${randomUUID().slice(0, 8)}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'error',
    DATABASE_URL: database.url,
    REDIS_URL: options.BENCH_REDIS_URL,
    REDIS_PREFIX: prefix,
    TRACKING_WORKERS: 'false',
    // No silence prompts while the bench thinks.
    VOICE_SILENCE_TIMEOUT: '10m',
  });
  const service = await startService(config, { logger: createLogger('error'), host: '127.0.0.1' });
  try {
    await seedDemoData(service.db.prisma);
    const phones = await listCustomerPhones(service.db.prisma);
    if (phones.length < 2 * options.BENCH_VOICE_CALLS) throw new Error(`the demo data has ${phones.length} customers with a phone; BENCH_VOICE_CALLS=${options.BENCH_VOICE_CALLS} needs ${2 * options.BENCH_VOICE_CALLS}`);
    // Each call comes from its own demo customer, relay and Gather calls from different ones: every
    // call proves its caller with a texted code, and two calls at once from one number would share
    // (and wait for) one code, and spend one number's hourly budget of codes.
    const relay = await relayFirstTokens(service.url, service.publicBaseUrl, config.twilio.authToken, config.twilio.phoneNumber, phones.slice(0, options.BENCH_VOICE_CALLS));
    const gather = await gatherAnswers(service.url, service.publicBaseUrl, config.twilio.authToken, config.twilio.accountSid, config.twilio.phoneNumber, phones.slice(options.BENCH_VOICE_CALLS, 2 * options.BENCH_VOICE_CALLS));
    if (unanswered > 0) process.stdout.write(`(${unanswered} relay prompts got no reply within 15 s and are left out)\n`);
    process.stdout.write(`\nVoice (${relay.length} relay prompts, ${gather.length} Gather turns, ${2 * options.BENCH_VOICE_CALLS} callers, one per call; PostgreSQL; rule-based turns)\n`);
    process.stdout.write(
      `${table(
        ['measure', 'p50', 'p95', 'max', 'target'],
        [
          ['relay: prompt → first text token', ms(percentile(relay, 0.5)), ms(percentile(relay, 0.95)), ms(Math.max(...relay)), 'p50 ≤ 300 ms, p95 ≤ 700 ms'],
          ['gather: webhook answered', ms(percentile(gather, 0.5)), ms(percentile(gather, 0.95)), ms(Math.max(...gather)), 'p95 ≤ 1 s'],
        ],
      )}\n`,
    );
  } finally {
    await service.close();
    await database.drop();
    await deleteRedisKeys(options.BENCH_REDIS_URL, prefix);
  }
}

/** Calls over the relay socket, one prompt at a time per call, calls side by side. */
let unanswered = 0;

async function relayFirstTokens(url: string, publicBaseUrl: string, authToken: string, ourNumber: string, callers: string[]): Promise<number[]> {
  const samples: number[] = [];
  const path = '/twilio/voice/relay';
  const signature = signTwilioRequest(authToken, `${publicBaseUrl.replace(/^http/, 'ws')}${path}`, {});
  await Promise.all(
    Array.from({ length: options.BENCH_VOICE_CALLS }, async (_, index) => {
      const socket = new WebSocket(`${url.replace(/^http/, 'ws')}${path}`, { headers: { 'X-Twilio-Signature': signature } });
      await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
      let waiting: ((at: number) => void) | undefined;
      socket.on('message', (raw) => {
        const frame = outboundRelayFrame.parse(JSON.parse(String(raw)));
        if (frame.type === 'text' && !frame.token.startsWith('One moment')) waiting?.(performance.now());
      });
      const nextToken = () => new Promise<number>((resolve) => (waiting = (at) => ((waiting = undefined), resolve(at))));
      const greeted = nextToken();
      socket.send(JSON.stringify({ type: 'setup', sessionId: `VX${randomBytes(16).toString('hex')}`, callSid: `CA${randomBytes(16).toString('hex')}`, from: callers[index], to: ourNumber }));
      await Promise.race([greeted, new Promise((resolve) => setTimeout(resolve, 15_000))]);
      // Let the greeting's remaining tokens arrive.
      await new Promise((resolve) => setTimeout(resolve, 100));
      // Caller ID is only a hint: the caller proves who they are with the code texted to their phone
      // (read from the sandbox's Twilio stand-in), so the measured turns are ordinary ones.
      await proveCaller(url, socket, callers[index] ?? '', nextToken);
      for (let turn = 0; turn < options.BENCH_VOICE_PROMPTS; turn++) {
        const answered = nextToken();
        const sent = performance.now();
        socket.send(JSON.stringify({ type: 'prompt', voicePrompt: PROMPTS[(index + turn) % PROMPTS.length], lang: 'en-US', last: true }));
        const at = await Promise.race([answered, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 15_000))]);
        if (at === undefined) unanswered++;
        else samples.push(at - sent);
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
      socket.close();
    }),
  );
  return samples;
}

const sandboxTexts = z.object({ messages: z.array(z.object({ index: z.number(), body: z.string() })) });

/** Asks for the balance, reads the code texted to the caller from the sandbox, and says it; not measured. */
async function proveCaller(url: string, socket: WebSocket, caller: string, nextToken: () => Promise<number>): Promise<void> {
  const texts = async () => sandboxTexts.parse(await (await fetch(`${url}/dev/twilio/messages?to=${encodeURIComponent(caller)}`)).json()).messages;
  const before = (await texts()).length;
  const asked = nextToken();
  socket.send(JSON.stringify({ type: 'prompt', voicePrompt: 'what do I owe', lang: 'en-US', last: true }));
  await Promise.race([asked, new Promise((resolve) => setTimeout(resolve, 15_000))]);
  const deadline = Date.now() + 15_000;
  let code: string | undefined;
  while (!code && Date.now() < deadline) {
    code = (await texts()).slice(before).map((message) => /\b(\d{6})\b/.exec(message.body)?.[1]).find(Boolean);
    if (!code) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (!code) throw new Error(`no code was texted to ${caller}`);
  const answered = nextToken();
  socket.send(JSON.stringify({ type: 'prompt', voicePrompt: code, lang: 'en-US', last: true }));
  await Promise.race([answered, new Promise((resolve) => setTimeout(resolve, 15_000))]);
  // Let the confirmation and the answer finish.
  await new Promise((resolve) => setTimeout(resolve, 300));
}

/** Gather turns through the signed webhooks, calls side by side. */
async function gatherAnswers(url: string, publicBaseUrl: string, authToken: string, accountSid: string, ourNumber: string, callers: string[]): Promise<number[]> {
  const samples: number[] = [];
  await Promise.all(
    Array.from({ length: options.BENCH_VOICE_CALLS }, async (_, index) => {
      const callSid = `CA${randomBytes(16).toString('hex')}`;
      const opened = await postSignedForm(authToken, `${url}/twilio/voice/fallback`, { CallSid: callSid, AccountSid: accountSid, From: callers[index] ?? '', To: ourNumber, CallStatus: 'in-progress' }, `${publicBaseUrl}/twilio/voice/fallback`);
      await opened.text();
      // Proven first, as on the relay (not measured): the balance asked, the texted code said back.
      const caller = callers[index] ?? '';
      const texts = async () => sandboxTexts.parse(await (await fetch(`${url}/dev/twilio/messages?to=${encodeURIComponent(caller)}`)).json()).messages;
      const before = (await texts()).length;
      const turnAt = (n: number, said: string) => postSignedForm(authToken, `${url}/twilio/voice/gather?n=${n}`, { CallSid: callSid, AccountSid: accountSid, SpeechResult: said, Confidence: '0.9' }, `${publicBaseUrl}/twilio/voice/gather?n=${n}`).then((response) => response.text());
      await turnAt(1, 'what do I owe');
      let code: string | undefined;
      for (let tries = 0; !code && tries < 150; tries++) {
        code = (await texts()).slice(before).map((message) => /\b(\d{6})\b/.exec(message.body)?.[1]).find(Boolean);
        if (!code) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      if (!code) throw new Error(`no code was texted to ${caller}`);
      await turnAt(2, code);
      for (let turn = 3; turn <= options.BENCH_VOICE_PROMPTS + 2; turn++) {
        const path = `/twilio/voice/gather?n=${turn}`;
        const started = performance.now();
        const response = await postSignedForm(authToken, `${url}${path}`, { CallSid: callSid, AccountSid: accountSid, SpeechResult: PROMPTS[(index + turn) % PROMPTS.length] ?? 'hello', Confidence: '0.9' }, `${publicBaseUrl}${path}`);
        await response.text();
        samples.push(performance.now() - started);
      }
    }),
  );
  return samples;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
