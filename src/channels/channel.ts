// What every channel turns provider traffic into, and what it is asked to deliver.
// Nothing past src/channels/ sees a provider's payload.

export type ChannelName = 'sms' | 'webchat' | 'voice';

export type DeliveryStatusName =
  | 'pending'
  | 'queued'
  | 'sending'
  | 'sent'
  | 'delivered'
  | 'undelivered'
  | 'failed'
  | 'read'
  | 'received';

export interface InboundMessage {
  channel: ChannelName;
  /** The provider's id for the message (Twilio MessageSid): the deduplication key. */
  providerMessageId: string;
  /** The customer's address (E.164 phone number for SMS). */
  from: string;
  /** Our address that was contacted. */
  to: string;
  text: string;
  receivedAt: Date;
  /**
   * The customer the channel verified itself (web chat: a signed user token). Unset: the gateway
   * identifies the sender (by phone number, or as the customer the conversation is signed in as).
   */
  customerId?: string | null;
}

export interface OutboundMessage {
  interactionId: string;
  from: string;
  to: string;
  text: string;
  /** Quick replies: a channel with buttons shows them, SMS numbers them after the text. */
  suggestedActions?: string[];
}

export interface DeliveryReceipt {
  providerMessageId: string;
  status: DeliveryStatusName;
  errorCode: string | undefined;
  /** Our interaction id, when the provider echoes it back (the status callback URL carries it). */
  interactionId: string | undefined;
}

export interface DeliveryResult {
  providerMessageId: string;
  status: DeliveryStatusName;
}

/** The provider refused the message for good (opted-out or invalid number): do not retry. */
export class PermanentDeliveryError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'PermanentDeliveryError';
  }
}

export interface OutboundSender {
  deliver(message: OutboundMessage): Promise<DeliveryResult>;
}
