import type { PrismaClient } from '../generated/prisma/client.ts';
import type { ConversationBot } from '../bot/conversation-bot.ts';
import { CHANNEL_CAPABILITIES } from '../channels/channel.ts';
import { prismaSql, type Sql } from '../db/sql.ts';
import { clearResume, recordCsatAnswer } from '../domain/agents/agent-desk.ts';
import { recordOptIn, recordOptOut } from '../domain/contact-policy/consent.service.ts';
import type { OutboundForDelivery } from '../domain/interactions/outbound.ts';
import {
  listPendingTurns,
  recordTurnOutcome,
  type InboundTurnMessage,
  type PendingTurn,
  type RecordedTurn,
  type RecordOutcomeOptions,
  type StoredBotState,
  type TurnOutcome,
} from '../domain/interactions/turns.ts';
import type { Logger } from '../lib/logger.ts';
import type { ConversationLock } from './conversation-lock.ts';
import type { ImmediateDeliveryResult } from './reply-delivery.ts';
import { routeConversation } from './routing.ts';
import { classifySmsKeyword, optOutAfterthought } from './sms-keywords.ts';

// The turn runner, the same for every channel: take the conversation's lock, handle its unhandled
// messages in sequence order (carrier keywords, then whoever routeConversation names), store each
// outcome, and hand each turn's replies to the channel before the next turn starts. The turn
// queue calls it for each stored message; a synchronous channel (voice) calls runTurnsNow and
// gets the replies back within a time budget.

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
  /**
   * Called after a customer's message to a conversation with people was stored as handled (no bot
   * turn): the agent side's live event. Must not throw.
   */
  onPersonMessage?: (message: InboundTurnMessage, ownerStaffId: string | null) => Promise<void>;
  /**
   * The real text of a message stored masked (a code a caller keyed or read out), for the bot's
   * turn only; undefined when the message is stored as it was said.
   */
  revealInput?: (message: InboundTurnMessage) => Promise<string | undefined>;
  /**
   * Whether the channel's sends are looked up at the provider after a crash (its sender can find
   * earlier sends): its replies' send start is then written with the turn's outcome.
   */
  looksUpSends?: (channel: InboundTurnMessage['channel']) => boolean;
}

/** A stored inbound message whose turn is to run: what the turn queue's job carries. */
export interface TurnRequest {
  interactionId: string;
  conversationId: string;
  correlationId: string;
}

export interface TurnRunnerDeps {
  turns: TurnDeps;
  /** The conversation's lock, shared with delivery jobs: a turn delivers its replies under it. */
  lock: ConversationLock;
  /** Delivers a turn's stored replies right away (the first delivery attempt). */
  deliverNow: (conversationId: string, recorded: RecordedTurn) => Promise<ImmediateDeliveryResult>;
  /**
   * Hands the conversation's pending replies to the delivery queue (the outbox relay covers a
   * failure to); `attemptsUsed` counts the immediate delivery's failed attempt.
   */
  enqueueDelivery: (conversationId: string, replyIds: string[], correlationId: string, attemptsUsed: number) => Promise<void>;
  /** Hands a turn to the turn queue (a synchronous caller whose budget ran out). */
  enqueueTurn: (turn: TurnRequest) => Promise<void>;
}

/** A queued turn's run: `busy` when another turn holds the conversation (the job steps aside and retries). */
export type QueuedTurnResult = { kind: 'busy' } | { kind: 'ran'; replies: number };

export interface ImmediateTurnResult {
  /** The replies stored by the turns this call ran, in order (already handed to the channel). */
  replies: OutboundForDelivery[];
  /** The budget ran out before every unhandled message was handled: the turn queue does the rest. */
  budgetExhausted: boolean;
}

export interface TurnRunner {
  /** Runs the conversation's unhandled messages if its lock is free at once (the turn queue's job). */
  runQueuedTurns(turn: TurnRequest): Promise<QueuedTurnResult>;
  /**
   * Runs the conversation's unhandled messages now and returns their replies: waits for the lock
   * and starts turns only within `budgetMs` (a turn once started finishes). What is left when the
   * budget runs out goes to the turn queue; nothing is lost.
   */
  runTurnsNow(turn: TurnRequest, options: { budgetMs: number }): Promise<ImmediateTurnResult>;
}

/** How long a waiting caller sleeps before asking for a held lock again, in ms (plus jitter). */
const LOCK_RETRY_MS = 15;

