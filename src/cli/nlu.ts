import { loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { DEMO_OFFERINGS } from '../domain/demo/demo-data.ts';
import { loadCorpus, TEST_CORPUS_PATH } from '../nlu/corpus.ts';
import { evaluate, formatReport, HELD_OUT_ACCURACY_FLOOR } from '../nlu/evaluation.ts';
import { OfflineRecognizer } from '../nlu/offline.recognizer.ts';

// `npm run --silent nlu -- classify|eval|bench`: the offline recogniser from the command line.
// classify follows the DESIGN.md contract (one utterance per stdin line, one JSON object per
// stdout line); offers are matched against the demo catalog that `npm run setup` seeds.

const USAGE = `Usage: npm run --silent nlu -- <command> [options]
  classify [--now <ISO date>]   one utterance per stdin line → one JSON object per stdout line
  eval [--errors] [--no-cache]  accuracy, macro-F1, per-intent table and confusions on the held-out set;
                                exits 1 below the accuracy floor (${HELD_OUT_ACCURACY_FLOOR})
  bench [--rounds <n>]          start-up time, latency p50/p99 and utterances per second`;

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      now: { type: 'string' },
      errors: { type: 'boolean', default: false },
      'no-cache': { type: 'boolean', default: false },
      rounds: { type: 'string', default: '5' },
      help: { type: 'boolean', default: false },
    },
  });
  const [command] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  switch (command) {
    case 'classify':
      return classify(values.now);
    case 'eval':
      return evaluateHeldOut(values.errors, values['no-cache']);
    case 'bench':
      return bench(Number(values.rounds));
    default:
      process.stderr.write(`Unknown command "${command}".\n${USAGE}\n`);
      return 2;
  }
}

async function classify(now: string | undefined): Promise<number> {
  const referenceDate = now ? new Date(now) : undefined;
  if (referenceDate && Number.isNaN(referenceDate.getTime())) {
    process.stderr.write(`--now "${now}" is not a date.\n`);
    return 2;
  }
  const recognizer = new OfflineRecognizer({ offerings: DEMO_OFFERINGS });
  const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    const { text, intent, confidence, entities } = recognizer.recognizeNow(line, { referenceDate });
    process.stdout.write(`${JSON.stringify({ text, intent, confidence, entities: entities.map(({ type, value }) => ({ type, value })) })}\n`);
  }
  return 0;
}

function evaluateHeldOut(showErrors: boolean, noCache: boolean): number {
  const recognizer = new OfflineRecognizer({ offerings: DEMO_OFFERINGS, cacheDir: noCache ? false : undefined });
  process.stdout.write(`${startupLine(recognizer)}\n`);
  const { utterances } = loadCorpus(TEST_CORPUS_PATH);
  const report = evaluate((text) => recognizer.recognizeNow(text), utterances);
  process.stdout.write(`held-out set: ${TEST_CORPUS_PATH}\n\n${formatReport(report, { errors: showErrors })}\n\n`);
  if (report.accuracy < HELD_OUT_ACCURACY_FLOOR) {
    process.stdout.write(`FAIL: accuracy ${(report.accuracy * 100).toFixed(1)}% is below the floor of ${(HELD_OUT_ACCURACY_FLOOR * 100).toFixed(1)}%\n`);
    return 1;
  }
  process.stdout.write(`ok: accuracy is at or above the floor of ${(HELD_OUT_ACCURACY_FLOOR * 100).toFixed(1)}%\n`);
  return 0;
}

function bench(rounds: number): number {
  if (!Number.isInteger(rounds) || rounds < 1) {
    process.stderr.write('--rounds must be a positive integer.\n');
    return 2;
  }
  const cold = new OfflineRecognizer({ offerings: DEMO_OFFERINGS, cacheDir: false });
  const warm = new OfflineRecognizer({ offerings: DEMO_OFFERINGS });
  const cached = new OfflineRecognizer({ offerings: DEMO_OFFERINGS });
  process.stdout.write(`start-up: train ${cold.startup.ms.toFixed(0)} ms (${cold.startup.examples} utterances, no cache); load from cache ${cached.startup.ms.toFixed(0)} ms\n`);

  const texts = loadCorpus(TEST_CORPUS_PATH).utterances.map((utterance) => utterance.text);
  for (const text of texts) warm.recognizeNow(text);
  const latencies: number[] = [];
  const started = performance.now();
  for (let round = 0; round < rounds; round++) {
    for (const text of texts) {
      const before = performance.now();
      warm.recognizeNow(text);
      latencies.push(performance.now() - before);
    }
  }
  const elapsed = performance.now() - started;
  latencies.sort((a, b) => a - b);
  const at = (share: number) => latencies[Math.min(latencies.length - 1, Math.floor(share * latencies.length))] ?? 0;
  process.stdout.write(
    `recognise (intent + entities), ${latencies.length} calls over the held-out texts: ` +
      `p50 ${at(0.5).toFixed(3)} ms, p99 ${at(0.99).toFixed(3)} ms, max ${at(1).toFixed(3)} ms, ${Math.round(latencies.length / (elapsed / 1000))} utterances/s\n` +
      // On a shared machine the tail is mostly other processes' CPU time, so say how busy it was.
      `machine load average ${loadavg().map((value) => value.toFixed(2)).join(' ')}\n`,
  );
  return 0;
}

function startupLine(recognizer: OfflineRecognizer): string {
  const { ms, fromCache, examples } = recognizer.startup;
  return `offline recogniser ready in ${ms.toFixed(0)} ms (${fromCache ? 'loaded from cache' : `trained on ${examples} utterances`})`;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
