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
  'optout',
  'affirm',
  'deny',
  'none',
] as const;

export type Intent = (typeof INTENTS)[number];

export type EntityType = 'ticketRef' | 'orderRef' | 'billRef' | 'adjustmentRef' | 'serviceType' | 'date' | 'email' | 'phone' | 'money';

export interface Entity {
  type: EntityType;
  /** Normalised: "TT-100001", "internet", an ISO date, "+15551230001", "12.50". */
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
}

export interface RecognizeOptions {
  /** "Now" for relative dates ("since yesterday"). */
  referenceDate?: Date;
}

export interface Recognizer {
  recognize(text: string, options?: RecognizeOptions): Promise<Recognition>;
}
