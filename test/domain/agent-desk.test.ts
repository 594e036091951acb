import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgentDesk, type AgentDesk, type StaffActor } from '../../src/domain/agents/agent-desk.ts';
import { RecordingConsoleEvents } from '../../src/domain/agents/console-events.ts';
import type { AgentRoutingSettings } from '../../src/domain/agents/routing-rules.ts';
import { AppError } from '../../src/lib/errors.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

// The agent desk against a real database: compare-and-set claims under races, offers that lapse
// to the next agent, agents set away after missed offers, capacity, and refusals.

const ALL_DAY = { from: 0, to: 24 * 60 };
const settings: AgentRoutingSettings = {
  offerTimeoutMs: 30_000,
  maxMissedOffers: 2,
  presenceTimeoutMs: 90_000,
  capacity: { sms: 1, webchat: 2, voice: 1 },
  waitSlaMs: 300_000,
  staffedHours: { billing: ALL_DAY, technical: ALL_DAY, sales_retention: ALL_DAY, general: ALL_DAY },
  afterHours: { billing: 'callback', technical: 'callback', sales_retention: 'callback', general: 'callback' },
  defaultHandleMs: 300_000,
  timeZone: 'UTC',
};

let database: TestDatabase;
let events: RecordingConsoleEvents;
let desk: AgentDesk;
const expiries: Array<{ conversationId: string; version: number; at: Date }> = [];
const delivered: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  events = new RecordingConsoleEvents();
  desk = createAgentDesk(database.db.prisma, settings, {
    events,
    scheduleOfferExpiry: async (conversationId, version, at) => {
      expiries.push({ conversationId, version, at });
    },
    deliverSoon: async (_conversationId, interactionId) => {
      delivered.push(interactionId);
    },
    logger: createLogger('silent'),
  });
}, 180_000);

afterAll(async () => {
  await database?.drop();
});

let conversationsMade = 0;

/** A conversation with one customer message in it, as intake stores them; each from its own address. */
async function newConversation(channel: 'sms' | 'webchat' = 'sms'): Promise<string> {
  const id = randomUUID();
  conversationsMade += 1;
  const address = channel === 'sms' ? `+1555${1_000_000 + conversationsMade}` : `dl_${id.slice(0, 8)}`;
  await database.db.prisma.conversation.create({ data: { id, channel, externalId: address, serviceAddress: '+15557770000' } });
  await database.db.prisma.interaction.create({
    data: { conversationId: id, direction: 'inbound', channel, fromAddress: address, toAddress: '+15557770000', text: 'I want a person', status: 'handled', seq: 1 },
  });
  return id;
}

/** A staff member who has the console open, with a presence. */
async function agent(status: 'available' | 'away' = 'available', role: StaffActor['role'] = 'agent'): Promise<StaffActor> {
  const actor: StaffActor = { staffId: randomUUID(), role };
  await desk.setPresence(actor, status);
  return actor;
}

/** Each test starts with no conversation waiting or held and every earlier agent away. */
async function clearDesk(): Promise<void> {
  await database.db.prisma.conversationOwner.updateMany({ where: { state: { in: ['queued', 'offered', 'agent'] } }, data: { state: 'closed', ownerStaffId: null, offeredToStaffId: null } });
  await database.db.prisma.agentPresence.updateMany({ data: { chosenStatus: 'away' } });
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
  return 'no refusal';
}

async function owner(conversationId: string) {
  return database.db.prisma.conversationOwner.findUniqueOrThrow({ where: { conversationId } });
}

