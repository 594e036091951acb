import { randomBytes } from 'node:crypto';
import { z } from 'zod';

// The only module that reads process.env. Parsed once at start-up; every bad field is listed.

const DEV_TWILIO_ACCOUNT_SID = 'AC00000000000000000000000000000000';
const DEV_TWILIO_AUTH_TOKEN = 'dev-auth-token-not-secret';
const DEV_TWILIO_PHONE_NUMBER = '+15550000000';
// Development only (production requires WEBCHAT_TOKEN_SECRET): shared by every local instance.
const DEV_WEBCHAT_TOKEN_SECRET = 'dev-webchat-token-secret-not-secret-0123456789';
// Development only: what the demo page signs its demo customers' user tokens with.
const DEV_WEBCHAT_USER_TOKEN_SECRET = 'dev-webchat-user-token-secret-not-secret-012345';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const DURATION_UNITS_MS = new Map([['ms', 1], ['s', 1000], ['m', 60_000], ['h', 3_600_000], ['d', 86_400_000]]);

/** A duration such as 1500ms, 90s, 30m, 4h or 2d, in milliseconds. */
const duration = z
  .string()
  .regex(/^\d+(ms|s|m|h|d)$/, 'must be a duration such as 1500ms, 90s, 30m, 4h or 2d')
  .transform((text) => {
    const [, amount = '0', unit = 'ms'] = /^(\d+)(ms|s|m|h|d)$/.exec(text) ?? [];
    return Number(amount) * (DURATION_UNITS_MS.get(unit) ?? 1);
  })
  .pipe(z.number().int().min(1, 'must be longer than 0'));

/** A local time of day, HH:MM, as minutes after midnight. */
const timeOfDay = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day such as 21:00')
  .transform((text) => Number(text.slice(0, 2)) * 60 + Number(text.slice(3, 5)));

const NETWORK_STEPS = ['reserve', 'provision', 'activate', 'test', 'release', 'deactivate', 'linetest'] as const;
export type NetworkStepName = (typeof NETWORK_STEPS)[number];
const SERVICE_TYPES = ['internet', 'mobile', 'tv', 'landline'] as const;

/** "200" (every step) or "provision=300,activate=200" (the rest take 0 ms). */
const latencySpec = z.string().transform((text, context): Partial<Record<NetworkStepName | 'default', number>> => {
  const spec: Partial<Record<NetworkStepName | 'default', number>> = {};
  for (const part of text.split(',').map((piece) => piece.trim()).filter((piece) => piece.length > 0)) {
    const match = /^(?:([a-z]+)=)?(\d{1,6})$/.exec(part);
    const step = NETWORK_STEPS.find((name) => name === match?.[1]);
    if (!match?.[2] || (match[1] !== undefined && !step)) {
      context.addIssue({ code: 'custom', message: `"${part}" is not a latency: use 200 or ${NETWORK_STEPS.join('|')}=<ms>` });
      continue;
    }
    spec[step ?? 'default'] = Number(match[2]);
  }
  return spec;
});

