import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { loadConfig } from '../src/app/config/index.ts';
import { startService, type Service } from '../src/app/service.ts';
import { cancelCampaign, launchCampaign } from '../src/domain/campaigns/campaigns.service.ts';
import { checkWindow, locateRecipient, windowFor } from '../src/domain/contact-policy/local-window.ts';
import { seedDemoData } from '../src/domain/demo/seed.ts';
import { createLogger } from '../src/lib/logger.ts';
import { freePort } from '../test/support/free-port.ts';
import { startServiceProcess, type ServiceProcess } from '../test/support/service-process.ts';
import { addSyntheticCustomers, clockInsideTheWindow, createBenchCampaign, startCampaignScratch } from './campaign-fixture.ts';
import { BENCH_ACCOUNT_SID, BENCH_AUTH_TOKEN, BENCH_OUR_NUMBER } from './protocol.ts';
import { ms, table } from './stats.ts';

// The campaign targets of issue 15 in a bounded run (part of `npm run bench`, about 3 minutes):
// 100,000 synthetic customers and one campaign to them, sent by separate ROLE=worker processes
// (bench/campaign-worker.ts) while this process is the ROLE=api instance that launches it. It
// measures the time to the first text at Twilio, the memory of a worker process (resident and V8
// heap used, from its /metrics), the sends per 60 s window against the configured rate, then
// kills one worker with SIGKILL mid-campaign and starts another, waits until the jobs the killed
// one held are done by the others, cancels the campaign and reconciles every text so far against
// its evidence. It prints a verdict per target; it asserts nothing. `npm run bench:campaign`
// sends the whole campaign in one process.

const options = z
  .object({
    BENCH_POSTGRES_URL: z.string().default('postgresql://postgres@127.0.0.1:5432/postgres'),
    BENCH_REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
    BENCH_CAMPAIGN_RECIPIENTS: z.coerce.number().int().min(100).max(1_000_000).default(100_000),
    /** The configured per-sender rate: one this machine sustains with room to spare. */
    BENCH_CAMPAIGN_TARGET_RATE: z.coerce.number().int().min(1).max(1000).default(6),
    /** Pacing windows measured (60 s each); the kill comes at the start of the last one. */
    BENCH_CAMPAIGN_WINDOWS: z.coerce.number().int().min(1).max(10).default(2),
    /** Send concurrency per worker process. */
    BENCH_CAMPAIGN_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(20),
  })
  .parse(process.env);

