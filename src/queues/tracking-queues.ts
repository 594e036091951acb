import { FlowProducer, Queue, Worker, type FlowJobNode, type JobsOptions, type Processor } from 'bullmq';
import type { Redis } from 'ioredis';
import type { TrackingJobs } from '../domain/timeline/tracking-jobs.ts';
import { ITEM_STEPS } from '../domain/orders/order-fulfillment.ts';
import type { Logger } from '../lib/logger.ts';

// The queues that carry requests to completion (eTOM fulfillment, assurance, bill adjustments),
// their flows, delayed jobs and the periodic sweep (a BullMQ job scheduler). Every job has a
// deterministic id (entity id + step, plus a round or a due time where a step recurs), so asking
// twice queues once. The jobs themselves are re-runnable: each step records its completion in the
// database before its job completes (see src/domain/timeline/timeline.service.ts).

export const FULFILLMENT_QUEUE = 'fulfillment';
export const ASSURANCE_QUEUE = 'assurance';
export const ADJUSTMENTS_QUEUE = 'adjustments';
export const CUSTOMER_UPDATES_QUEUE = 'customer-updates';
export const SWEEP_QUEUE = 'tracking-sweep';

export const TRACKING_QUEUES = [FULFILLMENT_QUEUE, ASSURANCE_QUEUE, ADJUSTMENTS_QUEUE, CUSTOMER_UPDATES_QUEUE, SWEEP_QUEUE] as const;
export type TrackingQueueName = (typeof TRACKING_QUEUES)[number];

export type TrackingJobData = Record<string, string | number>;

const SWEEP_SCHEDULER_ID = 'tracking-sweep';

// As in queue-hub.ts: finished jobs are kept a while so their ids still deduplicate, then trimmed.
const KEEP_COMPLETED = { age: 3600, count: 20_000 };
const KEEP_FAILED = { age: 7 * 24 * 3600 };

/** A worker idle while its oldest job has waited this long is replaced (see QueueHub.reviveStuckWorkers). */
const STUCK_AFTER_MS = 5000;

export interface TrackingQueuesOptions {
  prefix: string;
  /** Fails fast when Redis is down. */
  producer: Redis;
  /** Waits through Redis outages (maxRetriesPerRequest: null). */
  worker: Redis;
  /** Attempts per job and the first retry delay (doubling). */
  attempts: number;
  backoffMs: number;
  /** A crashed process's active jobs are taken up again after this long without its heartbeat. */
  lockMs: number;
  logger: Logger;
}

interface RunningWorker {
  queue: Queue<TrackingJobData>;
  start: () => Worker<TrackingJobData>;
  worker: Worker<TrackingJobData>;
}

export class TrackingQueues implements TrackingJobs {
  readonly queues: Record<TrackingQueueName, Queue<TrackingJobData>>;
  private readonly flows: FlowProducer;
  private readonly workers: RunningWorker[] = [];
  private watchdog: NodeJS.Timeout | undefined;

  constructor(private readonly options: TrackingQueuesOptions) {
    const connection = options.producer;
    const make = (name: TrackingQueueName) => {
      const queue = new Queue<TrackingJobData>(name, { connection, prefix: options.prefix });
      queue.on('error', (error) => options.logger.debug({ err: error, queue: name }, 'queue error'));
      return queue;
    };
    this.queues = {
      [FULFILLMENT_QUEUE]: make(FULFILLMENT_QUEUE),
      [ASSURANCE_QUEUE]: make(ASSURANCE_QUEUE),
      [ADJUSTMENTS_QUEUE]: make(ADJUSTMENTS_QUEUE),
      [CUSTOMER_UPDATES_QUEUE]: make(CUSTOMER_UPDATES_QUEUE),
      [SWEEP_QUEUE]: make(SWEEP_QUEUE),
    };
    this.flows = new FlowProducer({ connection, prefix: options.prefix });
    this.flows.on('error', (error) => options.logger.debug({ err: error }, 'flow producer error'));
  }

