import { z } from 'zod';
import { publicBaseUrl, type HttpVariables } from './http.ts';
import { isProduction, type RuntimeVariables } from './runtime.ts';
import { booleanFlag } from './variable-types.ts';

const DEV_TWILIO_ACCOUNT_SID = 'AC00000000000000000000000000000000';
const DEV_TWILIO_AUTH_TOKEN = 'dev-auth-token-not-secret';
const DEV_TWILIO_PHONE_NUMBER = '+15550000000';

/** The Twilio account the SMS channel sends from. All three credentials or none (none: the built-in sandbox; required in production). */
export const twilioVariables = z.object({
  /** AC followed by 32 hex digits. */
  TWILIO_ACCOUNT_SID: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must look like AC followed by 32 hex digits').optional(),
  /** Authenticates the REST client and signs Twilio's webhooks. */
  TWILIO_AUTH_TOKEN: z.string().min(8).optional(),
  /** The operator's number, in E.164. */
  TWILIO_PHONE_NUMBER: z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number such as +15551234567').optional(),
  /** Where the Twilio REST client sends requests; unset = Twilio (or the built-in sandbox in development). */
  TWILIO_API_BASE_URL: z.url().optional(),
  /** Development only: accept unsigned Twilio webhooks. Refused in production. Default false. */
  TWILIO_SKIP_SIGNATURE_CHECK: booleanFlag.default(false),
});
export type TwilioVariables = z.output<typeof twilioVariables>;

/** No Twilio account configured: replies go to the built-in sandbox. */
export function isTwilioSandbox(env: TwilioVariables): boolean {
  return !(env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN && env.TWILIO_PHONE_NUMBER);
}

export function twilioSettings(env: TwilioVariables & HttpVariables) {
  const sandbox = isTwilioSandbox(env);
  return {
    accountSid: env.TWILIO_ACCOUNT_SID ?? DEV_TWILIO_ACCOUNT_SID,
    authToken: env.TWILIO_AUTH_TOKEN ?? DEV_TWILIO_AUTH_TOKEN,
    phoneNumber: env.TWILIO_PHONE_NUMBER ?? DEV_TWILIO_PHONE_NUMBER,
    apiBaseUrl: env.TWILIO_API_BASE_URL ?? (sandbox ? `${publicBaseUrl(env)}/dev/twilio` : undefined),
    /** True when no Twilio account is configured: replies go to the built-in sandbox. */
    sandbox,
    validateSignatures: !env.TWILIO_SKIP_SIGNATURE_CHECK,
  };
}

export function twilioProblems(env: TwilioVariables & RuntimeVariables): string[] {
  const problems: string[] = [];
  const partly = Boolean(env.TWILIO_ACCOUNT_SID || env.TWILIO_AUTH_TOKEN || env.TWILIO_PHONE_NUMBER);
  const sandbox = isTwilioSandbox(env);
  if (partly && sandbox) problems.push('TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_PHONE_NUMBER must be set together');
  if (isProduction(env) && sandbox) problems.push('TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_PHONE_NUMBER are required in production');
  if (isProduction(env) && env.TWILIO_SKIP_SIGNATURE_CHECK) problems.push('TWILIO_SKIP_SIGNATURE_CHECK cannot be used in production');
  return problems;
}
