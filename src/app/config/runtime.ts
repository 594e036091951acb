import { z } from 'zod';
import { booleanFlag } from './variable-types.ts';

/** What kind of process this is: its environment, its role, how much it logs, and development switches. */
export const runtimeVariables = z.object({
  /** development (default), production or test. Production refuses the development switches and requires real secrets. */
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** Which parts this process runs: everything (default), only HTTP intake, or only workers. */
  ROLE: z.enum(['all', 'api', 'worker']).default('all'),
  /** Log level. Default info. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Development only: serve staff APIs (e.g. /api/customers/:id/interactions) without sign-in. Refused in production. Default false. */
  DEV_OPEN_STAFF_API: booleanFlag.default(false),
});
export type RuntimeVariables = z.output<typeof runtimeVariables>;

export function isProduction(env: Pick<RuntimeVariables, 'NODE_ENV'>): boolean {
  return env.NODE_ENV === 'production';
}

export function runtimeSettings(env: RuntimeVariables) {
  return { env: env.NODE_ENV, role: env.ROLE, logLevel: env.LOG_LEVEL, devOpenStaffApi: env.DEV_OPEN_STAFF_API };
}

export function runtimeProblems(env: RuntimeVariables): string[] {
  return isProduction(env) && env.DEV_OPEN_STAFF_API ? ['DEV_OPEN_STAFF_API cannot be used in production'] : [];
}
