import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { InboundMessage } from '../channels/channel.ts';
import type { Sql } from '../db/sql.ts';
import { storeInboundMessage, type InboundSender } from '../domain/interactions/inbound.ts';
import { findConversationCustomerId } from '../domain/interactions/conversations.service.ts';
import type { Logger } from '../lib/logger.ts';

export interface IntakeDeps {
  prisma: PrismaClient;
  sql: Sql;
  logger: Logger;
  /** Enqueues the conversation's turn; may fail (Redis down) without losing the message. */
  enqueueTurn: (job: { interactionId: string; conversationId: string; correlationId: string }) => Promise<void>;
}

export interface IntakeResult {
  interactionId: string;
  duplicate: boolean;
}

/**
 * Channel-neutral intake: identify the customer, store the message durably (deduplicated on the
 * provider's id), then enqueue its turn. Returns once the message is safe in the database: the
 * enqueue goes on without the provider waiting for it (its 2xx needs only the stored message; a
 * failed enqueue is logged and the outbox relay enqueues the turn from the database).
 */
export async function acceptInboundMessage(deps: IntakeDeps, message: InboundMessage): Promise<IntakeResult> {
  const sender = await identifySender(deps.prisma, message);
  const correlationId = randomUUID();
  const { interaction, duplicate } = await storeInboundMessage(deps.sql, message, sender, correlationId);
  const log = deps.logger.child({ correlationId: interaction.correlationId, interactionId: interaction.id });
  if (duplicate) {
    log.info({ providerMessageId: message.providerMessageId }, 'duplicate inbound message acknowledged');
    return { interactionId: interaction.id, duplicate: true };
  }
  log.info({ channel: message.channel, known: interaction.customerId !== null, from: message.from, text: message.text }, 'inbound message stored');
  deps.enqueueTurn({ interactionId: interaction.id, conversationId: interaction.conversationId, correlationId: interaction.correlationId }).catch((error: unknown) => {
    log.warn({ err: error }, 'turn not enqueued (queue unavailable); the outbox relay will retry');
  });
  return { interactionId: interaction.id, duplicate: false };
}

/**
 * Who sent the message: on SMS the customer with that phone number (looked up as the message is
 * stored); elsewhere the customer the channel verified (a signed web chat user token) or the
 * conversation belongs to (signed in).
 */
async function identifySender(prisma: PrismaClient, message: InboundMessage): Promise<InboundSender> {
  if (message.channel === 'sms') return { phone: message.from };
  return { customerId: message.customerId ?? (await findConversationCustomerId(prisma, message.channel, message.from)) };
}
