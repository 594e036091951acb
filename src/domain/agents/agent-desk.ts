import { randomUUID } from 'node:crypto';
import { Prisma, type ConversationOwner, type PrismaClient } from '../../generated/prisma/client.ts';
import type { Channel, OwnerState as DbOwnerState } from '../../generated/prisma/enums.ts';
import type { DbClient } from '../../lib/db-types.ts';
import { AppError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { recordAuditEvent } from '../audit/audit.service.ts';
import { handbackResume, handoffPacket, type AgentQueue, type HandbackResume, type HandoffPacket, type HandoffReason, type OwnerState, type PresenceStatus } from './agent-values.ts';
import type { ConsoleEvent, ConsoleEvents } from './console-events.ts';
import { buildHandoffPacket } from './handoff-packet.ts';
import { basePriority, effectivePriority, queueForIntent, staffing, type AgentRoutingSettings, type ChannelName, type ChurnRiskLookup } from './routing-rules.ts';

// The agent desk: one owner per conversation (bot → queued → offered → agent → bot, or closed),
// routing of waiting conversations to agents, and what agents do with them. Every ownership change
// is a compare-and-set on (state, version) in one UPDATE, in the same transaction as its
// OwnershipEvent (the contact log of ownership) and its audit event; live events, offer expiry
// jobs and customer messages go out only after the commit.

export type StaffRole = 'agent' | 'supervisor' | 'marketer' | 'admin';

/** A signed-in staff member acting on the desk. */
export interface StaffActor {
  staffId: string;
  role: StaffRole;
}

export interface AgentDeskPorts {
  /** Live events to consoles; absent: nothing is published (a process without the live layer). */
  events?: ConsoleEvents | undefined;
  /** Schedules the expiry of the offer that produced `version` (a delayed job). */
  scheduleOfferExpiry(conversationId: string, version: number, at: Date): Promise<void>;
  /** Hands a stored outbound message to the delivery queue (the outbox relay covers a failure). */
  deliverSoon(conversationId: string, interactionId: string, correlationId: string): Promise<void>;
  /** The churn scorer; absent: packets carry no churn risk. */
  churnRisk?: ChurnRiskLookup | undefined;
  /** An optional one-paragraph summary of a packet (an LLM); failures are ignored. */
  summarize?: ((packet: HandoffPacket) => Promise<string | null>) | undefined;
  logger: Logger;
}

export interface HandoffRequest {
  conversationId: string;
  reason: HandoffReason;
  intent: string | null;
  collected?: Record<string, string> | undefined;
  suggestedNextStep?: string | undefined;
  /** The inbound message that asked (the contact log's relationship). */
  relatedInteractionId?: string | undefined;
  correlationId?: string | undefined;
  now?: Date | undefined;
}

export type HandoffResult =
  | { kind: 'queued'; queue: AgentQueue; position: number; expectedWaitMinutes: number }
  /** Outside staffed hours, waiting for a person who will text back when the queue opens. */
  | { kind: 'callback'; queue: AgentQueue; opensAt: Date }
  /** Outside staffed hours, and this queue keeps the customer with the bot meanwhile. */
  | { kind: 'stay-with-bot'; queue: AgentQueue; opensAt: Date }
  /** A person already has it (or it waits for one). */
  | { kind: 'already'; state: OwnerState };

/** What a staff member takes: the queues they serve (none: all) and their capacity per channel (null: the default). */
export interface RoutingProfile {
  skills: AgentQueue[];
  capacity: Record<ChannelName, number | null>;
}

/** Whether the queue for a request has people now, and if not when it opens and what it does meanwhile. */
export type Availability =
  | { queue: AgentQueue; staffed: true }
  | { queue: AgentQueue; staffed: false; opensAt: Date; afterHours: 'callback' | 'bot' };

export interface OfferMade {
  conversationId: string;
  staffId: string;
  version: number;
  expiresAt: Date;
}

/** What a ConversationOwner row says, for views and events. */
export type OwnerRow = ConversationOwner;

const PERSON: DbOwnerState[] = ['queued', 'offered', 'agent'];
const ASSIGNMENT_LOCK = 7_310_113;
const HANDLE_HISTORY = 20;

interface Guard {
  states: readonly DbOwnerState[];
  /** Refusal when the state is not one of `states`. */
  wrongState: [code: string, message: string];
  version?: number | undefined;
  ownerStaffId?: string | undefined;
  offeredToStaffId?: string | undefined;
  /** Code when another change won the race between read and write. Default stale_version. */
  raceCode?: string;
}

interface ChangeLog {
  actorType: 'customer' | 'bot' | 'staff' | 'system';
  actorId: string | null;
  reason: string;
  note?: string | undefined;
  relatedInteractionId?: string | undefined;
  correlationId?: string | undefined;
}

function notFound(): AppError {
  return new AppError('not_found', 'conversation_not_found', 'There is no such conversation with a person.');
}

/**
 * The compare-and-set every ownership change goes through: checks the row as read (for a precise
 * refusal), then writes only if state and version are still what was read, in one UPDATE. Two
 * agents racing: both read version n, one UPDATE matches, the other matches nothing and is refused.
 */
async function changeOwner(
  tx: Prisma.TransactionClient,
  conversationId: string,
  guard: Guard,
  data: Prisma.ConversationOwnerUpdateManyMutationInput,
  log: ChangeLog,
): Promise<{ before: ConversationOwner; after: ConversationOwner }> {
  const before = await tx.conversationOwner.findUnique({ where: { conversationId } });
  if (!before) throw notFound();
  if (guard.version !== undefined && before.version !== guard.version) {
    throw new AppError('conflict', 'stale_version', `The conversation changed (version ${before.version}, you had ${guard.version}); reload it.`, { version: before.version, state: before.state });
  }
  if (!guard.states.includes(before.state)) throw new AppError('conflict', guard.wrongState[0], guard.wrongState[1], { version: before.version, state: before.state });
  if (guard.ownerStaffId !== undefined && before.ownerStaffId !== guard.ownerStaffId) {
    throw new AppError('forbidden', 'not_conversation_owner', 'Only the agent who owns this conversation can do that.');
  }
  if (guard.offeredToStaffId !== undefined && before.offeredToStaffId !== guard.offeredToStaffId) {
    throw new AppError('conflict', 'not_offered_to_you', 'This conversation is not offered to you (the offer may have moved on).');
  }
  const { count } = await tx.conversationOwner.updateMany({ where: { conversationId, state: before.state, version: before.version }, data: { ...data, version: before.version + 1 } });
  if (count === 0) throw new AppError('conflict', guard.raceCode ?? 'stale_version', 'Someone else changed this conversation at the same moment; reload it.');
  const after = await tx.conversationOwner.findUniqueOrThrow({ where: { conversationId } });
  await tx.ownershipEvent.create({
    data: {
      conversationId,
      version: after.version,
      fromState: before.state,
      toState: after.state,
      actorType: log.actorType,
      actorId: log.actorId,
      staffId: after.ownerStaffId ?? after.offeredToStaffId,
      queue: after.queue,
      reason: log.reason,
      note: log.note ?? null,
      relatedInteractionId: log.relatedInteractionId ?? null,
    },
  });
  await recordAuditEvent(tx, {
    actorType: log.actorType,
    actorId: log.actorId ?? undefined,
    action: `conversation.owner.${after.state}`,
    entityType: 'conversation',
    entityId: conversationId,
    details: { from: before.state, to: after.state, version: after.version, reason: log.reason, staffId: after.ownerStaffId ?? after.offeredToStaffId, queue: after.queue, ...(log.note ? { note: log.note } : {}) },
    correlationId: log.correlationId,
  });
  return { before, after };
}

/** A row in state bot for a conversation with none yet (first handoff or take-over). */
async function ensureOwnerRow(tx: Prisma.TransactionClient, conversationId: string): Promise<void> {
  const conversation = await tx.conversation.findUnique({ where: { id: conversationId }, select: { channel: true, customerId: true } });
  if (!conversation) throw notFound();
  await tx.conversationOwner.createMany({ data: [{ conversationId, channel: conversation.channel, customerId: conversation.customerId }], skipDuplicates: true });
}

/** Fields that reset whenever a conversation goes back to waiting. */
function waitingFields(queue: AgentQueue, now: Date): Prisma.ConversationOwnerUpdateManyMutationInput {
  return { state: 'queued', queue, ownerStaffId: null, offeredToStaffId: null, offerExpiresAt: null, queuedAt: now };
}

function capacityOf(settings: AgentRoutingSettings, presence: { capacitySms: number | null; capacityWebchat: number | null; capacityVoice: number | null }): Record<ChannelName, number> {
  return {
    sms: presence.capacitySms ?? settings.capacity.sms,
    webchat: presence.capacityWebchat ?? settings.capacity.webchat,
    voice: presence.capacityVoice ?? settings.capacity.voice,
  };
}

/** Conversations each staff member holds or is offered, per channel. */
async function loads(db: DbClient, staffIds?: string[]): Promise<Map<string, Record<ChannelName, number>>> {
  const rows = await db.conversationOwner.findMany({
    where: {
      OR: [
        { state: 'agent', ...(staffIds ? { ownerStaffId: { in: staffIds } } : { ownerStaffId: { not: null } }) },
        { state: 'offered', ...(staffIds ? { offeredToStaffId: { in: staffIds } } : { offeredToStaffId: { not: null } }) },
      ],
    },
    select: { state: true, ownerStaffId: true, offeredToStaffId: true, channel: true },
  });
  const result = new Map<string, Record<ChannelName, number>>();
  for (const row of rows) {
    const staffId = row.state === 'agent' ? row.ownerStaffId : row.offeredToStaffId;
    if (!staffId) continue;
    const load = result.get(staffId) ?? { sms: 0, webchat: 0, voice: 0 };
    load[row.channel] += 1;
    result.set(staffId, load);
  }
  return result;
}

export function emptyLoad(): Record<ChannelName, number> {
  return { sms: 0, webchat: 0, voice: 0 };
}

/** Presence as routing sees it: the chosen status while heartbeats keep coming, else offline. */
export function effectivePresence(row: { chosenStatus: PresenceStatus; lastHeartbeatAt: Date | null }, now: Date, settings: Pick<AgentRoutingSettings, 'presenceTimeoutMs'>): PresenceStatus {
  if (!row.lastHeartbeatAt || now.getTime() - row.lastHeartbeatAt.getTime() > settings.presenceTimeoutMs) return 'offline';
  return row.chosenStatus;
}

const CSAT_QUESTION = 'Thanks for talking with us today. How did we do? Reply with a number from 1 (poor) to 5 (great).';
const DIALOG_TOPICS: Record<Extract<HandbackResume, { kind: 'dialog' }>['intent'], string> = {
  'order.create': 'your order',
  'order.status': 'your order status',
  'ticket.create': 'reporting the fault',
  'ticket.status': 'your ticket',
  'bill.inquiry': 'your bill',
  'bill.dispute': 'the charge you dispute',
  'profile.view': 'your details',
  'profile.update': 'updating your details',
  'product.info': 'our plans',
  'service.cancel': 'your cancellation',
};

/** What the customer is told when the person hands back to the bot. */
export function handbackMessage(resume: HandbackResume): string {
  if (resume.kind === 'csat') return CSAT_QUESTION;
  return `You're back with our automated assistant, which will carry on with ${DIALOG_TOPICS[resume.intent]}. Reply to continue.`;
}

export type AgentDesk = ReturnType<typeof createAgentDesk>;

export function createAgentDesk(prisma: PrismaClient, settings: AgentRoutingSettings, ports: AgentDeskPorts) {
  const publish = async (events: ConsoleEvent[]) => {
    if (!ports.events) return;
    for (const event of events) {
      await ports.events.publish(event).catch((error: unknown) => ports.logger.warn({ err: error, type: event.type }, 'console event not published'));
    }
  };
  const iso = (date: Date) => date.toISOString();

  /** Events that describe the row after a change. */
  function eventsFor(before: ConversationOwner, after: ConversationOwner, extra: { staffId?: string | null; note?: string } = {}): ConsoleEvent[] {
    const at = iso(after.updatedAt);
    const base = { conversationId: after.conversationId, version: after.version, at };
    const queue = after.queue ?? 'general';
    const events: ConsoleEvent[] = [];
    switch (after.state) {
      case 'queued':
        events.push({ type: 'conversation.queued', ...base, queue, priority: after.priority, reason: (after.handoffReason ?? 'customer_asked') as HandoffReason, channel: after.channel });
        break;
      case 'offered':
        if (after.offeredToStaffId && after.offerExpiresAt) events.push({ type: 'conversation.offered', ...base, queue, staffId: after.offeredToStaffId, expiresAt: iso(after.offerExpiresAt) });
        break;
      case 'agent':
        if (after.ownerStaffId) events.push({ type: 'conversation.claimed', ...base, queue, staffId: after.ownerStaffId, previousStaffId: before.ownerStaffId ?? before.offeredToStaffId ?? null });
        break;
      case 'bot': {
        const resume = handbackResume.safeParse(after.resume);
        events.push({ type: 'conversation.handed-back', ...base, staffId: extra.staffId ?? before.ownerStaffId ?? '', resume: resume.success ? resume.data : { kind: 'csat' } });
        break;
      }
      case 'closed':
        events.push({ type: 'conversation.closed', ...base, staffId: extra.staffId ?? null });
        break;
    }
    // Every inbox that showed it before or shows it now.
    const staff = new Set([before.ownerStaffId, before.offeredToStaffId, after.ownerStaffId, after.offeredToStaffId].filter((id): id is string => Boolean(id)));
    for (const staffId of staff) events.push({ type: 'inbox.changed', staffId, queue: after.queue, at });
    if (before.state === 'queued' || after.state === 'queued') events.push({ type: 'inbox.changed', staffId: null, queue: after.queue, at });
    return events;
  }

  async function staffedView(queue: AgentQueue, now: Date) {
    return staffing(queue, now, settings);
  }

  /** Average seconds from an agent taking a conversation to handing it back or closing it (recent history). */
  async function recentHandleMs(): Promise<number> {
    const ends = await prisma.ownershipEvent.findMany({
      where: { fromState: 'agent', toState: { in: ['bot', 'closed'] } },
      orderBy: { at: 'desc' },
      take: HANDLE_HISTORY,
      select: { conversationId: true, at: true, version: true },
    });
    if (ends.length === 0) return settings.defaultHandleMs;
    const starts = await prisma.ownershipEvent.findMany({
      where: { toState: 'agent', conversationId: { in: ends.map((end) => end.conversationId) } },
      select: { conversationId: true, at: true, version: true },
    });
    const durations = ends.flatMap((end) => {
      const start = starts.filter((row) => row.conversationId === end.conversationId && row.version < end.version).sort((a, b) => b.version - a.version)[0];
      return start ? [end.at.getTime() - start.at.getTime()] : [];
    });
    return durations.length > 0 ? durations.reduce((sum, value) => sum + value, 0) / durations.length : settings.defaultHandleMs;
  }

  /** The customer's place among the conversations waiting in the queue (1 = next). */
  async function placeInQueue(row: ConversationOwner, now: Date): Promise<number> {
    const waiting = await prisma.conversationOwner.findMany({ where: { state: { in: ['queued', 'offered'] }, queue: row.queue }, select: { conversationId: true, priority: true, queuedAt: true } });
    const rank = (entry: { priority: number; queuedAt: Date | null }) => effectivePriority(entry.priority, now.getTime() - (entry.queuedAt ?? now).getTime(), settings);
    const mine = rank(row);
    return 1 + waiting.filter((other) => other.conversationId !== row.conversationId && (rank(other) > mine || (rank(other) === mine && (other.queuedAt ?? now) < (row.queuedAt ?? now)))).length;
  }

  async function expectedWaitMinutes(row: ConversationOwner, position: number, now: Date): Promise<number> {
    const queue = row.queue ?? 'general';
    const agents = await availableAgents(prisma, now);
    const skilled = agents.filter((agent) => agent.skills.length === 0 || agent.skills.includes(queue));
    const load = await loads(prisma, skilled.map((agent) => agent.staffId));
    const freeSlots = skilled.reduce((sum, agent) => sum + Math.max(0, capacityOf(settings, agent)[row.channel] - (load.get(agent.staffId)?.[row.channel] ?? 0)), 0);
    if (freeSlots >= position) return 1;
    const slots = Math.max(1, skilled.reduce((sum, agent) => sum + capacityOf(settings, agent)[row.channel], 0));
    return Math.max(1, Math.ceil(((position - freeSlots) * (await recentHandleMs())) / slots / 60_000));
  }

  async function availableAgents(db: DbClient, now: Date) {
    const rows = await db.agentPresence.findMany({ where: { chosenStatus: 'available', lastHeartbeatAt: { gte: new Date(now.getTime() - settings.presenceTimeoutMs) } } });
    return rows;
  }

  const desk = {
    settings,

    /** The owner row, or null for a conversation only the bot ever had. */
    async owner(conversationId: string): Promise<ConversationOwner | null> {
      return prisma.conversationOwner.findUnique({ where: { conversationId } });
    },

    /**
     * Whether a person can take a request about `intent` now: its skill queue's staffed hours, and
     * outside them what the queue does meanwhile (AGENT_AFTER_HOURS). The same rule handOff applies,
     * so a channel that must answer at once (a call: put through or not) decides as the desk will.
     */
    availability(intent: string | null, now: Date): Availability {
      const queue = queueForIntent(intent);
      const staffed = staffing(queue, now, settings);
      return staffed.staffed ? { queue, staffed: true } : { queue, staffed: false, opensAt: staffed.opensAt, afterHours: settings.afterHours[queue] };
    },

    /**
     * Hands the conversation to people: builds the packet, queues it by skill and priority (or,
     * outside staffed hours, keeps it with the bot where the queue says so), then offers waiting
     * conversations. Idempotent: a conversation a person already has stays as it is.
     */
    async handOff(request: HandoffRequest): Promise<HandoffResult> {
      const now = request.now ?? new Date();
      const queue = queueForIntent(request.intent);
      const staffed = await staffedView(queue, now);
      if (!staffed.staffed && settings.afterHours[queue] === 'bot') return { kind: 'stay-with-bot', queue, opensAt: staffed.opensAt };
      const existing = await prisma.conversationOwner.findUnique({ where: { conversationId: request.conversationId }, select: { state: true } });
      if (existing && PERSON.includes(existing.state)) return { kind: 'already', state: existing.state };
      const packet = await buildHandoffPacket(prisma, ports.churnRisk, {
        conversationId: request.conversationId,
        reason: request.reason,
        intent: request.intent,
        collected: request.collected ?? {},
        suggestedNextStep: request.suggestedNextStep,
        now,
      });
      if (ports.summarize) packet.summary = await ports.summarize(packet).catch(() => null);
      const priority = basePriority({ churnRisk: packet.churnRisk, repeatContact: packet.repeatContact, reason: request.reason });
      let changed: { before: ConversationOwner; after: ConversationOwner };
      try {
        changed = await prisma.$transaction(async (tx) => {
          await ensureOwnerRow(tx, request.conversationId);
          return changeOwner(
            tx,
            request.conversationId,
            { states: ['bot', 'closed'], wrongState: ['already_with_a_person', 'A person already has this conversation.'] },
            { ...waitingFields(queue, now), priority, passedBy: [], handoffReason: request.reason, handoffAt: now, packet, claimedAt: null, firstResponseAt: null, ownerReadAt: null, resume: Prisma.DbNull },
            { actorType: request.reason === 'staff_takeover' ? 'staff' : 'bot', actorId: null, reason: request.reason, relatedInteractionId: request.relatedInteractionId, correlationId: request.correlationId },
          );
        });
      } catch (error) {
        if (error instanceof AppError && error.code === 'already_with_a_person') {
          const state = (await prisma.conversationOwner.findUnique({ where: { conversationId: request.conversationId }, select: { state: true } }))?.state ?? 'queued';
          return { kind: 'already', state };
        }
        throw error;
      }
      await publish(eventsFor(changed.before, changed.after));
      await desk.assign(now);
      if (!staffed.staffed) return { kind: 'callback', queue, opensAt: staffed.opensAt };
      const current = (await prisma.conversationOwner.findUnique({ where: { conversationId: request.conversationId } })) ?? changed.after;
      const position = await placeInQueue(current, now);
      return { kind: 'queued', queue, position, expectedWaitMinutes: await expectedWaitMinutes(current, position, now) };
    },

    /**
     * Offers waiting conversations to available agents: highest priority first (base + waiting
     * time + SLA at risk), longest waiting first within a priority; each to one agent with the
     * skill and a free slot on the channel, the least loaded first, then the one offered to least
     * recently. One assignment at a time across instances (a transaction-scoped advisory lock), so
     * capacity is never over-committed.
     */
    async assign(now = new Date()): Promise<OfferMade[]> {
      const made = await prisma.$transaction(async (tx) => {
        await tx.$queryRaw`SELECT 1 AS "locked" FROM (SELECT pg_advisory_xact_lock(${ASSIGNMENT_LOCK}::bigint)) AS lock`;
        const waiting = await tx.conversationOwner.findMany({ where: { state: 'queued' }, orderBy: { queuedAt: 'asc' }, take: 200 });
        if (waiting.length === 0) return [];
        const agents = await availableAgents(tx, now);
        if (agents.length === 0) return [];
        const load = await loads(tx, agents.map((agent) => agent.staffId));
        const waited = (row: ConversationOwner) => now.getTime() - (row.queuedAt ?? now).getTime();
        waiting.sort((a, b) => effectivePriority(b.priority, waited(b), settings) - effectivePriority(a.priority, waited(a), settings) || (a.queuedAt?.getTime() ?? 0) - (b.queuedAt?.getTime() ?? 0));
        const offers: Array<{ offer: OfferMade; before: ConversationOwner; after: ConversationOwner }> = [];
        for (const row of waiting) {
          const queue = row.queue ?? 'general';
          const fits = agents.filter((agent) => (agent.skills.length === 0 || agent.skills.includes(queue)) && (load.get(agent.staffId)?.[row.channel] ?? 0) < capacityOf(settings, agent)[row.channel]);
          const fresh = fits.filter((agent) => !row.passedBy.includes(agent.staffId));
          if (fresh.length === 0) {
            // Everyone who could take it has passed on it: start the round again on the next run, rather than leave it in limbo.
            if (fits.length > 0) await tx.conversationOwner.updateMany({ where: { conversationId: row.conversationId, version: row.version }, data: { passedBy: [] } });
            continue;
          }
          const total = (staffId: string) => Object.values(load.get(staffId) ?? emptyLoad()).reduce((sum, value) => sum + value, 0);
          fresh.sort((a, b) => total(a.staffId) - total(b.staffId) || (a.lastOfferedAt?.getTime() ?? 0) - (b.lastOfferedAt?.getTime() ?? 0));
          const chosen = fresh[0];
          if (!chosen) continue;
          const expiresAt = new Date(now.getTime() + settings.offerTimeoutMs);
          const changed = await changeOwner(
            tx,
            row.conversationId,
            { states: ['queued'], wrongState: ['conversation_not_queued', 'No longer waiting.'], version: row.version },
            { state: 'offered', offeredToStaffId: chosen.staffId, offerExpiresAt: expiresAt },
            { actorType: 'system', actorId: null, reason: 'offered' },
          ).catch((error: unknown) => {
            if (error instanceof AppError) return undefined;
            throw error;
          });
          if (!changed) continue;
          await tx.agentPresence.update({ where: { staffId: chosen.staffId }, data: { lastOfferedAt: now } });
          chosen.lastOfferedAt = now;
          const chosenLoad = load.get(chosen.staffId) ?? emptyLoad();
          chosenLoad[row.channel] += 1;
          load.set(chosen.staffId, chosenLoad);
          offers.push({ offer: { conversationId: row.conversationId, staffId: chosen.staffId, version: changed.after.version, expiresAt }, ...changed });
        }
        return offers;
      });
      for (const { offer, before, after } of made) {
        await ports.scheduleOfferExpiry(offer.conversationId, offer.version, offer.expiresAt).catch((error: unknown) => ports.logger.warn({ err: error, conversationId: offer.conversationId }, 'offer expiry not scheduled; the agents sweep will expire it'));
        await publish(eventsFor(before, after));
      }
      return made.map((entry) => entry.offer);
    },

    /** The offer that produced `version` lapsed: back to the queue, the agent's miss counted (away after too many), then the next agent. */
    async expireOffer(conversationId: string, version: number, now = new Date()): Promise<boolean> {
      const row = await prisma.conversationOwner.findUnique({ where: { conversationId } });
      if (!row || row.state !== 'offered' || row.version !== version || !row.offeredToStaffId) return false;
      const staffId = row.offeredToStaffId;
      const result = await prisma
        .$transaction(async (tx) => {
          const changed = await changeOwner(
            tx,
            conversationId,
            { states: ['offered'], wrongState: ['not_offered', 'No offer to expire.'], version },
            { ...waitingFields(row.queue ?? 'general', row.queuedAt ?? now), passedBy: { push: staffId } },
            { actorType: 'system', actorId: null, reason: 'offer-expired' },
          );
          const presence = await tx.agentPresence.update({ where: { staffId }, data: { missedOffers: { increment: 1 } } });
          const setAway = presence.missedOffers >= settings.maxMissedOffers && presence.chosenStatus === 'available';
          if (setAway) {
            await tx.agentPresence.update({ where: { staffId }, data: { chosenStatus: 'away' } });
            await recordAuditEvent(tx, { actorType: 'system', action: 'agent.presence.away', entityType: 'staff', entityId: staffId, details: { cause: 'missed-offers', missedOffers: presence.missedOffers } });
          }
          return { changed, setAway };
        })
        .catch((error: unknown) => {
          if (error instanceof AppError) return undefined;
          throw error;
        });
      if (!result) return false;
      await publish(eventsFor(result.changed.before, result.changed.after));
      if (result.setAway) await publish([{ type: 'presence.changed', staffId, status: 'away', at: iso(now), cause: 'missed-offers' }]);
      await desk.assign(now);
      return true;
    },

    /** The offered agent takes it. */
    async accept(actor: StaffActor, conversationId: string, version: number): Promise<ConversationOwner> {
      const now = new Date();
      const changed = await prisma.$transaction(async (tx) => {
        const result = await changeOwner(
          tx,
          conversationId,
          { states: ['offered'], wrongState: ['not_offered_to_you', 'This conversation is not offered to anyone now.'], version, offeredToStaffId: actor.staffId },
          { state: 'agent', ownerStaffId: actor.staffId, offeredToStaffId: null, offerExpiresAt: null, claimedAt: now, ownerReadAt: null },
          { actorType: 'staff', actorId: actor.staffId, reason: 'accepted' },
        );
        await tx.agentPresence.updateMany({ where: { staffId: actor.staffId }, data: { missedOffers: 0 } });
        return result;
      });
      await publish(eventsFor(changed.before, changed.after));
      return changed.after;
    },

    /** The offered agent says no: back to the queue, and on to the next agent. */
    async decline(actor: StaffActor, conversationId: string, version: number): Promise<ConversationOwner> {
      const now = new Date();
      const changed = await prisma.$transaction(async (tx) => {
        const row = await tx.conversationOwner.findUnique({ where: { conversationId } });
        return changeOwner(
          tx,
          conversationId,
          { states: ['offered'], wrongState: ['not_offered_to_you', 'This conversation is not offered to anyone now.'], version, offeredToStaffId: actor.staffId },
          { ...waitingFields(row?.queue ?? 'general', row?.queuedAt ?? now), passedBy: { push: actor.staffId } },
          { actorType: 'staff', actorId: actor.staffId, reason: 'declined' },
        );
      });
      await publish(eventsFor(changed.before, changed.after));
      await desk.assign(now);
      return (await desk.owner(conversationId)) ?? changed.after;
    },

    /** An agent takes a waiting conversation straight from the queue (within their capacity). */
    async claim(actor: StaffActor, conversationId: string, version: number): Promise<ConversationOwner> {
      const now = new Date();
      const changed = await prisma.$transaction(async (tx) => {
        const row = await tx.conversationOwner.findUnique({ where: { conversationId } });
        if (!row) throw notFound();
        await checkCapacity(tx, actor.staffId, row.channel);
        return changeOwner(
          tx,
          conversationId,
          { states: ['queued'], wrongState: ['conversation_not_queued', 'This conversation is not waiting in a queue (someone may have it already).'], version, raceCode: 'already_claimed' },
          { state: 'agent', ownerStaffId: actor.staffId, offeredToStaffId: null, offerExpiresAt: null, claimedAt: now, ownerReadAt: null },
          { actorType: 'staff', actorId: actor.staffId, reason: 'claimed' },
        );
      });
      await publish(eventsFor(changed.before, changed.after));
      return changed.after;
    },

    /**
     * A person takes the conversation: from the bot or a queue (any agent), or from another agent
     * (supervisors and admins only). From the bot, a packet is built as for any handoff.
     */
    async takeOver(actor: StaffActor, conversationId: string, version: number, note?: string): Promise<ConversationOwner> {
      const now = new Date();
      const existing = await prisma.conversationOwner.findUnique({ where: { conversationId } });
      if (!existing && !(await prisma.conversation.findUnique({ where: { id: conversationId }, select: { id: true } }))) throw notFound();
      const fromBot = !existing || existing.state === 'bot' || existing.state === 'closed';
      const packet = fromBot ? await buildHandoffPacket(prisma, ports.churnRisk, { conversationId, reason: 'staff_takeover', intent: null, collected: {}, now }) : undefined;
      const supervisor = actor.role === 'supervisor' || actor.role === 'admin';
      const changed = await prisma.$transaction(async (tx) => {
        await ensureOwnerRow(tx, conversationId);
        const row = await tx.conversationOwner.findUniqueOrThrow({ where: { conversationId } });
        if (row.state === 'agent' && row.ownerStaffId !== actor.staffId && !supervisor) {
          throw new AppError('forbidden', 'staff_role_forbidden', 'Only a supervisor can take a conversation over from another agent.');
        }
        if (row.ownerStaffId === actor.staffId && row.state === 'agent') throw new AppError('conflict', 'already_yours', 'You already have this conversation.');
        if (!supervisor) await checkCapacity(tx, actor.staffId, row.channel);
        return changeOwner(
          tx,
          conversationId,
          { states: ['bot', 'closed', 'queued', 'offered', 'agent'], wrongState: ['conversation_not_available', 'This conversation cannot be taken over now.'], version },
          {
            state: 'agent',
            ownerStaffId: actor.staffId,
            offeredToStaffId: null,
            offerExpiresAt: null,
            claimedAt: now,
            ownerReadAt: null,
            ...(packet ? { packet, handoffReason: 'staff_takeover', handoffAt: now, queue: 'general', queuedAt: null, firstResponseAt: null, resume: Prisma.DbNull, passedBy: [] } : {}),
          },
          { actorType: 'staff', actorId: actor.staffId, reason: 'taken-over', note },
        );
      });
      await publish(eventsFor(changed.before, changed.after));
      if (changed.before.state === 'agent' || changed.before.state === 'offered') await desk.assign(now);
      return changed.after;
    },

    /** A supervisor gives the conversation to a named agent. */
    async reassign(actor: StaffActor, conversationId: string, version: number, staffId: string, note?: string): Promise<ConversationOwner> {
      if (actor.role !== 'supervisor' && actor.role !== 'admin') throw new AppError('forbidden', 'staff_role_forbidden', 'Only a supervisor can reassign a conversation.');
      const now = new Date();
      const changed = await prisma.$transaction(async (tx) => {
        if (!(await tx.agentPresence.findUnique({ where: { staffId }, select: { staffId: true } }))) {
          throw new AppError('invalid_request', 'unknown_agent', 'That staff member has never opened the agent console.');
        }
        return changeOwner(
          tx,
          conversationId,
          { states: ['queued', 'offered', 'agent'], wrongState: ['conversation_not_with_people', 'Only a conversation with people can be reassigned.'], version },
          { state: 'agent', ownerStaffId: staffId, offeredToStaffId: null, offerExpiresAt: null, claimedAt: now, ownerReadAt: null },
          { actorType: 'staff', actorId: actor.staffId, reason: 'reassigned', note },
        );
      });
      await publish(eventsFor(changed.before, changed.after));
      await desk.assign(now);
      return changed.after;
    },

    /** The owner (or a supervisor) moves it to a queue, or offers it to a named agent, with a note for them. */
    async transfer(actor: StaffActor, conversationId: string, version: number, to: { kind: 'queue'; queue: AgentQueue } | { kind: 'agent'; staffId: string }, note: string): Promise<ConversationOwner> {
      const now = new Date();
      const supervisor = actor.role === 'supervisor' || actor.role === 'admin';
      const changed = await prisma.$transaction(async (tx) => {
        if (to.kind === 'agent') {
          if (to.staffId === actor.staffId) throw new AppError('invalid_request', 'transfer_to_self', 'Choose another agent or a queue.');
          if (!(await tx.agentPresence.findUnique({ where: { staffId: to.staffId }, select: { staffId: true } }))) {
            throw new AppError('invalid_request', 'unknown_agent', 'That staff member has never opened the agent console.');
          }
        }
        const row = await tx.conversationOwner.findUnique({ where: { conversationId } });
        const data: Prisma.ConversationOwnerUpdateManyMutationInput =
          to.kind === 'queue'
            ? { ...waitingFields(to.queue, now), passedBy: [actor.staffId] }
            : { state: 'offered', ownerStaffId: null, offeredToStaffId: to.staffId, offerExpiresAt: new Date(now.getTime() + settings.offerTimeoutMs), queue: row?.queue ?? 'general', queuedAt: now, passedBy: [actor.staffId] };
        const result = await changeOwner(
          tx,
          conversationId,
          { states: ['agent'], wrongState: ['conversation_not_yours', 'Only a conversation an agent holds can be transferred.'], version, ownerStaffId: supervisor ? undefined : actor.staffId },
          data,
          { actorType: 'staff', actorId: actor.staffId, reason: 'transferred', note },
        );
        await tx.conversationNote.create({ data: { conversationId, staffId: actor.staffId, text: `Transfer note: ${note}` } });
        return result;
      });
      const at = iso(now);
      await publish([{ type: 'conversation.transferred', conversationId, version: changed.after.version, at, fromStaffId: changed.before.ownerStaffId, to, note }, ...eventsFor(changed.before, changed.after)]);
      if (to.kind === 'agent' && changed.after.offerExpiresAt) {
        await ports.scheduleOfferExpiry(conversationId, changed.after.version, changed.after.offerExpiresAt).catch((error: unknown) => ports.logger.warn({ err: error, conversationId }, 'offer expiry not scheduled'));
      }
      await desk.assign(now);
      return (await desk.owner(conversationId)) ?? changed.after;
    },

    /** Back to the bot, which asks for a 1–5 rating or carries on with a named request; the customer is told at once. */
    async handBack(actor: StaffActor, conversationId: string, version: number, resume: HandbackResume): Promise<ConversationOwner> {
      const now = new Date();
      const supervisor = actor.role === 'supervisor' || actor.role === 'admin';
      const messageId = randomUUID();
      const changed = await prisma.$transaction(async (tx) => {
        const result = await changeOwner(
          tx,
          conversationId,
          { states: ['agent'], wrongState: ['conversation_not_yours', 'Only a conversation an agent holds can be handed back.'], version, ownerStaffId: supervisor ? undefined : actor.staffId },
          { state: 'bot', ownerStaffId: null, offeredToStaffId: null, offerExpiresAt: null, resume },
          { actorType: 'staff', actorId: actor.staffId, reason: 'handed-back', note: resume.kind === 'dialog' ? resume.intent : 'csat' },
        );
        await storeOutbound(tx, conversationId, messageId, handbackMessage(resume), 'agent.handback');
        return result;
      });
      await ports.deliverSoon(conversationId, messageId, messageId).catch(() => undefined);
      await publish(eventsFor(changed.before, changed.after, { staffId: actor.staffId }));
      await desk.assign(now);
      return changed.after;
    },

    /** Ends the conversation with people; the customer's next message starts fresh with the bot. */
    async close(actor: StaffActor, conversationId: string, version: number, note?: string): Promise<ConversationOwner> {
      const now = new Date();
      const supervisor = actor.role === 'supervisor' || actor.role === 'admin';
      const changed = await prisma.$transaction(async (tx) => {
        const row = await tx.conversationOwner.findUnique({ where: { conversationId } });
        if (row && row.state === 'agent' && row.ownerStaffId !== actor.staffId && !supervisor) throw new AppError('forbidden', 'not_conversation_owner', 'Only the agent who owns this conversation can close it.');
        if (row && row.state !== 'agent' && !supervisor) throw new AppError('forbidden', 'staff_role_forbidden', 'Only a supervisor can close a conversation no agent holds.');
        return changeOwner(
          tx,
          conversationId,
          { states: ['queued', 'offered', 'agent'], wrongState: ['conversation_not_with_people', 'This conversation is not with people.'], version },
          { state: 'closed', ownerStaffId: null, offeredToStaffId: null, offerExpiresAt: null, resume: Prisma.DbNull },
          { actorType: 'staff', actorId: actor.staffId, reason: 'closed', note },
        );
      });
      await publish(eventsFor(changed.before, changed.after, { staffId: actor.staffId }));
      await desk.assign(now);
      return changed.after;
    },

    /**
     * The owning agent's reply: stored as an outbound interaction like a bot reply and handed to the
     * same delivery queue (conversation lock, order, opt-out). The owner check holds the owner row's
     * lock until the message is stored, so a reply never lands after the conversation changed hands.
     * Idempotent on the console's clientMessageId.
     */
    async reply(actor: StaffActor, conversationId: string, text: string, clientMessageId: string): Promise<{ messageId: string; duplicate: boolean; deliveryStatus: string }> {
      const now = new Date();
      const previous = await prisma.agentReply.findUnique({ where: { staffId_clientMessageId: { staffId: actor.staffId, clientMessageId } } });
      if (previous) {
        if (previous.conversationId !== conversationId) throw new AppError('conflict', 'client_message_id_reused', 'That clientMessageId was used for another conversation.');
        const stored = await prisma.interaction.findUnique({ where: { id: previous.interactionId }, select: { deliveryStatus: true } });
        return { messageId: previous.interactionId, duplicate: true, deliveryStatus: stored?.deliveryStatus ?? 'pending' };
      }
      const messageId = randomUUID();
      const stored = await prisma.$transaction(async (tx) => {
        const owned = await tx.$queryRaw<Array<{ conversationId: string }>>`
          UPDATE "ConversationOwner" SET "firstResponseAt" = COALESCE("firstResponseAt", ${now}::timestamp), "ownerReadAt" = ${now}::timestamp
          WHERE "conversationId" = ${conversationId} AND "state" = 'agent' AND "ownerStaffId" = ${actor.staffId}
          RETURNING "conversationId"`;
        if (owned.length === 0) {
          const row = await tx.conversationOwner.findUnique({ where: { conversationId }, select: { state: true } });
          if (!row) throw notFound();
          throw new AppError('forbidden', 'not_conversation_owner', 'Only the agent who owns this conversation can reply to the customer.');
        }
        const message = await storeOutbound(tx, conversationId, messageId, text, 'agent.reply');
        const consent = await tx.consent.findUnique({ where: { channel_address_purpose: { channel: message.channel, address: message.toAddress, purpose: 'service' } }, select: { status: true } });
        if (consent?.status === 'revoked') throw new AppError('not_allowed', 'recipient_opted_out', 'The customer has opted out (STOP) on this channel; the reply was not sent.');
        await tx.agentReply.create({ data: { interactionId: messageId, conversationId, staffId: actor.staffId, clientMessageId } });
        await recordAuditEvent(tx, { actorType: 'staff', actorId: actor.staffId, action: 'conversation.agentReply', entityType: 'interaction', entityId: messageId, details: { conversationId } });
        return message;
      });
      await ports.deliverSoon(conversationId, messageId, messageId).catch(() => undefined);
      await publish([{ type: 'conversation.message', conversationId, at: iso(now), messageId, direction: 'outbound', channel: stored.channel, text, staffId: actor.staffId, ownerStaffId: actor.staffId }]);
      return { messageId, duplicate: false, deliveryStatus: 'pending' };
    },

    /** An internal note: staff only, never sent. */
    async note(actor: StaffActor, conversationId: string, text: string): Promise<{ noteId: string; at: Date }> {
      const conversation = await prisma.conversation.findUnique({ where: { id: conversationId }, select: { channel: true } });
      if (!conversation) throw notFound();
      const owner = await prisma.conversationOwner.findUnique({ where: { conversationId }, select: { ownerStaffId: true } });
      const note = await prisma.$transaction(async (tx) => {
        const created = await tx.conversationNote.create({ data: { conversationId, staffId: actor.staffId, text } });
        await recordAuditEvent(tx, { actorType: 'staff', actorId: actor.staffId, action: 'conversation.note', entityType: 'conversation', entityId: conversationId, details: { noteId: created.id } });
        return created;
      });
      await publish([{ type: 'conversation.message', conversationId, at: iso(note.createdAt), messageId: note.id, direction: 'internal', channel: conversation.channel, text, staffId: actor.staffId, ownerStaffId: owner?.ownerStaffId ?? null }]);
      return { noteId: note.id, at: note.createdAt };
    },

    /** The owner has read the customer's messages up to now. */
    async markRead(actor: StaffActor, conversationId: string): Promise<void> {
      const { count } = await prisma.conversationOwner.updateMany({ where: { conversationId, ownerStaffId: actor.staffId }, data: { ownerReadAt: new Date() } });
      if (count === 0) {
        if (!(await prisma.conversationOwner.findUnique({ where: { conversationId }, select: { state: true } }))) throw notFound();
        throw new AppError('forbidden', 'not_conversation_owner', 'Only the agent who owns this conversation has unread counts on it.');
      }
    },

    /** The agent's chosen presence; becoming available offers them waiting conversations. */
    async setPresence(actor: StaffActor, status: PresenceStatus, now = new Date()) {
      const before = await prisma.agentPresence.findUnique({ where: { staffId: actor.staffId } });
      const row = await prisma.agentPresence.upsert({
        where: { staffId: actor.staffId },
        create: { staffId: actor.staffId, chosenStatus: status, lastHeartbeatAt: now },
        update: { chosenStatus: status, lastHeartbeatAt: now, timedOutFrom: null, ...(status === 'available' ? { missedOffers: 0 } : {}) },
      });
      if (!before || effectivePresence(before, now, settings) !== status) {
        await recordAuditEvent(prisma, { actorType: 'staff', actorId: actor.staffId, action: `agent.presence.${status}`, entityType: 'staff', entityId: actor.staffId });
        await publish([{ type: 'presence.changed', staffId: actor.staffId, status, at: iso(now), cause: 'toggle' }]);
      }
      if (status === 'available') await desk.assign(now);
      return row;
    },

    /**
     * A supervisor or admin sets what a staff member takes: the queues they serve (none: every
     * queue) and their capacity per channel (null: the AGENT_CAPACITY_* default). The staff member
     * must be one who can take conversations; audited with before and after, and waiting
     * conversations are offered again at once (a larger capacity or a new skill may fit one).
     */
    async setRoutingProfile(actor: StaffActor, staff: { id: string; role: StaffRole; disabled: boolean }, profile: RoutingProfile, now = new Date()) {
      if (actor.role !== 'supervisor' && actor.role !== 'admin') throw new AppError('forbidden', 'staff_role_forbidden', 'Only a supervisor can change what an agent takes.');
      if (staff.role === 'marketer') throw new AppError('invalid_request', 'not_an_agent', 'Marketers do not take conversations.');
      if (staff.disabled) throw new AppError('conflict', 'staff_disabled', 'That staff member is disabled.');
      const data = { skills: [...new Set(profile.skills)], capacitySms: profile.capacity.sms, capacityWebchat: profile.capacity.webchat, capacityVoice: profile.capacity.voice };
      const before = await prisma.agentPresence.findUnique({ where: { staffId: staff.id } });
      const row = await prisma.agentPresence.upsert({ where: { staffId: staff.id }, create: { staffId: staff.id, chosenStatus: 'offline', ...data }, update: data });
      await recordAuditEvent(prisma, {
        actorType: 'staff',
        actorId: actor.staffId,
        action: 'agent.routing.updated',
        entityType: 'staff',
        entityId: staff.id,
        details: {
          before: before ? { skills: before.skills, capacity: { sms: before.capacitySms, webchat: before.capacityWebchat, voice: before.capacityVoice } } : null,
          after: { skills: data.skills, capacity: profile.capacity },
        },
      });
      await publish([{ type: 'inbox.changed', staffId: staff.id, queue: null, at: iso(now) }]);
      await desk.assign(now);
      return row;
    },

    /**
     * A console is open: keeps the chosen presence alive (back from a lapse, it counts again). An
     * agent the sweep set offline for missing heartbeats (not by their own choice) gets back what
     * they had chosen, in the same compare-and-set on the row the sweep wrote.
     */
    async heartbeat(actor: StaffActor, now = new Date()) {
      const before = await prisma.agentPresence.findUnique({ where: { staffId: actor.staffId } });
      if (before?.chosenStatus === 'offline' && before.timedOutFrom) {
        const { count } = await prisma.agentPresence.updateMany({
          where: { staffId: actor.staffId, chosenStatus: 'offline', timedOutFrom: before.timedOutFrom },
          data: { chosenStatus: before.timedOutFrom, timedOutFrom: null, lastHeartbeatAt: now, ...(before.timedOutFrom === 'available' ? { missedOffers: 0 } : {}) },
        });
        if (count > 0) {
          await recordAuditEvent(prisma, { actorType: 'staff', actorId: actor.staffId, action: `agent.presence.${before.timedOutFrom}`, entityType: 'staff', entityId: actor.staffId, details: { cause: 'heartbeat-after-timeout' } });
          await publish([{ type: 'presence.changed', staffId: actor.staffId, status: before.timedOutFrom, at: iso(now), cause: 'heartbeat' }]);
          if (before.timedOutFrom === 'available') await desk.assign(now);
          return prisma.agentPresence.findUniqueOrThrow({ where: { staffId: actor.staffId } });
        }
      }
      const row = await prisma.agentPresence.upsert({ where: { staffId: actor.staffId }, create: { staffId: actor.staffId, chosenStatus: 'offline', lastHeartbeatAt: now }, update: { lastHeartbeatAt: now } });
      if (before && effectivePresence(before, now, settings) !== row.chosenStatus) {
        await publish([{ type: 'presence.changed', staffId: actor.staffId, status: row.chosenStatus, at: iso(now), cause: 'heartbeat' }]);
        if (row.chosenStatus === 'available') await desk.assign(now);
      }
      return row;
    },

    /**
     * The agents' sweep (a job scheduler): agents whose heartbeats stopped go offline (and what
     * they held goes back to the queue, so no customer waits on a closed tab); offers whose expiry
     * job was lost are expired; waiting conversations are offered.
     */
    async sweep(now = new Date()): Promise<{ wentOffline: number; requeued: number; expired: number; offered: number }> {
      const cutoff = new Date(now.getTime() - settings.presenceTimeoutMs);
      const lapsed = await prisma.agentPresence.findMany({ where: { chosenStatus: { not: 'offline' }, OR: [{ lastHeartbeatAt: null }, { lastHeartbeatAt: { lt: cutoff } }] } });
      let requeued = 0;
      for (const presence of lapsed) {
        const { count } = await prisma.agentPresence.updateMany({ where: { staffId: presence.staffId, chosenStatus: presence.chosenStatus, lastHeartbeatAt: presence.lastHeartbeatAt }, data: { chosenStatus: 'offline', timedOutFrom: presence.chosenStatus } });
        if (count === 0) continue;
        await recordAuditEvent(prisma, { actorType: 'system', action: 'agent.presence.offline', entityType: 'staff', entityId: presence.staffId, details: { cause: 'timeout' } });
        await publish([{ type: 'presence.changed', staffId: presence.staffId, status: 'offline', at: iso(now), cause: 'timeout' }]);
        const held = await prisma.conversationOwner.findMany({ where: { state: 'agent', ownerStaffId: presence.staffId } });
        for (const row of held) {
          const changed = await prisma
            .$transaction((tx) =>
              changeOwner(
                tx,
                row.conversationId,
                { states: ['agent'], wrongState: ['conversation_not_yours', 'moved'], version: row.version },
                { ...waitingFields(row.queue ?? 'general', now), passedBy: [presence.staffId] },
                { actorType: 'system', actorId: null, reason: 'owner-offline' },
              ),
            )
            .catch(() => undefined);
          if (!changed) continue;
          requeued++;
          await publish(eventsFor(changed.before, changed.after));
        }
      }
      let expired = 0;
      const stale = await prisma.conversationOwner.findMany({ where: { state: 'offered', offerExpiresAt: { lt: now } }, select: { conversationId: true, version: true } });
      for (const row of stale) if (await desk.expireOffer(row.conversationId, row.version, now)) expired++;
      const offered = (await desk.assign(now)).length;
      return { wentOffline: lapsed.length, requeued, expired, offered };
    },

    /** Publishes a customer message that reached a conversation with people (from the turn runner). */
    async customerMessage(message: { conversationId: string; interactionId: string; channel: Channel; text: string; at: Date; ownerStaffId: string | null }): Promise<void> {
      const events: ConsoleEvent[] = [
        { type: 'conversation.message', conversationId: message.conversationId, at: iso(message.at), messageId: message.interactionId, direction: 'inbound', channel: message.channel, text: message.text, staffId: null, ownerStaffId: message.ownerStaffId },
        { type: 'inbox.changed', staffId: message.ownerStaffId, queue: null, at: iso(message.at) },
      ];
      await publish(events);
    },
  };

  /** Refuses a take that would put the agent over their capacity on the channel. */
  async function checkCapacity(tx: Prisma.TransactionClient, staffId: string, channel: ChannelName): Promise<void> {
    const presence = await tx.agentPresence.findUnique({ where: { staffId } });
    const capacity = capacityOf(settings, presence ?? { capacitySms: null, capacityWebchat: null, capacityVoice: null })[channel];
    const load = (await loads(tx, [staffId])).get(staffId)?.[channel] ?? 0;
    if (load >= capacity) throw new AppError('conflict', 'over_capacity', `You already hold ${load} ${channel} conversation(s), your capacity; finish one first.`, { load, capacity });
  }

  return desk;
}

/** Stores an outbound message of a conversation like a turn's reply (pending delivery), addressed as its last inbound message. */
async function storeOutbound(tx: Prisma.TransactionClient, conversationId: string, id: string, text: string, reason: string) {
  const conversation = await tx.conversation.findUnique({ where: { id: conversationId }, select: { channel: true, externalId: true, serviceAddress: true, customerId: true } });
  if (!conversation) throw notFound();
  const lastInbound = await tx.interaction.findFirst({ where: { conversationId, direction: 'inbound' }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], select: { fromAddress: true, toAddress: true } });
  const fromAddress = lastInbound?.toAddress ?? conversation.serviceAddress ?? '';
  const toAddress = lastInbound?.fromAddress ?? conversation.externalId;
  await tx.interaction.create({
    data: { id, conversationId, customerId: conversation.customerId, direction: 'outbound', channel: conversation.channel, fromAddress, toAddress, text, reason, status: 'pending', deliveryStatus: 'pending', correlationId: id, createdAt: new Date() },
  });
  return { channel: conversation.channel, toAddress };
}

