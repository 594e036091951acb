import { describe, expect, it } from 'vitest';
import { formatReport, runChaos } from '../../bench/chaos/chaos.ts';

// The short `npm run chaos`: 30 s of signed SMS and web chat traffic against 2 api + 2 worker
// processes on a PostgreSQL cluster and a Redis of the run's own, through a Redis kill, a worker
// killed while Twilio holds its sends, a PostgreSQL restart and an api process killed. Whatever was
// acknowledged is stored once and answered once; nothing is sent twice; nothing is left stuck.
// Its own servers and processes: it touches no test database, so it runs once (DATABASE_AGNOSTIC).

describe('chaos (short run)', () => {
  it('loses nothing, sends nothing twice and leaves nothing stuck through the faults', async () => {
    const report = await runChaos({ seconds: 30, rate: 2, log: (line) => console.info(`[chaos] ${line}`) });
    console.info(formatReport(report));
    const accepted = report.accepted.sms + report.accepted.webchat;
    expect(report.accepted.sms).toBeGreaterThan(0);
    expect(report.accepted.webchat).toBeGreaterThan(0);
    expect(report.faults.length).toBeGreaterThanOrEqual(6);
    expect(report).toMatchObject({ storedOnce: accepted, answeredOnce: accepted, duplicateSends: 0, lost: 0, stuck: { unhandled: 0, undelivered: 0 } });
    expect(report.orders.duplicates).toBe(0);
    expect(report.ok).toBe(true);
  }, 1_200_000);
});
