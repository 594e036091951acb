import type { ConversationOwner, PrismaClient } from '../../generated/prisma/client.ts';
import { AppError } from '../../lib/errors.ts';
import { formatBillReference, formatOrderReference, formatTicketReference } from '../references.ts';
import { wallClock } from '../../lib/dates.ts';
import { AGENT_QUEUES, HANDOFF_REASONS, type AgentQueue, type HandoffReason, type PresenceStatus } from './agent-values.ts';
import { effectivePresence, emptyLoad, readPacket } from './agent-desk.ts';
import { effectivePriority, slaAtRisk, staffing, type AgentRoutingSettings, type ChannelName } from './routing-rules.ts';

// What the agent console reads: inbox cards, the transcript across channels, canned replies with
// their placeholders filled, presence, and the supervisors' wallboard.

/** Display names of staff members (the staff directory's port). */
export type StaffDirectory = (staffIds: string[]) => Promise<Map<string, string>>;

export interface ConversationCardView {
  conversationId: string;
  channel: ChannelName;
  state: ConversationOwner['state'];
  version: number;
  queue: AgentQueue | null;
  priority: number;
  reason: HandoffReason | null;
  ownerStaffId: string | null;
  offeredToStaffId: string | null;
  offerExpiresAt: string | null;
  queuedAt: string | null;
  waitingSeconds: number | null;
  slaAtRisk: boolean;
  customer: { id: string; name: string } | null;
  address: string;
  lastMessage: { text: string; at: string; direction: 'inbound' | 'outbound' } | null;
  unread: number;
}

function reasonOf(value: string | null): HandoffReason | null {
  return HANDOFF_REASONS.find((reason) => reason === value) ?? null;
}

/** Inbox cards for owner rows (one query per table, and one per card for its last message and unread count). */
export async function conversationCards(prisma: PrismaClient, rows: ConversationOwner[], settings: AgentRoutingSettings, now: Date): Promise<ConversationCardView[]> {
  if (rows.length === 0) return [];
  const conversations = await prisma.conversation.findMany({
    where: { id: { in: rows.map((row) => row.conversationId) } },
    select: { id: true, externalId: true, customer: { select: { id: true, givenName: true, familyName: true } } },
  });
  const byId = new Map(conversations.map((conversation) => [conversation.id, conversation]));
  return Promise.all(
    rows.map(async (row) => {
      const conversation = byId.get(row.conversationId);
      const readSince = row.ownerReadAt ?? row.claimedAt ?? row.handoffAt ?? new Date(0);
      const [last, unread] = await Promise.all([
        prisma.interaction.findFirst({ where: { conversationId: row.conversationId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], select: { text: true, createdAt: true, direction: true } }),
        prisma.interaction.count({ where: { conversationId: row.conversationId, direction: 'inbound', createdAt: { gt: readSince } } }),
      ]);
      const waiting = row.state === 'queued' || row.state === 'offered';
      const waitedMs = waiting && row.queuedAt ? now.getTime() - row.queuedAt.getTime() : null;
      return {
        conversationId: row.conversationId,
        channel: row.channel,
        state: row.state,
        version: row.version,
        queue: row.queue,
        priority: waitedMs === null ? row.priority : effectivePriority(row.priority, waitedMs, settings),
        reason: reasonOf(row.handoffReason),
        ownerStaffId: row.ownerStaffId,
        offeredToStaffId: row.offeredToStaffId,
        offerExpiresAt: row.offerExpiresAt?.toISOString() ?? null,
        queuedAt: row.queuedAt?.toISOString() ?? null,
        waitingSeconds: waitedMs === null ? null : Math.max(0, Math.round(waitedMs / 1000)),
        slaAtRisk: waitedMs !== null && slaAtRisk(waitedMs, settings),
        customer: conversation?.customer ? { id: conversation.customer.id, name: `${conversation.customer.givenName} ${conversation.customer.familyName}` } : null,
        address: conversation?.externalId ?? '',
        lastMessage: last ? { text: last.text, at: last.createdAt.toISOString(), direction: last.direction } : null,
        unread,
      };
    }),
  );
}

