import { z } from 'zod';

// The only module that reads process.env. Parsed once at start-up; every bad field is listed.

const DEV_TWILIO_ACCOUNT_SID = 'AC00000000000000000000000000000000';
const DEV_TWILIO_AUTH_TOKEN = 'dev-auth-token-not-secret';
const DEV_TWILIO_PHONE_NUMBER = '+15550000000';
// Development only (production requires WEBCHAT_TOKEN_SECRET): shared by every local instance.
const DEV_WEBCHAT_TOKEN_SECRET = 'dev-webchat-token-secret-not-secret-0123456789';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** HTTP port. Default 3000. */
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** The public URL Twilio calls and signs; defaults to http://localhost:PORT. */
  PUBLIC_BASE_URL: z.url().optional(),
  /** Which parts this process runs: everything (default), only HTTP intake, or only workers. */
  ROLE: z.enum(['all', 'api', 'worker']).default('all'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  /** Unset: the embedded PGlite database in .data/pglite. Or postgresql://…, or pglite://memory. */
  DATABASE_URL: z
    .string()
    .regex(/^(postgres|postgresql|pglite):\/\//, 'must start with postgresql:// or pglite://')
    .optional(),
  /** Connections in the PostgreSQL pool (ignored for PGlite). Default 10. */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),

  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').default('redis://127.0.0.1:6379'),
  /** Prefix for every BullMQ and lock key, so several deployments can share one Redis. Default "tb". */
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+$/).default('tb'),

  TWILIO_ACCOUNT_SID: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must look like AC followed by 32 hex digits').optional(),
  TWILIO_AUTH_TOKEN: z.string().min(8).optional(),
  TWILIO_PHONE_NUMBER: z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number such as +15551234567').optional(),
  /** Where the Twilio REST client sends requests; unset = Twilio (or the built-in sandbox in development). */
  TWILIO_API_BASE_URL: z.url().optional(),
  /** Development only: accept unsigned Twilio webhooks. Refused in production. */
  TWILIO_SKIP_SIGNATURE_CHECK: booleanFlag.default(false),

  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: z.url().optional(),
  OPENAI_MODEL: z.string().min(1).default('gpt-4o-mini'),

  /** How the bot names the operator and where it sends people who need a human. */
  OPERATOR_NAME: z.string().min(1).default('Northwind Telecom'),
  OPERATOR_SUPPORT_PHONE: z.string().min(3).default('+1 555 010 0100'),
  OPERATOR_SUPPORT_URL: z.url().default('https://support.example.com'),
  /** IANA time zone for dates in customer messages. Default America/New_York. */
  OPERATOR_TIME_ZONE: z
    .string()
    .refine((zone) => Intl.supportedValuesOf('timeZone').includes(zone) || zone === 'UTC', 'must be an IANA time zone such as Europe/London')
    .default('America/New_York'),

  /** Development only: serve staff APIs (e.g. /api/customers/:id/interactions) without sign-in. */
  DEV_OPEN_STAFF_API: booleanFlag.default(false),

  /** Bill credits the bot approves by itself: up to this amount each (decimal, in the bill's currency). Default 25.00. */
  ADJUSTMENT_AUTO_APPROVE_LIMIT: z.string().regex(/^\d{1,7}(\.\d{1,2})?$/, 'must be an amount such as 25.00').default('25.00'),
  /** At most this many approved-by-the-bot credits per customer per period. Default 2. */
  ADJUSTMENT_AUTO_APPROVE_PER_PERIOD: z.coerce.number().int().min(0).max(100).default(2),
  /** The period for the count above, in days. Default 90. */
  ADJUSTMENT_PERIOD_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  /** Credits above this amount need a one-time code even from the number on file. Default 10.00. */
  ADJUSTMENT_OTP_THRESHOLD: z.string().regex(/^\d{1,7}(\.\d{1,2})?$/, 'must be an amount such as 10.00').default('10.00'),

  /** One-time codes: lifetime in seconds (default 300), wrong tries allowed (default 3), codes per number per hour (default 5). */
  OTP_TTL_SECONDS: z.coerce.number().int().min(30).max(3600).default(300),
  OTP_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  OTP_MAX_PER_HOUR: z.coerce.number().int().min(1).max(100).default(5),
  /** How long a verification by code lasts in a conversation, in minutes. Default 30. */
  OTP_VERIFIED_MINUTES: z.coerce.number().int().min(1).max(1440).default(30),

  /** Signs the Direct Line tokens the service issues to web chat clients. Required in production; share it between instances. */
  WEBCHAT_TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Lifetime of a Direct Line token in seconds (refresh before it ends). Default 1800. */
  WEBCHAT_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(86_400).default(1800),
  /** Verifies user tokens (HS256 JWTs with the customer id in `sub`) from the operator's website. Unset: that sign-in is off. */
  WEBCHAT_USER_TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Origins allowed to call the Direct Line API from a browser, comma-separated. Default: PUBLIC_BASE_URL only. */
  WEBCHAT_ALLOWED_ORIGINS: z.string().optional(),
  /** Longest web chat message in characters. Default 2000. */
  WEBCHAT_MAX_MESSAGE_LENGTH: z.coerce.number().int().min(1).max(100_000).default(2000),
  /** Web chat messages allowed per conversation per minute (default 20) and requests per IP per minute (default 300). */
  WEBCHAT_RATE_PER_CONVERSATION: z.coerce.number().int().min(1).default(20),
  WEBCHAT_RATE_PER_IP: z.coerce.number().int().min(1).default(300),

  /** Conversation turns run at once per process (different conversations). Default 16. */
  TURN_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(16),
  /** Outbound messages delivered at once per process. Default 16. */
  DELIVERY_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(16),
  /** Delivery attempts before a message is marked failed. Default 6. */
  DELIVERY_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(6),
  /** First retry delay in ms; doubles each attempt. Default 1000. */
  DELIVERY_BACKOFF_MS: z.coerce.number().int().min(1).default(1000),
  /** How often the outbox relay looks for stored work with no job (Redis was down). Default 2000 ms. */
  OUTBOX_INTERVAL_MS: z.coerce.number().int().min(50).default(2000),
});

