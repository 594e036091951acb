import { z } from 'zod';
import { loadConfig } from '../src/app/config/index.ts';
import { startService, type Service } from '../src/app/service.ts';
import { launchCampaign, pauseCampaign, resumeCampaign } from '../src/domain/campaigns/campaigns.service.ts';
import { localMinute } from '../src/domain/contact-policy/local-window.ts';
import { seedDemoData } from '../src/domain/demo/seed.ts';
import type { PrismaClient } from '../src/generated/prisma/client.ts';
import { createLogger } from '../src/lib/logger.ts';
import { freePort } from '../test/support/free-port.ts';
import { addSyntheticCustomers, clockInsideTheWindow, createBenchCampaign, startCampaignScratch, SEATTLE } from './campaign-fixture.ts';
import { BENCH_ACCOUNT_SID, BENCH_AUTH_TOKEN, BENCH_OUR_NUMBER } from './protocol.ts';
import { ms, table } from './stats.ts';

// `npm run bench:campaign`: a campaign to 100,000 synthetic customers through the whole path the
// product runs (segment → dispatch in keyset pages → one send job each → pacing → the compliance
// gate in its transaction → the stored message → delivery through the official twilio client to
// the stand-in). It prints recipients/s, gate decisions/s, time to first send, the process's
// memory, the time a pause takes to stop the sends and a resume to restart them, and a
// reconciliation of every text against its evidence. It prints figures; it asserts nothing.
//
// The synthetic customers are rows, not the churn generator's feature histories (which hold no
// names, numbers or consents): generated in SQL from their index, so every run is the same —
// 70 % signed up to "offers", 2 % texted STOP, all in Seattle (98101). The campaign workers run
// on a clock set inside the local window (the gate's "now"); everything else is the wall clock.

const options = z
  .object({
    BENCH_POSTGRES_URL: z.string().default('postgresql://postgres@127.0.0.1:5432/postgres'),
    BENCH_REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
    /** Synthetic customers in the audience. */
    BENCH_CAMPAIGN_RECIPIENTS: z.coerce.number().int().min(100).max(1_000_000).default(100_000),
    /** CAMPAIGN_RATE_PER_SECOND for the run (the sender's carrier throughput). */
    BENCH_CAMPAIGN_RATE: z.coerce.number().int().min(1).max(1000).default(1000),
    /** CAMPAIGN_SEND_CONCURRENCY for the run. */
    BENCH_CAMPAIGN_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(50),
    /** Pause when this share of the audience has been decided, then resume after BENCH_CAMPAIGN_PAUSE_MS. */
    BENCH_CAMPAIGN_PAUSE_AT: z.coerce.number().min(0.01).max(0.99).default(0.2),
    BENCH_CAMPAIGN_PAUSE_MS: z.coerce.number().int().min(500).default(3000),
    /** Give up after this long (the figures so far are printed). */
    BENCH_CAMPAIGN_TIMEOUT_S: z.coerce.number().int().min(10).default(3600),
  })
  .parse(process.env);

const N = options.BENCH_CAMPAIGN_RECIPIENTS;
interface Counts {
  sent: number;
  held: number;
  pending: number;
  holdout: number;
  decisions: number;
}

async function countsOf(prisma: PrismaClient, campaignId: string): Promise<Counts> {
  const groups = await prisma.campaignRecipient.groupBy({ by: ['status'], where: { campaignId }, _count: { _all: true } });
  const of = (status: string) => groups.find((group) => group.status === status)?._count._all ?? 0;
  return { sent: of('sent'), held: of('held'), pending: of('pending'), holdout: of('holdout'), decisions: await prisma.campaignDecision.count({ where: { campaignId } }) };
}

const sleep = (msDelay: number) => new Promise((resolve) => setTimeout(resolve, msDelay));

