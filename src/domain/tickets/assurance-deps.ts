import type { PrismaClient } from '../../generated/prisma/client.ts';
import type { AdjustmentPolicySettings } from '../billing/adjustment-policy.ts';
import type { StepContext } from '../timeline/timeline.service.ts';
import type { TrackingJobs } from '../timeline/tracking-jobs.ts';
import { queueCustomerText, type CustomerTextDeps, type CustomerUpdate } from '../notifications/customer-updates.ts';
import type { Logger } from '../../lib/logger.ts';
import type { LineTester } from '../network/network.ts';

/** How long each severity's SLA runs and when it warns (the SLA_* settings). Durations in milliseconds. */
export interface SlaSettings {
  bySeverity: { critical: number; major: number; minor: number };
  warningPercent: number;
  confirmationTimeoutMs: number;
}

/** What eTOM Assurance needs: the database, the line tester, texts, follow-up jobs and the SLA settings. */
export interface AssuranceDeps {
  prisma: PrismaClient;
  network: LineTester;
  texts: CustomerTextDeps;
  jobs: TrackingJobs;
  sla: SlaSettings;
  /** SLA credits are proposed under the bill adjustment policy. */
  adjustments: AdjustmentPolicySettings;
  timeZone: string;
  supportPhone: string;
  now: () => Date;
  logger: Logger;
}

/** Texts the ticket's customer from inside a step's transaction (see customer-updates.ts). */
export async function textAboutTicket(context: StepContext, deps: AssuranceDeps, now: Date, update: Omit<CustomerUpdate, 'subjectType'>): Promise<void> {
  await queueCustomerText(context, deps.texts, { ...update, subjectType: 'troubleTicket' }, now);
}

/** Statuses in which a ticket is finished: its SLA clock is stopped. */
export const STOPPED_STATUSES = ['resolved', 'closed', 'cancelled', 'rejected'] as const;