export async function conversationCard(prisma: PrismaClient, conversationId: string, settings: AgentRoutingSettings, now = new Date()): Promise<ConversationCardView> {
  const row = await prisma.conversationOwner.findUnique({ where: { conversationId } });
  if (!row) throw new AppError('not_found', 'conversation_not_found', 'There is no such conversation with a person.');
  const [card] = await conversationCards(prisma, [row], settings, now);
  if (!card) throw new AppError('not_found', 'conversation_not_found', 'There is no such conversation with a person.');
  return card;
}

export interface PresenceViewData {
  staffId: string;
  status: PresenceStatus;
  chosenStatus: PresenceStatus;
  lastHeartbeatAt: string | null;
  skills: AgentQueue[];
  capacity: Record<ChannelName, number>;
  load: Record<ChannelName, number>;
}

async function loadsOf(prisma: PrismaClient): Promise<Map<string, Record<ChannelName, number>>> {
  const rows = await prisma.conversationOwner.findMany({ where: { state: { in: ['agent', 'offered'] } }, select: { state: true, ownerStaffId: true, offeredToStaffId: true, channel: true } });
  const result = new Map<string, Record<ChannelName, number>>();
  for (const row of rows) {
    const staffId = row.state === 'agent' ? row.ownerStaffId : row.offeredToStaffId;
    if (!staffId) continue;
    const load = result.get(staffId) ?? emptyLoad();
    load[row.channel] += 1;
    result.set(staffId, load);
  }
  return result;
}

/** Presence of every agent who ever opened the console (or just the one asked for). */
export async function presenceViews(prisma: PrismaClient, settings: AgentRoutingSettings, now: Date, staffId?: string): Promise<PresenceViewData[]> {
  const rows = await prisma.agentPresence.findMany({ where: staffId ? { staffId } : {}, orderBy: { staffId: 'asc' } });
  const loads = await loadsOf(prisma);
  const views = rows.map((row) => ({
    staffId: row.staffId,
    status: effectivePresence(row, now, settings),
    chosenStatus: row.chosenStatus,
    lastHeartbeatAt: row.lastHeartbeatAt?.toISOString() ?? null,
    skills: row.skills,
    capacity: { sms: row.capacitySms ?? settings.capacity.sms, webchat: row.capacityWebchat ?? settings.capacity.webchat, voice: row.capacityVoice ?? settings.capacity.voice },
    load: loads.get(row.staffId) ?? emptyLoad(),
  }));
  if (staffId && views.length === 0) {
    return [{ staffId, status: 'offline', chosenStatus: 'offline', lastHeartbeatAt: null, skills: [], capacity: { ...settings.capacity }, load: loads.get(staffId) ?? emptyLoad() }];
  }
  return views;
}

/** The agent's inbox: the queues (highest priority first), what is offered to them, and what they hold. */
export async function agentInbox(prisma: PrismaClient, settings: AgentRoutingSettings, staffId: string, now = new Date()) {
  const [queued, offered, mine] = await Promise.all([
    prisma.conversationOwner.findMany({ where: { state: 'queued' }, orderBy: { queuedAt: 'asc' }, take: 100 }),
    prisma.conversationOwner.findMany({ where: { state: 'offered', offeredToStaffId: staffId }, orderBy: { offerExpiresAt: 'asc' } }),
    prisma.conversationOwner.findMany({ where: { state: 'agent', ownerStaffId: staffId }, orderBy: { claimedAt: 'asc' } }),
  ]);
  const queuedCards = await conversationCards(prisma, queued, settings, now);
  queuedCards.sort((a, b) => b.priority - a.priority || (a.queuedAt ?? '').localeCompare(b.queuedAt ?? ''));
  const [presence] = await presenceViews(prisma, settings, now, staffId);
  return {
    queued: queuedCards,
    offeredToMe: await conversationCards(prisma, offered, settings, now),
    mine: await conversationCards(prisma, mine, settings, now),
    presence: presence ?? { staffId, status: 'offline' as const, chosenStatus: 'offline' as const, lastHeartbeatAt: null, skills: [], capacity: { ...settings.capacity }, load: emptyLoad() },
  };
}