/** "provision:transient=0.1,activate.tv:permanent=1,linetest:fault=0.5" */
const failureSpec = z.string().transform((text, context): NetworkFailureRule[] => {
  const rules: NetworkFailureRule[] = [];
  for (const part of text.split(',').map((piece) => piece.trim()).filter((piece) => piece.length > 0)) {
    const match = /^([a-z]+)(?:\.([a-z]+))?:(transient|permanent|fault)=(0(?:\.\d+)?|1(?:\.0+)?)$/.exec(part);
    const step = NETWORK_STEPS.find((name) => name === match?.[1]);
    const serviceType = SERVICE_TYPES.find((type) => type === match?.[2]);
    const kind = match?.[3] === 'transient' || match?.[3] === 'permanent' || match?.[3] === 'fault' ? match[3] : undefined;
    if (!match || !step || !kind || (match[2] !== undefined && !serviceType) || (kind === 'fault' && step !== 'linetest')) {
      context.addIssue({ code: 'custom', message: `"${part}" is not a failure rule: use <step>[.<serviceType>]:<transient|permanent>=<0..1> (fault only for linetest)` });
      continue;
    }
    rules.push({ step, serviceType, kind, rate: Number(match[4]) });
  }
  return rules;
});

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
  /** Verifies user tokens (HS256 JWTs with the customer id in `sub`) from the operator's website. Unset: off in production, a fixed development secret otherwise (the demo page signs with it). */
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

  /** Where orders are activated and lines tested: the built-in simulator (default) or an HTTP API at NETWORK_BASE_URL. */
  NETWORK_MODE: z.enum(['simulator', 'http']).default('simulator'),
  NETWORK_BASE_URL: z.url().optional(),
  /** Sent to NETWORK_BASE_URL as a bearer token, when set. */
  NETWORK_API_TOKEN: z.string().min(1).optional(),
  /** Timeout of one network request in ms. Default 10000. */
  NETWORK_TIMEOUT_MS: z.coerce.number().int().min(50).max(300_000).default(10_000),
  /** Immediate retries of a timed-out or 5xx network request, before the job's own retries. Default 2. */
  NETWORK_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  /** Simulator: outcomes depend only on this seed, the step and the request's idempotency key. */
  NETWORK_SIM_SEED: z.string().min(1).default('telcobot'),
  /** Simulator latency in ms: one number for every step, or per step ("provision=300,activate=200"). Default 50. */
  NETWORK_SIM_LATENCY_MS: latencySpec.prefault('50'),
  /** Simulator failure rates per step, optionally per service type. Default "provision:transient=0.1,linetest:fault=0.5". */
  NETWORK_SIM_FAILURES: failureSpec.prefault('provision:transient=0.1,linetest:fault=0.5'),
  /** Simulator: a transient failure clears after this many failed attempts of the same request. Default 2. */
  NETWORK_SIM_TRANSIENT_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(2),

  /** Time to resolve a trouble ticket, by severity. Defaults 4h, 24h, 72h. */
  SLA_CRITICAL: duration.default(4 * 3_600_000),
  SLA_MAJOR: duration.default(24 * 3_600_000),
  SLA_MINOR: duration.default(72 * 3_600_000),
  /** The SLA warning goes out when this share of the time (percent) is used. Default 75. */
  SLA_WARNING_PERCENT: z.coerce.number().int().min(1).max(99).default(75),
  /** How long a resolved ticket waits for the customer to confirm before it closes. Default 48h. */
  RESOLUTION_CONFIRMATION_TIMEOUT: duration.default(48 * 3_600_000),
  /** Quiet hours, local time in OPERATOR_TIME_ZONE: non-urgent texts wait until they end. Equal times: none. Defaults 21:00, 08:00. */
  QUIET_HOURS_START: timeOfDay.default(21 * 60),
  QUIET_HOURS_END: timeOfDay.default(8 * 60),

  /** Fulfillment, assurance and adjustment jobs: attempts (default 8) and first retry delay in ms, doubling (default 2000). */
  /** Run the fulfillment, assurance and adjustment workers (and their sweep) in a worker process. Default true; false leaves that work queued for other processes. */
  TRACKING_WORKERS: booleanFlag.default(true),
  TRACKING_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  TRACKING_BACKOFF_MS: z.coerce.number().int().min(1).default(2000),
  /** How often the database is swept for requests without a job (new orders and tickets, approved credits). Default 15000 ms. */
  TRACKING_SWEEP_MS: z.coerce.number().int().min(100).default(15_000),
  /** A crashed process's tracking jobs are taken up again after this long without its heartbeat. Default 30000 ms. */
  TRACKING_LOCK_MS: z.coerce.number().int().min(500).default(30_000),
  /** Tracking jobs run at once per process. Default 8. */
  TRACKING_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(8),
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
  network: NetworkSettings;
  sla: SlaSettings;
  /** Minutes after local midnight; null when there are none. */
  quietHours: { startMinute: number; endMinute: number } | null;
  tracking: { workers: boolean; attempts: number; backoffMs: number; sweepMs: number; lockMs: number; concurrency: number };
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

