import { z } from 'zod';

// The values of human handling every layer shares (the console's browser code too): who owns a
// conversation, the skill queues, presence and the handoff packet. Plain zod, no database types,
// so the console bundle can import them.

/** Who answers a conversation: bot → queued → offered → agent → bot (or closed). */
export const OWNER_STATES = ['bot', 'queued', 'offered', 'agent', 'closed'] as const;
export const ownerState = z.enum(OWNER_STATES);
export type OwnerState = z.infer<typeof ownerState>;

/** States in which a person, not the bot, handles the customer's messages. */
export const PERSON_STATES: readonly OwnerState[] = ['queued', 'offered', 'agent'];

/** Skill queues; a conversation's queue comes from the intent it was handed off with. */
export const AGENT_QUEUES = ['billing', 'technical', 'sales_retention', 'general'] as const;
export const agentQueue = z.enum(AGENT_QUEUES);
export type AgentQueue = z.infer<typeof agentQueue>;

export const PRESENCE_STATUSES = ['available', 'away', 'offline'] as const;
export const presenceStatus = z.enum(PRESENCE_STATUSES);
export type PresenceStatus = z.infer<typeof presenceStatus>;

export const CHANNELS = ['sms', 'webchat', 'voice'] as const;
export const channelName = z.enum(CHANNELS);

/** Why a conversation went to a person. */
export const HANDOFF_REASONS = ['customer_asked', 'not_understood', 'adjustment_over_limit', 'cancellation_insisted', 'complaint_high_churn', 'staff_takeover'] as const;
export const handoffReason = z.enum(HANDOFF_REASONS);
export type HandoffReason = z.infer<typeof handoffReason>;

/** Churn risk as the churn scorer reports it (the "marketing" helper's ChurnRiskLookup). */
export const churnRisk = z.object({ score: z.number(), band: z.enum(['low', 'medium', 'high']), reasons: z.array(z.string()) });
export type ChurnRisk = z.infer<typeof churnRisk>;

/** What the bot does when the person hands the conversation back. */
export const handbackResume = z.discriminatedUnion('kind', [
  /** Asks the customer for a 1–5 satisfaction score; the answer is stored. */
  z.object({ kind: z.literal('csat') }),
  /** Starts the bot's dialog for this request on the customer's next message (e.g. order.create). */
  z.object({ kind: z.literal('dialog'), intent: z.enum(['order.create', 'order.status', 'ticket.create', 'ticket.status', 'bill.inquiry', 'bill.dispute', 'profile.view', 'profile.update', 'product.info', 'service.cancel']) }),
]);
export type HandbackResume = z.infer<typeof handbackResume>;

/**
 * The handoff packet the agent sees first. Deterministic: built from the conversation, the
 * customer's records and what the bot collected; `summary` is an optional LLM paragraph.
 */
export const handoffPacket = z.object({
  builtAt: z.string(),
  reason: handoffReason,
  who: z.object({
    customerId: z.string().nullable(),
    name: z.string().nullable(),
    verified: z.boolean(),
    /** How we know who it is: the SMS number on file, a one-time code, the website's user token, or not at all. */
    verifiedBy: z.enum(['number-on-file', 'one-time-code', 'signed-in', 'none']),
    phone: z.string().nullable(),
  }),
  channel: channelName,
  intent: z.string().nullable(),
  /** Everything the bot collected so far (dialog answers, entities), as label → value. */
  collected: z.record(z.string(), z.string()),
  /** References the bot created or read in this conversation (ORD-…, TT-…, ADJ-…, INV-…). */
  references: z.array(z.string()),
  lastMessages: z.array(z.object({ direction: z.enum(['inbound', 'outbound']), text: z.string(), at: z.string() })),
  open: z.object({
    tickets: z.array(z.object({ reference: z.string(), status: z.string(), title: z.string() })),
    orders: z.array(z.object({ reference: z.string(), state: z.string(), description: z.string().nullable() })),
    disputes: z.array(z.object({ reference: z.string(), status: z.string(), amount: z.string(), reason: z.string() })),
  }),
  churnRisk: churnRisk.nullable(),
  /** Contacted us within the last 7 days before this one. */
  repeatContact: z.boolean(),
  suggestedNextStep: z.string(),
  summary: z.string().nullable(),
});
export type HandoffPacket = z.infer<typeof handoffPacket>;