export interface TranscriptEntryView {
  id: string;
  conversationId: string;
  kind: 'message' | 'note' | 'event';
  direction: 'inbound' | 'outbound' | 'internal';
  channel: ChannelName;
  text: string;
  at: string;
  author: 'customer' | 'bot' | 'agent' | 'system';
  staffId: string | null;
  deliveryStatus: string | null;
  deliveryErrorCode: string | null;
}

const EVENT_WORDS: Record<string, string> = {
  queued: 'Waiting for a person',
  offered: 'Offered to an agent',
  agent: 'With an agent',
  bot: 'Back with the bot',
  closed: 'Closed',
};

/**
 * The customer's whole story, oldest first: every message of every conversation they had (SMS,
 * web chat, voice) with its delivery status, the notes on this conversation, and its ownership
 * changes. An unknown sender's transcript is this conversation alone.
 */
export async function transcript(prisma: PrismaClient, conversationId: string, options: { before?: Date | undefined; limit?: number | undefined } = {}): Promise<TranscriptEntryView[]> {
  const conversation = await prisma.conversation.findUnique({ where: { id: conversationId }, select: { id: true, channel: true, customerId: true } });
  if (!conversation) throw new AppError('not_found', 'conversation_not_found', 'There is no such conversation.');
  const limit = Math.min(options.limit ?? 200, 500);
  const before = options.before ? { lt: options.before } : undefined;
  const scope = conversation.customerId ? { OR: [{ customerId: conversation.customerId }, { conversationId }] } : { conversationId };
  const [messages, notes, events] = await Promise.all([
    prisma.interaction.findMany({
      where: { ...scope, ...(before ? { createdAt: before } : {}) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
      select: { id: true, conversationId: true, direction: true, channel: true, text: true, createdAt: true, deliveryStatus: true, deliveryErrorCode: true, reason: true },
    }),
    prisma.conversationNote.findMany({ where: { conversationId, ...(before ? { createdAt: before } : {}) }, orderBy: { createdAt: 'desc' }, take: limit }),
    prisma.ownershipEvent.findMany({ where: { conversationId, ...(before ? { at: before } : {}) }, orderBy: { at: 'desc' }, take: limit }),
  ]);
  const authors = new Map((await prisma.agentReply.findMany({ where: { interactionId: { in: messages.map((message) => message.id) } } })).map((reply) => [reply.interactionId, reply.staffId]));
  const entries: TranscriptEntryView[] = [
    ...messages.map((message): TranscriptEntryView => {
      const staffId = authors.get(message.id) ?? null;
      return {
        id: message.id,
        conversationId: message.conversationId,
        kind: 'message',
        direction: message.direction,
        channel: message.channel,
        text: message.text,
        at: message.createdAt.toISOString(),
        // A staff action's message to the customer (reason staff.<action>) is the agent's too.
        author: message.direction === 'inbound' ? 'customer' : staffId || message.reason?.startsWith('staff.') ? 'agent' : message.reason === 'agent.handback' ? 'system' : 'bot',
        staffId,
        deliveryStatus: message.direction === 'outbound' ? message.deliveryStatus : null,
        deliveryErrorCode: message.deliveryErrorCode,
      };
    }),
    ...notes.map((note): TranscriptEntryView => ({
      id: note.id,
      conversationId,
      kind: 'note',
      direction: 'internal',
      channel: conversation.channel,
      text: note.text,
      at: note.createdAt.toISOString(),
      author: 'agent',
      staffId: note.staffId,
      deliveryStatus: null,
      deliveryErrorCode: null,
    })),
    ...events.map((event): TranscriptEntryView => ({
      id: event.id,
      conversationId,
      kind: 'event',
      direction: 'internal',
      channel: conversation.channel,
      text: `${EVENT_WORDS[event.toState] ?? event.toState} (${event.reason}${event.note ? `: ${event.note}` : ''})`,
      at: event.at.toISOString(),
      author: event.actorType === 'staff' ? 'agent' : 'system',
      staffId: event.actorType === 'staff' ? event.actorId : null,
      deliveryStatus: null,
      deliveryErrorCode: null,
    })),
  ];
  return entries.sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id)).slice(-limit);
}