describe('the agent desk', () => {
  it('two agents racing to claim one conversation: exactly one wins, every time (50 runs)', { timeout: 240_000 }, async () => {
    const [first, second] = [await agent('away'), await agent('away')];
    for (let run = 0; run < 50; run++) {
      const conversationId = await newConversation();
      const handed = await desk.handOff({ conversationId, reason: 'customer_asked', intent: 'bill.inquiry' });
      expect(handed.kind).toBe('queued');
      const { version } = await owner(conversationId);
      const results = await Promise.allSettled([desk.claim(first, conversationId, version), desk.claim(second, conversationId, version)]);
      const winners = results.filter((result) => result.status === 'fulfilled');
      expect(winners).toHaveLength(1);
      const loser = results.find((result) => result.status === 'rejected');
      expect(loser?.status === 'rejected' && loser.reason instanceof AppError ? loser.reason.code : 'none').toMatch(/^(already_claimed|stale_version|conversation_not_queued)$/);
      const row = await owner(conversationId);
      expect(row.state).toBe('agent');
      expect(await database.db.prisma.ownershipEvent.count({ where: { conversationId, reason: 'claimed' } })).toBe(1);
      // Hand back so the winner's capacity (one SMS conversation) is free for the next run.
      await desk.handBack(row.ownerStaffId === first.staffId ? first : second, conversationId, row.version, { kind: 'csat' });
    }
  });

  it('an offer that lapses goes to the next agent; too many misses set the agent away', async () => {
    // Everyone else steps away, so only these two are offered anything.
    await clearDesk();
    const [a, b] = [await agent(), await agent()];
    const conversationId = await newConversation();
    await desk.handOff({ conversationId, reason: 'customer_asked', intent: 'ticket.create' });
    const offered = await owner(conversationId);
    expect(offered.state).toBe('offered');
    const firstAgent = offered.offeredToStaffId;
    expect([a.staffId, b.staffId]).toContain(firstAgent);
    const expiry = expiries.find((entry) => entry.conversationId === conversationId && entry.version === offered.version);
    expect(expiry?.at.getTime()).toBeGreaterThan(Date.now() + 25_000);

    expect(await desk.expireOffer(conversationId, offered.version)).toBe(true);
    const reoffered = await owner(conversationId);
    expect(reoffered.state).toBe('offered');
    expect(reoffered.offeredToStaffId).not.toBe(firstAgent);
    expect(reoffered.passedBy).toEqual([firstAgent]);
    // A stale expiry (the offer already moved on) changes nothing.
    expect(await desk.expireOffer(conversationId, offered.version)).toBe(false);

    // The first agent misses a second offer: away.
    const other = await newConversation('webchat');
    const firstActor = firstAgent === a.staffId ? a : b;
    await desk.handOff({ conversationId: other, reason: 'customer_asked', intent: null });
    const second = await owner(other);
    expect(second.offeredToStaffId).toBe(firstActor.staffId);
    await desk.expireOffer(other, second.version);
    const presence = await database.db.prisma.agentPresence.findUniqueOrThrow({ where: { staffId: firstActor.staffId } });
    expect(presence.missedOffers).toBe(2);
    expect(presence.chosenStatus).toBe('away');
    expect(events.ofType('presence.changed').some((event) => event.staffId === firstActor.staffId && event.status === 'away' && event.cause === 'missed-offers')).toBe(true);
  });

  it('declining passes the offer to the next agent', async () => {
    await clearDesk();
    const [a, b] = [await agent(), await agent()];
    const conversationId = await newConversation('webchat');
    await desk.handOff({ conversationId, reason: 'customer_asked', intent: 'order.create' });
    const offered = await owner(conversationId);
    const offeredTo = offered.offeredToStaffId === a.staffId ? a : b;
    const nextAgent = offeredTo === a ? b : a;
    expect(await refusal(desk.decline(nextAgent, conversationId, offered.version))).toBe('not_offered_to_you');
    await desk.decline(offeredTo, conversationId, offered.version);
    expect((await owner(conversationId)).offeredToStaffId).toBe(nextAgent.staffId);
    const accepted = await desk.accept(nextAgent, conversationId, offered.version + 2);
    expect(accepted.state).toBe('agent');
    expect(accepted.ownerStaffId).toBe(nextAgent.staffId);
  });

  it('never offers or lets an agent take more than their capacity per channel', async () => {
    await clearDesk();
    const a = await agent();
    const [one, two] = [await newConversation('sms'), await newConversation('sms')];
    await desk.handOff({ conversationId: one, reason: 'customer_asked', intent: null });
    await desk.handOff({ conversationId: two, reason: 'customer_asked', intent: null });
    expect((await owner(one)).offeredToStaffId).toBe(a.staffId);
    // One SMS conversation at a time (capacity 1): the offered one counts.
    expect((await owner(two)).state).toBe('queued');
    await desk.accept(a, one, (await owner(one)).version);
    expect(await refusal(desk.claim(a, two, (await owner(two)).version))).toBe('over_capacity');
    // Web chat has its own capacity.
    const chat = await newConversation('webchat');
    await desk.handOff({ conversationId: chat, reason: 'customer_asked', intent: null });
    expect((await owner(chat)).offeredToStaffId).toBe(a.staffId);
    // Freed capacity is offered at once.
    await desk.handBack(a, one, (await owner(one)).version, { kind: 'csat' });
    expect((await owner(two)).offeredToStaffId).toBe(a.staffId);
  });

  it('refuses unknown conversations, stale versions, duplicate claims and replies from anyone but the owner', async () => {
    await clearDesk();
    const [a, b] = [await agent('away'), await agent('away')];
    expect(await refusal(desk.claim(a, randomUUID(), 0))).toBe('conversation_not_found');
    const conversationId = await newConversation('webchat');
    await desk.handOff({ conversationId, reason: 'customer_asked', intent: null });
    const queued = await owner(conversationId);
    expect(await refusal(desk.claim(a, conversationId, queued.version - 1))).toBe('stale_version');
    await desk.claim(a, conversationId, queued.version);
    expect(await refusal(desk.claim(a, conversationId, queued.version + 1))).toBe('conversation_not_queued');
    expect(await refusal(desk.reply(b, conversationId, 'hello from b', randomUUID()))).toBe('not_conversation_owner');
    expect(await refusal(desk.takeOver(b, conversationId, queued.version + 1))).toBe('staff_role_forbidden');
    expect(await refusal(desk.reassign(b, conversationId, queued.version + 1, b.staffId))).toBe('staff_role_forbidden');
    const clientMessageId = randomUUID();
    const sent = await desk.reply(a, conversationId, 'Hi, I can help', clientMessageId);
    const again = await desk.reply(a, conversationId, 'Hi, I can help', clientMessageId);
    expect(again).toMatchObject({ messageId: sent.messageId, duplicate: true });
    expect(await database.db.prisma.interaction.count({ where: { conversationId, reason: 'agent.reply' } })).toBe(1);
    expect(delivered).toContain(sent.messageId);
    // Nothing half-written by the refusals: one claim event, one reply.
    expect(await database.db.prisma.ownershipEvent.count({ where: { conversationId } })).toBe(2);
    // A supervisor may take it over from the agent.
    const supervisor = await agent('away', 'supervisor');
    const taken = await desk.takeOver(supervisor, conversationId, queued.version + 1, 'coaching');
    expect(taken.ownerStaffId).toBe(supervisor.staffId);
    expect(await refusal(desk.reply(a, conversationId, 'still me?', randomUUID()))).toBe('not_conversation_owner');
  });

  it('an agent timed out for missing heartbeats comes back as they were on their next heartbeat; one who chose offline stays offline', async () => {
    await clearDesk();
    const start = new Date();
    const lapsed = await agent('available');
    const chose = await agent('available');
    await desk.setPresence(chose, 'offline', start);
    // The sweep, after the presence timeout with no heartbeat from either.
    const later = new Date(start.getTime() + settings.presenceTimeoutMs + 1_000);
    await desk.sweep(later);
    expect(await database.db.prisma.agentPresence.findUniqueOrThrow({ where: { staffId: lapsed.staffId } })).toMatchObject({ chosenStatus: 'offline', timedOutFrom: 'available' });
    // A waiting conversation meanwhile goes to nobody.
    const waiting = await newConversation('sms');
    await desk.handOff({ conversationId: waiting, reason: 'customer_asked', intent: null });
    expect((await owner(waiting)).state).toBe('queued');

    const seen = events.ofType('presence.changed').length;
    const back = await desk.heartbeat(lapsed, new Date(later.getTime() + 1_000));
    expect(back).toMatchObject({ chosenStatus: 'available', timedOutFrom: null });
    expect(events.ofType('presence.changed').slice(seen)).toEqual([expect.objectContaining({ staffId: lapsed.staffId, status: 'available', cause: 'heartbeat' })]);
    // Available again: the waiting conversation is offered at once.
    expect((await owner(waiting)).offeredToStaffId).toBe(lapsed.staffId);
    // A second heartbeat changes nothing; the one who chose offline stays offline.
    expect(await desk.heartbeat(lapsed, new Date(later.getTime() + 2_000))).toMatchObject({ chosenStatus: 'available' });
    expect(await desk.heartbeat(chose, new Date(later.getTime() + 2_000))).toMatchObject({ chosenStatus: 'offline', timedOutFrom: null });
    // Choosing a status forgets the timeout.
    await desk.sweep(new Date(later.getTime() + 2 * settings.presenceTimeoutMs + 5_000));
    await desk.setPresence(lapsed, 'away');
    expect(await database.db.prisma.agentPresence.findUniqueOrThrow({ where: { staffId: lapsed.staffId } })).toMatchObject({ chosenStatus: 'away', timedOutFrom: null });
  });
});
