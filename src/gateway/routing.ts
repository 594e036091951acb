import type { InboundTurnMessage } from '../domain/interactions/turns.ts';

/**
 * Who handles a conversation's next message. Today always the bot; when agents take handoffs, a
 * conversation an agent holds routes to that agent's inbox instead (the turn runner then stores
 * the message for them and runs no bot turn).
 */
export type ConversationHandler = { kind: 'bot' };

const BOT: ConversationHandler = { kind: 'bot' };

/**
 * The one place that decides bot or person, asked for each message after the carrier keywords.
 * It reads nothing today, so it adds no round trip to a turn; ownership will come with the
 * pending turn's read (listPendingTurns), not as a query of its own.
 */
export function routeConversation(_message: InboundTurnMessage): ConversationHandler {
  return BOT;
}