async function main(): Promise<void> {
  const prefix = `benchcampaign${Math.random().toString(36).slice(2, 8)}`;
  const cleanups: Array<() => Promise<unknown>> = [];
  let service: Service | undefined;
  try {
    const { database, twilio } = await startCampaignScratch(options.BENCH_POSTGRES_URL, options.BENCH_REDIS_URL, prefix, cleanups);
    const port = await freePort();
    const config = loadConfig({
      PORT: String(port),
      NODE_ENV: 'development',
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      LOG_LEVEL: 'silent',
      DATABASE_URL: database.url,
      REDIS_URL: options.BENCH_REDIS_URL,
      REDIS_PREFIX: prefix,
      TWILIO_ACCOUNT_SID: BENCH_ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: BENCH_AUTH_TOKEN,
      TWILIO_PHONE_NUMBER: BENCH_OUR_NUMBER,
      TWILIO_API_BASE_URL: twilio.baseUrl,
      TRACKING_WORKERS: 'false',
      CAMPAIGN_RATE_PER_SECOND: String(options.BENCH_CAMPAIGN_RATE),
      CAMPAIGN_SEND_CONCURRENCY: String(options.BENCH_CAMPAIGN_CONCURRENCY),
      CAMPAIGN_DAILY_CAP: String(N * 2),
      // No rescoring sweep competing with the campaign for the database.
      CHURN_EVENT_SWEEP: '1h',
    });
    const clock = clockInsideTheWindow();
    service = await startService(config, { logger: createLogger('silent'), host: '127.0.0.1', campaignClock: clock });
    const running = service;
    cleanups.unshift(() => running.close());
    const prisma = service.db.prisma;
    await seedDemoData(prisma);
    const generated = performance.now();
    await addSyntheticCustomers(prisma, N);
    console.log(`campaign bench: ${N.toLocaleString()} synthetic customers in ${ms(performance.now() - generated)}; the gate's clock reads ${clock().toISOString()} (${Math.floor(localMinute(clock(), SEATTLE) / 60)}h in Seattle)`);

    const campaign = await createBenchCampaign(prisma, 'Bench: extra data', config.operator.name);

    // Memory of this one process (service, workers, the bench's polling and the stand-in's record of every text).
    const rssAtLaunch = process.memoryUsage().rss;
    const heapAtLaunch = process.memoryUsage().heapUsed;
    let peakRss = rssAtLaunch;
    let peakHeap = heapAtLaunch;
    const memory = setInterval(() => {
      const used = process.memoryUsage();
      peakRss = Math.max(peakRss, used.rss);
      peakHeap = Math.max(peakHeap, used.heapUsed);
    }, 250);
    cleanups.unshift(async () => clearInterval(memory));

    const launchedAt = performance.now();
    const launched = await launchCampaign(prisma, campaign.id, null, clock());
    await service.queues.dispatchCampaign(campaign.id, launched.dispatchRound);
    let firstSendMs: number | undefined;
    const firstSend = (async () => {
      while (twilio.state.messages.length === 0 && performance.now() - launchedAt < 60_000) await sleep(5);
      if (twilio.state.messages.length > 0) firstSendMs = performance.now() - launchedAt;
    })();

    const deadline = launchedAt + options.BENCH_CAMPAIGN_TIMEOUT_S * 1000;
    let paused: { pauseMs: number; resumeMs: number; decidedAtPause: number } | undefined;
    let last = await countsOf(prisma, campaign.id);
    let lastProgress = performance.now();
    let finishedAt = launchedAt;
    for (;;) {
      await sleep(1000);
      const now = await countsOf(prisma, campaign.id);
      const decided = now.sent + now.held;
      if (now.decisions !== last.decisions) lastProgress = performance.now();
      last = now;
      const audience = now.sent + now.held + now.pending + now.holdout;
      process.stdout.write(`  ${ms(performance.now() - launchedAt)}: ${decided.toLocaleString()} decided (${now.sent.toLocaleString()} sent, ${now.held.toLocaleString()} held), ${now.pending.toLocaleString()} waiting, ${twilio.state.messages.length.toLocaleString()} at Twilio\n`);
      if (!paused && decided >= N * options.BENCH_CAMPAIGN_PAUSE_AT) paused = await pauseAndResume(service, prisma, campaign.id);
      if (audience >= N && now.pending === 0 && twilio.state.messages.length >= now.sent) {
        finishedAt = lastProgress;
        break;
      }
      if (performance.now() > deadline) {
        console.log(`  stopped after ${options.BENCH_CAMPAIGN_TIMEOUT_S} s with ${now.pending} still waiting: the figures below cover what was done`);
        finishedAt = performance.now();
        break;
      }
    }
    await firstSend;
    // What is still reachable once V8 collects (node --expose-gc): V8 lets the heap fill to a few
    // times its live size before a full collection, so the peak alone overstates what is kept.
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const heapAfterGc = gc ? process.memoryUsage().heapUsed : undefined;
    const counts = await countsOf(prisma, campaign.id);
    const decided = counts.sent + counts.held;
    // The pause's idle time is not sending time.
    const sendingSeconds = (finishedAt - launchedAt - (paused ? options.BENCH_CAMPAIGN_PAUSE_MS : 0)) / 1000;

    // Reconciliation: every text at Twilio against its recipient row and its evidence.
    // One snapshot: deliveries still running keep adding to the stand-in's list.
    const texts = [...twilio.state.messages];
    const numbers = new Set(texts.map((text) => text.to));
    const [violations] = z
      .array(z.object({ withoutConsent: z.coerce.number(), optedOut: z.coerce.number(), holdoutMessaged: z.coerce.number(), sentWithoutEvidence: z.coerce.number() }))
      .parse(
        await prisma.$queryRaw`
        SELECT
          count(*) FILTER (WHERE r."status" = 'sent' AND NOT EXISTS (SELECT 1 FROM "ProgramConsent" k WHERE k."address" = r."address" AND k."program" = 'offers' AND k."status" = 'granted')) AS "withoutConsent",
          count(*) FILTER (WHERE r."status" = 'sent' AND EXISTS (SELECT 1 FROM "Consent" k WHERE k."address" = r."address" AND k."status" = 'revoked')) AS "optedOut",
          count(*) FILTER (WHERE r."status" = 'holdout' AND EXISTS (SELECT 1 FROM "Interaction" i WHERE i."toAddress" = r."address" AND i."direction" = 'outbound')) AS "holdoutMessaged",
          count(*) FILTER (WHERE r."status" = 'sent' AND NOT EXISTS (SELECT 1 FROM "CampaignDecision" d WHERE d."recipientId" = r."id" AND d."outcome" = 'sent')) AS "sentWithoutEvidence"
        FROM "CampaignRecipient" r WHERE r."campaignId" = ${campaign.id}`,
      );
    const withValidity = texts.filter((text) => text.validityPeriod !== undefined).length;
    // A number texted twice: how its message's delivery went (attempts, a send that never came back, the error).
    const perNumber = new Map<string, number>();
    for (const text of texts) perNumber.set(text.to, (perNumber.get(text.to) ?? 0) + 1);
    const twice = [...perNumber].filter(([, count]) => count > 1).map(([to]) => to);
    if (twice.length > 0) {
      const messages = await prisma.interaction.findMany({
        where: { toAddress: { in: twice.slice(0, 20) }, direction: 'outbound' },
        select: { toAddress: true, deliveryAttempts: true, deliveryStatus: true, deliveryErrorCode: true, sendStartedAt: true, providerMessageId: true },
      });
      console.log(`numbers texted more than once: ${twice.length}; the first ones' messages:`);
      for (const message of messages) console.log(`  ${JSON.stringify(message)} at Twilio: ${texts.filter((text) => text.to === message.toAddress).map((text) => `${text.sid}@${text.at.toISOString()}`).join(', ')}`);
    }

    const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(0)} MB`;
    console.log(
      `\n${table(
        ['campaign of ' + N.toLocaleString(), 'figure'],
        [
          ['recipients decided (sent + held)', decided.toLocaleString()],
          ['  sent / held / holdout / still waiting', `${counts.sent.toLocaleString()} / ${counts.held.toLocaleString()} / ${counts.holdout.toLocaleString()} / ${counts.pending.toLocaleString()}`],
          ['recipients/s (decided, pause excluded)', (decided / sendingSeconds).toFixed(0)],
          ['gate decisions/s', (counts.decisions / sendingSeconds).toFixed(0)],
          ['texts at Twilio/s', (texts.length / sendingSeconds).toFixed(0)],
          ['configured rate (per sender)', `${options.BENCH_CAMPAIGN_RATE}/s`],
          ['time to first send', firstSendMs === undefined ? 'none within 60 s' : ms(firstSendMs)],
          ['process RSS at launch / peak / growth', `${mb(rssAtLaunch)} / ${mb(peakRss)} / ${mb(peakRss - rssAtLaunch)}`],
          ['process heap used at launch / peak / after a full GC', `${mb(heapAtLaunch)} / ${mb(peakHeap)} / ${heapAfterGc === undefined ? 'run with --expose-gc' : mb(heapAfterGc)}`],
          ['pause: last decision after the pause call', paused ? (paused.pauseMs === 0 ? 'none (polled every 50 ms)' : ms(paused.pauseMs)) : 'not reached'],
          ['resume: first decision after the resume call', paused ? ms(paused.resumeMs) : 'not reached'],
          ['texts at Twilio / distinct numbers', `${texts.length.toLocaleString()} / ${numbers.size.toLocaleString()}`],
          ['sent without consent / to an opted-out number / holdout messaged', `${violations?.withoutConsent ?? '?'} / ${violations?.optedOut ?? '?'} / ${violations?.holdoutMessaged ?? '?'}`],
          ['sent without a stored "sent" decision', String(violations?.sentWithoutEvidence ?? '?')],
          ['texts carrying ValidityPeriod', `${withValidity.toLocaleString()} of ${texts.length.toLocaleString()}`],
        ],
      )}`,
    );
    console.log(`targets (issue 15, printed, not asserted): first send ≤ 5 s; memory growth ≤ 150 MB; 0 duplicates, 0 sends without consent or evidence.`);
  } finally {
    for (const cleanup of cleanups) await cleanup().catch((error: unknown) => console.error(`cleanup: ${error instanceof Error ? error.message : String(error)}`));
  }
}

/** Pauses, waits until no decision has been stored for a second, resumes, and times both. */
async function pauseAndResume(service: Service, prisma: PrismaClient, campaignId: string): Promise<{ pauseMs: number; resumeMs: number; decidedAtPause: number }> {
  const decisions = () => prisma.campaignDecision.count({ where: { campaignId } });
  // Decisions are stamped with the gate's clock, so the last one is found by watching the count (every 50 ms).
  const pausedAt = performance.now();
  await pauseCampaign(prisma, campaignId, null, new Date());
  const decidedAtPause = await decisions();
  let count = decidedAtPause;
  let lastChange = pausedAt;
  while (performance.now() - Math.max(lastChange, pausedAt) < 1000) {
    await sleep(50);
    const next = await decisions();
    if (next !== count) {
      count = next;
      lastChange = performance.now();
    }
  }
  const pauseMs = lastChange - pausedAt;
  await sleep(Math.max(0, options.BENCH_CAMPAIGN_PAUSE_MS - 1000));
  const before = await decisions();
  const resumedAt = performance.now();
  const resumed = await resumeCampaign(prisma, campaignId, null);
  await service.queues.dispatchCampaign(campaignId, resumed.dispatchRound);
  while ((await decisions()) === before && performance.now() - resumedAt < 60_000) await sleep(10);
  const resumeMs = performance.now() - resumedAt;
  process.stdout.write(`  paused at ${decidedAtPause.toLocaleString()} decisions: ${pauseMs === 0 ? 'no decision after the call' : `the last decision ${ms(pauseMs)} after the call`}; resumed, the next decision ${ms(resumeMs)} after the call\n`);
  return { pauseMs, resumeMs, decidedAtPause };
}

try {
  await main();
  process.exit(0);
} catch (error) {
  console.error(`bench could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
}