  private jobOptions(jobId: string, extra: JobsOptions = {}): JobsOptions {
    return {
      jobId,
      attempts: this.options.attempts,
      backoff: { type: 'exponential', delay: this.options.backoffMs },
      removeOnComplete: KEEP_COMPLETED,
      removeOnFail: KEEP_FAILED,
      ...extra,
    };
  }

  /**
   * Adds the job unless one with its id exists; a failed one (it ran out of attempts, e.g. while
   * the database was down) is retried, since the sweep only asks for work still to do.
   */
  private async ensure(queueName: TrackingQueueName, name: string, data: TrackingJobData, jobId: string, extra: JobsOptions = {}): Promise<void> {
    const queue = this.queues[queueName];
    const existing = await queue.getJob(jobId);
    if (existing) {
      if (await existing.isFailed()) await existing.retry('failed');
      return;
    }
    await queue.add(name, data, this.jobOptions(jobId, extra));
  }

  private delayUntil(at: Date | undefined): JobsOptions {
    const delay = at ? at.getTime() - Date.now() : 0;
    return delay > 0 ? { delay } : {};
  }

  async startOrder(orderId: string): Promise<void> {
    await this.ensure(FULFILLMENT_QUEUE, 'validate', { orderId }, `${orderId}-validate`);
  }

  /**
   * The order's flow: one chain per item (reserve → provision → activate → test, each the child
   * of the next), all children of the order's `complete` job. A chain that fails for good does
   * not hold up the order (ignoreDependencyOnFailure): `complete` finds the item unfinished and
   * fails it. Nothing is added when the flow exists.
   */
  async addOrderFlow(orderId: string, itemIds: string[]): Promise<void> {
    const rootId = `${orderId}-complete`;
    const existing = await this.queues[FULFILLMENT_QUEUE].getJob(rootId);
    if (existing) {
      if (await existing.isFailed()) await existing.retry('failed');
      return;
    }
    const chain = (itemId: string): FlowJobNode => {
      let node: FlowJobNode | undefined;
      for (const step of ITEM_STEPS) {
        const job = { name: step, queueName: FULFILLMENT_QUEUE, data: { orderId, itemId }, opts: this.jobOptions(`${itemId}-${step}`, { ignoreDependencyOnFailure: true }) };
        node = node ? { ...job, children: [node] } : job;
      }
      if (!node) throw new Error('no item steps');
      return node;
    };
    await this.flows.add({ name: 'complete', queueName: FULFILLMENT_QUEUE, data: { orderId }, opts: this.jobOptions(rootId), children: itemIds.map(chain) });
  }

  async startTicket(ticketId: string): Promise<void> {
    await this.ensure(ASSURANCE_QUEUE, 'diagnose', { ticketId }, `${ticketId}-diagnose`);
  }

  async checkSla(ticketId: string, at?: Date): Promise<void> {
    const when = at ?? new Date();
    await this.ensure(ASSURANCE_QUEUE, 'sla-check', { ticketId }, `${ticketId}-sla-${when.getTime()}`, this.delayUntil(at));
  }

  async confirmResolution(ticketId: string, round: number): Promise<void> {
    await this.ensure(ASSURANCE_QUEUE, 'confirm-resolution', { ticketId, round }, `${ticketId}-ask-confirmation-${round}`);
  }

  async expireConfirmation(ticketId: string, round: number, at: Date): Promise<void> {
    await this.ensure(ASSURANCE_QUEUE, 'confirmation-timeout', { ticketId, round }, `${ticketId}-confirmation-timeout-${round}-${at.getTime()}`, this.delayUntil(at));
  }

  async resolveOutageTickets(outageId: string): Promise<void> {
    // One run a minute at most: a ticket linked after a run is picked up by the next sweep.
    await this.ensure(ASSURANCE_QUEUE, 'outage-restored', { outageId }, `${outageId}-restored-${Math.floor(Date.now() / 60_000)}`);
  }

  async applyAdjustment(adjustmentId: string): Promise<void> {
    await this.ensure(ADJUSTMENTS_QUEUE, 'apply', { adjustmentId }, `${adjustmentId}-apply`);
  }

