import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleCallerInput, type CallFlowDeps, type CallSpeaker } from '../../src/channels/voice/call-flow.ts';
import { whisperText } from '../../src/channels/voice/voice.routes.ts';
import type { AgentQueueRequest } from '../../src/channels/voice/call-flow.ts';
import { findVoiceCall, openVoiceCall, type VoiceCallState } from '../../src/domain/interactions/voice-calls.ts';
import { listPendingTurns, recordTurnOutcome } from '../../src/domain/interactions/turns.ts';
import { acceptInboundMessage } from '../../src/gateway/intake.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

// One caller input on a call (src/channels/voice/call-flow.ts) against a real database, with the
// turn's run played by the test: the case the service's own tests cannot set up on one instance,
// a turn handled by a queued job elsewhere, whose deliver() could not reach this call.

const OUR_NUMBER = '+15557770000';
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
}, 180_000);

afterAll(async () => {
  await database?.drop();
});

/** A speaker that records what the call says, reply ids included. */
function recordingSpeaker(): CallSpeaker & { said: Array<{ replyId: string | null; spoken: string }> } {
  const said: Array<{ replyId: string | null; spoken: string }> = [];
  return {
    said,
    speak: (replyId, spoken) => said.push({ replyId, spoken }),
    hasSpoken: (replyId) => said.some((entry) => entry.replyId === replyId),
  };
}

function flow(runTurnNow: CallFlowDeps['runTurnNow'], overrides: Partial<CallFlowDeps> = {}): CallFlowDeps {
  const { prisma, sql } = database.db;
  const logger = createLogger('silent');
  return {
    prisma,
    logger,
    operatorName: 'Northwind Telecom',
    store: async (message) => {
      const stored = await acceptInboundMessage({ prisma, sql, logger, enqueueTurn: async () => undefined }, message, { runTurn: 'caller' });
      return { interactionId: stored.interactionId, duplicate: stored.duplicate, turn: stored.turn };
    },
    runTurnNow,
    keepSecret: async () => undefined,
    textCustomer: async () => false,
    queueForAgent: async () => ({ kind: 'queued', queue: 'general', position: 1, expectedWaitMinutes: 1 }),
    availability: () => ({ queue: 'general', staffed: true }),
    timeZone: 'UTC',
    turnBudgetMs: 5_000,
    ...overrides,
  };
}

describe('a caller input whose turn ran elsewhere', () => {
  it('speaks the replies the turn stored, read back by the message they answer, once', async () => {
    const callSid = `CA${randomBytes(16).toString('hex')}`;
    const caller = `+1555${String(Date.now()).slice(-7)}`;
    await openVoiceCall(database.db.prisma, { callSid, from: caller, to: OUR_NUMBER, mode: 'relay', status: 'in-progress' });
    const call = await findVoiceCall(database.db.prisma, callSid);
    if (!call) throw new Error('the call was not opened');
    const speaker = recordingSpeaker();

    // Another instance's queued job took the conversation first: it stored the reply, and its
    // deliver() found no live call there; runTurnNow here then found nothing left to run.
    const handledElsewhere = flow(async (turn) => {
      const [pending] = await listPendingTurns(database.db.sql, turn.conversationId);
      if (!pending) throw new Error('the message is not waiting');
      await recordTurnOutcome(database.db.sql, pending.message, { reason: 'help', replies: [{ reason: 'help', text: 'I can help with your bill, faults and orders.' }], links: [] });
      return { budgetExhausted: false };
    });
    const handled = await handleCallerInput(handledElsewhere, call, { kind: 'speech', text: 'what can you do' }, speaker);

    expect(handled.next).toEqual({ kind: 'listen' });
    expect(speaker.said.map((entry) => entry.spoken)).toEqual(['I can help with your bill, faults and orders.']);
    expect(speaker.said[0]?.replyId).not.toBeNull();
  });

  it('does not say again a reply its own turn already spoke', async () => {
    const callSid = `CA${randomBytes(16).toString('hex')}`;
    const caller = `+1555${String(Date.now() + 1).slice(-7)}`;
    await openVoiceCall(database.db.prisma, { callSid, from: caller, to: OUR_NUMBER, mode: 'relay', status: 'in-progress' });
    const call = await findVoiceCall(database.db.prisma, callSid);
    if (!call) throw new Error('the call was not opened');
    const speaker = recordingSpeaker();

    // The usual case: the turn ran here and deliver() spoke each reply as it was stored.
    const ranHere = flow(async (turn) => {
      const [pending] = await listPendingTurns(database.db.sql, turn.conversationId);
      if (!pending) throw new Error('the message is not waiting');
      const recorded = await recordTurnOutcome(database.db.sql, pending.message, { reason: 'thanks', replies: [{ reason: 'thanks', text: "You're welcome!" }], links: [] });
      for (const reply of recorded.replies) speaker.speak(reply.id, reply.text);
      return { budgetExhausted: false };
    });
    await handleCallerInput(ranHere, call, { kind: 'speech', text: 'thanks' }, speaker);

    expect(speaker.said.map((entry) => entry.spoken)).toEqual(["You're welcome!"]);
  });
});

