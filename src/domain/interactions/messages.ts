// The messages the domain stores, as every channel hands them over: what a channel turns
// provider traffic into. Channels re-export these (src/channels/channel.ts).

export type ChannelName = 'sms' | 'webchat' | 'voice';

/**
 * What a channel can do, so the gateway, delivery and dialogs ask the channel instead of
 * branching on its name.
 */
export interface ChannelCapabilities {
  /** Carrier keywords (STOP, START, HELP) apply, and an opted-out address gets nothing but compliance replies. */
  carrierKeywords: boolean;
  /** The sender's address is a phone number, which names the customer on file (SMS, voice); updates reach them by text. */
  addressIsPhone: boolean;
  /**
   * The customer the address names is proven by it (SMS: the carrier delivers to and from that
   * number). Voice caller ID can be forged: the caller is greeted by name, but anything about the
   * account waits for a one-time code texted to the number on file. Irrelevant where the address
   * is not a phone number (web chat customers are proven by a signed token or a sign-in).
   */
  addressIsProof: boolean;
  /** An anonymous customer can sign in inside the conversation (a code texted to the number on file). */
  inConversationSignIn: boolean;
  /** Quick replies are shown as buttons; otherwise the channel numbers them after the text. */
  buttons: boolean;
  /** The channel can show "typing…" while a turn runs. */
  typingIndicator: boolean;
  /** Replies are spoken, not read: short sentences, references and amounts said in words. */
  spoken: boolean;
  /** The longest text one message carries, in characters. */
  maxTextLength: number;
}

/** Each channel's capabilities; each channel object under src/channels/ carries its own. */
export const CHANNEL_CAPABILITIES: Record<ChannelName, ChannelCapabilities> = {
  sms: { carrierKeywords: true, addressIsPhone: true, addressIsProof: true, inConversationSignIn: false, buttons: false, typingIndicator: false, spoken: false, maxTextLength: 1600 },
  webchat: { carrierKeywords: false, addressIsPhone: false, addressIsProof: false, inConversationSignIn: true, buttons: true, typingIndicator: true, spoken: false, maxTextLength: 4000 },
  voice: { carrierKeywords: false, addressIsPhone: true, addressIsProof: false, inConversationSignIn: true, buttons: false, typingIndicator: false, spoken: true, maxTextLength: 1000 },
};

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
  /**
   * The conversation's key on the channel when it is not the sender's address (voice: the call's
   * CallSid, so each call is one conversation). Unset: the sender's address.
   */
  conversationKey?: string;
}

export interface DeliveryReceipt {
  providerMessageId: string;
  status: DeliveryStatusName;
  errorCode: string | undefined;
  /** Our interaction id, when the provider echoes it back (the status callback URL carries it). */
  interactionId: string | undefined;
}
