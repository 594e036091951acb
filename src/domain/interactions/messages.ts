// The messages the domain stores, as every channel hands them over: what a channel turns
// provider traffic into. Channels re-export these (src/channels/channel.ts).

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

export interface DeliveryReceipt {
  providerMessageId: string;
  status: DeliveryStatusName;
  errorCode: string | undefined;
  /** Our interaction id, when the provider echoes it back (the status callback URL carries it). */
  interactionId: string | undefined;
}
