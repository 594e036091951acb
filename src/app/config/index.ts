import { z } from 'zod';
import { adjustmentSettings, adjustmentsVariables } from './adjustments.ts';
import { databaseSettings, databaseVariables } from './database.ts';
import { httpProblems, httpSettings, httpVariables } from './http.ts';
import { networkProblems, networkSettings, networkVariables } from './network.ts';
import { openaiSettings, openaiVariables } from './openai.ts';
import { operatorSettings, operatorVariables } from './operator.ts';
import { queuesSettings, queuesVariables } from './queues.ts';
import { recoverySettings, recoveryVariables } from './recovery.ts';
import { quietHoursSettings, quietHoursVariables } from './quiet-hours.ts';
import { redisSettings, redisVariables } from './redis.ts';
import { runtimeProblems, runtimeSettings, runtimeVariables } from './runtime.ts';
import { slaSettings, slaVariables } from './sla.ts';
import { staffSettings, staffVariables } from './staff.ts';
import { trackingSettings, trackingVariables } from './tracking.ts';
import { twilioProblems, twilioSettings, twilioVariables } from './twilio.ts';
import { verificationSettings, verificationVariables } from './verification.ts';
import { marketingSettings, marketingVariables } from './marketing.ts';
import { webchatProblems, webchatSettings, webchatVariables } from './webchat.ts';
import { agentsSettings, agentsVariables } from './agents.ts';
import { voiceSettings, voiceVariables } from './voice.ts';
import { consoleLiveSettings, consoleLiveVariables } from './console-live.ts';

// The only module that reads process.env. Parsed once at start-up; every bad field is listed.
// Each area (one file here) declares its variables, the rules between them, and the part of the
// Config it becomes; this file composes them, and the Config type is what the schema produces.

export type { AdjustmentPolicySettings } from './adjustments.ts';
export type { NetworkFailureRule, NetworkSettings, NetworkStepName } from './network.ts';
export type { SlaSettings } from './sla.ts';
export type { StaffSettings } from './staff.ts';
export type { VerificationSettings } from './verification.ts';
export type { AgentsSettings } from './agents.ts';
export type { VoiceSettings } from './voice.ts';

const configSchema = z
  .object({
    ...runtimeVariables.shape,
    ...httpVariables.shape,
    ...databaseVariables.shape,
    ...redisVariables.shape,
    ...twilioVariables.shape,
    ...openaiVariables.shape,
    ...operatorVariables.shape,
    ...adjustmentsVariables.shape,
    ...verificationVariables.shape,
    ...webchatVariables.shape,
    ...queuesVariables.shape,
    ...networkVariables.shape,
    ...slaVariables.shape,
    ...quietHoursVariables.shape,
    ...trackingVariables.shape,
    ...recoveryVariables.shape,
    ...agentsVariables.shape,
    ...marketingVariables.shape,
    ...staffVariables.shape,
    ...voiceVariables.shape,
    ...consoleLiveVariables.shape,
  })
  // Rules between variables run once every variable is valid on its own; all of them are listed.
  .superRefine((env, context) => {
    const problems = [...twilioProblems(env), ...runtimeProblems(env), ...httpProblems(env), ...webchatProblems(env), ...networkProblems(env)];
    for (const message of problems) context.addIssue({ code: 'custom', message });
  })
  .transform((env) => ({
    ...runtimeSettings(env),
    http: httpSettings(env),
    database: databaseSettings(env),
    redis: redisSettings(env),
    twilio: twilioSettings(env),
    openai: openaiSettings(env),
    operator: operatorSettings(env),
    ...queuesSettings(env),
    network: networkSettings(env),
    sla: slaSettings(env),
    /** Minutes after local midnight; null when there are none. */
    quietHours: quietHoursSettings(env),
    tracking: trackingSettings(env),
    adjustments: adjustmentSettings(env),
    verification: verificationSettings(env),
    webchat: webchatSettings(env),
    recovery: recoverySettings(env),
    agents: agentsSettings(env),
    marketing: marketingSettings(env),
    staff: staffSettings(env),
    voice: voiceSettings(env),
    consoleLive: consoleLiveSettings(env),
  }));

export type Config = z.output<typeof configSchema>;

export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads the configuration from an environment (process.env by default). */
export function loadConfig(env: Env = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message)));
  }
  return parsed.data;
}
