import type { TurnContext } from 'botbuilder-core';
import type { ChannelCapabilities, ChannelName } from '../src/domain/interactions/messages.ts';
import type { Recognition } from '../src/nlu/recognizer.ts';
import type { CustomerSummary, InteractionLink } from './services.ts';

/** What a dialog knows about the turn it runs in, put on the TurnContext by src/bot. */
export interface TurnInfo {
  /** The verified customer (on SMS: the sending number matches the one on file), or null. */
  customer: CustomerSummary | null;
  /**
   * The customer the sender's address names, proven or not: on voice the caller ID's customer, who
   * is greeted by name but is `customer` only once a one-time code proved it in this conversation.
   */
  caller: CustomerSummary | null;
  channel: ChannelName;
  /** What the channel can do: dialogs ask this, never the channel's name. */
  capabilities: ChannelCapabilities;
  /** The inbound interaction: the idempotency key of anything this turn does. */
  inboundId: string;
  correlationId: string;
  recognition: Recognition;
  now: Date;
  /** Kept in conversation state across turns (never in process memory). */
  memory: ConversationMemory;
  /** Filled by dialogs: what the turn was about, and the records it created or read. */
  reason: string | null;
  links: InteractionLink[];
  /** Set by a dialog that gave way to a new request: the message is routed again from the top. */
  reroute?: boolean;
}

export interface ConversationMemory {
  /** Messages in a row the bot could not make sense of. */
  misunderstood: number;
  /** The last request the bot started on (an intent), for a handoff's queue and packet. */
  lastRequest?: string;
  /** The open cancellation request (ORD-) the bot already pointed the customer to: asked again, a person takes it. */
  cancellationPointedTo?: string;
}

const TURN_INFO = Symbol('turnInfo');

export function setTurnInfo(context: TurnContext, info: TurnInfo): void {
  context.turnState.set(TURN_INFO, info);
}

export function getTurnInfo(context: TurnContext): TurnInfo {
  const info: TurnInfo | undefined = context.turnState.get(TURN_INFO);
  if (!info) throw new Error('Turn info is missing: the turn did not come through src/bot');
  return info;
}