/** The packet stored with the conversation's latest handoff. */
export async function storedPacket(prisma: PrismaClient, conversationId: string) {
  const row = await prisma.conversationOwner.findUnique({ where: { conversationId }, select: { packet: true } });
  if (!row) throw new AppError('not_found', 'conversation_not_found', 'There is no such conversation with a person.');
  return readPacket(row.packet);
}

/** Canned replies agents send often; {{placeholders}} are filled from the conversation's customer. */
export const CANNED_REPLIES: ReadonlyArray<{ id: string; title: string; template: string }> = [
  { id: 'greeting', title: 'Greeting', template: 'Hi {{firstName}}, this is {{agentName}} from {{operatorName}}. I have your conversation in front of me; give me a moment to catch up.' },
  { id: 'ticket-update', title: 'Ticket update', template: 'Hi {{firstName}}, about your ticket {{lastTicket}}: I am checking its progress with our technicians now.' },
  { id: 'order-update', title: 'Order update', template: 'Hi {{firstName}}, I am looking at your order {{lastOrder}} now.' },
  { id: 'bill-explained', title: 'Bill explained', template: 'Your latest bill {{lastBill}} is for {{lastBillAmount}}. Which charge would you like me to go through?' },
  { id: 'still-there', title: 'Still there?', template: 'Are you still there, {{firstName}}? Reply whenever suits you; I will keep this conversation open for a while.' },
  { id: 'wrap-up', title: 'Wrap-up', template: 'Is there anything else I can help you with today, {{firstName}}?' },
];

/** Every canned reply with its placeholders filled for the conversation; `missing` names placeholders with nothing to fill. */
export async function cannedReplies(prisma: PrismaClient, conversationId: string, context: { agentName: string; operatorName: string }) {
  const conversation = await prisma.conversation.findUnique({ where: { id: conversationId }, select: { customerId: true } });
  if (!conversation) throw new AppError('not_found', 'conversation_not_found', 'There is no such conversation.');
  const customerId = conversation.customerId;
  const [customer, ticket, order, bill] = customerId
    ? await Promise.all([
        prisma.customer.findUnique({ where: { id: customerId }, select: { givenName: true, familyName: true } }),
        prisma.troubleTicket.findFirst({ where: { customerId }, orderBy: { createdAt: 'desc' }, select: { number: true } }),
        prisma.productOrder.findFirst({ where: { customerId }, orderBy: { createdAt: 'desc' }, select: { number: true } }),
        prisma.bill.findFirst({ where: { account: { customerId } }, orderBy: { billDate: 'desc' }, select: { number: true, amountDue: true, currency: true } }),
      ])
    : [null, null, null, null];
  const values: Record<string, string | undefined> = {
    firstName: customer?.givenName,
    lastName: customer?.familyName,
    lastTicket: ticket ? formatTicketReference(ticket.number) : undefined,
    lastOrder: order ? formatOrderReference(order.number) : undefined,
    lastBill: bill ? formatBillReference(bill.number) : undefined,
    lastBillAmount: bill ? new Intl.NumberFormat('en-US', { style: 'currency', currency: bill.currency }).format(Number(bill.amountDue)) : undefined,
    agentName: context.agentName,
    operatorName: context.operatorName,
  };
  return CANNED_REPLIES.map((reply) => {
    const missing: string[] = [];
    const text = reply.template.replace(/\{\{(\w+)\}\}/g, (_match, name: string) => {
      const value = values[name];
      if (value === undefined) {
        missing.push(name);
        return name === 'firstName' ? 'there' : `[${name}]`;
      }
      return value;
    });
    return { ...reply, text, missing };
  });
}

/** Local midnight of `now` in the time zone. */
function startOfLocalDay(now: Date, timeZone: string): Date {
  const { hour, minute, second } = wallClock(timeZone, now);
  return new Date(now.getTime() - ((hour * 60 + minute) * 60 + second) * 1000 - now.getMilliseconds());
}

function summary(values: number[]): { average: number | null; p90: number | null; count: number } {
  if (values.length === 0) return { average: null, p90: null, count: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const p90 = sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.9) - 1)] ?? null;
  return { average: Math.round(values.reduce((sum, value) => sum + value, 0) / values.length), p90: p90 === null ? null : Math.round(p90), count: values.length };
}

