import { Queue, Worker, type ConnectionOptions, type Processor } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../lib/logger.ts';
import { DELIVERY_QUEUE, deliveryJobId, type DeliveryJobData } from './delivery.processor.ts';
import { TURN_QUEUE, turnJobId, type TurnJobData } from './turn.processor.ts';

export interface QueueHubOptions {
  prefix: string;
  /** Fails fast when Redis is down (webhooks must not hang). */
  producer: Redis;
  /** Waits through Redis outages (maxRetriesPerRequest: null). */
  worker: Redis;
  delivery: { attempts: number; backoffMs: number };
  logger: Logger;
}

// Finished jobs are kept a while so their ids still deduplicate re-enqueues (BullMQ ignores an add
// whose jobId exists), then trimmed so Redis does not grow without bound.
const KEEP_COMPLETED = { age: 3600, count: 20_000 };
const KEEP_FAILED = { age: 7 * 24 * 3600 };

/** A worker idle while its oldest job has waited this long is considered stuck. */
const STUCK_AFTER_MS = 5000;

interface RunningWorker {
  queue: Queue;
  start: () => Worker;
  worker: Worker;
}

/** The product's BullMQ queues and workers, sharing one key prefix. */
export class QueueHub {
  readonly turns: Queue<TurnJobData>;
  readonly deliveries: Queue<DeliveryJobData>;
  private readonly workers: RunningWorker[] = [];

  constructor(private readonly options: QueueHubOptions) {
    const connection: ConnectionOptions = options.producer;
    this.turns = new Queue<TurnJobData>(TURN_QUEUE, { connection, prefix: options.prefix });
    this.deliveries = new Queue<DeliveryJobData>(DELIVERY_QUEUE, { connection, prefix: options.prefix });
    for (const queue of [this.turns, this.deliveries]) queue.on('error', (error) => options.logger.debug({ err: error }, 'queue error'));
  }

  async enqueueTurn(data: TurnJobData): Promise<void> {
    await this.turns.add('turn', data, {
      jobId: turnJobId(data.interactionId),
      attempts: 8,
      backoff: { type: 'exponential', delay: 200 },
      removeOnComplete: KEEP_COMPLETED,
      removeOnFail: KEEP_FAILED,
    });
  }

  /**
   * Queues the delivery of a conversation's pending replies. `attemptsUsed`: attempts already
   * made outside the queue (the turn worker's immediate delivery); the job makes the rest, the
   * first after one backoff delay.
   */
  async enqueueDelivery(conversationId: string, replyIds: string[], correlationId: string, attemptsUsed = 0): Promise<void> {
    const first = replyIds[0];
    if (!first) return;
    const { attempts, backoffMs } = this.options.delivery;
    await this.deliveries.add(
      'deliver',
      { conversationId, correlationId },
      {
        jobId: deliveryJobId(first),
        attempts: Math.max(1, attempts - attemptsUsed),
        backoff: { type: 'exponential', delay: backoffMs },
        ...(attemptsUsed > 0 ? { delay: backoffMs } : {}),
        removeOnComplete: KEEP_COMPLETED,
        removeOnFail: KEEP_FAILED,
      },
    );
  }

  /** Processes `queue` (one of this hub's) in this process. */
  startWorker<T>(queue: Queue<T>, processor: Processor<T>, concurrency: number, onFailed?: () => void): void {
    const queueName = queue.name;
    const start = () => {
      const worker = new Worker<T>(queueName, processor, {
        connection: this.options.worker,
        prefix: this.options.prefix,
        concurrency,
        // A crashed process's active jobs go back to waiting after this long without a heartbeat.
        lockDuration: 30_000,
      });
      worker.on('error', (error) => this.options.logger.warn({ err: error, queue: queueName }, 'worker error'));
      worker.on('failed', (job, error) => {
        onFailed?.();
        if (job) this.options.logger.warn({ err: error, queue: queueName, jobId: job.id, attemptsMade: job.attemptsMade }, 'job failed');
      });
      return worker;
    };
    this.workers.push({ queue, start, worker: start() });
  }

  /**
   * After Redis restarts, a BullMQ worker can stay idle with jobs waiting (taskforcesh/bullmq
   * #2466, #2964; the maintainers' advice is to replace it). Replaces any worker whose queue has
   * had a job waiting for a while with none active.
   */
  async reviveStuckWorkers(): Promise<number> {
    let revived = 0;
    for (const entry of this.workers) {
      const [oldest] = await entry.queue.getJobs(['waiting'], 0, 0, true);
      if (!oldest || Date.now() - oldest.timestamp < STUCK_AFTER_MS) continue;
      if ((await entry.queue.getActiveCount()) > 0) continue;
      this.options.logger.warn({ queue: entry.queue.name, waitingSince: new Date(oldest.timestamp).toISOString() }, 'worker idle with jobs waiting: replacing it');
      const stuck = entry.worker;
      entry.worker = entry.start();
      await Promise.race([stuck.close(true), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
      revived++;
    }
    return revived;
  }

  /** Job counts per queue, for /metrics. */
  async counts(): Promise<Record<string, Record<string, number>>> {
    const states = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;
    return {
      [TURN_QUEUE]: await this.turns.getJobCounts(...states),
      [DELIVERY_QUEUE]: await this.deliveries.getJobCounts(...states),
    };
  }

  /** Stops taking jobs, lets running ones finish, then closes the queues. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((entry) => entry.worker.close()));
    await Promise.all([this.turns.close(), this.deliveries.close()]);
  }
}
