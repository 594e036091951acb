import type { Config } from '../app/config/index.ts';
import { startService, type Service } from '../app/service.ts';
import { createLogger } from '../lib/logger.ts';

/** Where a CLI talks to the service: its URL, the public URL Twilio signs, and the service when this process started it. */
export interface ReachedService {
  url: string;
  publicBaseUrl: string;
  /** Set when no service answered and this process started one; close it when done. */
  service: Service | undefined;
}

/** The service answering at `baseUrl`, or, when none does, one started in this process on a free port. */
export async function reachService(config: Config, baseUrl: string): Promise<ReachedService> {
  if (await isRunning(baseUrl)) return { url: baseUrl, publicBaseUrl: baseUrl, service: undefined };
  process.stdout.write(`No service at ${baseUrl}; starting one in this process…\n`);
  const service = await startService({ ...config, http: { ...config.http, port: 0, publicBaseUrl: 'http://localhost:0' } }, { logger: createLogger('warn') });
  return { url: service.url, publicBaseUrl: service.publicBaseUrl, service };
}

async function isRunning(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
    return response.ok;
  } catch {
    return false;
  }
}
