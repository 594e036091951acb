import { FlowProducer, Queue, UnrecoverableError, Worker, type FlowJobNode, type Job, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { JobRun, TrackingJobs } from '../domain/timeline/tracking-jobs.ts';
import { ITEM_STEPS } from '../domain/orders/order-fulfillment.ts';
import type { TurnRequest } from '../gateway/turn-runner.ts';
import type { Logger } from '../lib/logger.ts';

// Every queue of the product in one place: the jobs each carries (name and data, checked with zod
// when a worker takes one), how they retry and are kept, who processes them, and the typed methods
// producers call. Job ids are deterministic (entity id + step, plus a round or a due time where a
// step recurs; never a ':'), so asking twice queues once. Permanent failures are thrown as
// UnrecoverableError: the job fails at once, visibly, without retries.
//
// Recovery is one design: the two sweeps that re-enqueue work from the database (the outbox relay
// for messages, the tracking sweep for orders, tickets, adjustments and held texts) are queues of
// their own whose single job a BullMQ job scheduler runs every few seconds, once across all
// instances, with its runs and errors on the dashboard. A timer in each worker process watches the
// workers (replacing one that stalls) and puts back a scheduler Redis lost, since a sweep is what
// recovers from Redis losing its data and must not be lost with it.

const job = <N extends string, D extends z.ZodType>(name: N, data: D) => z.object({ name: z.literal(name), data });
const conversationTurn = z.object({ interactionId: z.string(), conversationId: z.string(), correlationId: z.string() });
const order = z.object({ orderId: z.string() });
const orderItem = z.object({ orderId: z.string(), itemId: z.string() });
const ticket = z.object({ ticketId: z.string() });
const ticketRound = z.object({ ticketId: z.string(), round: z.number().int() });
const adjustment = z.object({ adjustmentId: z.string() });
const nothing = z.object({});

/** Each queue's jobs: name and data. */
export const QUEUE_JOBS = {
  /** One per stored inbound message: runs the conversation's turns (src/gateway/turn-runner.ts). */
  turns: z.discriminatedUnion('name', [job('turn', conversationTurn)]),
  /** Hands a conversation's pending replies to the channel, with retries. */
  deliveries: z.discriminatedUnion('name', [job('deliver', z.object({ conversationId: z.string(), correlationId: z.string() }))]),
  /** `validate` (then adds the order's flow), the item steps, and `complete`, the flow's root. */
  fulfillment: z.discriminatedUnion('name', [
    job('validate', order),
    job('reserve', orderItem),
    job('provision', orderItem),
    job('activate', orderItem),
    job('test', orderItem),
    job('complete', order),
  ]),
  /** `sla-check` and `confirmation-timeout` are delayed to when they fall due. */
  assurance: z.discriminatedUnion('name', [
    job('diagnose', ticket),
    job('sla-check', ticket),
    job('confirm-resolution', ticketRound),
    job('confirmation-timeout', ticketRound),
    job('outage-restored', z.object({ outageId: z.string() })),
  ]),
  adjustments: z.discriminatedUnion('name', [job('apply', adjustment), job('explain-rejection', adjustment)]),
  /** A text that waited for the end of quiet hours (delayed). */
  'customer-updates': z.discriminatedUnion('name', [job('send', z.object({ stepKey: z.string() }))]),
  /** Recovery sweep: tracked work with no job (never started, or lost by Redis). */
  'tracking-sweep': z.discriminatedUnion('name', [job('sweep', nothing)]),
  /** Recovery sweep: stored messages with no job (Redis was down when they were stored). */
  'outbox-relay': z.discriminatedUnion('name', [job('sweep', nothing)]),
  /** Human agents: an offer's expiry (delayed to when it lapses), and the agents' sweep (presence timeouts, lapsed offers, assignment). */
  agents: z.discriminatedUnion('name', [job('offer-expiry', z.object({ conversationId: z.string(), version: z.number().int() })), job('sweep', nothing)]),
  /** Churn scores: one customer (deduplicated while waiting), the event sweep (a scheduler), the nightly rescore (a cron scheduler). */
  churn: z.discriminatedUnion('name', [job('score', z.object({ customerId: z.string(), trigger: z.string() })), job('event-sweep', nothing), job('nightly', nothing)]),
  /** A campaign's audience streamed in keyset pages into send jobs (one pass per launch or resume). */
  'campaign-dispatch': z.discriminatedUnion('name', [job('dispatch', z.object({ campaignId: z.string(), round: z.number().int() }))]),
  /** One message of a campaign: the compliance gate and the send, paced per sender. Job id = campaign + customer. */
  'campaign-sends': z.discriminatedUnion('name', [job('send', z.object({ campaignId: z.string(), customerId: z.string() }))]),
};

export type QueueName = keyof typeof QUEUE_JOBS;
export const QUEUE_NAMES = Object.keys(QUEUE_JOBS).filter((name): name is QueueName => name in QUEUE_JOBS);
/** A job of queue Q as its processor sees it: `{ name, data }`, typed per name. */
export type JobOf<Q extends QueueName> = z.infer<(typeof QUEUE_JOBS)[Q]>;
type JobName<Q extends QueueName> = JobOf<Q>['name'];
type JobData<Q extends QueueName, N extends JobName<Q>> = Extract<JobOf<Q>, { name: N }>['data'];

/** What a processor gets besides its job: which try this is, and BullMQ's job (to step aside, say). */
export interface JobContext {
  run: JobRun;
  job: Job;
  token: string | undefined;
}

export type QueueProcessor<Q extends QueueName> = (job: JobOf<Q>, context: JobContext) => Promise<unknown>;

/** The processors of the queues this process works on; a queue left out gets no worker here. */
export interface QueueProcessors {
  turns: QueueProcessor<'turns'>;
  deliveries: QueueProcessor<'deliveries'>;
  'outbox-relay': QueueProcessor<'outbox-relay'>;
  tracking?: {
    fulfillment: QueueProcessor<'fulfillment'>;
    assurance: QueueProcessor<'assurance'>;
    adjustments: QueueProcessor<'adjustments'>;
    'customer-updates': QueueProcessor<'customer-updates'>;
    'tracking-sweep': QueueProcessor<'tracking-sweep'>;
  };
  /** Offer expiries and the agents' sweep (src/domain/agents). */
  agents?: QueueProcessor<'agents'>;
  /** Churn scoring and campaigns (src/domain/churn, src/domain/campaigns). */
  marketing?: {
    churn: QueueProcessor<'churn'>;
    'campaign-dispatch': QueueProcessor<'campaign-dispatch'>;
    'campaign-sends': QueueProcessor<'campaign-sends'>;
  };
}

/** The settings the registry needs (the queue parts of the configuration). */
export interface QueueSettings {
  /** Redis key prefix of every queue. */
  prefix: string;
  turns: { concurrency: number };
  delivery: { concurrency: number; attempts: number; backoffMs: number };
  /** How often the outbox relay looks for stored messages with no job. */
  outbox: { intervalMs: number };
  /** Fulfillment, assurance, adjustments and held texts: retries, heartbeat, sweep interval. */
  tracking: { attempts: number; backoffMs: number; lockMs: number; concurrency: number; sweepMs: number };
  /** Turn and delivery jobs: a crashed process's active ones run again after `lockMs` (default 30 s). */
  messageJobs?: { lockMs: number };
  /** The agents' sweep interval (AGENT_SWEEP_INTERVAL); default 10 s. */
  agents?: { sweepMs: number };
  /** Churn: how often the event sweep runs, and the nightly rescore's cron pattern. Campaign sends at once per process. */
  marketing?: { churnEventSweepMs: number; churnNightlyCron: string; campaignSendConcurrency: number };
}

/** How a queue's jobs run. */
interface QueuePolicy {
  /** Tries per job (1 = no retry) and the first retry delay, doubling after. */
  attempts: number;
  backoffMs: number;
  /** A crashed process's active jobs are taken up again after this long without its heartbeat. */
  lockMs: number;
  /** Jobs run at once per process. */
  concurrency: number;
  /** How often a worker looks for stalled jobs (default: lockMs, at most 30 s); a lost job is moved back within about two of these after its lock expired. */
  stalledMs?: number;
  /** A recovery sweep: its one job runs every `everyMs` (a job scheduler). */
  everyMs?: number;
}

function queuePolicies(settings: QueueSettings): Record<QueueName, QueuePolicy> {
  const tracked: QueuePolicy = { attempts: settings.tracking.attempts, backoffMs: settings.tracking.backoffMs, lockMs: settings.tracking.lockMs, concurrency: settings.tracking.concurrency };
  return {
    turns: { attempts: 8, backoffMs: 200, ...messageJobLocks(settings), concurrency: settings.turns.concurrency },
    deliveries: { attempts: settings.delivery.attempts, backoffMs: settings.delivery.backoffMs, ...messageJobLocks(settings), concurrency: settings.delivery.concurrency },
    fulfillment: tracked,
    assurance: tracked,
    adjustments: tracked,
    'customer-updates': tracked,
    'tracking-sweep': { attempts: 1, backoffMs: 0, lockMs: settings.tracking.lockMs, concurrency: 1, everyMs: settings.tracking.sweepMs },
    'outbox-relay': { attempts: 1, backoffMs: 0, lockMs: 30_000, concurrency: 1, everyMs: settings.outbox.intervalMs },
    agents: { attempts: 3, backoffMs: 200, lockMs: 30_000, concurrency: 4, everyMs: settings.agents?.sweepMs ?? 10_000 },
    churn: { attempts: 3, backoffMs: 1000, lockMs: 60_000, concurrency: 4 },
    'campaign-dispatch': { attempts: 5, backoffMs: 1000, lockMs: 60_000, concurrency: 2 },
    'campaign-sends': { attempts: 5, backoffMs: 1000, lockMs: 30_000, concurrency: settings.marketing?.campaignSendConcurrency ?? 20 },
  };
}

/** Turn and delivery jobs: a crashed holder's job is checked for twice per lock period, so it moves again soon after its lock expires. */
function messageJobLocks(settings: QueueSettings): { lockMs: number; stalledMs?: number } {
  const lockMs = settings.messageJobs?.lockMs;
  return lockMs === undefined ? { lockMs: 30_000 } : { lockMs, stalledMs: Math.max(1000, Math.floor(lockMs / 2)) };
}

// Finished jobs are kept a while so their ids still deduplicate re-enqueues (BullMQ ignores an add
// whose jobId exists), then trimmed so Redis does not grow without bound.
const KEEP_COMPLETED = { age: 3600, count: 20_000 };
const KEEP_FAILED = { age: 7 * 24 * 3600 };

/** A worker idle while its oldest job has waited this long is considered stuck. */
const STUCK_AFTER_MS = 5000;

export interface QueueRegistryOptions {
  settings: QueueSettings;
  /** Fails fast when Redis is down (webhooks must not hang). */
  producer: Redis;
  /** Waits through Redis outages (maxRetriesPerRequest: null); workers block on it. */
  worker: Redis;
  logger: Logger;
  /** Called when a job of `queue` fails (each failed attempt). */
  onJobFailed?: (queue: QueueName) => void;
}

interface RunningWorker {
  queue: Queue;
  start: () => Worker;
  worker: Worker;
}

export class QueueRegistry implements TrackingJobs {
  private readonly queues: Record<QueueName, Queue>;
  private readonly policies: Record<QueueName, QueuePolicy>;
  private readonly flows: FlowProducer;
  private readonly workers: RunningWorker[] = [];
  private readonly sweeps: QueueName[] = [];
  private watchdog: NodeJS.Timeout | undefined;
  private watching: Promise<void> | undefined;

  constructor(private readonly options: QueueRegistryOptions) {
    const connection = options.producer;
    const prefix = options.settings.prefix;
    const make = (name: QueueName) => {
      const queue = new Queue(name, { connection, prefix });
      queue.on('error', (error) => options.logger.debug({ err: error, queue: name }, 'queue error'));
      return queue;
    };
    this.queues = {
      turns: make('turns'),
      deliveries: make('deliveries'),
      fulfillment: make('fulfillment'),
      assurance: make('assurance'),
      adjustments: make('adjustments'),
      'customer-updates': make('customer-updates'),
      'tracking-sweep': make('tracking-sweep'),
      'outbox-relay': make('outbox-relay'),
      agents: make('agents'),
      churn: make('churn'),
      'campaign-dispatch': make('campaign-dispatch'),
      'campaign-sends': make('campaign-sends'),
    };
    this.policies = queuePolicies(options.settings);
    this.flows = new FlowProducer({ connection, prefix });
    this.flows.on('error', (error) => options.logger.debug({ err: error }, 'flow producer error'));
  }

  /** The BullMQ queue (for the dashboard, and tests that look at jobs). */
  queue(name: QueueName): Queue {
    return this.queues[name];
  }

  /** Every queue, for the queue dashboard. */
  all(): Queue[] {
    return QUEUE_NAMES.map((name) => this.queues[name]);
  }

  // Producers.

  /** One job per stored inbound message; its id makes a re-enqueue of the same message a no-op. */
  async enqueueTurn(turn: TurnRequest): Promise<void> {
    await this.add('turns', 'turn', turn, `turn-${turn.interactionId}`);
  }

  /**
   * Queues the delivery of a conversation's pending replies, named for the first one so a
   * re-enqueue of the same replies is a no-op. `attemptsUsed`: attempts already made outside the
   * queue (the turn's immediate delivery); the job makes the rest, the first after one backoff.
   */
  async enqueueDelivery(conversationId: string, replyIds: string[], correlationId: string, attemptsUsed = 0): Promise<void> {
    const first = replyIds[0];
    if (!first) return;
    const { attempts, backoffMs } = this.policies.deliveries;
    await this.add('deliveries', 'deliver', { conversationId, correlationId }, `deliver-${first}`, {
      attempts: Math.max(1, attempts - attemptsUsed),
      ...(attemptsUsed > 0 ? { delay: backoffMs } : {}),
    });
  }

  /**
   * The outbox relay's re-enqueue of a stored message's turn: as enqueueTurn, except that a job
   * that failed for good (its attempts spent while the database was down, or stalled twice by
   * crashes) runs again: the message is still unhandled, so it still needs its turn.
   */
  async requeueTurn(turn: TurnRequest): Promise<void> {
    await this.ensure('turns', 'turn', turn, `turn-${turn.interactionId}`);
  }

  /** The same for a conversation's pending replies (a failed delivery job whose message is still pending). */
  async requeueDelivery(conversationId: string, replyIds: string[], correlationId: string): Promise<void> {
    const first = replyIds[0];
    if (!first) return;
    await this.ensure('deliveries', 'deliver', { conversationId, correlationId }, `deliver-${first}`);
  }

  async startOrder(orderId: string): Promise<void> {
    await this.ensure('fulfillment', 'validate', { orderId }, `${orderId}-validate`);
  }

  /**
   * The order's flow: one chain per item (reserve → provision → activate → test, each the child
   * of the next), all children of the order's `complete` job. A step that fails for good (after
   * its retries, or at once with UnrecoverableError: BullMQ treats both as final) does not hold
   * up its chain or the order (ignoreDependencyOnFailure): the later steps find the item failed
   * and skip, and `complete` compensates it. Nothing is added when the flow exists.
   */
  async addOrderFlow(orderId: string, itemIds: string[]): Promise<void> {
    const rootId = `${orderId}-complete`;
    const existing = await this.queues.fulfillment.getJob(rootId);
    if (existing) {
      if (await existing.isFailed()) await existing.retry('failed');
      return;
    }
    const chain = (itemId: string): FlowJobNode => {
      let node: FlowJobNode | undefined;
      for (const step of ITEM_STEPS) {
        const data: JobData<'fulfillment', typeof step> = { orderId, itemId };
        const next = { name: step, queueName: 'fulfillment', data, opts: this.jobOptions('fulfillment', `${itemId}-${step}`, { ignoreDependencyOnFailure: true }) };
        node = node ? { ...next, children: [node] } : next;
      }
      if (!node) throw new Error('no item steps');
      return node;
    };
    const data: JobData<'fulfillment', 'complete'> = { orderId };
    await this.flows.add({ name: 'complete', queueName: 'fulfillment', data, opts: this.jobOptions('fulfillment', rootId), children: itemIds.map(chain) });
  }

  /** Whether the order's flow is in Redis (the sweep re-adds a lost one). */
  async hasOrderFlow(orderId: string): Promise<boolean> {
    return (await this.queues.fulfillment.getJob(`${orderId}-complete`)) !== undefined;
  }

  async startTicket(ticketId: string): Promise<void> {
    await this.ensure('assurance', 'diagnose', { ticketId }, `${ticketId}-diagnose`);
  }

  async checkSla(ticketId: string, at?: Date): Promise<void> {
    const when = at ?? new Date();
    await this.ensure('assurance', 'sla-check', { ticketId }, `${ticketId}-sla-${when.getTime()}`, delayUntil(at));
  }

  async confirmResolution(ticketId: string, round: number): Promise<void> {
    await this.ensure('assurance', 'confirm-resolution', { ticketId, round }, `${ticketId}-ask-confirmation-${round}`);
  }

  async expireConfirmation(ticketId: string, round: number, at: Date): Promise<void> {
    await this.ensure('assurance', 'confirmation-timeout', { ticketId, round }, `${ticketId}-confirmation-timeout-${round}-${at.getTime()}`, delayUntil(at));
  }

  async resolveOutageTickets(outageId: string): Promise<void> {
    // One run a minute at most: a ticket linked after a run is picked up by the next sweep.
    await this.ensure('assurance', 'outage-restored', { outageId }, `${outageId}-restored-${Math.floor(Date.now() / 60_000)}`);
  }

  async applyAdjustment(adjustmentId: string): Promise<void> {
    await this.ensure('adjustments', 'apply', { adjustmentId }, `${adjustmentId}-apply`);
  }

  async explainRejection(adjustmentId: string): Promise<void> {
    await this.ensure('adjustments', 'explain-rejection', { adjustmentId }, `${adjustmentId}-explain-rejection`);
  }

  async sendScheduledText(stepKey: string, at: Date): Promise<void> {
    await this.ensure('customer-updates', 'send', { stepKey }, `${stepKey}-send`, delayUntil(at));
  }

  /** The offer that produced `version` lapses at `at` unless accepted or declined first (a no-op by then). */
  async expireOfferAt(conversationId: string, version: number, at: Date): Promise<void> {
    await this.add('agents', 'offer-expiry', { conversationId, version }, `offer-${conversationId}-${version}`, delayUntil(at));
  }

  /** Scores a customer soon; a score already waiting for them absorbs this one. */
  async scoreChurn(customerId: string, trigger: string): Promise<void> {
    await this.queues.churn.add('score', { customerId, trigger }, { ...this.jobOptions('churn', `churn-${customerId}-${Date.now()}`), deduplication: { id: `churn-${customerId}` } });
  }

  /** Starts (or, after a resume, restarts) streaming a campaign's audience into send jobs. */
  async dispatchCampaign(campaignId: string, round: number, at?: Date): Promise<void> {
    await this.ensure('campaign-dispatch', 'dispatch', { campaignId, round }, `${campaignId}-dispatch-${round}`, delayUntil(at));
  }

  /**
   * Queues campaign messages, one job per recipient, id campaign + customer: a re-dispatch after a
   * crash adds nothing twice (finished send jobs are removed, so a resume can queue the ones a
   * pause left; the recipient row, changed in the send's transaction, is what prevents a resend).
   */
  async enqueueCampaignSends(campaignId: string, customerIds: readonly string[]): Promise<void> {
    const options = (customerId: string) => ({ ...this.jobOptions('campaign-sends', `${campaignId}-${customerId}`), removeOnComplete: true });
    await this.queues['campaign-sends'].addBulk(customerIds.map((customerId) => ({ name: 'send', data: { campaignId, customerId }, opts: options(customerId) })));
  }

  /** Removes a campaign's waiting send jobs (cancel); running ones see the cancellation in their transaction. */
  async dropCampaignSends(campaignId: string, customerIds: readonly string[]): Promise<void> {
    await Promise.all(customerIds.map((customerId) => this.queues['campaign-sends'].remove(`${campaignId}-${customerId}`).catch(() => 0)));
  }

  private jobOptions(queue: QueueName, jobId: string, extra: JobsOptions = {}): JobsOptions {
    const { attempts, backoffMs } = this.policies[queue];
    return { jobId, attempts, backoff: { type: 'exponential', delay: backoffMs }, removeOnComplete: KEEP_COMPLETED, removeOnFail: KEEP_FAILED, ...extra };
  }

  private async add<Q extends QueueName, N extends JobName<Q>>(queue: Q, name: N, data: JobData<Q, N>, jobId: string, extra: JobsOptions = {}): Promise<void> {
    await this.queues[queue].add(name, data, this.jobOptions(queue, jobId, extra));
  }

  /**
   * Adds the job unless one with its id exists; a failed one (it ran out of attempts, e.g. while
   * the database was down) is retried, since the sweep only asks for work still to do.
   */
  private async ensure<Q extends QueueName, N extends JobName<Q>>(queue: Q, name: N, data: JobData<Q, N>, jobId: string, extra: JobsOptions = {}): Promise<void> {
    const existing = await this.queues[queue].getJob(jobId);
    if (existing) {
      if (await existing.isFailed()) await existing.retry('failed');
      return;
    }
    await this.add(queue, name, data, jobId, extra);
  }

  // Workers.

  /** Runs the given queues' workers in this process, their sweeps' schedulers, and the watch. */
  async startWorkers(processors: QueueProcessors): Promise<void> {
    this.startWorker('turns', QUEUE_JOBS.turns, processors.turns);
    this.startWorker('deliveries', QUEUE_JOBS.deliveries, processors.deliveries);
    this.startWorker('outbox-relay', QUEUE_JOBS['outbox-relay'], processors['outbox-relay']);
    const tracking = processors.tracking;
    if (tracking) {
      this.startWorker('fulfillment', QUEUE_JOBS.fulfillment, tracking.fulfillment);
      this.startWorker('assurance', QUEUE_JOBS.assurance, tracking.assurance);
      this.startWorker('adjustments', QUEUE_JOBS.adjustments, tracking.adjustments);
      this.startWorker('customer-updates', QUEUE_JOBS['customer-updates'], tracking['customer-updates']);
      this.startWorker('tracking-sweep', QUEUE_JOBS['tracking-sweep'], tracking['tracking-sweep']);
    }
    if (processors.agents) this.startWorker('agents', QUEUE_JOBS.agents, processors.agents);
    const marketing = processors.marketing;
    if (marketing) {
      this.startWorker('churn', QUEUE_JOBS.churn, marketing.churn);
      this.startWorker('campaign-dispatch', QUEUE_JOBS['campaign-dispatch'], marketing['campaign-dispatch']);
      this.startWorker('campaign-sends', QUEUE_JOBS['campaign-sends'], marketing['campaign-sends']);
      await this.scheduleChurn();
    }
    for (const queue of this.sweeps) await this.scheduleSweep(queue);
    // Checked as often as the relay runs (capped), so a lost scheduler or a stuck worker is noticed soon.
    this.watchdog = setInterval(() => {
      this.watching ??= this.watch().finally(() => {
        this.watching = undefined;
      });
    }, Math.min(this.options.settings.outbox.intervalMs, STUCK_AFTER_MS));
    this.watchdog.unref();
  }

  /** Starts `queue`'s worker: each job is checked against `schema` and handed to `processor` typed. */
  private startWorker<J>(name: QueueName, schema: z.ZodType<J>, processor: (job: J, context: JobContext) => Promise<unknown>): void {
    const policy = this.policies[name];
    const log = this.options.logger;
    const process = async (job: Job, token?: string) => {
      const parsed = schema.safeParse({ name: job.name, data: job.data });
      // A job this build does not know (or with data it cannot read) will not run better later.
      if (!parsed.success) throw new UnrecoverableError(`Unknown ${name} job ${job.name}: ${parsed.error.message}`);
      const attempt = job.attemptsMade + 1;
      return processor(parsed.data, { run: { attempt, final: attempt >= (job.opts.attempts ?? 1) }, job, token });
    };
    const start = () => {
      const worker = new Worker(name, process, {
        connection: this.options.worker,
        prefix: this.options.settings.prefix,
        concurrency: policy.concurrency,
        lockDuration: policy.lockMs,
        stalledInterval: policy.stalledMs ?? Math.min(30_000, policy.lockMs),
      });
      worker.on('error', (error) => log.warn({ err: error, queue: name }, 'worker error'));
      worker.on('failed', (job, error) => {
        this.options.onJobFailed?.(name);
        if (job) log.warn({ err: error, queue: name, job: job.name, jobId: job.id, attemptsMade: job.attemptsMade }, 'job failed');
      });
      return worker;
    };
    this.workers.push({ queue: this.queues[name], start, worker: start() });
    if (policy.everyMs !== undefined) this.sweeps.push(name);
  }

  /** Runs the sweep queue's one job every `everyMs` (one scheduler shared by every instance). */
  private async scheduleSweep(queue: QueueName): Promise<void> {
    const every = this.policies[queue].everyMs;
    if (every === undefined) return;
    await this.queues[queue].upsertJobScheduler(queue, { every }, { name: 'sweep', data: {}, opts: { removeOnComplete: true, removeOnFail: { count: 100 } } });
  }

  /** The churn event sweep (every few seconds) and the nightly rescore (a cron pattern), one scheduler each across instances. */
  private async scheduleChurn(): Promise<void> {
    const settings = this.options.settings.marketing;
    if (!settings) return;
    const opts = { removeOnComplete: true, removeOnFail: { count: 100 } };
    await this.queues.churn.upsertJobScheduler('churn-event-sweep', { every: settings.churnEventSweepMs }, { name: 'event-sweep', data: {}, opts });
    await this.queues.churn.upsertJobScheduler('churn-nightly', { pattern: settings.churnNightlyCron }, { name: 'nightly', data: {}, opts });
  }

  /** One pass of the watch: stuck workers replaced, lost sweep schedulers put back; best effort. */
  private async watch(): Promise<void> {
    try {
      await this.reviveStuckWorkers();
      for (const queue of this.sweeps) {
        if (await this.queues[queue].getJobScheduler(queue)) continue;
        this.options.logger.warn({ queue }, 'sweep scheduler missing (Redis lost its data?): putting it back');
        await this.scheduleSweep(queue);
      }
    } catch (error) {
      this.options.logger.debug({ err: error }, 'queue watch failed; will try again');
    }
  }

  /**
   * After Redis restarts, a BullMQ worker can stay idle with jobs waiting (taskforcesh/bullmq
   * #2466, #2964; the maintainers' advice is to replace it). Replaces any worker whose queue has
   * had a job waiting for a while with none active.
   */
  private async reviveStuckWorkers(): Promise<number> {
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

  /** Job counts per queue and state, for /metrics. */
  async counts(): Promise<Record<string, Record<string, number>>> {
    const states = ['waiting', 'active', 'delayed', 'failed', 'completed', 'waiting-children'] as const;
    const entries = await Promise.all(QUEUE_NAMES.map(async (name) => [name, await this.queues[name].getJobCounts(...states)] as const));
    return Object.fromEntries(entries);
  }

  /**
   * Stops this process's workers at once without finishing or failing their jobs: what a crash
   * looks like to Redis (the jobs' locks expire and another instance takes them up). For tests
   * of restarts.
   */
  async abandonWork(): Promise<void> {
    this.stopWatch();
    await Promise.all(this.workers.map((entry) => entry.worker.close(true).catch(() => undefined)));
  }

  /** Lets running jobs finish, then closes the workers, the flow producer and the queues. */
  async close(): Promise<void> {
    this.stopWatch();
    await this.watching;
    await Promise.all(this.workers.map((entry) => entry.worker.close()));
    await Promise.all([this.flows.close(), ...QUEUE_NAMES.map((name) => this.queues[name].close())]);
  }

  private stopWatch(): void {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = undefined;
  }
}

function delayUntil(at: Date | undefined): JobsOptions {
  const delay = at ? at.getTime() - Date.now() : 0;
  return delay > 0 ? { delay } : {};
}
