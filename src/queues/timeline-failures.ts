import { UnrecoverableError } from 'bullmq';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { NetworkError } from '../domain/network/network.ts';
import { recordTimelineEvent } from '../domain/timeline/timeline.service.ts';
import type { QueueName, QueueProcessor } from './registry.ts';

/**
 * Puts an unexpected failure of a tracked job on its subject's timeline, so the timeline shows
 * every attempt and error; best effort, since the database may be what failed. Not a network
 * failure nor an UnrecoverableError: the steps record those themselves.
 */
export function recordingFailures<Q extends QueueName>(prisma: PrismaClient, processor: QueueProcessor<Q>): QueueProcessor<Q> {
  return async (job, context) => {
    try {
      return await processor(job, context);
    } catch (error) {
      const subject = subjectOf(job.data);
      if (subject && !(error instanceof NetworkError) && !(error instanceof UnrecoverableError)) {
        const { run } = context;
        await recordTimelineEvent(prisma, {
          ...subject,
          kind: 'attempt',
          name: job.name,
          outcome: run.final ? 'failed' : 'retrying',
          attempt: run.attempt,
          error: error instanceof Error ? error.message.slice(0, 500) : String(error),
        }).catch(() => undefined);
      }
      throw error;
    }
  };
}

function subjectOf(data: object) {
  if ('orderId' in data && typeof data.orderId === 'string') return { subjectType: 'productOrder' as const, subjectId: data.orderId };
  if ('ticketId' in data && typeof data.ticketId === 'string') return { subjectType: 'troubleTicket' as const, subjectId: data.ticketId };
  if ('outageId' in data && typeof data.outageId === 'string') return { subjectType: 'outage' as const, subjectId: data.outageId };
  if ('adjustmentId' in data && typeof data.adjustmentId === 'string') return { subjectType: 'billAdjustment' as const, subjectId: data.adjustmentId };
  return undefined;
}
