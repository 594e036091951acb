import type { CustomerSummary } from '../../src/domain/customers/customers.service.ts';
import type { CheckCodeResult, IssueCodeResult } from '../../src/domain/identity/verification.service.ts';

export type { CheckCodeResult, IssueCodeResult };

/** Who a one-time code goes to: the verified customer's number on file, or a number someone typed (sign-in). */
export type CodeTarget = { customerId: string } | { phone: string };

/** The identity domain services dialogs may call; src/bot/services/identity.ts binds them to the database. */
export interface IdentityServices {
  /** True when this customer verified by one-time code in this conversation within the configured window. */
  isVerified(request: { conversationId: string; customerId: string; now: Date }): Promise<boolean>;
  /**
   * Texts a new one-time code to the number on file (superseding the pending one). For a number on
   * no account nothing is sent, and the answer is the same `sent`. Idempotent on the key
   * (`otp-${inboundId}`): a retried turn sends no second code.
   */
  sendVerificationCode(request: { conversationId: string; target: CodeTarget; purpose: string; idempotencyKey: string; correlationId: string; now: Date }): Promise<IssueCodeResult>;
  /** Checks an answer against the conversation's latest code. */
  checkVerificationCode(request: { conversationId: string; answer: string; correlationId: string; now: Date }): Promise<CheckCodeResult>;
  /** After a sign-in by code: ties the conversation to the customer; null unless the code verified them here. */
  signInConversation(request: { conversationId: string; customerId: string; correlationId: string; now: Date }): Promise<CustomerSummary | null>;
}
