// What every channel turns provider traffic into, and what it is asked to deliver.
// Nothing past src/channels/ sees a provider's payload.

import type { ChannelName, DeliveryStatusName } from '../domain/interactions/messages.ts';

// The message shapes belong to the domain, which stores them; channels produce and consume them.
export type { ChannelName, DeliveryReceipt, DeliveryStatusName, InboundMessage } from '../domain/interactions/messages.ts';

/**
 * What a channel can do, so the gateway, delivery and dialogs ask the channel instead of
 * branching on its name.
 */
export interface ChannelCapabilities {
  /** Carrier keywords (STOP, START, HELP) apply, and an opted-out address gets nothing but compliance replies. */
  carrierKeywords: boolean;
  /** The sender's address is a phone number, which identifies the customer on file (SMS; voice caller ID is only a hint). */
  addressIsPhone: boolean;
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

/** Each channel's capabilities; the channel objects under src/channels/ carry the same values. */
export const CHANNEL_CAPABILITIES: Record<ChannelName, ChannelCapabilities> = {
  sms: { carrierKeywords: true, addressIsPhone: true, inConversationSignIn: false, buttons: false, typingIndicator: false, spoken: false, maxTextLength: 1600 },
  webchat: { carrierKeywords: false, addressIsPhone: false, inConversationSignIn: true, buttons: true, typingIndicator: true, spoken: false, maxTextLength: 4000 },
  voice: { carrierKeywords: false, addressIsPhone: true, inConversationSignIn: false, buttons: false, typingIndicator: false, spoken: true, maxTextLength: 1000 },
};

export interface OutboundMessage {
  interactionId: string;
  from: string;
  to: string;
  text: string;
  /** Quick replies: a channel with buttons shows them, SMS numbers them after the text. */
  suggestedActions?: string[];
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
