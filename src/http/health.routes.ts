import { Router } from 'express';
import type { Metrics } from '../lib/metrics.ts';

export interface HealthRoutesOptions {
  checkDatabase: () => Promise<void>;
  checkRedis: () => Promise<void>;
  metrics: Metrics;
  /** Job counts per queue and state, refreshed on each scrape. */
  queueCounts: () => Promise<Record<string, Record<string, number>>>;
}

async function probe(check: () => Promise<void>): Promise<'ok' | string> {
  try {
    await check();
    return 'ok';
  } catch (error) {
    return error instanceof Error ? error.message : 'unreachable';
  }
}

export function healthRoutes(options: HealthRoutesOptions): Router {
  const router = Router();

  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    const [database, redis] = await Promise.all([probe(options.checkDatabase), probe(options.checkRedis)]);
    const ready = database === 'ok' && redis === 'ok';
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks: { database, redis } });
  });

  router.get('/metrics', async (_req, res) => {
    try {
      for (const [queue, counts] of Object.entries(await options.queueCounts())) {
        for (const [state, value] of Object.entries(counts)) options.metrics.queueJobs.set({ queue, state }, value);
      }
    } catch {
      // Redis down: the queue gauges keep their last values and the rest is still served.
    }
    res.type(options.metrics.registry.contentType).send(await options.metrics.registry.metrics());
  });

  return router;
}
