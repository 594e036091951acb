import { z } from 'zod';

// The only module that reads process.env. Parsed once at start-up; every bad field is listed.

const DEV_TWILIO_ACCOUNT_SID = 'AC00000000000000000000000000000000';
const DEV_TWILIO_AUTH_TOKEN = 'dev-auth-token-not-secret';
const DEV_TWILIO_PHONE_NUMBER = '+15550000000';

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
  };
}
