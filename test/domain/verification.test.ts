import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VerificationSettings } from '../../src/app/config/index.ts';
import { seedDemoData, demoRecordId } from '../../src/domain/demo/seed.ts';
import {
  checkVerificationCode,
  codeMatches,
  hashCode,
  isVerifiedInConversation,
  issueVerificationCode,
  codeIn,
  signInConversation,
  type CodeRecipient,
  type VerificationDeps,
} from '../../src/domain/identity/verification.service.ts';
import { notificationId, notifyCustomer, type NotificationOutbox } from '../../src/domain/notifications/notifications.service.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

// One-time codes against a real database: hashing, expiry, tries, supersession, rate limit,
// idempotency and the same answers for numbers on no account.

const ALEX = '+15551230001';
const SAM = '+15551230002';
const UNKNOWN = '+15559990000';
const OUR_NUMBER = '+15557770000';
const settings: VerificationSettings = {
  codeTtlSeconds: 300,
  maxAttempts: 3,
  maxPerHour: 5,
  signInMaxPerNumberPerHour: 3,
  signInMaxPerConversationPerHour: 4,
  verifiedMinutes: 30,
};

let database: TestDatabase;
const dispatched: string[] = [];
const outbox: NotificationOutbox = {
  smsFrom: OUR_NUMBER,
  deliverSoon: async (_conversationId, interactionId) => {
    dispatched.push(interactionId);
  },
};
const deps: VerificationDeps = { settings, outbox, operatorName: 'Northwind Telecom' };
const alexId = demoRecordId('customer', ALEX);
const samId = demoRecordId('customer', SAM);

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemoData(database.db.prisma);
});

afterAll(async () => {
  await database?.drop();
});

const db = () => database.db.prisma;

/** Issues a code to a customer in a fresh conversation and returns it as texted. */
async function issue(target: CodeRecipient, conversationId: string = randomUUID(), now = new Date(), key: string = randomUUID()) {
  const result = await issueVerificationCode(db(), deps, target, { conversationId, purpose: 'test', idempotencyKey: key, now });
  const challenge = result.status === 'sent' ? await db().verificationChallenge.findUniqueOrThrow({ where: { id: result.challengeId } }) : undefined;
  const texted = challenge ? await db().interaction.findUnique({ where: { id: notificationId(`verification-code-${challenge.id}`) } }) : null;
  const code = texted ? /\b(\d{6})\b/.exec(texted.text)?.[1] : undefined;
  return { result, challenge, texted, code, conversationId, key };
}

const check = (conversationId: string, answer: string, now = new Date()) => checkVerificationCode(db(), deps, { conversationId, answer, now });

describe('code hashing', () => {
  it('keeps only a salted hash and compares answers in any spacing', async () => {
    const hash = await hashCode('123456');
    expect(hash).not.toContain('123456');
    expect(await hashCode('123456')).not.toBe(hash);
    expect(await codeMatches('123456', hash)).toBe(true);
    expect(await codeMatches('123 456', hash)).toBe(true);
    expect(await codeMatches('123457', hash)).toBe(false);
    expect(await codeMatches('123456', 'garbage')).toBe(false);
  });

  it.each([
    ['123456', '123456'],
    ['123 456', '123456'],
    ['123-456.', '123456'],
    ['my code is 123456', '123456'],
    ['12345', undefined],
    ['1234567', undefined],
    ['555 123 0004', undefined],
    ['resend', undefined],
  ])('the code in "%s" is %s', (answer, expected) => {
    expect(codeIn(answer)).toBe(expected);
  });
});

