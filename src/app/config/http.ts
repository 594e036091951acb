import { z } from 'zod';
import { parseTrustedProxies, type TrustedProxies } from '../../lib/client-address.ts';
import { isProduction, type RuntimeVariables } from './runtime.ts';

/** Where the service listens and the URL the outside world (Twilio, browsers) reaches it at. */
export const httpVariables = z.object({
  /** HTTP port. Default 3000. */
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** The public URL Twilio calls and signs; defaults to http://localhost:PORT. Required in production. */
  PUBLIC_BASE_URL: z.url().optional(),
  /**
   * The proxies in front of the service that may name the client's address (X-Forwarded-For),
   * for rate limits per address, on HTTP and WebSocket alike: `none`, a hop count (1 = one load
   * balancer: its right-most entry is the client), or a comma-separated list of the proxies'
   * addresses and subnets (10.0.0.0/8, loopback, uniquelocal) as Express's `trust proxy` takes
   * them. Default none: the socket's address, so a client cannot forge its own.
   */
  TRUST_PROXY: z
    .string()
    .default('none')
    .transform((value, context): TrustedProxies => {
      const parsed = parseTrustedProxies(value);
      if ('problems' in parsed) {
        for (const message of parsed.problems) context.addIssue({ code: 'custom', message });
        return { hops: 0 };
      }
      return parsed.trusted;
    }),
  /** When set, GET /metrics answers only with "Authorization: Bearer <METRICS_TOKEN>". Unset: open (keep it on a private network). */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
});
export type HttpVariables = z.output<typeof httpVariables>;

/** The public base URL without a trailing slash (other areas build their URLs on it). */
export function publicBaseUrl(env: HttpVariables): string {
  return (env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, '');
}

export function httpSettings(env: HttpVariables) {
  const base = publicBaseUrl(env);
  return {
    port: env.PORT,
    publicBaseUrl: base,
    /** Served over https (HSTS is sent only then). */
    https: base.startsWith('https://'),
    trustedProxies: env.TRUST_PROXY,
    metricsToken: env.METRICS_TOKEN,
  };
}

export function httpProblems(env: HttpVariables & RuntimeVariables): string[] {
  return isProduction(env) && !env.PUBLIC_BASE_URL ? ['PUBLIC_BASE_URL is required in production (Twilio signs requests with it)'] : [];
}
