import { z } from 'zod';
import { agentQueue, channelName, handbackResume, handoffReason, presenceStatus } from './agent-values.ts';

// The live events of human handling, and the port that publishes them. The routing domain and the
// gateway publish; the console's live layer (socket.io over Redis) implements the port and picks
// the rooms: per staff member (`staffId` fields), per conversation (`conversationId`), per queue
// (`queue`), and supervisors (every event). Payloads are small: consoles re-read details over REST.

const at = z.string();
const conversationRef = { conversationId: z.string(), version: z.number().int(), at };

export const consoleEvent = z.discriminatedUnion('type', [
  /** Waiting in a queue (after a handoff, a transfer to a queue, an offer that expired or was declined). */
  z.object({ type: z.literal('conversation.queued'), ...conversationRef, queue: agentQueue, priority: z.number().int(), reason: handoffReason, channel: channelName }),
  /** Offered to one agent until `expiresAt`. */
  z.object({ type: z.literal('conversation.offered'), ...conversationRef, queue: agentQueue, staffId: z.string(), expiresAt: z.string() }),
  /** An agent owns it now (accepted an offer, claimed from the queue, took over, was assigned). */
  z.object({ type: z.literal('conversation.claimed'), ...conversationRef, queue: agentQueue, staffId: z.string(), previousStaffId: z.string().nullable() }),
  /** A message in or out: the customer's, an agent's reply, or the bot's; `internal` notes are never sent to the customer. */
  z.object({
    type: z.literal('conversation.message'),
    conversationId: z.string(),
    at,
    messageId: z.string(),
    direction: z.enum(['inbound', 'outbound', 'internal']),
    channel: channelName,
    text: z.string(),
    /** The agent who wrote it (replies and notes); null for the customer and the bot. */
    staffId: z.string().nullable(),
    /** The agent who owns the conversation when it was stored, if any (whose inbox counts it unread). */
    ownerStaffId: z.string().nullable(),
  }),
  /** Back with the bot, which resumes as asked. */
  z.object({ type: z.literal('conversation.handed-back'), ...conversationRef, staffId: z.string(), resume: handbackResume }),
  z.object({ type: z.literal('conversation.closed'), ...conversationRef, staffId: z.string().nullable() }),
  /** Moved to another queue or agent, with the note the sender wrote. */
  z.object({
    type: z.literal('conversation.transferred'),
    ...conversationRef,
    fromStaffId: z.string().nullable(),
    to: z.discriminatedUnion('kind', [z.object({ kind: z.literal('queue'), queue: agentQueue }), z.object({ kind: z.literal('agent'), staffId: z.string() })]),
    note: z.string(),
  }),
  /** A staff member's presence changed (their toggle, a missed offer, a lost heartbeat). */
  z.object({ type: z.literal('presence.changed'), staffId: z.string(), status: presenceStatus, at, cause: z.enum(['toggle', 'heartbeat', 'missed-offers', 'timeout']) }),
  /** Something in this staff member's inbox changed (null: every inbox, e.g. a queue changed); re-read GET /console/api/agent/inbox. */
  z.object({ type: z.literal('inbox.changed'), staffId: z.string().nullable(), queue: agentQueue.nullable(), at }),
]);
export type ConsoleEvent = z.infer<typeof consoleEvent>;
export type ConsoleEventType = ConsoleEvent['type'];

/** Publishes live events to consoles. Must not throw into the caller's work: a lost event is re-read over REST. */
export interface ConsoleEvents {
  publish(event: ConsoleEvent): Promise<void>;
}

/** Keeps published events in order (tests, and a process without a live layer that wants to look). */
export class RecordingConsoleEvents implements ConsoleEvents {
  readonly events: ConsoleEvent[] = [];
  async publish(event: ConsoleEvent): Promise<void> {
    this.events.push(consoleEvent.parse(event));
  }
  ofType<T extends ConsoleEventType>(type: T): Array<Extract<ConsoleEvent, { type: T }>> {
    return this.events.filter((event): event is Extract<ConsoleEvent, { type: T }> => event.type === type);
  }
}