describe('one-time codes', () => {
  it('texts a 6-digit code to the number on file, stores only its hash, and audits without it', async () => {
    const before = dispatched.length;
    const { result, challenge, texted, code } = await issue({ customerId: alexId });
    expect(result.status).toBe('sent');
    expect(code).toMatch(/^\d{6}$/);
    expect(challenge?.address).toBe(ALEX);
    expect(challenge?.customerId).toBe(alexId);
    expect(challenge?.status).toBe('pending');
    expect(challenge?.codeHash).not.toContain(code ?? 'x');
    expect((challenge?.expiresAt.getTime() ?? 0) - (challenge?.createdAt.getTime() ?? 0)).toBe(300_000);
    // On Alex's SMS conversation, from our number, waiting for delivery, and handed to the queue.
    const conversation = await db().conversation.findUniqueOrThrow({ where: { id: texted?.conversationId ?? '' } });
    expect([conversation.channel, conversation.externalId, conversation.customerId]).toEqual(['sms', ALEX, alexId]);
    expect([texted?.direction, texted?.fromAddress, texted?.status, texted?.deliveryStatus, texted?.customerId]).toEqual(['outbound', OUR_NUMBER, 'pending', 'pending', alexId]);
    expect(dispatched.slice(before)).toEqual([texted?.id]);
    const audit = await db().auditEvent.findMany({ where: { entityId: challenge?.id } });
    expect(audit.map((event) => event.action)).toEqual(['verification.issued']);
    expect(JSON.stringify(audit)).not.toContain(code ?? 'x');
  });

  it('verifies the right code after a wrong one, and the conversation stays verified for the window', async () => {
    const now = new Date();
    const { conversationId, code, challenge, texted } = await issue({ customerId: samId }, randomUUID(), now);
    // Delivered: the contact log may now forget the code.
    await db().interaction.update({ where: { id: texted?.id ?? '' }, data: { deliveryStatus: 'delivered' } });
    expect(await check(conversationId, wrongCode(code), now)).toEqual({ status: 'wrong', attemptsLeft: 2 });
    expect(await check(conversationId, code ?? '', now)).toEqual({ status: 'verified', customerId: samId });
    // A retried turn with the same answer gets the same answer.
    expect(await check(conversationId, code ?? '', now)).toEqual({ status: 'verified', customerId: samId });
    const stored = await db().verificationChallenge.findUniqueOrThrow({ where: { id: challenge?.id ?? '' } });
    expect([stored.status, stored.attempts]).toEqual(['verified', 1]);
    const later = new Date(now.getTime() + 29 * 60_000);
    const tooLate = new Date(now.getTime() + 31 * 60_000);
    expect(await isVerifiedInConversation(db(), settings, { conversationId, customerId: samId, now: later })).toBe(true);
    expect(await isVerifiedInConversation(db(), settings, { conversationId, customerId: samId, now: tooLate })).toBe(false);
    expect(await isVerifiedInConversation(db(), settings, { conversationId, customerId: alexId, now: later })).toBe(false);
    expect(await isVerifiedInConversation(db(), settings, { conversationId: randomUUID(), customerId: samId, now: later })).toBe(false);
    const redacted = await db().interaction.findUniqueOrThrow({ where: { id: texted?.id ?? '' } });
    expect(redacted.text).not.toContain(code ?? 'x');
    const actions = await db().auditEvent.findMany({ where: { entityId: challenge?.id }, orderBy: { at: 'asc' } });
    expect(actions.map((event) => event.action)).toEqual(['verification.issued', 'verification.verified']);
  });

  it('fails the code after too many wrong answers; the right one no longer works', async () => {
    const { conversationId, code, challenge } = await issue({ customerId: alexId });
    expect(await check(conversationId, wrongCode(code))).toEqual({ status: 'wrong', attemptsLeft: 2 });
    expect(await check(conversationId, wrongCode(code))).toEqual({ status: 'wrong', attemptsLeft: 1 });
    expect(await check(conversationId, wrongCode(code))).toEqual({ status: 'failed' });
    expect(await check(conversationId, code ?? '')).toEqual({ status: 'failed' });
    const stored = await db().verificationChallenge.findUniqueOrThrow({ where: { id: challenge?.id ?? '' } });
    expect([stored.status, stored.attempts]).toEqual(['failed', 3]);
    const audit = await db().auditEvent.findFirstOrThrow({ where: { entityId: challenge?.id, action: 'verification.failed' } });
    expect(audit.details).toMatchObject({ reason: 'attempts' });
  });

  it('expires the code after its lifetime', async () => {
    const now = new Date();
    const { conversationId, code, challenge } = await issue({ customerId: alexId }, randomUUID(), now);
    expect(await check(conversationId, code ?? '', new Date(now.getTime() + 301_000))).toEqual({ status: 'expired' });
    expect((await db().verificationChallenge.findUniqueOrThrow({ where: { id: challenge?.id ?? '' } })).status).toBe('expired');
  });

  it('lets a new code supersede the pending one', async () => {
    const first = await issue({ customerId: alexId });
    const second = await issue({ customerId: alexId }, first.conversationId);
    expect(second.code).not.toBeUndefined();
    expect((await db().verificationChallenge.findUniqueOrThrow({ where: { id: first.challenge?.id ?? '' } })).status).toBe('expired');
    if (first.code !== second.code) expect(await check(first.conversationId, first.code ?? '')).toEqual({ status: 'wrong', attemptsLeft: 2 });
    expect(await check(first.conversationId, second.code ?? '')).toEqual({ status: 'verified', customerId: alexId });
  });

  it('issues nothing new for a retried turn (same idempotency key)', async () => {
    const before = dispatched.length;
    const conversationId = randomUUID();
    const key = `otp-${randomUUID()}`;
    const first = await issue({ customerId: samId }, conversationId, new Date(), key);
    const again = await issue({ customerId: samId }, conversationId, new Date(), key);
    expect(again.result).toEqual(first.result);
    expect(await db().verificationChallenge.count({ where: { conversationId } })).toBe(1);
    expect(dispatched.length - before).toBe(1);
    expect(await check(conversationId, first.code ?? '')).toEqual({ status: 'verified', customerId: samId });
  });

  it('allows at most maxPerHour codes per number per hour', async () => {
    const customerId = demoRecordId('customer', '+15551230007');
    const now = new Date();
    for (let sent = 0; sent < settings.maxPerHour; sent++) expect((await issue({ customerId }, randomUUID(), now)).result.status).toBe('sent');
    expect((await issue({ customerId }, randomUUID(), now)).result).toEqual({ status: 'rateLimited' });
    // An hour later the number may have codes again.
    expect((await issue({ customerId }, randomUUID(), new Date(now.getTime() + 3_600_001))).result.status).toBe('sent');
  });

  it('answers a number on no account exactly like a real one, texts nothing, and never verifies', async () => {
    const interactionsBefore = await db().interaction.count();
    const dispatchedBefore = dispatched.length;
    const known = await issue({ phone: SAM });
    const unknown = await issue({ phone: UNKNOWN });
    expect(unknown.result.status).toBe('sent');
    expect(Object.keys(unknown.result).sort()).toEqual(Object.keys(known.result).sort());
    expect(unknown.challenge?.customerId).toBeNull();
    expect(unknown.challenge?.address).toBe(UNKNOWN);
    // Only Sam's code went out.
    expect((await db().interaction.count()) - interactionsBefore).toBe(1);
    expect(dispatched.length - dispatchedBefore).toBe(1);
    expect(await db().conversation.count({ where: { externalId: UNKNOWN } })).toBe(0);
    // Any answer fails the same way as a wrong code for a real number.
    const knownWrong = await check(known.conversationId, wrongCode(known.code));
    for (const answer of ['000000', '123456', '999999']) {
      const result = await check(unknown.conversationId, answer);
      if (result.status === 'wrong') expect(Object.keys(result)).toEqual(Object.keys(knownWrong));
      else expect(result).toEqual({ status: 'failed' });
    }
    expect((await db().verificationChallenge.findUniqueOrThrow({ where: { id: unknown.challenge?.id ?? '' } })).status).toBe('failed');
  });

  it('texts a caller who names an account the code at the account holder’s number on file, and nothing for an account we do not have', async () => {
    const phone = '+15551230004';
    const customerId = demoRecordId('customer', phone);
    const account = await db().account.findFirstOrThrow({ where: { customerId }, select: { accountNumber: true } });
    // Said in lower case, as speech-to-text may write it: the code still goes to the number on file.
    const named = await issue({ accountNumber: account.accountNumber.toLowerCase() });
    expect(named.result).toMatchObject({ status: 'sent', phone });
    expect(named.challenge).toMatchObject({ customerId, address: phone, anonymous: true });
    expect(named.texted?.toAddress).toBe(phone);
    expect(await check(named.conversationId, named.code ?? '')).toEqual({ status: 'verified', customerId });

    const dispatchedBefore = dispatched.length;
    const unknown = await issue({ accountNumber: 'ACC-99999' });
    expect(Object.keys(unknown.result).sort()).toEqual(Object.keys(named.result).sort());
    expect(unknown.challenge).toMatchObject({ customerId: null, address: 'ACC-99999' });
    expect(dispatched.length).toBe(dispatchedBefore);
    expect((await check(unknown.conversationId, '123456')).status).toBe('wrong');
  });

  it('signs a conversation in only after its code verified that customer', async () => {
    const phone = '+15551230003';
    const customerId = demoRecordId('customer', phone);
    const conversation = await db().conversation.create({ data: { channel: 'webchat', externalId: `dl-${randomUUID()}` } });
    const request = { conversationId: conversation.id, customerId, now: new Date() };
    expect(await signInConversation(db(), settings, request)).toBeNull();
    const { code } = await issue({ phone }, conversation.id);
    expect(await check(conversation.id, code ?? '')).toEqual({ status: 'verified', customerId });
    expect(await signInConversation(db(), settings, { ...request, now: new Date() })).toMatchObject({ id: customerId });
    expect((await db().conversation.findUniqueOrThrow({ where: { id: conversation.id } })).customerId).toBe(customerId);
    expect(await db().auditEvent.count({ where: { action: 'conversation.signedIn', entityId: conversation.id } })).toBe(1);
  });
});

