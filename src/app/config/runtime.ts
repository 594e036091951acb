import { z } from 'zod';

/** What kind of process this is: its environment, its role and how much it logs. */
export const runtimeVariables = z.object({
  /** development (default), production or test. Production refuses the development switches and requires real secrets. */
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** Which parts this process runs: everything (default), only HTTP intake, or only workers. */
  ROLE: z.enum(['all', 'api', 'worker']).default('all'),
  /** Log level. Default info. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Removed: staff routes need a staff sign-in now. Named here only to tell whoever still sets it. */
  DEV_OPEN_STAFF_API: z.string().optional(),
});
export type RuntimeVariables = z.output<typeof runtimeVariables>;

export function isProduction(env: Pick<RuntimeVariables, 'NODE_ENV'>): boolean {
  return env.NODE_ENV === 'production';
}

export function runtimeSettings(env: RuntimeVariables) {
  return { env: env.NODE_ENV, role: env.ROLE, logLevel: env.LOG_LEVEL };
}

export function runtimeProblems(env: RuntimeVariables): string[] {
  return env.DEV_OPEN_STAFF_API === undefined
    ? []
    : ['DEV_OPEN_STAFF_API was removed: staff routes need a staff sign-in (open /console; add staff with `npm run staff -- add`). Unset it.'];
}
