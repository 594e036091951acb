import { loadConfig } from '../src/app/config/index.ts';
import { startService } from '../src/app/service.ts';
import { createLogger } from '../src/lib/logger.ts';

// The campaign bench's worker process: the product's service as `src/app/main.ts` starts it (run
// it with ROLE=worker), with one difference: the campaign workers' clock is the wall clock moved
// by BENCH_CLOCK_OFFSET_MS, so the gate's "now" is inside the recipients' local window whatever
// the hour the bench runs at. SIGTERM drains it; SIGKILL is the crash the bench measures.

const offset = Number(process.env['BENCH_CLOCK_OFFSET_MS'] ?? '0');
if (!Number.isFinite(offset)) throw new Error('BENCH_CLOCK_OFFSET_MS must be a number of milliseconds');
const config = loadConfig();
const service = await startService(config, { logger: createLogger(config.logLevel), campaignClock: () => new Date(Date.now() + offset) });
process.once('SIGTERM', () => {
  service.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
