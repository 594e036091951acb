import type { PrismaClient } from '../generated/prisma/client.ts';
import { sendScheduledText, type CustomerTextDeps } from '../domain/notifications/customer-updates.ts';
import type { QueueProcessor } from './registry.ts';

/** The customer-updates queue: `send` a text that waited for the end of quiet hours (a delayed job). */
export function createCustomerUpdatesProcessor(prisma: PrismaClient, texts: CustomerTextDeps): QueueProcessor<'customer-updates'> {
  return async function processCustomerUpdate(job) {
    return { sent: await sendScheduledText(prisma, texts, job.data.stepKey) };
  };
}
