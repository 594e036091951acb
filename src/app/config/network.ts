import { z } from 'zod';
import { SERVICE_TYPES } from '../../domain/service-types.ts';

const NETWORK_STEPS = ['reserve', 'provision', 'activate', 'test', 'release', 'deactivate', 'linetest'] as const;
export type NetworkStepName = (typeof NETWORK_STEPS)[number];
const FAILURE_KINDS = ['transient', 'permanent', 'fault'] as const;

function listItems(text: string): string[] {
  return text.split(',').map((piece) => piece.trim()).filter((piece) => piece.length > 0);
}

/** "200" (every step) or "provision=300,activate=200" (the rest take 0 ms). */
const latencySpec = z.string().transform((text, context) => {
  const spec: Partial<Record<NetworkStepName | 'default', number>> = {};
  for (const part of listItems(text)) {
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
const failureSpec = z.string().transform((text, context) =>
  listItems(text).flatMap((part) => {
    const match = /^([a-z]+)(?:\.([a-z]+))?:(transient|permanent|fault)=(0(?:\.\d+)?|1(?:\.0+)?)$/.exec(part);
    const step = NETWORK_STEPS.find((name) => name === match?.[1]);
    const serviceType = SERVICE_TYPES.find((type) => type === match?.[2]);
    const kind = FAILURE_KINDS.find((name) => name === match?.[3]);
    if (!match || !step || !kind || (match[2] !== undefined && !serviceType) || (kind === 'fault' && step !== 'linetest')) {
      context.addIssue({ code: 'custom', message: `"${part}" is not a failure rule: use <step>[.<serviceType>]:<transient|permanent>=<0..1> (fault only for linetest)` });
      return [];
    }
    // One simulated failure rule: `step` (for `serviceType`, or any) fails this share of requests.
    return [{
      step,
      serviceType,
      /** transient (retried), permanent, or for line tests a fault found on the line. */
      kind,
      rate: Number(match[4]),
    }];
  }),
);
export type NetworkFailureRule = z.output<typeof failureSpec>[number];

/** The operator's network, where orders are activated and lines tested: the built-in simulator or an HTTP API. */
export const networkVariables = z.object({
  /** Where orders are activated and lines tested: the built-in simulator (default) or an HTTP API at NETWORK_BASE_URL. */
  NETWORK_MODE: z.enum(['simulator', 'http']).default('simulator'),
  /** The network API's base URL. Required when NETWORK_MODE=http. */
  NETWORK_BASE_URL: z.url().optional(),
  /** Sent to NETWORK_BASE_URL as a bearer token, when set. */
  NETWORK_API_TOKEN: z.string().min(1).optional(),
  /** Timeout of one network request in ms. Default 10000. */
  NETWORK_TIMEOUT_MS: z.coerce.number().int().min(50).max(300_000).default(10_000),
  /** Immediate retries of a timed-out or 5xx network request, before the job's own retries. Default 2. */
  NETWORK_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  /** Simulator: outcomes depend only on this seed, the step and the request's idempotency key. Default "telcobot". */
  NETWORK_SIM_SEED: z.string().min(1).default('telcobot'),
  /** Simulator latency in ms: one number for every step, or per step ("provision=300,activate=200"). Default 50. */
  NETWORK_SIM_LATENCY_MS: latencySpec.prefault('50'),
  /** Simulator failure rates per step, optionally per service type. Default "provision:transient=0.1,linetest:fault=0.5". */
  NETWORK_SIM_FAILURES: failureSpec.prefault('provision:transient=0.1,linetest:fault=0.5'),
  /** Simulator: a transient failure clears after this many failed attempts of the same request. Default 2. */
  NETWORK_SIM_TRANSIENT_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(2),
});
export type NetworkVariables = z.output<typeof networkVariables>;

export function networkSettings(env: NetworkVariables) {
  return {
    mode: env.NETWORK_MODE,
    http: { baseUrl: env.NETWORK_BASE_URL?.replace(/\/+$/, ''), apiToken: env.NETWORK_API_TOKEN, timeoutMs: env.NETWORK_TIMEOUT_MS, retries: env.NETWORK_RETRIES },
    simulator: {
      seed: env.NETWORK_SIM_SEED,
      latencyMs: env.NETWORK_SIM_LATENCY_MS,
      failures: env.NETWORK_SIM_FAILURES,
      transientAttempts: env.NETWORK_SIM_TRANSIENT_ATTEMPTS,
    },
  };
}
export type NetworkSettings = ReturnType<typeof networkSettings>;

export function networkProblems(env: NetworkVariables): string[] {
  return env.NETWORK_MODE === 'http' && !env.NETWORK_BASE_URL ? ['NETWORK_BASE_URL is required when NETWORK_MODE=http'] : [];
}