const noTurn: CallFlowDeps['runTurnNow'] = async () => {
  throw new Error('no bot turn was expected');
};

/** A fresh call from a number nobody else uses. */
async function newCall(): Promise<VoiceCallState> {
  const callSid = `CA${randomBytes(16).toString('hex')}`;
  const caller = `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
  await openVoiceCall(database.db.prisma, { callSid, from: caller, to: OUR_NUMBER, mode: 'relay', status: 'in-progress' });
  const call = await findVoiceCall(database.db.prisma, callSid);
  if (!call) throw new Error('the call was not opened');
  return call;
}

const reload = async (call: VoiceCallState) => {
  const fresh = await findVoiceCall(database.db.prisma, call.callSid);
  if (!fresh) throw new Error('the call is gone');
  return fresh;
};

/** The caller's lines in the contact log, with the reason each was handled with. */
async function callerLines(call: VoiceCallState) {
  return database.db.prisma.interaction.findMany({ where: { conversationId: call.conversationId, direction: 'inbound' }, orderBy: { seq: 'asc' }, select: { text: true, status: true, reason: true } });
}

describe('handing a call to a person: the desk decides', () => {
  const opensAt = new Date('2026-12-08T14:00:00Z');

  it('inside the desk hours: queued with the desk, recorded, put through; "agent" is in the contact log', async () => {
    const call = await newCall();
    const asked: AgentQueueRequest[] = [];
    const deps = flow(noTurn, { queueForAgent: async (request) => (asked.push(request), { kind: 'queued', queue: 'general', position: 1, expectedWaitMinutes: 1 }) });
    const speaker = recordingSpeaker();
    const handled = await handleCallerInput(deps, call, { kind: 'speech', text: 'agent' }, speaker);

    expect(handled.next).toEqual({ kind: 'handoff', reason: 'caller_request' });
    expect(speaker.said.at(-1)?.spoken).toMatch(/connecting you to a person/);
    expect(asked).toHaveLength(1);
    expect(await callerLines(call)).toEqual([{ text: 'agent', status: 'handled', reason: 'agent.request' }]);
    expect((await reload(call)).handoffRequestedAt).not.toBeNull();
  });

  it('outside a queue the desk keeps with the bot (AGENT_AFTER_HOURS=bot): nothing queued, no call put through, a text or carry on', async () => {
    const call = await newCall();
    const asked: AgentQueueRequest[] = [];
    const deps = flow(noTurn, {
      availability: () => ({ queue: 'general', staffed: false, opensAt, afterHours: 'bot' }),
      queueForAgent: async (request) => (asked.push(request), { kind: 'stay-with-bot', queue: 'general', opensAt }),
    });
    const speaker = recordingSpeaker();
    const handled = await handleCallerInput(deps, call, { kind: 'keys', digits: '0' }, speaker);

    expect(handled.next).toEqual({ kind: 'listen' });
    expect(asked).toHaveLength(0);
    expect(speaker.said.at(-1)?.spoken).toMatch(/^Our team is back Tuesday, December eighth, 2 PM, so nobody can take your call right now\./);
    expect(speaker.said.at(-1)?.spoken).toMatch(/Say Text me or press 1, say Carry on or press 2\./);
    expect((await reload(call)).handoffRequestedAt).toBeNull();

    // Key 2 is "Carry on" here (no call back on offer): the caller stays with the bot.
    const next = await handleCallerInput(deps, await reload(call), { kind: 'keys', digits: '2' }, speaker);
    expect(next.next).toEqual({ kind: 'listen' });
    expect(speaker.said.at(-1)?.spoken).toMatch(/I'm still here/);
    expect(await callerLines(call)).toEqual([
      { text: '0 (a person)', status: 'handled', reason: 'agent.request' },
      { text: 'Carry on', status: 'handled', reason: 'voice.afterHoursAnswer' },
    ]);
    expect((await reload(call)).pendingQuestion).toBeNull();
  });

  it('outside a queue that keeps callers in line: a call back, queued with the desk, promised for when the team is in', async () => {
    const call = await newCall();
    const asked: AgentQueueRequest[] = [];
    const deps = flow(noTurn, {
      availability: () => ({ queue: 'general', staffed: false, opensAt, afterHours: 'callback' }),
      queueForAgent: async (request) => (asked.push(request), { kind: 'callback', queue: 'general', opensAt }),
    });
    const speaker = recordingSpeaker();
    await handleCallerInput(deps, call, { kind: 'speech', text: 'a person' }, speaker);
    expect(speaker.said.at(-1)?.spoken).toMatch(/Say Text me or press 1, say Call me back or press 2\./);
    expect(asked).toHaveLength(0);

    const handled = await handleCallerInput(deps, await reload(call), { kind: 'speech', text: 'can you call me back tomorrow' }, speaker);
    expect(handled.next).toEqual({ kind: 'hangup' });
    expect(speaker.said.at(-1)?.spoken).toMatch(/A person will call you back on this number from Tuesday, December eighth, 2 PM\. Goodbye\./);
    expect(asked.map((request) => request.collected['callReason'])).toEqual(['callback']);
    expect((await database.db.prisma.voiceCall.findUniqueOrThrow({ where: { callSid: call.callSid } })).handoffReason).toBe('callback');
    expect((await callerLines(call)).map((line) => [line.text, line.reason])).toEqual([
      ['a person', 'agent.request'],
      ['can you call me back tomorrow', 'voice.afterHoursAnswer'],
    ]);
  });

  it('when the desk answers stay-with-bot after all (its hours just ended), the call is not put through', async () => {
    const call = await newCall();
    const deps = flow(noTurn, { queueForAgent: async () => ({ kind: 'stay-with-bot', queue: 'general', opensAt }) });
    const speaker = recordingSpeaker();
    const handled = await handleCallerInput(deps, call, { kind: 'speech', text: 'operator' }, speaker);

    expect(handled.next).toEqual({ kind: 'listen' });
    expect(speaker.said.at(-1)?.spoken).toMatch(/nobody can take your call right now/);
    expect((await reload(call)).handoffRequestedAt).toBeNull();
    expect((await reload(call)).pendingQuestion).toBe('after_hours');
  });

  it('the follow-up answer is the caller’s message too', async () => {
    const call = await newCall();
    await database.db.prisma.voiceCall.update({ where: { callSid: call.callSid }, data: { pendingQuestion: 'sms_followup' } });
    const speaker = recordingSpeaker();
    await handleCallerInput(flow(noTurn), await reload(call), { kind: 'speech', text: 'yes please' }, speaker);
    expect(speaker.said.at(-1)?.spoken).toMatch(/I'll text you the reference/);
    expect(await callerLines(call)).toEqual([{ text: 'yes please', status: 'handled', reason: 'voice.followUpAnswer' }]);
  });
});

describe('what the person taking the call is told', () => {
  it('an upset caller and what they raised reach the desk’s packet and the VoiceCall packet, as on a texted handoff', async () => {
    const call = await newCall();
    const asked: AgentQueueRequest[] = [];
    const deps = flow(
      async (turn) => {
        const [pending] = await listPendingTurns(database.db.sql, turn.conversationId);
        if (!pending) throw new Error('the message is not waiting');
        await recordTurnOutcome(database.db.sql, pending.message, { reason: 'agent.request', replies: [{ reason: 'agent.request', text: 'Let me find you a person.' }], links: [] });
        return { budgetExhausted: false };
      },
      { queueForAgent: async (request) => (asked.push(request), { kind: 'queued', queue: 'general', position: 1, expectedWaitMinutes: 1 }) },
    );
    const speaker = recordingSpeaker();
    const handled = await handleCallerInput(deps, call, { kind: 'speech', text: "this is ridiculous, I've been charged twice on my bill, get me someone" }, speaker);

    expect(handled.next.kind).toBe('handoff');
    expect(speaker.said.at(-1)?.spoken).toBe("I'm sorry this has been so frustrating. I'm connecting you to a person now. Please hold.");
    expect(asked[0]?.collected['note']).toMatch(/^Customer is upset\. Raised: bill\.dispute\. Their words: "this is ridiculous/);
    const { handoffPacket, handoffReason } = await database.db.prisma.voiceCall.findUniqueOrThrow({ where: { callSid: call.callSid } });
    const whisper = whisperText(handoffReason ?? '', handoffPacket);
    expect(whisper).toMatch(/They sound upset\./);
    expect(whisper).toMatch(/They raised a wrong bill\./);
  });

  it('a caller who gave the texted code is "verified", one known only by caller ID is "not verified"', async () => {
    const packet = (verifiedByCode: boolean) => ({ customerId: 'c-1', verifiedByCode, references: [], transcript: [] });
    expect(whisperText('caller_request', packet(true))).toMatch(/verified by a code texted to the number on file/);
    expect(whisperText('caller_request', packet(true))).not.toMatch(/verify them/);
    expect(whisperText('caller_request', packet(false))).toMatch(/not verified: verify them before account changes/);
    expect(whisperText('caller_request', { customerId: null, references: [], transcript: [] })).toMatch(/The caller ID is not on file/);
  });
});
