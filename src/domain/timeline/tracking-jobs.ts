// The jobs that tracking code asks for, as a plain interface: the queue layer
// (src/queues/registry.ts) implements it with BullMQ and deterministic job ids, so asking
// twice for the same thing queues it once. Domain code calls these only after its transaction
// commits; if a call fails (Redis down), the periodic sweep finds the work in the database.

export interface TrackingJobs {
  /** Fulfils an acknowledged order: validate, then the per-item flow. */
  startOrder(orderId: string): Promise<void>;
  /** Adds the flow of an order that passed validation: per item reserve → provision → activate → test, then complete. */
  addOrderFlow(orderId: string, itemIds: string[]): Promise<void>;
  /** Runs a new ticket's diagnostics (and starts its SLA clock). */
  startTicket(ticketId: string): Promise<void>;
  /** Reconciles a ticket's SLA clock at `at` (now when omitted). */
  checkSla(ticketId: string, at?: Date): Promise<void>;
  /** Asks the customer of a resolved ticket whether the service works again. */
  confirmResolution(ticketId: string, round: number): Promise<void>;
  /** Closes the resolved ticket at `at` if the customer has not answered by then. */
  expireConfirmation(ticketId: string, round: number, at: Date): Promise<void>;
  /** Resolves every open ticket linked to a restored outage and tells each customer. */
  resolveOutageTickets(outageId: string): Promise<void>;
  /** Puts an approved bill adjustment on the bill. */
  applyAdjustment(adjustmentId: string): Promise<void>;
  /** Tells the customer why an adjustment was rejected. */
  explainRejection(adjustmentId: string): Promise<void>;
  /** Sends a text held for quiet hours at `at`. */
  sendScheduledText(stepKey: string, at: Date): Promise<void>;
}

/** Which try of its job a step runs in; `final` when no retry follows a failure. */
export interface JobRun {
  attempt: number;
  final: boolean;
}
