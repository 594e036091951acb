import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleCallerInput, type CallFlowDeps, type CallSpeaker } from '../../src/channels/voice/call-flow.ts';
import { findVoiceCall, openVoiceCall } from '../../src/domain/interactions/voice-calls.ts';
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

function flow(runTurnNow: CallFlowDeps['runTurnNow']): CallFlowDeps {
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
    queueForAgent: async () => ({ kind: 'queued' }),
    turnBudgetMs: 5_000,
    agentsAvailable: () => true,
    agentHoursText: 'from 8 AM to 8 PM',
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