  async explainRejection(adjustmentId: string): Promise<void> {
    await this.ensure(ADJUSTMENTS_QUEUE, 'explain-rejection', { adjustmentId }, `${adjustmentId}-explain-rejection`);
  }

  async sendScheduledText(stepKey: string, at: Date): Promise<void> {
    await this.ensure(CUSTOMER_UPDATES_QUEUE, 'send', { stepKey }, `${stepKey}-send`, this.delayUntil(at));
  }

  /** Whether the order's flow is in Redis (the sweep re-adds a lost one). */
  async hasOrderFlow(orderId: string): Promise<boolean> {
    return (await this.queues[FULFILLMENT_QUEUE].getJob(`${orderId}-complete`)) !== undefined;
  }

  /** Processes the queue in this process. */
  startWorker(queueName: TrackingQueueName, processor: Processor<TrackingJobData>, concurrency: number): void {
    const queue = this.queues[queueName];
    const start = () => {
      const worker = new Worker<TrackingJobData>(queueName, processor, {
        connection: this.options.worker,
        prefix: this.options.prefix,
        concurrency,
        lockDuration: this.options.lockMs,
        stalledInterval: Math.min(30_000, this.options.lockMs),
      });
      worker.on('error', (error) => this.options.logger.warn({ err: error, queue: queueName }, 'worker error'));
      worker.on('failed', (job, error) => {
        if (job) this.options.logger.warn({ err: error, queue: queueName, job: job.name, jobId: job.id, attemptsMade: job.attemptsMade }, 'tracking job failed');
      });
      return worker;
    };
    this.workers.push({ queue, start, worker: start() });
    if (!this.watchdog) {
      this.watchdog = setInterval(() => {
        void this.reviveStuckWorkers().catch(() => undefined);
      }, STUCK_AFTER_MS);
      this.watchdog.unref();
    }
  }

  /** Runs the sweep every `everyMs` (one BullMQ job scheduler shared by every instance). */
  async scheduleSweep(everyMs: number): Promise<void> {
    await this.queues[SWEEP_QUEUE].upsertJobScheduler(SWEEP_SCHEDULER_ID, { every: everyMs }, { name: 'sweep', data: {}, opts: { removeOnComplete: true, removeOnFail: { count: 100 } } });
  }

  /** After a Redis restart a worker can stay idle with jobs waiting: replace it (as QueueHub does). */
  private async reviveStuckWorkers(): Promise<void> {
    for (const entry of this.workers) {
      const [oldest] = await entry.queue.getJobs(['waiting'], 0, 0, true);
      if (!oldest || Date.now() - oldest.timestamp < STUCK_AFTER_MS) continue;
      if ((await entry.queue.getActiveCount()) > 0) continue;
      this.options.logger.warn({ queue: entry.queue.name }, 'tracking worker idle with jobs waiting: replacing it');
      const stuck = entry.worker;
      entry.worker = entry.start();
      await Promise.race([stuck.close(true), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    }
  }

  /** Job counts per queue and state, for /metrics. */
  async counts(): Promise<Record<string, Record<string, number>>> {
    const states = ['waiting', 'active', 'delayed', 'failed', 'completed', 'waiting-children'] as const;
    const entries = await Promise.all(TRACKING_QUEUES.map(async (name) => [name, await this.queues[name].getJobCounts(...states)] as const));
    return Object.fromEntries(entries);
  }

  /**
   * Stops this process's workers at once without finishing or failing their jobs: what a crash
   * looks like to Redis (the jobs' locks expire and another instance takes them up). For tests
   * of restarts.
   */
  async abandonWork(): Promise<void> {
    if (this.watchdog) clearInterval(this.watchdog);
    await Promise.all(this.workers.map((entry) => entry.worker.close(true).catch(() => undefined)));
  }

  /** Lets running jobs finish, then closes the workers, the flow producer and the queues. */
  async close(): Promise<void> {
    if (this.watchdog) clearInterval(this.watchdog);
    await Promise.all(this.workers.map((entry) => entry.worker.close()));
    await Promise.all([this.flows.close(), ...TRACKING_QUEUES.map((name) => this.queues[name].close())]);
  }
}
