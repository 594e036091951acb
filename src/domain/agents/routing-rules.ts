import { sendableAt } from '../contact-policy/quiet-hours.ts';
import type { AgentQueue, ChurnRisk, HandoffReason } from './agent-values.ts';

// The rules of routing to people, as plain functions: which skill queue an intent goes to, how
// urgent a waiting customer is, when a queue is staffed, and what the agent should probably do.

export type ChannelName = 'sms' | 'webchat' | 'voice';

/** The settings routing runs on (src/app/config/agents.ts, plus the operator's time zone). */
export interface AgentRoutingSettings {
  offerTimeoutMs: number;
  maxMissedOffers: number;
  presenceTimeoutMs: number;
  capacity: Record<ChannelName, number>;
  waitSlaMs: number;
  staffedHours: Record<AgentQueue, { from: number; to: number }>;
  afterHours: Record<AgentQueue, 'callback' | 'bot'>;
  defaultHandleMs: number;
  timeZone: string;
}

/** Churn risk of a customer (the churn scorer's port); null when there is no score. */
export type ChurnRiskLookup = (customerId: string) => Promise<ChurnRisk | null>;

const QUEUE_BY_INTENT: Record<string, AgentQueue> = {
  'bill.inquiry': 'billing',
  'bill.dispute': 'billing',
  'ticket.create': 'technical',
  'ticket.status': 'technical',
  'order.create': 'sales_retention',
  'order.status': 'sales_retention',
  'product.info': 'sales_retention',
  'service.cancel': 'sales_retention',
  // Complaints go to the people who can keep the customer.
  complaint: 'sales_retention',
};

/** The skill queue for a request; anything else (profile, greetings, not understood) goes to general. */
export function queueForIntent(intent: string | null): AgentQueue {
  return (intent && QUEUE_BY_INTENT[intent]) || 'general';
}

/** The part of the priority known at handoff: churn risk and a repeat contact. */
export function basePriority(input: { churnRisk: ChurnRisk | null; repeatContact: boolean; reason: HandoffReason }): number {
  const churn = input.churnRisk?.band === 'high' ? 30 : input.churnRisk?.band === 'medium' ? 15 : 0;
  return churn + (input.repeatContact ? 10 : 0) + (input.reason === 'complaint_high_churn' ? 10 : 0);
}

/** Past this share of the wait target a waiting conversation is "SLA at risk". */
export const SLA_AT_RISK_SHARE = 0.8;

export function slaAtRisk(waitedMs: number, settings: Pick<AgentRoutingSettings, 'waitSlaMs'>): boolean {
  return waitedMs >= settings.waitSlaMs * SLA_AT_RISK_SHARE;
}

/**
 * The priority routing sorts by: the base, plus one per fifth of the wait target waited (so a long
 * wait overtakes a slightly higher base), plus 20 once the SLA is at risk. Ties: longest waiting first.
 */
export function effectivePriority(base: number, waitedMs: number, settings: Pick<AgentRoutingSettings, 'waitSlaMs'>): number {
  const waitSteps = Math.floor(waitedMs / Math.max(1, settings.waitSlaMs / 5));
  return base + Math.min(waitSteps, 10) + (slaAtRisk(waitedMs, settings) ? 20 : 0);
}

/** Whether the queue has people now, and if not when it opens (in the operator's time zone). */
export function staffing(queue: AgentQueue, now: Date, settings: Pick<AgentRoutingSettings, 'staffedHours' | 'timeZone'>): { staffed: true } | { staffed: false; opensAt: Date } {
  const hours = settings.staffedHours[queue];
  if (hours.to - hours.from >= 24 * 60) return { staffed: true };
  // The unstaffed part of the day is a "quiet" window from closing to opening.
  const opensAt = sendableAt(now, { startMinute: hours.to % (24 * 60), endMinute: hours.from }, settings.timeZone);
  return opensAt.getTime() === now.getTime() ? { staffed: true } : { staffed: false, opensAt };
}

/** What the agent should most likely do first, from why the bot handed over and what was asked. */
export function suggestNextStep(reason: HandoffReason, intent: string | null, hasOpenDispute: boolean): string {
  switch (reason) {
    case 'adjustment_over_limit':
      return 'Review the disputed charge and approve or reject the credit above the bot limit (Customer 360 → adjustments).';
    case 'cancellation_insisted':
      return 'The customer declined the retention offer: confirm the cancellation details or try a final save offer.';
    case 'complaint_high_churn':
      return 'High churn risk: acknowledge the complaint, fix what you can now, and consider a retention gesture.';
    case 'not_understood':
      return 'The bot could not place the request: read the last messages and ask what they need.';
    case 'staff_takeover':
      return 'You took this over from the bot: introduce yourself and pick up from the last messages.';
    case 'customer_asked':
      break;
  }
  if (hasOpenDispute) return 'Check the open dispute (ADJ) with the customer first.';
  switch (queueForIntent(intent)) {
    case 'billing':
      return 'Go through the latest bill with the customer and explain or credit the charge in question.';
    case 'technical':
      return 'Check the open ticket or outage for the service and give the customer a fix time.';
    case 'sales_retention':
      return 'Help the customer choose or change a plan; place the order in the 360 when they agree.';
    case 'general':
      return 'Greet the customer and ask how you can help.';
  }
}