/** One simulated failure rule: `step` (for `serviceType`, or any) fails this share of requests. */
export interface NetworkFailureRule {
  step: NetworkStepName;
  serviceType: 'internet' | 'mobile' | 'tv' | 'landline' | undefined;
  /** transient (retried), permanent, or for line tests a fault found on the line. */
  kind: 'transient' | 'permanent' | 'fault';
  rate: number;
}

export interface NetworkSettings {
  mode: 'simulator' | 'http';
  http: { baseUrl: string | undefined; apiToken: string | undefined; timeoutMs: number; retries: number };
  simulator: {
    seed: string;
    latencyMs: Partial<Record<NetworkStepName | 'default', number>>;
    failures: NetworkFailureRule[];
    transientAttempts: number;
  };
}

/** Durations in milliseconds. */
export interface SlaSettings {
  bySeverity: { critical: number; major: number; minor: number };
  warningPercent: number;
  confirmationTimeoutMs: number;
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
  if (e.NETWORK_MODE === 'http' && !e.NETWORK_BASE_URL) {
    problems.push('NETWORK_BASE_URL is required when NETWORK_MODE=http');
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
    network: {
      mode: e.NETWORK_MODE,
      http: { baseUrl: e.NETWORK_BASE_URL?.replace(/\/+$/, ''), apiToken: e.NETWORK_API_TOKEN, timeoutMs: e.NETWORK_TIMEOUT_MS, retries: e.NETWORK_RETRIES },
      simulator: {
        seed: e.NETWORK_SIM_SEED,
        latencyMs: e.NETWORK_SIM_LATENCY_MS,
        failures: e.NETWORK_SIM_FAILURES,
        transientAttempts: e.NETWORK_SIM_TRANSIENT_ATTEMPTS,
      },
    },
    sla: {
      bySeverity: { critical: e.SLA_CRITICAL, major: e.SLA_MAJOR, minor: e.SLA_MINOR },
      warningPercent: e.SLA_WARNING_PERCENT,
      confirmationTimeoutMs: e.RESOLUTION_CONFIRMATION_TIMEOUT,
    },
    quietHours: e.QUIET_HOURS_START === e.QUIET_HOURS_END ? null : { startMinute: e.QUIET_HOURS_START, endMinute: e.QUIET_HOURS_END },
    tracking: {
      workers: e.TRACKING_WORKERS,
      attempts: e.TRACKING_ATTEMPTS,
      backoffMs: e.TRACKING_BACKOFF_MS,
      sweepMs: e.TRACKING_SWEEP_MS,
      lockMs: e.TRACKING_LOCK_MS,
      concurrency: e.TRACKING_CONCURRENCY,
    },
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
      // The published development secrets only in the sandbox (no Twilio account: a laptop). A
      // service with a real number never trusts a secret anyone can read in this file: without
      // WEBCHAT_TOKEN_SECRET it makes its own per process, and user tokens stay off.
      tokenSecret: e.WEBCHAT_TOKEN_SECRET ?? (sandbox ? DEV_WEBCHAT_TOKEN_SECRET : randomBytes(32).toString('hex')),
      tokenTtlSeconds: e.WEBCHAT_TOKEN_TTL_SECONDS,
      userTokenSecret: e.WEBCHAT_USER_TOKEN_SECRET ?? (sandbox && !production ? DEV_WEBCHAT_USER_TOKEN_SECRET : undefined),
      allowedOrigins: (e.WEBCHAT_ALLOWED_ORIGINS ?? publicBaseUrl).split(',').map((origin) => origin.trim().replace(/\/+$/, '')).filter((origin) => origin.length > 0),
      maxMessageLength: e.WEBCHAT_MAX_MESSAGE_LENGTH,
      ratePerConversation: e.WEBCHAT_RATE_PER_CONVERSATION,
      ratePerIp: e.WEBCHAT_RATE_PER_IP,
    },
  };
}
