import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestEnv, type TestEnv } from '../support/service.ts';

// STOP / START / HELP work on every SMS number at any time, before any dialog.

let env: TestEnv;
const PAT = '+15551230008';
const DANA = '+15551230009';

beforeAll(async () => {
  env = await startTestEnv();
});

afterAll(async () => {
  await env?.close();
});

const say = async (from: string, text: string) => (await env.converse(from, text))[0] ?? '';

async function serviceConsent(address: string) {
  return (await env.database.db.prisma.consent.findFirst({ where: { channel: 'sms', address, purpose: 'service' } }))?.status;
}

/** Waits until the message is handled and returns what the turn recorded. */
async function handled(from: string, text: string) {
  return eventually(async () => {
    const found = await env.database.db.prisma.interaction.findFirst({ where: { fromAddress: from, text, status: 'handled' }, orderBy: { createdAt: 'desc' } });
    return found ?? undefined;
  }, `"${text}" to be handled`);
}

describe('SMS consent keywords', () => {
  it.each(['STOP', 'stop', ' Unsubscribe ', 'CANCEL', 'end', 'QUIT', 'revoke', 'OPTOUT', 'StopAll', 'STOP.'])('"%s" opts the number out with one confirmation', async (keyword) => {
    const reply = await say(PAT, keyword);
    expect(reply).toMatch(/unsubscribed/i);
    expect(reply).toMatch(/Reply START/);
    expect(await serviceConsent(PAT)).toBe('revoked');
    expect(await say(PAT, 'START')).toMatch(/resubscribed/);
  });

  it('answers nothing while opted out, but logs the message; HELP still answers', async () => {
    await say(PAT, 'STOP');
    const before = env.twilio.state.messagesTo(PAT).length;
    await env.sms(PAT, 'my internet is down');
    const logged = await handled(PAT, 'my internet is down');
    expect(logged.reason).toBe('consent.optedOut');
    expect(await say(PAT, 'help')).toMatch(/customer care: call/);
    expect(env.twilio.state.messagesTo(PAT)).toHaveLength(before + 1);
    expect(await env.database.db.prisma.troubleTicket.count({ where: { customer: { contactMedia: { some: { phoneNumber: PAT } } } } })).toBe(0);
  });

  it('takes YES from an opted-out number as START, and from anyone else as an ordinary answer', async () => {
    expect(await serviceConsent(PAT)).toBe('revoked');
    expect(await say(PAT, 'yes')).toMatch(/resubscribed/);
    expect(await serviceConsent(PAT)).toBe('granted');
    expect(await say(DANA, 'YES')).toMatch(/lost track/);
    expect(await serviceConsent(DANA)).not.toBe('revoked');
  });

  it('does not treat keywords inside a sentence as keywords', async () => {
    const reply = await say(DANA, 'please stop the noise on my landline');
    expect(reply).not.toMatch(/unsubscribed/);
    expect(await serviceConsent(DANA)).not.toBe('revoked');
  });

  it('honours a revocation in plain words ("Stop texting me pls") like STOP, with one confirmation', async () => {
    const LEE = '+15551230021';
    const reply = await say(LEE, 'Stop texting me pls');
    expect(reply).toMatch(/^You're unsubscribed from .+ and will get no more\. Reply START to resubscribe\.$/);
    expect(await serviceConsent(LEE)).toBe('revoked');
    const turn = await handled(LEE, 'Stop texting me pls');
    expect(turn.reason).toBe('consent.optout');
    expect(await say(LEE, 'START')).toMatch(/resubscribed/);
  });

  it('asks about ambiguous wording, then records the opt-out the customer confirms, through the bot', async () => {
    const KIM = '+15551230022';
    expect(await say(KIM, 'pls stop all these messages')).toMatch(/^Do you want to stop all texts from us, including about your account and orders, or only offers and promotions\?/);
    expect(await serviceConsent(KIM)).not.toBe('revoked');
    expect(await say(KIM, 'all of them')).toMatch(/^You're unsubscribed from .+ Reply START to resubscribe\.$/);
    expect(await serviceConsent(KIM)).toBe('revoked');
    const consent = await env.database.db.prisma.consent.findFirstOrThrow({ where: { channel: 'sms', address: KIM, purpose: 'service' } });
    expect(consent.source).toBe('bot-revocation:all of them');
    expect(await say(KIM, 'START')).toMatch(/resubscribed/);
  });

  it('a lone CANCEL in the middle of an order unsubscribes and says how to get back to the order', async () => {
    const ROB = '+15551230001';
    expect(await say(ROB, "i'd like to order the movies package")).toMatch(/Shall I place the order\?/);
    const reply = await say(ROB, 'cancel');
    expect(reply).toMatch(/unsubscribed/);
    expect(reply).toMatch(/If you meant to cancel your order, reply START and then say never mind\.$/);
    expect(await serviceConsent(ROB)).toBe('revoked');
    expect(await say(ROB, 'START')).toMatch(/resubscribed/);
  });

  it('records an audit event for every consent change', async () => {
    const consent = await env.database.db.prisma.consent.findFirstOrThrow({ where: { address: PAT, purpose: 'service' } });
    const events = await env.database.db.prisma.auditEvent.findMany({ where: { entityType: 'consent', entityId: consent.id }, orderBy: { at: 'asc' } });
    expect(events.length).toBeGreaterThanOrEqual(4);
    expect(events.map((e) => e.action)).toContain('consent.revoke');
    expect(events.at(-1)?.action).toBe('consent.grant');
  });
});
