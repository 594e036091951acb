/** Answers the bot relays to request tracking; src/bot/bot-services.ts binds them to the tracking workers. */
export interface TrackingServices {
  /**
   * The customer answered yes or no with no question of the bot's open: if one of their resolved
   * tickets is waiting for "does it work again?", records the answer and returns the reply to send.
   */
  answerResolutionQuestion(customerId: string, answer: 'affirm' | 'deny'): Promise<string | null>;
  /** The last progress text the customer was sent about an order or ticket (from its timeline), if any. */
  latestUpdate(subject: 'productOrder' | 'troubleTicket', id: string): Promise<{ at: Date; text: string } | null>;
}