/** A customer's answer to the satisfaction question after a handback: stored once per handback, and the question closed. */
export async function recordCsatAnswer(db: DbClient, answer: { conversationId: string; handbackVersion: number; customerId: string | null; score: number }): Promise<boolean> {
  const handback = await db.ownershipEvent.findUnique({ where: { conversationId_version: { conversationId: answer.conversationId, version: answer.handbackVersion } }, select: { actorId: true } });
  const created = await db.csatResponse.createMany({
    data: [{ conversationId: answer.conversationId, handbackVersion: answer.handbackVersion, customerId: answer.customerId, staffId: handback?.actorId ?? null, score: answer.score }],
    skipDuplicates: true,
  });
  await clearResume(db, answer.conversationId, answer.handbackVersion);
  return created.count > 0;
}

/** The bot has acted on the handback's instruction (or the customer moved on): forget it. */
export async function clearResume(db: DbClient, conversationId: string, version: number): Promise<void> {
  await db.conversationOwner.updateMany({ where: { conversationId, version, state: 'bot' }, data: { resume: Prisma.DbNull } });
}

/** The stored packet, parsed (null when none or unreadable). */
export function readPacket(value: unknown): HandoffPacket | null {
  const parsed = handoffPacket.safeParse(value);
  return parsed.success ? parsed.data : null;
}

export { effectivePriority };
