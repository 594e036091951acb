import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { publicBaseUrl, type HttpVariables } from './http.ts';
import { isProduction, type RuntimeVariables } from './runtime.ts';
import { isTwilioSandbox, type TwilioVariables } from './twilio.ts';

// Development only (production requires WEBCHAT_TOKEN_SECRET): shared by every local instance.
const DEV_WEBCHAT_TOKEN_SECRET = 'dev-webchat-token-secret-not-secret-0123456789';
// Development only: what the demo page signs its demo customers' user tokens with.
const DEV_WEBCHAT_USER_TOKEN_SECRET = 'dev-webchat-user-token-secret-not-secret-012345';

/** The web chat channel: Direct Line tokens, signed-in users, origins and limits. */
export const webchatVariables = z.object({
  /** Signs the Direct Line tokens the service issues to web chat clients. Required in production; share it between instances. */
  WEBCHAT_TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Lifetime of a Direct Line token in seconds (refresh before it ends). Default 1800. */
  WEBCHAT_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(86_400).default(1800),
  /** Verifies user tokens (HS256 JWTs with the customer id in `sub`) from the operator's website. Unset: off in production, a fixed development secret otherwise (the demo page signs with it). */
  WEBCHAT_USER_TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Origins allowed to call the Direct Line API from a browser, comma-separated. Default: PUBLIC_BASE_URL only. */
  WEBCHAT_ALLOWED_ORIGINS: z.string().optional(),
  /** Longest web chat message in characters. Default 2000. */
  WEBCHAT_MAX_MESSAGE_LENGTH: z.coerce.number().int().min(1).max(100_000).default(2000),
  /** Web chat messages allowed per conversation per minute. Default 20. */
  WEBCHAT_RATE_PER_CONVERSATION: z.coerce.number().int().min(1).default(20),
  /** Web chat requests allowed per IP per minute. Default 300. */
  WEBCHAT_RATE_PER_IP: z.coerce.number().int().min(1).default(300),
  /** New web chat conversations (Direct Line tokens generated) allowed per IP per hour. Default 100; raise it where many customers share an address (carrier NAT, offices). */
  WEBCHAT_NEW_CONVERSATIONS_PER_IP: z.coerce.number().int().min(1).default(100),
});
export type WebchatVariables = z.output<typeof webchatVariables>;

export function webchatSettings(env: WebchatVariables & TwilioVariables & HttpVariables & RuntimeVariables) {
  const sandbox = isTwilioSandbox(env);
  return {
    // The published development secrets only in the sandbox (no Twilio account: a laptop). A
    // service with a real number never trusts a secret anyone can read in this file: without
    // WEBCHAT_TOKEN_SECRET it makes its own per process, and user tokens stay off.
    tokenSecret: env.WEBCHAT_TOKEN_SECRET ?? (sandbox ? DEV_WEBCHAT_TOKEN_SECRET : randomBytes(32).toString('hex')),
    tokenTtlSeconds: env.WEBCHAT_TOKEN_TTL_SECONDS,
    userTokenSecret: env.WEBCHAT_USER_TOKEN_SECRET ?? (sandbox && !isProduction(env) ? DEV_WEBCHAT_USER_TOKEN_SECRET : undefined),
    allowedOrigins: (env.WEBCHAT_ALLOWED_ORIGINS ?? publicBaseUrl(env))
      .split(',')
      .map((origin) => origin.trim().replace(/\/+$/, ''))
      .filter((origin) => origin.length > 0),
    maxMessageLength: env.WEBCHAT_MAX_MESSAGE_LENGTH,
    ratePerConversation: env.WEBCHAT_RATE_PER_CONVERSATION,
    ratePerIp: env.WEBCHAT_RATE_PER_IP,
    newConversationsPerIp: env.WEBCHAT_NEW_CONVERSATIONS_PER_IP,
  };
}

export function webchatProblems(env: WebchatVariables & RuntimeVariables): string[] {
  return isProduction(env) && !env.WEBCHAT_TOKEN_SECRET
    ? ['WEBCHAT_TOKEN_SECRET is required in production (it signs web chat tokens; use the same value on every instance)']
    : [];
}
