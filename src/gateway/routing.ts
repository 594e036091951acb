import { handbackResume, PERSON_STATES, type HandbackResume } from '../domain/agents/agent-values.ts';
import type { InboundTurnMessage, TurnOwner } from '../domain/interactions/turns.ts';

/**
 * Who handles a conversation's next message: the bot (resuming as a handback asked), a person
 * (the conversation is queued, offered or held by an agent: the message goes to the agent side and
 * the bot stays silent), or the answer to the satisfaction question a handback asked.
 */
export type ConversationHandler =
  | { kind: 'bot'; resume?: { version: number; intent: Extract<HandbackResume, { kind: 'dialog' }>['intent'] | null } }
  | { kind: 'person'; ownerStaffId: string | null }
  | { kind: 'csat-answer'; score: number; version: number };

const BOT: ConversationHandler = { kind: 'bot' };

/** A lone 1–5 ("4", "5!", "3/5", "4 out of 5"). */
const CSAT_SCORE = /^\s*([1-5])\s*(?:\/\s*5|out of 5|stars?)?\s*[.!]*\s*$/i;

/**
 * The one place that decides bot or person, asked for each message after the carrier keywords.
 * It reads nothing itself: ownership comes with the pending turn's read (listPendingTurns).
 */
export function routeConversation(message: InboundTurnMessage, owner: TurnOwner | null): ConversationHandler {
  if (!owner) return BOT;
  if (PERSON_STATES.includes(owner.state)) return { kind: 'person', ownerStaffId: owner.state === 'agent' ? owner.staffId : null };
  if (owner.state !== 'bot' || owner.resume === null) return BOT;
  const resume = handbackResume.safeParse(owner.resume);
  if (!resume.success) return { kind: 'bot', resume: { version: owner.version, intent: null } };
  if (resume.data.kind === 'csat') {
    const score = CSAT_SCORE.exec(message.text)?.[1];
    // Anything but a score: the customer moved on; the question is dropped and the bot answers.
    return score ? { kind: 'csat-answer', score: Number(score), version: owner.version } : { kind: 'bot', resume: { version: owner.version, intent: null } };
  }
  return { kind: 'bot', resume: { version: owner.version, intent: resume.data.intent } };
}
