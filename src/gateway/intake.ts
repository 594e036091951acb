import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { CHANNEL_CAPABILITIES, type InboundMessage } from '../channels/channel.ts';
import type { Sql } from '../db/sql.ts';
import { storeInboundMessage, type InboundSender } from '../domain/interactions/inbound.ts';
import { findConversationCustomerId } from '../domain/interactions/conversations.service.ts';
import type { Logger } from '../lib/logger.ts';
import type { TurnRequest } from './turn-runner.ts';

export interface IntakeDeps {
  prisma: PrismaClient;
  sql: Sql;
  logger: Logger;
  /** Enqueues the conversation's turn; may fail (Redis down) without losing the message. */
  enqueueTurn: (job: TurnRequest) => Promise<void>;
}

export interface IntakeOptions {
  /**
   * Who runs the message's turn: the turn queue (default), or the caller, at once, through the
   * turn runner's runTurnsNow (voice); the outbox relay queues it if the caller never does.
   */
  runTurn?: 'queue' | 'caller';
}

export interface IntakeResult {
  interactionId: string;
  duplicate: boolean;
  /** The text as stored, which a channel that shows the message back must show (never what was posted). */
  text: string;
  /** The stored message's turn, for a caller that runs it itself. */
  turn: TurnRequest;
}

/**
 * Channel-neutral intake: identify the customer, store the message durably (deduplicated on the
 * provider's id), then enqueue its turn. Returns once the message is safe in the database: the
 * enqueue goes on without the provider waiting for it (its 2xx needs only the stored message; a
 * failed enqueue is logged and the outbox relay enqueues the turn from the database).
 */
export async function acceptInboundMessage(deps: IntakeDeps, message: InboundMessage, options: IntakeOptions = {}): Promise<IntakeResult> {
  const sender = await identifySender(deps.prisma, message);
  const correlationId = randomUUID();
  const { interaction, duplicate } = await storeInboundMessage(deps.sql, message, sender, correlationId);
  const log = deps.logger.child({ correlationId: interaction.correlationId, interactionId: interaction.id });
  const turn: TurnRequest = { interactionId: interaction.id, conversationId: interaction.conversationId, correlationId: interaction.correlationId };
  if (duplicate) {
    log.info({ providerMessageId: message.providerMessageId }, 'duplicate inbound message acknowledged');
    return { interactionId: interaction.id, duplicate: true, text: interaction.text, turn };
  }
  log.info({ channel: message.channel, known: interaction.customerId !== null, from: message.from, text: message.text }, 'inbound message stored');
  if (options.runTurn !== 'caller') {
    deps.enqueueTurn(turn).catch((error: unknown) => {
      log.warn({ err: error }, 'turn not enqueued (queue unavailable); the outbox relay will retry');
    });
  }
  return { interactionId: interaction.id, duplicate: false, text: interaction.text, turn };
}

/**
 * Who sent the message: where the address is a phone number (SMS), the customer with that number
 * (looked up as the message is stored); elsewhere the customer the channel verified (a signed web chat user token) or the
 * conversation belongs to (signed in).
 */
async function identifySender(prisma: PrismaClient, message: InboundMessage): Promise<InboundSender> {
  if (CHANNEL_CAPABILITIES[message.channel].addressIsPhone) return { phone: message.from };
  return { customerId: message.customerId ?? (await findConversationCustomerId(prisma, message.channel, message.from)) };
}