export type Env = Record<string, string | undefined>;

export interface Config {
  env: 'development' | 'production' | 'test';
  role: 'all' | 'api' | 'worker';
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  http: { port: number; publicBaseUrl: string };
  database: { url: string | undefined; poolSize: number };
  redis: { url: string; prefix: string };
  twilio: {
    accountSid: string;
    authToken: string;
    phoneNumber: string;
    apiBaseUrl: string | undefined;
    /** True when no Twilio account is configured: replies go to the built-in sandbox. */
    sandbox: boolean;
    validateSignatures: boolean;
  };
  openai: { apiKey: string | undefined; baseUrl: string | undefined; model: string };
  operator: { name: string; supportPhone: string; supportUrl: string; timeZone: string };
  devOpenStaffApi: boolean;
  turns: { concurrency: number };
  delivery: { concurrency: number; attempts: number; backoffMs: number };
  outbox: { intervalMs: number };
  adjustments: AdjustmentPolicySettings;
  verification: VerificationSettings;
  webchat: {
    tokenSecret: string;
    tokenTtlSeconds: number;
    userTokenSecret: string | undefined;
    allowedOrigins: string[];
    maxMessageLength: number;
    ratePerConversation: number;
    ratePerIp: number;
  };
}

/** When the bot may approve a bill credit by itself. Amounts are decimal strings, never floats. */
export interface AdjustmentPolicySettings {
  autoApproveLimit: string;
  autoApprovePerPeriod: number;
  periodDays: number;
  /** Above this amount the customer confirms with a one-time code. */
  otpThreshold: string;
}

