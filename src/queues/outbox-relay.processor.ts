import type { PrismaClient } from '../generated/prisma/client.ts';
import { listStrandedInbound } from '../domain/interactions/inbound.ts';
import { listStrandedOutbound } from '../domain/interactions/outbound.ts';
import type { Logger } from '../lib/logger.ts';
import type { QueueProcessor, QueueRegistry } from './registry.ts';

/** A reply older than this with no sign of progress is treated as having lost its job. */
const STRANDED_AFTER_MS = 3000;
/**
 * The same for a stored message, longer: its age counts from its arrival, and its caller may hold
 * its turn until something else is done (web chat publishes the visitor's echo first, so that the
 * reply never reaches them before their own message). Under load that took more than 3 s, and the
 * relay ran the turn first.
 */
const INBOUND_STRANDED_AFTER_MS = 10_000;

export interface OutboxRelayDeps {
  prisma: PrismaClient;
  queues: Pick<QueueRegistry, 'requeueTurn' | 'requeueDelivery'>;
  logger: Logger;
}

/**
 * The outbox relay (a recovery sweep of the registry: a job scheduler, every OUTBOX_INTERVAL_MS):
 * messages are stored before they are enqueued, so if Redis was down at that moment they wait in
 * the database. It re-enqueues them; job ids make repeats harmless, and a job that failed for
 * good while its message is still waiting (the database was down through its attempts) runs again.
 */
export function createOutboxRelayProcessor(deps: OutboxRelayDeps): QueueProcessor<'outbox-relay'> {
  return async function processOutboxRelay() {
    return relayStrandedMessages(deps);
  };
}

/** One pass: enqueue every stranded inbound turn and outbound delivery. */
export async function relayStrandedMessages(deps: OutboxRelayDeps): Promise<{ turns: number; deliveries: number }> {
  const olderThan = new Date(Date.now() - STRANDED_AFTER_MS);
  let turns = 0;
  let deliveries = 0;
  for (const message of await listStrandedInbound(deps.prisma, new Date(Date.now() - INBOUND_STRANDED_AFTER_MS))) {
    await deps.queues.requeueTurn({ interactionId: message.id, conversationId: message.conversationId, correlationId: message.correlationId ?? message.id });
    turns++;
  }
  const byConversation = new Map<string, { ids: string[]; correlationId: string }>();
  for (const message of await listStrandedOutbound(deps.prisma, olderThan)) {
    const entry = byConversation.get(message.conversationId) ?? { ids: [], correlationId: message.correlationId ?? message.id };
    entry.ids.push(message.id);
    byConversation.set(message.conversationId, entry);
  }
  for (const [conversationId, { ids, correlationId }] of byConversation) {
    await deps.queues.requeueDelivery(conversationId, ids, correlationId);
    deliveries++;
  }
  if (turns + deliveries > 0) deps.logger.info({ turns, deliveries }, 'outbox relay re-enqueued stored work');
  return { turns, deliveries };
}
