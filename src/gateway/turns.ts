import type { PrismaClient } from '../generated/prisma/client.ts';
import type { ConversationBot } from '../bot/conversation-bot.ts';
import { prismaSql, type Sql } from '../db/sql.ts';
import { recordOptIn, recordOptOut } from '../domain/contact-policy/consent.service.ts';
import {
  listPendingTurns,
  recordTurnOutcome,
  type InboundTurnMessage,
  type PendingTurn,
  type RecordedTurn,
  type StoredBotState,
  type TurnOutcome,
} from '../domain/interactions/turns.ts';
import type { Logger } from '../lib/logger.ts';
import { classifySmsKeyword } from './sms-keywords.ts';

export interface OperatorInfo {
  name: string;
  supportPhone: string;
  supportUrl: string;
}

export interface TurnDeps {
  prisma: PrismaClient;
  sql: Sql;
  bot: ConversationBot;
  operator: OperatorInfo;
  logger: Logger;
  /** Called once per handled message with how long its turn took. */
  onTurnHandled?: (channel: string, seconds: number) => void;
  /** Called as the bot starts on a message (web chat shows "typing"); must not throw. */
  onTurnStarted?: (message: InboundTurnMessage) => void;
}

/** Replies that must reach a number even after it opted out (the confirmation, and HELP). */
export const CONSENT_REPLY_REASONS = new Set(['consent.optout', 'consent.help']);

/** Hands a committed turn's replies to delivery (the caller's lock covers deliveries too); must not throw. */
export type DeliverTurnReplies = (recorded: RecordedTurn) => Promise<void>;

/**
 * Handles every unhandled inbound message of a conversation, in sequence order, handing each
 * turn's replies to `deliver` once they are stored, before the next turn starts. The caller holds
 * the conversation's lock. Returns how many replies were stored.
 */
export async function handlePendingTurns(deps: TurnDeps, conversationId: string, deliver: DeliverTurnReplies): Promise<number> {
  let replies = 0;
  for (;;) {
    const pending = await listPendingTurns(deps.sql, conversationId, TURN_BATCH);
    let consentChanged = false;
    for (const [index, turn] of pending.entries()) {
      const started = performance.now();
      // The state read with the batch is only current for its first turn.
      const handled = await handleOneTurn(deps, turn, index === 0 ? turn.state : undefined);
      deps.onTurnHandled?.(turn.message.channel, (performance.now() - started) / 1000);
      replies += handled.recorded.replies.length;
      if (handled.recorded.replies.length > 0) await deliver(handled.recorded);
      // The opt-out status read with the batch is stale now: read the rest again.
      if (handled.consentChanged) {
        consentChanged = true;
        break;
      }
    }
    // A message stored meanwhile has its own job, which runs once this one releases the lock.
    if (!consentChanged && pending.length < TURN_BATCH) return replies;
  }
}

/** Messages read per query; a full batch means there may be more. */
const TURN_BATCH = 50;

async function handleOneTurn(
  deps: TurnDeps,
  turn: PendingTurn,
  state: StoredBotState | null | undefined,
): Promise<{ recorded: RecordedTurn; consentChanged: boolean }> {
  const { message } = turn;
  const log = deps.logger.child({ correlationId: message.correlationId, interactionId: message.id, seq: message.seq });
  const optedOut = message.channel === 'sms' && turn.optedOut;
  const keyword = message.channel === 'sms' ? classifySmsKeyword(message.text, optedOut) : undefined;

  if (keyword) {
    log.info({ keyword }, 'SMS keyword');
    const change = { channel: message.channel, address: message.fromAddress, customerId: message.customerId, source: `sms-keyword:${message.text.trim().toUpperCase()}`, correlationId: message.correlationId ?? undefined };
    const recorded = await deps.prisma.$transaction(async (tx) => {
      if (keyword === 'optout') await recordOptOut(tx, change);
      if (keyword === 'optin') await recordOptIn(tx, change);
      return recordTurnOutcome(prismaSql(tx, { inTransaction: true }), message, keywordOutcome(keyword, deps.operator));
    });
    return { recorded, consentChanged: keyword !== 'help' };
  }
  if (optedOut) {
    // The number said STOP: log what it sent, answer nothing until it opts back in.
    log.info('message from an opted-out number: logged, not answered');
    return { recorded: await recordTurnOutcome(deps.sql, message, { reason: 'consent.optedOut', replies: [], links: [] }), consentChanged: false };
  }

  deps.onTurnStarted?.(message);
  const { outcome, storage } = await deps.bot.runTurn(message, turn.customer, state);
  log.info({ reason: outcome.reason, replies: outcome.replies.length }, 'turn handled');
  // recordTurnOutcome is one atomic statement: a transaction is needed only to add state writes.
  const recorded = storage.hasPendingWrites()
    ? await deps.sql.transaction(async (tx) => {
        await storage.flush(tx);
        return recordTurnOutcome(tx, message, outcome);
      })
    : await recordTurnOutcome(deps.sql, message, outcome);
  return { recorded, consentChanged: false };
}

function keywordOutcome(keyword: 'optout' | 'optin' | 'help', operator: OperatorInfo): TurnOutcome {
  switch (keyword) {
    case 'optout':
      return {
        reason: 'consent.optout',
        replies: [{ reason: 'consent.optout', text: `You're unsubscribed from ${operator.name} messages and will get no more. Reply START to resubscribe.` }],
        links: [],
      };
    case 'optin':
      return {
        reason: 'consent.optin',
        replies: [{ reason: 'consent.optin', text: `You're resubscribed to ${operator.name} messages. Reply HELP for help, STOP to opt out.` }],
        links: [],
      };
    case 'help':
      return {
        reason: 'consent.help',
        replies: [{ reason: 'consent.help', text: `${operator.name} customer care: call ${operator.supportPhone} or visit ${operator.supportUrl}. Msg&data rates may apply. Reply STOP to opt out.` }],
        links: [],
      };
  }
}
