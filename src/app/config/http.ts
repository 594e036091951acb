import { z } from 'zod';
import { isProduction, type RuntimeVariables } from './runtime.ts';

/** Where the service listens and the URL the outside world (Twilio, browsers) reaches it at. */
export const httpVariables = z.object({
  /** HTTP port. Default 3000. */
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** The public URL Twilio calls and signs; defaults to http://localhost:PORT. Required in production. */
  PUBLIC_BASE_URL: z.url().optional(),
});
export type HttpVariables = z.output<typeof httpVariables>;

/** The public base URL without a trailing slash (other areas build their URLs on it). */
export function publicBaseUrl(env: HttpVariables): string {
  return (env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, '');
}

export function httpSettings(env: HttpVariables) {
  return { port: env.PORT, publicBaseUrl: publicBaseUrl(env) };
}

export function httpProblems(env: HttpVariables & RuntimeVariables): string[] {
  return isProduction(env) && !env.PUBLIC_BASE_URL ? ['PUBLIC_BASE_URL is required in production (Twilio signs requests with it)'] : [];
}