describe('anonymous sign-in budgets', () => {
  /** Codes texted to this number (the contact log's code messages). */
  const textedTo = (phone: string) => db().interaction.count({ where: { toAddress: phone, reason: 'verification.code' } });

  it('lets the holder get a code however many anonymous sign-ins tried their number', async () => {
    const phone = '+15551230011';
    const customerId = demoRecordId('customer', phone);
    const now = new Date();
    // A stranger, from as many fresh chats as it likes, claims the holder's number.
    for (let tries = 0; tries < settings.maxPerHour * 2; tries++) expect((await issue({ phone }, randomUUID(), now)).result.status).toBe('sent');
    // The holder's own checks (their number on file, from their own channel) have their whole budget.
    for (let sent = 0; sent < settings.maxPerHour; sent++) {
      const own = await issue({ customerId }, randomUUID(), now);
      expect(own.result.status).toBe('sent');
      expect(own.code).toMatch(/^\d{6}$/);
    }
    expect((await issue({ customerId }, randomUUID(), now)).result).toEqual({ status: 'rateLimited' });
  });

  it('texts at most signInMaxPerNumberPerHour anonymous sign-in codes to one number, and says nothing of it', async () => {
    const phone = '+15551230012';
    const now = new Date();
    const before = await textedTo(phone);
    const attempts = [];
    for (let tries = 0; tries < settings.signInMaxPerNumberPerHour + 3; tries++) attempts.push(await issue({ phone }, randomUUID(), now));
    expect((await textedTo(phone)) - before).toBe(settings.signInMaxPerNumberPerHour);
    // Every attempt is answered the same way, texted or not.
    for (const attempt of attempts) expect(answerShape(attempt.result)).toEqual({ status: 'sent', keys: ['challengeId', 'expiresAt', 'phone', 'status'], phone });
    // A code held back was never texted and nothing verifies it: answers fail as a wrong code would.
    const held = attempts.at(-1);
    expect(held?.texted).toBeNull();
    expect(await check(held?.conversationId ?? '', '000000', now)).toEqual({ status: 'wrong', attemptsLeft: 2 });
    // An hour later the number takes anonymous codes again.
    expect((await issue({ phone }, randomUUID(), new Date(now.getTime() + 3_600_001))).texted).not.toBeNull();
  });

  it('keeps to the number\'s sign-in budget when many chats claim it at once', async () => {
    const phone = '+15551230018';
    const now = new Date();
    const before = await textedTo(phone);
    const attempts = await Promise.all(Array.from({ length: 8 }, () => issue({ phone }, randomUUID(), now)));
    expect(attempts.map((attempt) => attempt.result.status)).toEqual(Array<string>(8).fill('sent'));
    expect((await textedTo(phone)) - before).toBe(settings.signInMaxPerNumberPerHour);
  });

  it('answers a customer\'s number and a number on no account identically, within the budget and past it', async () => {
    const customerNumber = '+15551230013';
    const noAccount = '+15559990013';
    const now = new Date();
    const transcript = async (phone: string) => {
      const answers: unknown[] = [];
      for (let tries = 0; tries < settings.signInMaxPerNumberPerHour + 2; tries++) {
        const attempt = await issue({ phone }, randomUUID(), now);
        answers.push(answerShape(attempt.result));
        for (const answer of ['000000', '111111', '222222']) answers.push(await check(attempt.conversationId, answer, now));
      }
      return answers;
    };
    const forCustomer = await transcript(customerNumber);
    const forNoAccount = await transcript(noAccount);
    expect(JSON.stringify(forNoAccount).replaceAll(noAccount, 'N')).toBe(JSON.stringify(forCustomer).replaceAll(customerNumber, 'N'));
  });

  it('caps the sign-in codes one visitor conversation asks for, whatever the numbers', async () => {
    const conversationId = randomUUID();
    const now = new Date();
    const numbers = ['+15551230014', '+15559990014', '+15551230015', '+15559990015', '+15551230016'];
    const results = [];
    for (const phone of numbers) results.push((await issue({ phone }, conversationId, now)).result.status);
    expect(results).toEqual([...Array<string>(settings.signInMaxPerConversationPerHour).fill('sent'), 'signInLimited']);
    // The same for a number on an account and one on no account; other conversations are not affected.
    expect((await issue({ phone: '+15559990016' }, conversationId, now)).result).toEqual({ status: 'signInLimited' });
    expect((await issue({ phone: '+15551230016' }, randomUUID(), now)).result.status).toBe('sent');
    const audit = await db().auditEvent.findFirstOrThrow({ where: { entityId: conversationId, action: 'verification.rateLimited' } });
    expect(audit.details).toMatchObject({ budget: 'signInConversation' });
  });

  it('leaves the sign-in budget of a number alone when its holder gets codes', async () => {
    const phone = '+15551230017';
    const customerId = demoRecordId('customer', phone);
    const now = new Date();
    const before = await textedTo(phone);
    for (let sent = 0; sent < settings.maxPerHour; sent++) await issue({ customerId }, randomUUID(), now);
    for (let tries = 0; tries < settings.signInMaxPerNumberPerHour; tries++) expect((await issue({ phone }, randomUUID(), now)).texted).not.toBeNull();
    expect((await textedTo(phone)) - before).toBe(settings.maxPerHour + settings.signInMaxPerNumberPerHour);
  });
});

