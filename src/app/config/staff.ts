import { z } from 'zod';
import { amount, duration } from './variable-types.ts';

/** Staff sign-in to the console: session lifetimes, lock-out, sign-in rate, approval limits by role. */
export const staffVariables = z.object({
  /** A console session ends after this long without a request. Default 60m. */
  STAFF_SESSION_IDLE: duration.default(60 * 60_000),
  /** A console session ends this long after sign-in, however busy. Default 12h. */
  STAFF_SESSION_MAX: duration.default(12 * 3_600_000),
  /** Wrong passwords in a row that lock a staff account. Default 5. */
  STAFF_LOCKOUT_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
  /** How long a locked staff account stays locked. Default 15m. */
  STAFF_LOCKOUT_DURATION: duration.default(15 * 60_000),
  /** Sign-in attempts one client address may make per 15 minutes (any email). Default 30. */
  STAFF_SIGN_IN_ATTEMPTS_PER_ADDRESS: z.coerce.number().int().min(1).max(10_000).default(30),
  /** The largest bill credit an agent may approve, unless their own limit is set. Default 100.00. */
  STAFF_AGENT_APPROVAL_LIMIT: amount('100.00').default('100.00'),
  /** The largest bill credit a supervisor or admin may approve, unless their own limit is set. Default 1000.00. */
  STAFF_SUPERVISOR_APPROVAL_LIMIT: amount('1000.00').default('1000.00'),
});

export function staffSettings(env: z.output<typeof staffVariables>) {
  return {
    sessionIdleMs: env.STAFF_SESSION_IDLE,
    sessionMaxMs: env.STAFF_SESSION_MAX,
    lockoutAttempts: env.STAFF_LOCKOUT_ATTEMPTS,
    lockoutMs: env.STAFF_LOCKOUT_DURATION,
    signInAttemptsPerAddress: env.STAFF_SIGN_IN_ATTEMPTS_PER_ADDRESS,
    /** Approval limits by role (decimal strings); a staff user's own limit overrides these. */
    approvalLimits: {
      agent: env.STAFF_AGENT_APPROVAL_LIMIT,
      supervisor: env.STAFF_SUPERVISOR_APPROVAL_LIMIT,
      admin: env.STAFF_SUPERVISOR_APPROVAL_LIMIT,
      marketer: '0.00',
    },
  };
}
export type StaffSettings = ReturnType<typeof staffSettings>;
