import { z } from 'zod';

/** One-time codes that verify a customer in a conversation. */
export const verificationVariables = z.object({
  /** Lifetime of a code in seconds. Default 300. */
  OTP_TTL_SECONDS: z.coerce.number().int().min(30).max(3600).default(300),
  /** Wrong tries allowed per code. Default 3. */
  OTP_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  /** Codes per hour to a holder's number on file, asked for from the holder's own channel (an SMS customer's checks). Anonymous sign-ins never use it up. Default 5. */
  OTP_MAX_PER_HOUR: z.coerce.number().int().min(1).max(100).default(5),
  /** Anonymous web chat sign-in codes per hour to one number, apart from the holder's own; past it nothing is texted and the visitor is told nothing different. Default 3. */
  OTP_SIGN_IN_MAX_PER_NUMBER_PER_HOUR: z.coerce.number().int().min(1).max(100).default(3),
  /** Anonymous sign-in codes per hour one visitor conversation may ask for, whatever the numbers. Default 5. */
  OTP_SIGN_IN_MAX_PER_CONVERSATION_PER_HOUR: z.coerce.number().int().min(1).max(100).default(5),
  /** How long a verification by code lasts in a conversation, in minutes. Default 30. */
  OTP_VERIFIED_MINUTES: z.coerce.number().int().min(1).max(1440).default(30),
});

export function verificationSettings(env: z.output<typeof verificationVariables>) {
  return {
    codeTtlSeconds: env.OTP_TTL_SECONDS,
    maxAttempts: env.OTP_MAX_ATTEMPTS,
    maxPerHour: env.OTP_MAX_PER_HOUR,
    signInMaxPerNumberPerHour: env.OTP_SIGN_IN_MAX_PER_NUMBER_PER_HOUR,
    signInMaxPerConversationPerHour: env.OTP_SIGN_IN_MAX_PER_CONVERSATION_PER_HOUR,
    verifiedMinutes: env.OTP_VERIFIED_MINUTES,
  };
}
export type VerificationSettings = ReturnType<typeof verificationSettings>;
