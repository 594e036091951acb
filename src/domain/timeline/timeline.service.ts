import type { Prisma, PrismaClient, TimelineSubject } from '../../generated/prisma/client.ts';
import type { InteractionItemType } from '../../generated/prisma/enums.ts';
import type { DbClient } from '../../lib/db-types.ts';

// The history of an order, ticket, adjustment or outage. Jobs write an event for every state
// change, step, failed attempt and message; a completed step carries a unique stepKey written in
// the same transaction as the step's effects, which is what makes re-running a job harmless.

export type TimelineKind = 'state' | 'step' | 'attempt' | 'message' | 'sla' | 'escalation' | 'note';

export interface TimelineEntry {
  subjectType: TimelineSubject;
  subjectId: string;
  kind: TimelineKind;
  name: string;
  outcome?: string | undefined;
  attempt?: number | undefined;
  error?: string | undefined;
  detail?: string | undefined;
  data?: Prisma.InputJsonValue | undefined;
  /** Unique: an entry with a key already written is a step already done. */
  stepKey?: string | undefined;
  at?: Date | undefined;
}

export async function recordTimelineEvent(db: DbClient, entry: TimelineEntry): Promise<void> {
  await db.timelineEvent.create({ data: entry });
}

/** The completion record of a step, if it was done. */
export async function findStep(db: DbClient, stepKey: string) {
  return db.timelineEvent.findUnique({ where: { stepKey } });
}

export async function isStepDone(db: DbClient, stepKey: string): Promise<boolean> {
  return (await findStep(db, stepKey)) !== null;
}

/** Work to do once a transaction has committed (hand a text to delivery, queue a job). */
export type AfterCommit = () => Promise<void>;

export interface StepContext {
  tx: Prisma.TransactionClient;
  /** Registers work to run after the commit; a failure there is left to the sweep. */
  after(work: AfterCommit): void;
}

/**
 * Does a step once: in one transaction, checks its key, runs `effects` and writes the completion
 * event. Returns false (and changes nothing) when the step was already done. Two runs racing
 * each other: the loser's transaction fails on the unique key and rolls back whole.
 */
export async function completeStepOnce(
  prisma: PrismaClient,
  entry: TimelineEntry & { stepKey: string },
  effects?: (context: StepContext) => Promise<void>,
  onAfterCommitError?: (error: unknown) => void,
): Promise<boolean> {
  const afterCommit: AfterCommit[] = [];
  const done = await prisma.$transaction(async (tx) => {
    if (await tx.timelineEvent.findUnique({ where: { stepKey: entry.stepKey }, select: { id: true } })) return false;
    await effects?.({ tx, after: (work) => afterCommit.push(work) });
    await tx.timelineEvent.create({ data: { outcome: 'completed', ...entry } });
    return true;
  });
  for (const work of afterCommit) await work().catch((error: unknown) => onAfterCommitError?.(error));
  return done;
}

export interface TimelineItem {
  at: string;
  kind: TimelineKind | 'message';
  name: string;
  outcome: string | null;
  attempt: number | null;
  error: string | null;
  detail: string | null;
  data: unknown;
}

const INTERACTION_ITEM_TYPE: Record<TimelineSubject, InteractionItemType | null> = {
  productOrder: 'productOrder',
  troubleTicket: 'troubleTicket',
  billAdjustment: 'billAdjustment',
  outage: null,
};

/** A state change the subject's own process records (a ticket's status history). */
export interface RecordedStateChange {
  status: string;
  reason: string | null;
  changedAt: Date;
}

export interface TimelineOptions {
  limit?: number | undefined;
  /**
   * The subject's status history when its process keeps one (a ticket's status changes, whoever
   * made them): it replaces the state events jobs also write, which would repeat it.
   */
  stateChanges?: Promise<RecordedStateChange[]> | undefined;
}

/**
 * Everything that happened to a subject, oldest first: timeline events, its own status changes,
 * and the messages in and out linked to it in the contact log.
 */
export async function getTimeline(db: DbClient, subjectType: TimelineSubject, subjectId: string, options: TimelineOptions = {}): Promise<TimelineItem[]> {
  const limit = options.limit ?? 500;
  const itemType = INTERACTION_ITEM_TYPE[subjectType];
  const [events, statusChanges, links] = await Promise.all([
    db.timelineEvent.findMany({ where: { subjectType, subjectId }, orderBy: [{ at: 'asc' }, { id: 'asc' }], take: limit }),
    options.stateChanges ?? Promise.resolve([]),
    itemType
      ? db.interactionItem.findMany({
          where: { itemType, itemId: subjectId },
          orderBy: { createdAt: 'asc' },
          take: limit,
          select: { action: true, interaction: { select: { id: true, direction: true, channel: true, text: true, reason: true, createdAt: true, deliveryStatus: true } } },
        })
      : Promise.resolve([]),
  ]);
  const ownEvents = options.stateChanges ? events.filter((event) => event.kind !== 'state') : events;
  const items: TimelineItem[] = [
    ...ownEvents.map((event) => ({
      at: event.at.toISOString(),
      kind: toKind(event.kind),
      name: event.name,
      outcome: event.outcome,
      attempt: event.attempt,
      error: event.error,
      detail: event.detail,
      data: event.data,
    })),
    ...statusChanges.map((change) => ({
      at: change.changedAt.toISOString(),
      kind: 'state' as const,
      name: change.status,
      outcome: null,
      attempt: null,
      error: null,
      detail: change.reason,
      data: null,
    })),
    ...uniqueInteractions(links).map((interaction) => ({
      at: interaction.createdAt.toISOString(),
      kind: 'message' as const,
      name: interaction.direction === 'inbound' ? 'received' : 'sent',
      outcome: interaction.deliveryStatus,
      attempt: null,
      error: null,
      detail: interaction.text,
      data: { interactionId: interaction.id, channel: interaction.channel, reason: interaction.reason },
    })),
  ];
  return items.sort((a, b) => a.at.localeCompare(b.at)).slice(0, limit);
}

const KINDS: readonly TimelineKind[] = ['state', 'step', 'attempt', 'message', 'sla', 'escalation', 'note'];

function toKind(kind: string): TimelineKind {
  return KINDS.find((known) => known === kind) ?? 'note';
}

function uniqueInteractions<T extends { interaction: { id: string } }>(links: T[]): Array<T['interaction']> {
  const seen = new Map<string, T['interaction']>();
  for (const link of links) seen.set(link.interaction.id, link.interaction);
  return [...seen.values()];
}

/**
 * The last progress update the customer was texted (or will be, after quiet hours) about a
 * subject, for status replies ("ORD-100001: ..."): null when there was none.
 */
export async function latestCustomerUpdate(db: DbClient, subjectType: TimelineSubject, subjectId: string): Promise<{ at: Date; text: string } | null> {
  const event = await db.timelineEvent.findFirst({
    where: { subjectType, subjectId, kind: 'message', outcome: { in: ['sent', 'scheduled'] }, detail: { not: null } },
    orderBy: [{ at: 'desc' }, { id: 'desc' }],
    select: { at: true, detail: true },
  });
  return event?.detail ? { at: event.at, text: event.detail } : null;
}