export function createTurnRunner(deps: TurnRunnerDeps): TurnRunner {
  const { lock, turns } = deps;

  /** Handles the pending messages under a lock taken with `lockToken` (renewed meanwhile); releases it at the end. */
  async function runLocked(turn: TurnRequest, lockToken: string, keepGoing: () => boolean, onRecorded: (recorded: RecordedTurn) => void): Promise<HandledTurns> {
    const { conversationId, correlationId } = turn;
    const held = lock.keep(conversationId, lockToken);
    /** The lease is renewed in the background; once a renewal failed, no delivery job may be beside this one. */
    const stillLocked = () => {
      if (!held.lost) return true;
      turns.logger.warn({ correlationId }, 'conversation lock lost during the turn; leaving delivery to the queue');
      return false;
    };
    // Once replies are left to the delivery job, later ones wait for it too, which keeps their order.
    let leftToQueue = false;
    const deliver = async (recorded: RecordedTurn) => {
      onRecorded(recorded);
      if (leftToQueue) return;
      let attemptsUsed = 0;
      if (stillLocked()) {
        const result = await deps.deliverNow(conversationId, recorded);
        if (result.kind === 'delivered' || result.finalAttempt) return;
        attemptsUsed = 1;
      }
      leftToQueue = true;
      await deps.enqueueDelivery(conversationId, recorded.replies.map((reply) => reply.id), correlationId, attemptsUsed).catch((error: unknown) => {
        turns.logger.warn({ err: error, correlationId }, 'delivery not enqueued; the outbox relay will retry');
      });
    };
    try {
      return await handlePendingTurns(turns, conversationId, deliver, keepGoing);
    } finally {
      await held.release();
    }
  }

  return {
    async runQueuedTurns(turn) {
      const lockToken = await lock.acquire(turn.conversationId);
      if (!lockToken) return { kind: 'busy' };
      const handled = await runLocked(turn, lockToken, () => true, () => undefined);
      return { kind: 'ran', replies: handled.replies };
    },

    async runTurnsNow(turn, { budgetMs }) {
      const deadline = Date.now() + budgetMs;
      const withinBudget = () => Date.now() < deadline;
      const replies: OutboundForDelivery[] = [];
      let lockToken = await lock.acquire(turn.conversationId);
      while (!lockToken && withinBudget()) {
        await new Promise((resolve) => setTimeout(resolve, Math.min(LOCK_RETRY_MS + Math.random() * LOCK_RETRY_MS, Math.max(0, deadline - Date.now()))));
        lockToken = await lock.acquire(turn.conversationId);
      }
      const handled = lockToken ? await runLocked(turn, lockToken, withinBudget, (recorded) => replies.push(...recorded.replies)) : undefined;
      if (handled?.finished) return { replies, budgetExhausted: false };
      // Its job id makes this a no-op when the message already has a job; the relay covers a failure.
      await deps.enqueueTurn(turn).catch((error: unknown) => {
        turns.logger.warn({ err: error, correlationId: turn.correlationId }, 'turn not enqueued; the outbox relay will retry');
      });
      return { replies, budgetExhausted: true };
    },
  };
}

/** Hands a committed turn's replies to delivery (the caller's lock covers deliveries too); must not throw. */
type DeliverTurnReplies = (recorded: RecordedTurn) => Promise<void>;

interface HandledTurns {
  /** How many replies were stored. */
  replies: number;
  /** Every unhandled message was handled (false: `keepGoing` said stop first). */
  finished: boolean;
}

/**
 * Handles every unhandled inbound message of a conversation, in sequence order, handing each
 * turn's replies to `deliver` once they are stored, before the next turn starts; starts no turn
 * once `keepGoing` says no. The caller holds the conversation's lock.
 */
async function handlePendingTurns(deps: TurnDeps, conversationId: string, deliver: DeliverTurnReplies, keepGoing: () => boolean): Promise<HandledTurns> {
  let replies = 0;
  for (;;) {
    const pending = await listPendingTurns(deps.sql, conversationId, TURN_BATCH);
    let reread = false;
    for (const [index, turn] of pending.entries()) {
      if (!keepGoing()) return { replies, finished: false };
      const started = performance.now();
      // The state read with the batch is only current for its first turn.
      const handled = await handleOneTurn(deps, turn, index === 0 ? turn.state : undefined);
      deps.onTurnHandled?.(turn.message.channel, (performance.now() - started) / 1000);
      replies += handled.recorded.replies.length;
      if (handled.recorded.replies.length > 0) await deliver(handled.recorded);
      // The opt-out status or the owner read with the batch is stale now: read the rest again.
      if (handled.consentChanged || handled.ownerChanged) {
        reread = true;
        break;
      }
    }
    // A message stored meanwhile has its own job, which runs once this one releases the lock.
    if (!reread && pending.length < TURN_BATCH) return { replies, finished: true };
  }
}

/** Messages read per query; a full batch means there may be more. */
const TURN_BATCH = 50;