describe('customer notifications', () => {
  it('texts the preferred number on file once per idempotency key', async () => {
    const before = dispatched.length;
    const key = `test-${randomUUID()}`;
    const request = { customerId: samId, text: 'Your order ORD-1 is on its way.', reason: 'order.progress', idempotencyKey: key };
    const first = await notifyCustomer(db(), outbox, request);
    const second = await notifyCustomer(db(), outbox, request);
    expect(first).toMatchObject({ id: notificationId(key), phone: SAM, created: true });
    expect(second).toMatchObject({ id: notificationId(key), created: false });
    expect(dispatched.length - before).toBe(1);
    const stored = await db().interaction.findUniqueOrThrow({ where: { id: notificationId(key) } });
    expect([stored.channel, stored.toAddress, stored.reason, stored.text]).toEqual(['sms', SAM, 'order.progress', request.text]);
  });

  it('sends nothing to a number that is not the customer’s', async () => {
    expect(await notifyCustomer(db(), outbox, { customerId: samId, phone: ALEX, text: 'x', reason: 'test', idempotencyKey: randomUUID() })).toBeNull();
  });
});

/** What a visitor can see of an answer to a code request: its status, its fields and the number echoed. */
function answerShape(result: Awaited<ReturnType<typeof issueVerificationCode>>) {
  return { status: result.status, keys: Object.keys(result).sort(), phone: result.status === 'sent' ? result.phone : undefined };
}

/** A code that is not this one. */
function wrongCode(code: string | undefined): string {
  return code === '000000' ? '111111' : '000000';
}