/** The supervisors' wallboard, as of `now`. */
export async function wallboard(prisma: PrismaClient, settings: AgentRoutingSettings, staffNames: StaffDirectory, now = new Date()) {
  const dayStart = startOfLocalDay(now, settings.timeZone);
  const [waiting, presences, reasons, csat, firstResponses, events] = await Promise.all([
    prisma.conversationOwner.findMany({ where: { state: { in: ['queued', 'offered'] } }, select: { conversationId: true, state: true, queue: true, queuedAt: true } }),
    presenceViews(prisma, settings, now),
    prisma.conversationOwner.groupBy({ by: ['handoffReason'], where: { handoffAt: { gte: dayStart } }, _count: { _all: true } }),
    prisma.csatResponse.findMany({ where: { at: { gte: dayStart } }, select: { score: true } }),
    prisma.conversationOwner.findMany({ where: { firstResponseAt: { gte: dayStart } }, select: { firstResponseAt: true, handoffAt: true } }),
    prisma.ownershipEvent.findMany({ where: { at: { gte: new Date(dayStart.getTime() - 86_400_000) } }, orderBy: { version: 'asc' }, select: { conversationId: true, fromState: true, toState: true, at: true } }),
  ]);
  const names = await staffNames(presences.map((presence) => presence.staffId));
  const queues = AGENT_QUEUES.map((queue) => {
    const inQueue = waiting.filter((row) => row.queue === queue);
    const oldest = inQueue.reduce<Date | null>((min, row) => (row.queuedAt && (!min || row.queuedAt < min) ? row.queuedAt : min), null);
    return {
      queue,
      waiting: inQueue.filter((row) => row.state === 'queued').length,
      offered: inQueue.filter((row) => row.state === 'offered').length,
      longestWaitSeconds: oldest ? Math.round((now.getTime() - oldest.getTime()) / 1000) : null,
      staffedNow: staffing(queue, now, settings).staffed,
    };
  });
  const atRisk = waiting
    .filter((row) => row.queuedAt && slaAtRisk(now.getTime() - row.queuedAt.getTime(), settings))
    .map((row) => ({ conversationId: row.conversationId, queue: row.queue ?? 'general', waitingSeconds: Math.round((now.getTime() - (row.queuedAt ?? now).getTime()) / 1000) }))
    .sort((a, b) => b.waitingSeconds - a.waitingSeconds);
  const distribution: Record<string, number> = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 };
  for (const answer of csat) distribution[String(answer.score)] = (distribution[String(answer.score)] ?? 0) + 1;
  // Handle time: from an agent taking the conversation to its handback or close, ended today.
  const handled: number[] = [];
  const startedAt = new Map<string, Date>();
  for (const event of events) {
    if (event.toState === 'agent') startedAt.set(event.conversationId, event.at);
    else if (event.fromState === 'agent') {
      const start = startedAt.get(event.conversationId);
      if (start && (event.toState === 'bot' || event.toState === 'closed') && event.at >= dayStart) handled.push((event.at.getTime() - start.getTime()) / 1000);
      startedAt.delete(event.conversationId);
    }
  }
  return {
    at: now.toISOString(),
    queues,
    agents: presences.map((presence) => ({
      staffId: presence.staffId,
      displayName: names.get(presence.staffId) ?? presence.staffId,
      status: presence.status,
      load: presence.load,
      capacity: presence.capacity,
      conversations: Object.values(presence.load).reduce((sum, value) => sum + value, 0),
    })),
    slaAtRisk: atRisk,
    handoffReasons: reasons.flatMap((row) => {
      const reason = reasonOf(row.handoffReason);
      return reason ? [{ reason, count: row._count._all }] : [];
    }),
    csatToday: { responses: csat.length, average: csat.length > 0 ? Math.round((csat.reduce((sum, row) => sum + row.score, 0) / csat.length) * 100) / 100 : null, distribution },
    firstResponseSeconds: summary(firstResponses.flatMap((row) => (row.firstResponseAt && row.handoffAt ? [(row.firstResponseAt.getTime() - row.handoffAt.getTime()) / 1000] : []))),
    handleSeconds: summary(handled),
  };
}
