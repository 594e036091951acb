import type { PrismaClient } from '../generated/prisma/client.ts';
import { listStrandedInbound } from '../domain/interactions/inbound.ts';
import { listStrandedOutbound } from '../domain/interactions/outbound.ts';
import type { Logger } from '../lib/logger.ts';
import type { QueueHub } from './queue-hub.ts';

/** Work older than this with no sign of progress is treated as having lost its job. */
const STRANDED_AFTER_MS = 3000;

/**
 * The outbox relay: messages are stored before they are enqueued, so if Redis was down at that
 * moment they wait in the database. This re-enqueues them; job ids make repeats harmless.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly queues: QueueHub,
    private readonly logger: Logger,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.sweep()
        .then(() => undefined)
        .finally(() => {
          this.running = undefined;
        });
    }, this.intervalMs);
    this.timer.unref();
  }

  /** One pass: enqueue every stranded inbound turn and outbound delivery. */
  async sweep(): Promise<{ turns: number; deliveries: number }> {
    const olderThan = new Date(Date.now() - STRANDED_AFTER_MS);
    let turns = 0;
    let deliveries = 0;
    try {
      for (const message of await listStrandedInbound(this.prisma, olderThan)) {
        await this.queues.enqueueTurn({ interactionId: message.id, conversationId: message.conversationId, correlationId: message.correlationId ?? message.id });
        turns++;
      }
      const byConversation = new Map<string, { ids: string[]; correlationId: string }>();
      for (const message of await listStrandedOutbound(this.prisma, olderThan)) {
        const entry = byConversation.get(message.conversationId) ?? { ids: [], correlationId: message.correlationId ?? message.id };
        entry.ids.push(message.id);
        byConversation.set(message.conversationId, entry);
      }
      for (const [conversationId, { ids, correlationId }] of byConversation) {
        await this.queues.enqueueDelivery(conversationId, ids, correlationId);
        deliveries++;
      }
      if (turns + deliveries > 0) this.logger.info({ turns, deliveries }, 'outbox relay re-enqueued stored work');
      await this.queues.reviveStuckWorkers();
    } catch (error) {
      this.logger.debug({ err: error }, 'outbox relay pass failed; will try again');
    }
    return { turns, deliveries };
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