async function handleOneTurn(
  deps: TurnDeps,
  turn: PendingTurn,
  state: StoredBotState | null | undefined,
): Promise<{ recorded: RecordedTurn; consentChanged: boolean; ownerChanged?: boolean }> {
  const { message } = turn;
  const log = deps.logger.child({ correlationId: message.correlationId, interactionId: message.id, seq: message.seq });
  const { carrierKeywords } = CHANNEL_CAPABILITIES[message.channel];
  const optedOut = carrierKeywords && turn.optedOut;
  const keyword = carrierKeywords ? classifySmsKeyword(message.text, optedOut) : undefined;

  if (keyword) {
    log.info({ keyword }, 'SMS keyword');
    const change = { channel: message.channel, address: message.fromAddress, customerId: message.customerId, source: `sms-keyword:${message.text.trim().toUpperCase()}`, correlationId: message.correlationId ?? undefined };
    const recorded = await deps.prisma.$transaction(async (tx) => {
      if (keyword === 'optout') await recordOptOut(tx, change);
      if (keyword === 'optin') await recordOptIn(tx, change);
      return recordTurnOutcome(prismaSql(tx, { inTransaction: true }), message, keywordOutcome(keyword, deps.operator, keyword === 'optout' ? optOutAfterthought(message.text, state?.data) : undefined), outcomeOptions(deps, message));
    });
    return { recorded, consentChanged: keyword !== 'help' };
  }
  if (optedOut) {
    // The number said STOP: log what it sent, answer nothing until it opts back in.
    log.info('message from an opted-out number: logged, not answered');
    return { recorded: await recordTurnOutcome(deps.sql, message, { reason: 'consent.optedOut', replies: [], links: [] }), consentChanged: false };
  }

  const handler = routeConversation(message, turn.owner);
  switch (handler.kind) {
    case 'bot': {
      if (handler.resume) await clearResume(deps.prisma, message.conversationId, handler.resume.version);
      const recorded = await runBotTurn(deps, turn, state, log, handler.resume?.intent ?? undefined);
      // A turn that handed the conversation to a person changes who handles the next message.
      return { recorded: recorded.recorded, consentChanged: false, ownerChanged: recorded.reason?.startsWith('agent.') ?? false };
    }
    case 'person': {
      // A person has the conversation: the bot stays silent; the message is logged for the agent.
      log.info({ ownerStaffId: handler.ownerStaffId }, 'message for the agent side');
      const recorded = await recordTurnOutcome(deps.sql, message, { reason: 'agent.inbox', replies: [], links: [] });
      await deps.onPersonMessage?.(message, handler.ownerStaffId).catch((error: unknown) => log.warn({ err: error }, 'agent side not told of the message'));
      return { recorded, consentChanged: false };
    }
    case 'csat-answer': {
      const recorded = await deps.prisma.$transaction(async (tx) => {
        await recordCsatAnswer(tx, { conversationId: message.conversationId, handbackVersion: handler.version, customerId: message.customerId, score: handler.score });
        return recordTurnOutcome(prismaSql(tx, { inTransaction: true }), message, {
          reason: 'csat.answer',
          replies: [{ reason: 'csat.answer', text: `Thank you for rating us ${handler.score} out of 5. ${csatSignOff(CHANNEL_CAPABILITIES[message.channel])}` }],
          links: [],
        }, outcomeOptions(deps, message));
      });
      return { recorded, consentChanged: false };
    }
  }
}

/** The bot's turn on a message: recognise, dialog step, then the outcome and bot state written together. */
async function runBotTurn(
  deps: TurnDeps,
  turn: PendingTurn,
  state: StoredBotState | null | undefined,
  log: Logger,
  resumeIntent: string | undefined,
): Promise<{ recorded: RecordedTurn; reason: string | null }> {
  const { message } = turn;
  deps.onTurnStarted?.(message);
  const revealed = await deps.revealInput?.(message);
  const { outcome, storage } = await deps.bot.runTurn(revealed === undefined ? message : { ...message, text: revealed }, turn.customer, state, resumeIntent ? { resumeIntent } : undefined);
  log.info({ reason: outcome.reason, replies: outcome.replies.length }, 'turn handled');
  // recordTurnOutcome is one atomic statement: a transaction is needed only to add state writes.
  const recorded = storage.hasPendingWrites()
    ? await deps.sql.transaction(async (tx) => {
        await storage.flush(tx);
        return recordTurnOutcome(tx, message, outcome, outcomeOptions(deps, message));
      })
    : await recordTurnOutcome(deps.sql, message, outcome, outcomeOptions(deps, message));
  return { recorded, reason: outcome.reason };
}

/** A turn's replies are delivered right after its outcome is written: where sends are looked up after a crash, the start goes in with them. */
function outcomeOptions(deps: TurnDeps, message: InboundTurnMessage): RecordOutcomeOptions {
  return { sendStartsNow: deps.looksUpSends?.(message.channel) ?? false };
}

/** How the thanks for a rating ends: a caller is asked to call (written channels keep their wording). */
function csatSignOff(capabilities: { spoken: boolean }): string {
  return capabilities.spoken ? 'Call us anytime you need help.' : 'Text us anytime you need help.';
}

function keywordOutcome(keyword: 'optout' | 'optin' | 'help', operator: OperatorInfo, afterthought?: string): TurnOutcome {
  switch (keyword) {
    case 'optout':
      return {
        reason: 'consent.optout',
        replies: [{ reason: 'consent.optout', text: `You're unsubscribed from ${operator.name} messages and will get no more. Reply START to resubscribe.${afterthought ? ` ${afterthought}` : ''}` }],
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
