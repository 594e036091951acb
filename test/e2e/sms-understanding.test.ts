import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTENT_TOPICS } from '../../dialogs/clarify.dialog.ts';
import { startTestEnv, type TestEnv } from '../support/service.ts';

// When the bot is unsure it asks, naming the two likeliest requests; after two messages in a row
// it cannot place, it offers a person. Driven through the real SMS webhook.

let env: TestEnv;
const ALEX = '+15551230001';
const SAM = '+15551230002';

beforeAll(async () => {
  env = await startTestEnv();
});

afterAll(async () => {
  await env?.close();
});

const say = async (from: string, text: string) => (await env.converse(from, text))[0] ?? '';

describe('understanding', () => {
  it('asks which of the two likeliest requests was meant, then follows the answer', async () => {
    const question = await say(ALEX, 'my bill and the internet');
    const match = /is this about (.+) \(1\) or (.+) \(2\)\?/.exec(question);
    expect(match, question).not.toBeNull();
    const second = Object.entries(INTENT_TOPICS).find(([, topic]) => topic === match?.[2])?.[0];
    expect(second).toBeDefined();

    const followUp = await say(ALEX, '2');
    expect(followUp).not.toMatch(/reply 1 or 2|didn't understand/);
    if (second === 'ticket.create') expect(followUp).toMatch(/Which service is affected/);
    // The answer's turn is recorded as the request it chose.
    const inbound = await env.database.db.prisma.interaction.findFirstOrThrow({ where: { fromAddress: ALEX, text: '2' } });
    expect(inbound.reason).toBe(second);
    await say(ALEX, 'start over');
  });

  it('lets a clear new request take over from a question in progress, and not a short answer', async () => {
    const which = await say(ALEX, 'my service is not working');
    expect(which).toMatch(/Which service is affected/);
    // A short reply that is not a choice is asked again...
    expect(await say(ALEX, 'my bill')).toMatch(/Which service|number/i);
    // ...but a whole, confident new request leaves the fault report for the bill.
    const bill = await say(ALEX, 'how much do I owe on my bill');
    expect(bill).toMatch(/^You owe/);
    const inbound = await env.database.db.prisma.interaction.findFirstOrThrow({ where: { fromAddress: ALEX, text: 'how much do I owe on my bill' } });
    expect(inbound.reason).toBe('bill.inquiry.balance');
    // The fault report is gone: a yes now has nothing to answer.
    expect(await say(ALEX, 'yes')).toMatch(/lost track/);
    expect(await env.database.db.prisma.troubleTicket.count({ where: { customer: { contactMedia: { some: { phoneNumber: ALEX } } } } })).toBe(0);
  });

  it('takes "no" to a clarifying question as neither', async () => {
    const question = await say(ALEX, 'my bill and the internet');
    expect(question).toMatch(/\(1\) or .* \(2\)\?/);
    expect(await say(ALEX, 'no')).toMatch(/Tell me in a few words what you need/);
  });

  it('offers a person after two messages in a row it cannot place', async () => {
    expect(await say(SAM, 'asdf qwer')).toMatch(/didn't understand/);
    expect(await say(SAM, 'zxcv bnm')).toMatch(/Shall I ask a person from our team to text you\?/);
    expect(await say(SAM, 'yes')).toMatch(/You're (number 1 in line|in line)/);
    const sam = await env.database.db.prisma.customer.findFirstOrThrow({ where: { contactMedia: { some: { phoneNumber: SAM } } } });
    expect(await env.database.db.prisma.auditEvent.count({ where: { action: 'conversation.agentRequested', actorId: sam.id } })).toBe(1);
    // A person has the conversation now; close it so the bot answers Sam again in the next tests.
    const owner = await env.database.db.prisma.conversationOwner.findFirstOrThrow({ where: { customerId: sam.id } });
    expect(owner).toMatchObject({ state: 'queued', handoffReason: 'not_understood' });
    await env.service.agents.close({ staffId: 'test-supervisor', role: 'supervisor' }, owner.conversationId, owner.version);
  });

  it('starts counting again after a message it understood', async () => {
    expect(await say(SAM, 'qwop qwop')).toMatch(/didn't understand/);
    expect(await say(SAM, 'hello')).toMatch(/^Hi Sam!/);
    expect(await say(SAM, 'plonk plonk')).toMatch(/didn't understand/);
  });
});
