import type { Job } from 'bullmq';
import { z } from 'zod';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { sendScheduledText, type CustomerTextDeps } from '../domain/notifications/customer-updates.ts';
import type { TrackingJobData } from './tracking-queues.ts';

const sendJob = z.object({ stepKey: z.string() });

/** The customer-updates queue: `send` a text that waited for the end of quiet hours (a delayed job). */
export function createCustomerUpdatesProcessor(prisma: PrismaClient, texts: CustomerTextDeps) {
  return async function processCustomerUpdate(job: Job<TrackingJobData>): Promise<unknown> {
    return { sent: await sendScheduledText(prisma, texts, sendJob.parse(job.data).stepKey) };
  };
}
