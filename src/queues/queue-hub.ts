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

/** The product's BullMQ queues and workers, sharing one key prefix. */
export class QueueHub {
  readonly turns: Queue<TurnJobData>;
  readonly deliveries: Queue<DeliveryJobData>;
  private readonly workers: Worker[] = [];

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

  async enqueueDelivery(conversationId: string, replyIds: string[], correlationId: string): Promise<void> {
    const first = replyIds[0];
    if (!first) return;
    await this.deliveries.add(
      'deliver',
      { conversationId, correlationId },
      {
        jobId: deliveryJobId(first),
        attempts: this.options.delivery.attempts,
        backoff: { type: 'exponential', delay: this.options.delivery.backoffMs },
        removeOnComplete: KEEP_COMPLETED,
        removeOnFail: KEEP_FAILED,
      },
    );
  }

  startWorker<T>(queueName: string, processor: Processor<T>, concurrency: number): Worker<T> {
    const worker = new Worker<T>(queueName, processor, {
      connection: this.options.worker,
      prefix: this.options.prefix,
      concurrency,
      // A crashed process's active jobs go back to waiting after this long without a heartbeat.
      lockDuration: 30_000,
    });
    worker.on('error', (error) => this.options.logger.warn({ err: error, queue: queueName }, 'worker error'));
    worker.on('failed', (job, error) => {
      if (job) this.options.logger.warn({ err: error, queue: queueName, jobId: job.id, attemptsMade: job.attemptsMade }, 'job failed');
    });
    this.workers.push(worker);
    return worker;
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
    await Promise.all(this.workers.map((worker) => worker.close()));
    await Promise.all([this.turns.close(), this.deliveries.close()]);
  }
}
