import { createHash, timingSafeEqual } from 'node:crypto';
import { Router, type Request } from 'express';
import { AppError } from '../lib/errors.ts';
import type { Metrics } from '../lib/metrics.ts';

export interface HealthRoutesOptions {
  checkDatabase: () => Promise<void>;
  checkRedis: () => Promise<void>;
  metrics: Metrics;
  /** Job counts per queue and state, refreshed on each scrape. */
  queueCounts: () => Promise<Record<string, Record<string, number>>>;
  /** When set, /metrics answers only requests with "Authorization: Bearer <metricsToken>". */
  metricsToken?: string | undefined;
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

  router.get('/metrics', async (req, res) => {
    if (options.metricsToken !== undefined) {
      const presented = bearerToken(req);
      if (presented === undefined || !sameSecret(presented, options.metricsToken)) {
        res.set('WWW-Authenticate', 'Bearer realm="metrics"');
        throw presented === undefined
          ? new AppError('unauthorized', 'metrics_token_required', 'Metrics are protected: send "Authorization: Bearer <METRICS_TOKEN>".')
          : new AppError('unauthorized', 'invalid_metrics_token', 'The bearer token is not this service\'s METRICS_TOKEN.');
      }
    }
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

function bearerToken(req: Request): string | undefined {
  const header = req.get('authorization');
  return header ? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] : undefined;
}

/** Compares in constant time (digests first, so the lengths match too). */
function sameSecret(presented: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}
