import { z } from 'zod';
import { duration } from './variable-types.ts';

// Human agents: how conversations are offered, when an agent counts as present, how many
// conversations each may hold, and when each skill queue is staffed.

const QUEUES = ['billing', 'technical', 'sales_retention', 'general'] as const;
type Queue = (typeof QUEUES)[number];

/** Minutes after local midnight, start inclusive, end exclusive; 24:00 ends at midnight. */
export interface StaffedHours {
  from: number;
  to: number;
}

function minutesOf(text: string): number {
  return Number(text.slice(0, 2)) * 60 + Number(text.slice(3, 5));
}

/** `billing=08:00-20:00,technical=00:00-24:00`: every queue must be named. */
const staffedHoursMap = z
  .string()
  .transform((text, context) => {
    const hours: Partial<Record<Queue, StaffedHours>> = {};
    for (const part of text.split(',').map((piece) => piece.trim()).filter(Boolean)) {
      const match = /^([a-z_]+)=((?:[01]\d|2[0-3]):[0-5]\d)-((?:[01]\d|2[0-3]):[0-5]\d|24:00)$/.exec(part);
      const queue = QUEUES.find((name) => name === match?.[1]);
      if (!match || !queue) {
        context.addIssue({ code: 'custom', message: `"${part}" must read <queue>=HH:MM-HH:MM with a queue of ${QUEUES.join(', ')}` });
        return z.NEVER;
      }
      hours[queue] = { from: minutesOf(match[2] ?? '00:00'), to: minutesOf(match[3] ?? '24:00') };
    }
    const missing = QUEUES.filter((queue) => !hours[queue]);
    if (missing.length > 0) {
      context.addIssue({ code: 'custom', message: `staffed hours missing for ${missing.join(', ')}` });
      return z.NEVER;
    }
    return hours as Record<Queue, StaffedHours>;
  });

/** `callback` or `bot` for every queue, or `billing=callback,general=bot` (unnamed queues: callback). */
const afterHoursMap = z.string().transform((text, context) => {
  const modes = Object.fromEntries(QUEUES.map((queue) => [queue, 'callback'])) as Record<Queue, 'callback' | 'bot'>;
  if (text === 'callback' || text === 'bot') return Object.fromEntries(QUEUES.map((queue) => [queue, text])) as Record<Queue, 'callback' | 'bot'>;
  for (const part of text.split(',').map((piece) => piece.trim()).filter(Boolean)) {
    const [name, mode] = part.split('=');
    const queue = QUEUES.find((candidate) => candidate === name);
    if (!queue || (mode !== 'callback' && mode !== 'bot')) {
      context.addIssue({ code: 'custom', message: `"${part}" must read <queue>=callback or <queue>=bot` });
      return z.NEVER;
    }
    modes[queue] = mode;
  }
  return modes;
});

export const agentsVariables = z.object({
  /** How long one agent has to accept an offered conversation before it goes to the next. Default 30s. */
  AGENT_OFFER_TIMEOUT: duration.default(30_000),
  /** Offers in a row an agent lets lapse before they are set away. Default 2. */
  AGENT_MAX_MISSED_OFFERS: z.coerce.number().int().min(1).max(100).default(2),
  /** No heartbeat from the console for this long: the agent counts as offline. Default 90s. */
  AGENT_PRESENCE_TIMEOUT: duration.default(90_000),
  /** Conversations an agent holds at once per channel (offered ones count). Defaults 3 SMS, 2 web chat, 1 voice. */
  AGENT_CAPACITY_SMS: z.coerce.number().int().min(0).max(50).default(3),
  AGENT_CAPACITY_WEBCHAT: z.coerce.number().int().min(0).max(50).default(2),
  AGENT_CAPACITY_VOICE: z.coerce.number().int().min(0).max(10).default(1),
  /** The longest a customer should wait for a person; past 80% of it the conversation is "SLA at risk" and jumps ahead. Default 5m. */
  AGENT_WAIT_SLA: duration.default(300_000),
  /** When each queue has people, in OPERATOR_TIME_ZONE, every day. Default billing 08–20, technical all day, sales_retention 09–18, general 08–20. */
  AGENT_STAFFED_HOURS: staffedHoursMap.default({
    billing: { from: 8 * 60, to: 20 * 60 },
    technical: { from: 0, to: 24 * 60 },
    sales_retention: { from: 9 * 60, to: 18 * 60 },
    general: { from: 8 * 60, to: 20 * 60 },
  }),
  /** Outside staffed hours: `callback` (stay queued, told when a person will text back) or `bot` (stay with the bot, told when people are back); one value or per queue. Default callback. */
  AGENT_AFTER_HOURS: afterHoursMap.default({ billing: 'callback', technical: 'callback', sales_retention: 'callback', general: 'callback' }),
  /** How often the agents' sweep runs (lost heartbeats → offline, lapsed offers, waiting conversations offered). Default 10s. */
  AGENT_SWEEP_INTERVAL: duration.default(10_000),
  /** The handle time assumed for expected waits until there is a day's history. Default 5m. */
  AGENT_DEFAULT_HANDLE_TIME: duration.default(300_000),
});

export function agentsSettings(env: z.output<typeof agentsVariables>) {
  return {
    offerTimeoutMs: env.AGENT_OFFER_TIMEOUT,
    maxMissedOffers: env.AGENT_MAX_MISSED_OFFERS,
    presenceTimeoutMs: env.AGENT_PRESENCE_TIMEOUT,
    capacity: { sms: env.AGENT_CAPACITY_SMS, webchat: env.AGENT_CAPACITY_WEBCHAT, voice: env.AGENT_CAPACITY_VOICE },
    waitSlaMs: env.AGENT_WAIT_SLA,
    staffedHours: env.AGENT_STAFFED_HOURS,
    afterHours: env.AGENT_AFTER_HOURS,
    sweepMs: env.AGENT_SWEEP_INTERVAL,
    defaultHandleMs: env.AGENT_DEFAULT_HANDLE_TIME,
  };
}
export type AgentsSettings = ReturnType<typeof agentsSettings>;