export interface VerificationSettings {
  codeTtlSeconds: number;
  maxAttempts: number;
  maxPerHour: number;
  verifiedMinutes: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads the configuration from an environment (process.env by default). */
export function loadConfig(env: Env = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  const production = e.NODE_ENV === 'production';

  const twilioConfigured = Boolean(e.TWILIO_ACCOUNT_SID && e.TWILIO_AUTH_TOKEN && e.TWILIO_PHONE_NUMBER);
  const twilioPartly = Boolean(e.TWILIO_ACCOUNT_SID || e.TWILIO_AUTH_TOKEN || e.TWILIO_PHONE_NUMBER);
  if (twilioPartly && !twilioConfigured) {
    problems.push('TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_PHONE_NUMBER must be set together');
  }
  if (production && !twilioConfigured) {
    problems.push('TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_PHONE_NUMBER are required in production');
  }
  if (production && e.TWILIO_SKIP_SIGNATURE_CHECK) {
    problems.push('TWILIO_SKIP_SIGNATURE_CHECK cannot be used in production');
  }
  if (production && e.DEV_OPEN_STAFF_API) {
    problems.push('DEV_OPEN_STAFF_API cannot be used in production');
  }
  if (production && !e.PUBLIC_BASE_URL) {
    problems.push('PUBLIC_BASE_URL is required in production (Twilio signs requests with it)');
  }
  if (production && !e.WEBCHAT_TOKEN_SECRET) {
    problems.push('WEBCHAT_TOKEN_SECRET is required in production (it signs web chat tokens; use the same value on every instance)');
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const publicBaseUrl = (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  const sandbox = !twilioConfigured;
  return {
    env: e.NODE_ENV,
    role: e.ROLE,
    logLevel: e.LOG_LEVEL,
    http: { port: e.PORT, publicBaseUrl },
    database: { url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE },
    redis: { url: e.REDIS_URL, prefix: e.REDIS_PREFIX },
    twilio: {
      accountSid: e.TWILIO_ACCOUNT_SID ?? DEV_TWILIO_ACCOUNT_SID,
      authToken: e.TWILIO_AUTH_TOKEN ?? DEV_TWILIO_AUTH_TOKEN,
      phoneNumber: e.TWILIO_PHONE_NUMBER ?? DEV_TWILIO_PHONE_NUMBER,
      apiBaseUrl: e.TWILIO_API_BASE_URL ?? (sandbox ? `${publicBaseUrl}/dev/twilio` : undefined),
      sandbox,
      validateSignatures: !e.TWILIO_SKIP_SIGNATURE_CHECK,
    },
    openai: { apiKey: e.OPENAI_API_KEY, baseUrl: e.OPENAI_BASE_URL, model: e.OPENAI_MODEL },
    operator: { name: e.OPERATOR_NAME, supportPhone: e.OPERATOR_SUPPORT_PHONE, supportUrl: e.OPERATOR_SUPPORT_URL, timeZone: e.OPERATOR_TIME_ZONE },
    devOpenStaffApi: e.DEV_OPEN_STAFF_API,
    turns: { concurrency: e.TURN_CONCURRENCY },
    delivery: { concurrency: e.DELIVERY_CONCURRENCY, attempts: e.DELIVERY_ATTEMPTS, backoffMs: e.DELIVERY_BACKOFF_MS },
    outbox: { intervalMs: e.OUTBOX_INTERVAL_MS },
    adjustments: {
      autoApproveLimit: e.ADJUSTMENT_AUTO_APPROVE_LIMIT,
      autoApprovePerPeriod: e.ADJUSTMENT_AUTO_APPROVE_PER_PERIOD,
      periodDays: e.ADJUSTMENT_PERIOD_DAYS,
      otpThreshold: e.ADJUSTMENT_OTP_THRESHOLD,
    },
    verification: {
      codeTtlSeconds: e.OTP_TTL_SECONDS,
      maxAttempts: e.OTP_MAX_ATTEMPTS,
      maxPerHour: e.OTP_MAX_PER_HOUR,
      verifiedMinutes: e.OTP_VERIFIED_MINUTES,
    },
    webchat: {
      tokenSecret: e.WEBCHAT_TOKEN_SECRET ?? DEV_WEBCHAT_TOKEN_SECRET,
      tokenTtlSeconds: e.WEBCHAT_TOKEN_TTL_SECONDS,
      userTokenSecret: e.WEBCHAT_USER_TOKEN_SECRET,
      allowedOrigins: (e.WEBCHAT_ALLOWED_ORIGINS ?? publicBaseUrl).split(',').map((origin) => origin.trim().replace(/\/+$/, '')).filter((origin) => origin.length > 0),
      maxMessageLength: e.WEBCHAT_MAX_MESSAGE_LENGTH,
      ratePerConversation: e.WEBCHAT_RATE_PER_CONVERSATION,
      ratePerIp: e.WEBCHAT_RATE_PER_IP,
    },
  };
}