const N = options.BENCH_CAMPAIGN_RECIPIENTS;
const RATE = options.BENCH_CAMPAIGN_TARGET_RATE;
const WINDOW_MS = 60_000;
const CAP_MESSAGES = 3;
const sleep = (msDelay: number) => new Promise((resolve) => setTimeout(resolve, msDelay));
const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(0)} MB`;

interface Memory {
  rss: number;
  heapUsed: number;
}

/** A worker's resident memory and V8 heap used, from its Prometheus metrics (prom-client's defaults). */
async function memoryOf(worker: ServiceProcess): Promise<Memory | undefined> {
  try {
    const text = await (await fetch(`${worker.url}/metrics`, { signal: AbortSignal.timeout(2000) })).text();
    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? Number.NaN);
    const memory = { rss: value('process_resident_memory_bytes'), heapUsed: value('nodejs_heap_size_used_bytes') };
    return Number.isFinite(memory.rss) && Number.isFinite(memory.heapUsed) ? memory : undefined;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const prefix = `benchtargets${Math.random().toString(36).slice(2, 8)}`;
  const cleanups: Array<() => Promise<unknown>> = [];
  let service: Service | undefined;
  try {
    const { database, twilio } = await startCampaignScratch(options.BENCH_POSTGRES_URL, options.BENCH_REDIS_URL, prefix, cleanups);
    const clock = clockInsideTheWindow();
    const offsetMs = clock().getTime() - Date.now();
    const port = await freePort();
    const env: Record<string, string> = {
      NODE_ENV: 'development',
      LOG_LEVEL: 'silent',
      DATABASE_URL: database.url,
      REDIS_URL: options.BENCH_REDIS_URL,
      REDIS_PREFIX: prefix,
      TWILIO_ACCOUNT_SID: BENCH_ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: BENCH_AUTH_TOKEN,
      TWILIO_PHONE_NUMBER: BENCH_OUR_NUMBER,
      TWILIO_API_BASE_URL: twilio.baseUrl,
      TRACKING_WORKERS: 'false',
      CAMPAIGN_RATE_PER_SECOND: String(RATE),
      CAMPAIGN_SEND_CONCURRENCY: String(options.BENCH_CAMPAIGN_CONCURRENCY),
      CAMPAIGN_DAILY_CAP: String(N * 2),
      MARKETING_CAP_MESSAGES: String(CAP_MESSAGES),
      CHURN_EVENT_SWEEP: '1h',
    };
    const config = loadConfig({ ...env, ROLE: 'api', PORT: String(port), PUBLIC_BASE_URL: `http://127.0.0.1:${port}` });
    service = await startService(config, { logger: createLogger('silent'), host: '127.0.0.1' });
    const running = service;
    cleanups.unshift(() => running.close());
    const prisma = service.db.prisma;
    await seedDemoData(prisma);
    const generated = performance.now();
    await addSyntheticCustomers(prisma, N);
    console.log(`campaign targets: ${N.toLocaleString()} synthetic customers in ${ms(performance.now() - generated)}; the workers' gate clock reads ${clock().toISOString()}`);

    const workerEnv = { ...env, ROLE: 'worker', PUBLIC_BASE_URL: 'http://127.0.0.1', BENCH_CLOCK_OFFSET_MS: String(offsetMs) };
    const startWorker = () => startServiceProcess(workerEnv, { entry: 'bench/campaign-worker.ts' });
    const workers: ServiceProcess[] = [];
    cleanups.unshift(() => Promise.all(workers.map((worker) => worker.stop())));
    const [victim, survivor] = [await startWorker(), await startWorker()];
    workers.push(victim, survivor);
    if (!victim || !survivor) throw new Error('workers did not start');

    const campaign = await createBenchCampaign(prisma, 'Bench targets: extra data', config.operator.name);

    // The survivor's memory from launch to the end (the victim's ends with it).
    const atLaunch = await memoryOf(survivor);
    let peak: Memory = atLaunch ?? { rss: 0, heapUsed: 0 };
    const sampler = setInterval(() => {
      void memoryOf(survivor).then((now) => {
        if (now) peak = { rss: Math.max(peak.rss, now.rss), heapUsed: Math.max(peak.heapUsed, now.heapUsed) };
      });
    }, 1000);
    cleanups.unshift(async () => clearInterval(sampler));

    const launchedAt = performance.now();
    const launched = await launchCampaign(prisma, campaign.id, null, clock());
    await service.queues.dispatchCampaign(campaign.id, launched.dispatchRound);
    while (twilio.state.messages.length === 0 && performance.now() - launchedAt < 60_000) await sleep(5);
    const firstText = twilio.state.messages[0];
    if (!firstText) throw new Error('no text reached Twilio within 60 s of the launch');
    const firstSendMs = performance.now() - launchedAt;
    const firstSentAt = (await prisma.campaignRecipient.findFirst({ where: { campaignId: campaign.id, status: 'sent' }, orderBy: { sentAt: 'asc' }, select: { sentAt: true } }))?.sentAt;
    if (!firstSentAt) throw new Error('a text at Twilio but no recipient marked sent');
    console.log(`  first text at Twilio ${ms(firstSendMs)} after the launch; measuring ${options.BENCH_CAMPAIGN_WINDOWS} windows of 60 s at ${RATE}/s`);

    // The kill: at the start of the last window, the jobs then running are noted, one worker dies, another starts.
    const killAt = launchedAt + firstSendMs + (options.BENCH_CAMPAIGN_WINDOWS - 1) * WINDOW_MS;
    while (performance.now() < killAt) await sleep(200);
    const sends = new Queue('campaign-sends', { connection: new Redis(options.BENCH_REDIS_URL, { maxRetriesPerRequest: null }), prefix });
    cleanups.unshift(() => sends.close());
    const runningJobs = (await sends.getActive()).map((job) => z.object({ customerId: z.string() }).parse(job.data).customerId);
    const killedAt = performance.now();
    await victim.kill('SIGKILL');
    workers.splice(workers.indexOf(victim), 1);
    const replacement = await startWorker();
    workers.push(replacement);
    console.log(`  killed a worker (SIGKILL) with ${runningJobs.length} send jobs running across both; a new worker answered ${ms(performance.now() - killedAt)} later`);

    // Until the last window is over and every job running at the kill has been decided by a live worker (its lock expires, it stalls back).
    const windowsEnd = launchedAt + firstSendMs + options.BENCH_CAMPAIGN_WINDOWS * WINDOW_MS;
    let undecided = runningJobs.length;
    let takenOverMs: number | undefined;
    while (performance.now() < windowsEnd || (undecided > 0 && performance.now() - killedAt < 120_000)) {
      await sleep(1000);
      if (undecided > 0) {
        undecided = await prisma.campaignRecipient.count({ where: { campaignId: campaign.id, customerId: { in: runningJobs }, status: 'pending' } });
        if (undecided === 0) takenOverMs = performance.now() - killedAt;
      }
    }
    clearInterval(sampler);
    const atEnd = await memoryOf(survivor);
    // A job the kill left undecided: where BullMQ has it.
    if (undecided > 0) {
      const left = await prisma.campaignRecipient.findMany({ where: { campaignId: campaign.id, customerId: { in: runningJobs }, status: 'pending' }, select: { customerId: true } });
      for (const { customerId } of left) {
        const job = await sends.getJob(`${campaign.id}-${customerId}`);
        console.log(`  undecided after the kill: ${customerId}: job ${job ? `${await job.getState()}, attempts ${job.attemptsMade}, stalled ${job.stalledCounter}${job.failedReason ? `, ${job.failedReason}` : ''}` : 'gone'}`);
      }
    }

    await cancelCampaign(prisma, campaign.id, null, clock());
    // Deliveries already queued finish; then the workers drain and stop.
    let texts = twilio.state.messages.length;
    for (;;) {
      await sleep(2000);
      if (twilio.state.messages.length === texts) break;
      texts = twilio.state.messages.length;
    }
    await Promise.all(workers.splice(0).map((worker) => worker.stop()));

    // Pacing: texts stored as sent per 60 s window of the gate's clock, from the first one.
    const sentRows = await prisma.campaignRecipient.findMany({ where: { campaignId: campaign.id, status: 'sent' }, select: { sentAt: true, address: true } });
    const windows = Array.from({ length: options.BENCH_CAMPAIGN_WINDOWS }, (_, index) => {
      const from = firstSentAt.getTime() + index * WINDOW_MS;
      const count = sentRows.filter((row) => row.sentAt && row.sentAt.getTime() >= from && row.sentAt.getTime() < from + WINDOW_MS).length;
      const rate = count / 60;
      return { index, count, rate, deviation: (rate - RATE) / RATE };
    });
    const decisions = await prisma.campaignDecision.findMany({ where: { campaignId: campaign.id }, select: { decidedAt: true } });
    const decisionsIn = (index: number) => decisions.filter((row) => row.decidedAt.getTime() >= firstSentAt.getTime() + index * WINDOW_MS && row.decidedAt.getTime() < firstSentAt.getTime() + (index + 1) * WINDOW_MS).length;

    // Reconciliation: every text at Twilio against its recipient row and its evidence.
    const atTwilio = [...twilio.state.messages];
    const perNumber = new Map<string, number>();
    for (const text of atTwilio) perNumber.set(text.to, (perNumber.get(text.to) ?? 0) + 1);
    const duplicates = [...perNumber.values()].filter((count) => count > 1).length;
    const sentNumbers = new Set(sentRows.map((row) => row.address));
    const notSent = atTwilio.filter((text) => !sentNumbers.has(text.to)).length;
    // Outside the window: the moment Twilio took the text, on the gate's clock, in the recipient's zones.
    const outsideWindow = atTwilio.filter((text) => {
      const location = locateRecipient(['98101'], text.to);
      return !checkWindow(new Date(text.at.getTime() + offsetMs), location, windowFor(location)).open;
    }).length;
    const [violations] = z
      .array(z.object({ withoutConsent: z.coerce.number(), optedOut: z.coerce.number(), holdoutMessaged: z.coerce.number(), sentWithoutEvidence: z.coerce.number(), overCap: z.coerce.number(), storedTwice: z.coerce.number() }))
      .parse(
        await prisma.$queryRaw`
        SELECT
          count(*) FILTER (WHERE r."status" = 'sent' AND NOT EXISTS (SELECT 1 FROM "ProgramConsent" k WHERE k."address" = r."address" AND k."program" = 'offers' AND k."status" = 'granted')) AS "withoutConsent",
          count(*) FILTER (WHERE r."status" = 'sent' AND EXISTS (SELECT 1 FROM "Consent" k WHERE k."address" = r."address" AND k."status" = 'revoked')) AS "optedOut",
          count(*) FILTER (WHERE r."status" = 'holdout' AND EXISTS (SELECT 1 FROM "Interaction" i WHERE i."toAddress" = r."address" AND i."direction" = 'outbound')) AS "holdoutMessaged",
          count(*) FILTER (WHERE r."status" = 'sent' AND NOT EXISTS (SELECT 1 FROM "CampaignDecision" d WHERE d."recipientId" = r."id" AND d."outcome" = 'sent')) AS "sentWithoutEvidence",
          (SELECT count(*) FROM (SELECT "customerId" FROM "CampaignRecipient" WHERE "status" = 'sent' GROUP BY "customerId" HAVING count(*) > ${CAP_MESSAGES}) o) AS "overCap",
          (SELECT count(*) FROM (SELECT "toAddress" FROM "Interaction" WHERE "direction" = 'outbound' AND "reason" LIKE 'campaign:%' GROUP BY "toAddress" HAVING count(*) > 1) t) AS "storedTwice"
        FROM "CampaignRecipient" r WHERE r."campaignId" = ${campaign.id}`,
      );
    const v = violations ?? { withoutConsent: -1, optedOut: -1, holdoutMessaged: -1, sentWithoutEvidence: -1, overCap: -1, storedTwice: -1 };

    const growth = atLaunch ? { rss: peak.rss - atLaunch.rss, heapUsed: peak.heapUsed - atLaunch.heapUsed } : undefined;
    const paced = windows.every((window) => Math.abs(window.deviation) <= 0.05);
    const compliant = v.withoutConsent + v.optedOut + v.holdoutMessaged + v.sentWithoutEvidence + v.overCap + outsideWindow + notSent === 0;
    const pct = (value: number) => `${value >= 0 ? '+' : ''}${(value * 100).toFixed(1)} %`;
    console.log(
      `\n${table(
        ['campaign of ' + N.toLocaleString() + ', bounded run', 'figure'],
        [
          ['configured rate (per sender) / worker processes', `${RATE}/s / 2, one killed and replaced`],
          ...windows.map((window) => [`window ${window.index + 1} (60 s): sent / gate decisions`, `${window.count} (${window.rate.toFixed(2)}/s, ${pct(window.deviation)}) / ${decisionsIn(window.index)}`]),
          ['time to first text at Twilio', ms(firstSendMs)],
          ['survivor worker RSS at launch / peak / growth', atLaunch ? `${mb(atLaunch.rss)} / ${mb(peak.rss)} / ${mb(peak.rss - atLaunch.rss)}` : 'unread'],
          ['survivor worker heap used at launch / peak / at end', atLaunch ? `${mb(atLaunch.heapUsed)} / ${mb(peak.heapUsed)} / ${atEnd ? mb(atEnd.heapUsed) : '?'}` : 'unread'],
          ['jobs running at the kill, decided by live workers', `${runningJobs.length - undecided} of ${runningJobs.length}${takenOverMs === undefined ? '' : ` (all within ${ms(takenOverMs)} of the kill)`}`],
          ['texts at Twilio / distinct numbers / numbers texted twice', `${atTwilio.length} / ${perNumber.size} / ${duplicates}`],
          ['campaign texts stored twice for one number', String(v.storedTwice)],
          ['texts to a number not marked sent', String(notSent)],
          ['sent without consent / opted out / holdout messaged', `${v.withoutConsent} / ${v.optedOut} / ${v.holdoutMessaged}`],
          ['texts outside the local window / customers over the cap', `${outsideWindow} / ${v.overCap}`],
          ['sent without a stored "sent" decision', String(v.sentWithoutEvidence)],
        ],
      )}`,
    );
    const verdict = (met: boolean) => (met ? 'met' : 'MISSED');
    console.log(
      `\n${table(
        ['issue 15 target', 'measured', 'verdict'],
        [
          ['time to first send ≤ 5 s', ms(firstSendMs), verdict(firstSendMs <= 5000)],
          ['worker memory growth ≤ 150 MB', growth ? `RSS ${mb(growth.rss)}, heap used ${mb(growth.heapUsed)}` : 'unread', growth ? verdict(growth.rss <= 150 * 1_048_576) : 'unread'],
          [`pacing ±5 % of ${RATE}/s per 60 s window`, windows.map((window) => pct(window.deviation)).join(', '), verdict(paced)],
          ['0 outside window / without consent / over cap', `${outsideWindow} / ${v.withoutConsent + v.optedOut} / ${v.overCap}`, verdict(compliant)],
          ['kill -9 mid-campaign: resumes, 0 duplicates', `${undecided} left undecided, ${duplicates + v.storedTwice} duplicates`, verdict(undecided === 0 && duplicates + v.storedTwice === 0)],
        ],
      )}`,
    );
    console.log(`load average at the end: ${(await import('node:os')).loadavg().map((value) => value.toFixed(2)).join(', ')} (2 cores)`);
  } finally {
    for (const cleanup of cleanups) await cleanup().catch((error: unknown) => console.error(`cleanup: ${error instanceof Error ? error.message : String(error)}`));
  }
}

try {
  await main();
  process.exit(0);
} catch (error) {
  console.error(`bench could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
}
