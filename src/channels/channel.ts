// What every channel turns provider traffic into, and what it is asked to deliver.
// Nothing past src/channels/ sees a provider's payload.

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Router } from 'express';
import type { ChannelCapabilities, ChannelName, DeliveryStatusName, InboundMessage, DeliveryReceipt } from '../domain/interactions/messages.ts';

// The message shapes and what each channel can do belong to the domain, which stores the messages
// and applies contact rules by capability; channels produce and consume them.
export type { ChannelCapabilities, ChannelName, DeliveryReceipt, DeliveryStatusName, InboundMessage } from '../domain/interactions/messages.ts';
export { CHANNEL_CAPABILITIES } from '../domain/interactions/messages.ts';

export interface OutboundMessage {
  interactionId: string;
  /** Our conversation the message belongs to (voice speaks it on that call, not on another call from the same number). */
  conversationId?: string;
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
  /**
   * Set where a send can be ambiguous: the provider may have taken a message whose answer never
   * came back (a crash, a timeout) and has no idempotency key (Twilio). Returns the provider's
   * messages, oldest first, that could be this one, sent since `startedAt` (less clock skew);
   * the caller adopts the first that is not already another message's. Unset where a resend
   * cannot duplicate (web chat publishes to our own store, idempotently per reply).
   */
  findEarlierSends?(message: OutboundMessage, startedAt: Date): Promise<DeliveryResult[]>;
}

/** Where a channel's routes hand what arrives: the gateway, the receipt writer, the rejection count. */
export interface ChannelGateway {
  /**
   * Stores the inbound message durably and enqueues its turn (a provider retry is a duplicate);
   * `text` is the text as stored. With `runTurn: 'caller'` (voice) the turn is left to the caller,
   * who runs `turn` at once (the outbox relay queues it if the caller never does).
   */
  accept(
    message: InboundMessage,
    options?: { runTurn?: 'queue' | 'caller' },
  ): Promise<{ interactionId: string; duplicate: boolean; text: string; turn: { interactionId: string; conversationId: string; correlationId: string } }>;
  /**
   * Queues a turn accepted with `runTurn: 'caller'` (web chat, once its echo is published, so the
   * visitor's message is shown before the reply); never throws: a failed enqueue is logged and the
   * outbox relay queues the turn from the database.
   */
  queueTurn?(turn: { interactionId: string; conversationId: string; correlationId: string }): void;
  /** Applies a delivery receipt to the outbound message it names. */
  applyReceipt(receipt: DeliveryReceipt): Promise<'applied' | 'stale' | 'unknown'>;
  /** Counts a provider request refused at the edge (bad signature, malformed payload), by reason. */
  onRejected(reason: string): void;
  /** The customer at `address` is typing (channels that report it: web chat); the agent console shows it. */
  onCustomerTyping?(address: string): void;
}

/** A provider's delivery-status report as its request carried it. */
export interface ProviderReport {
  body: unknown;
  /** The callback URL's query: where we put our own reference to the message. */
  query: unknown;
}

/**
 * One channel at the edge, as one object (Novu's providers are built this way): what it is
 * called and can do, its HTTP routes, its sender and its receipt parsing. The service mounts,
 * delivers and routes by a list of these; nothing past src/channels/ sees a provider's payload.
 */
export interface Channel extends OutboundSender {
  readonly name: ChannelName;
  /** The same values as CHANNEL_CAPABILITIES[name]. */
  readonly capabilities: ChannelCapabilities;
  /** Its HTTP routes (provider webhooks, client APIs, assets), mounted on API instances. */
  routes(gateway: ChannelGateway): Router;
  /** Reads a delivery-status report (throws AppError on one it cannot read); unset where delivery is final once `deliver` returns. */
  parseReceipt?(report: ProviderReport): DeliveryReceipt;
  /** Shows "typing…" to the conversation at `address` while a turn runs; set exactly where `capabilities.typingIndicator`. */
  announceTyping?(address: string): Promise<void>;
  /** For the HTTP server's 'upgrade' event: true when the channel took the request (its WebSocket). */
  handleUpgrade?(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Closes what the channel holds open (live connections), before the HTTP server closes. */
  close(): Promise<void>;
}

/** The channels by name: delivery picks a message's sender, a turn its channel, this way. */
export function channelsByName(channels: readonly Channel[]): Partial<Record<ChannelName, Channel>> {
  const byName: Partial<Record<ChannelName, Channel>> = {};
  for (const channel of channels) byName[channel.name] = channel;
  return byName;
}

/** Quick replies for a channel without buttons: numbered after the text ("… 1) Yes 2) No"), answered by number or text. */
export function withNumberedChoices(text: string, suggestedActions: readonly string[]): string {
  if (suggestedActions.length === 0) return text;
  return `${text} ${suggestedActions.map((action, index) => `${index + 1}) ${action}`).join(' ')}`;
}
