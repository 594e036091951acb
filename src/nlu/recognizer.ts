// The recogniser interface: what every implementation (offline rules, a trained model, OpenAI)
// returns for one customer utterance. Labels are the DESIGN.md contract.

export const INTENTS = [
  'greeting',
  'goodbye',
  'thanks',
  'help',
  'agent.request',
  'order.create',
  'order.status',
  'ticket.create',
  'ticket.status',
  'bill.inquiry',
  'bill.dispute',
  'profile.view',
  'profile.update',
  'product.info',
  'service.cancel',
  'complaint',
  'optout',
  'affirm',
  'deny',
  'none',
] as const;

export type Intent = (typeof INTENTS)[number];

export type EntityType =
  | 'ticketRef'
  | 'orderRef'
  | 'billRef'
  | 'adjustmentRef'
  | 'serviceType'
  | 'date'
  | 'period'
  | 'email'
  | 'phone'
  | 'money'
  | 'address'
  | 'offer';

export interface Entity {
  type: EntityType;
  /**
   * Normalised: "TT-100001", "internet", an ISO date, a period as "2026-10-01/2026-10-31",
   * "+15551230001", "12.50", an offering code ("FIBER-1G"), an address on one line.
   */
  value: string;
  /** The words in the utterance it came from. */
  text: string;
}

export interface Recognition {
  text: string;
  intent: Intent;
  /** 0..1 */
  confidence: number;
  entities: Entity[];
  /** The next likeliest intents, likeliest first: what a clarifying question offers. */
  alternatives?: Array<{ intent: Intent; confidence: number }>;
  /**
   * A yes or a no the message opens with, whatever else it says ("YES its working now thx",
   * "nope still dropping", "no i still want to cancel"): how it answers a yes/no question.
   */
  answer?: 'yes' | 'no';
}

export interface RecognizeOptions {
  /** "Now" for relative dates ("since yesterday"). */
  referenceDate?: Date;
  /** IANA time zone relative dates are read in ("since last night" is the operator's night). Default the process's. */
  timeZone?: string;
}

export interface Recognizer {
  recognize(text: string, options?: RecognizeOptions): Promise<Recognition>;
}
