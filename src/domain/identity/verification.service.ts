import { randomBytes, randomInt, scrypt, timingSafeEqual } from 'node:crypto';
import { inTransaction, type DbClient } from '../../lib/db-types.ts';
import { recordAuditEvent } from '../audit/audit.service.ts';
import { findCustomerIdByPhone, getCustomer, type CustomerSummary } from '../customers/customers.service.ts';
import {
  dispatchNotification,
  keyedId,
  redactNotification,
  storeCustomerNotification,
  type NotificationOutbox,
  type StoredNotification,
} from '../notifications/notifications.service.ts';

// One-time codes texted to the phone number on file (TMF-free; the VerificationChallenge table).
// A code is 6 random digits, kept only as a salted scrypt hash, valid for a few minutes and a few
// wrong tries; a new one supersedes the previous. A number that matches no customer gets a
// challenge too (no text goes out), so the answers never tell which numbers have an account.
// Codes have two separate budgets: the holder's own (their number on file, asked for from their
// own channel) and the anonymous sign-in's (a number a visitor typed), so a stranger can neither
// lock the holder out of codes nor flood their phone. Neither codes nor hashes go to the audit
// trail or the logs.

const KEY_LENGTH = 32;
const CODE_DIGITS = 6;
const HOUR_MS = 3_600_000;

/** How one-time codes behave (the OTP_* settings). */
export interface VerificationSettings {
  codeTtlSeconds: number;
  maxAttempts: number;
  /** Codes per hour to a holder's number on file, asked for from the holder's own channel. */
  maxPerHour: number;
  /** Anonymous sign-in codes per hour to one number, apart from the holder's own budget; past it nothing is texted and nothing is said. */
  signInMaxPerNumberPerHour: number;
  /** Anonymous sign-in codes per hour one visitor conversation may ask for, whatever the numbers. */
  signInMaxPerConversationPerHour: number;
  verifiedMinutes: number;
}

export interface IssueCodeRequest {
  /** The conversation the customer is verifying in (the code is good only there). */
  conversationId: string;
  purpose: string;
  /** A retried turn issues nothing new: use `otp-${inboundId}`. */
  idempotencyKey: string;
  correlationId?: string | undefined;
  now: Date;
}

/**
 * Whom to text: a known customer (their number on file, asked for from their own channel: the
 * holder's budget), or whoever owns a number an anonymous visitor typed (sign-in: its own budgets).
 */
/**
 * Who a code goes to: a known customer (their number on file), a number a visitor gave, or an
 * account number a caller gave (the code goes to that account holder's number on file, never to
 * the number calling).
 */
export type CodeRecipient = { customerId: string } | { phone: string } | { accountNumber: string };

export type IssueCodeResult =
  /** Sent (or, for a number on no account or past its sign-in budget, pretended to be: the caller cannot tell). */
  | { status: 'sent'; challengeId: string; phone: string; expiresAt: Date }
  /** Too many codes for the holder's number in the last hour (never for a sign-in). */
  | { status: 'rateLimited' }
  /** Too many sign-in codes asked for in this conversation in the last hour, whatever the numbers. */
  | { status: 'signInLimited' }
  /** The customer has no phone number on file to text. */
  | { status: 'noPhone' };

export type CheckCodeResult =
  | { status: 'verified'; customerId: string }
  | { status: 'wrong'; attemptsLeft: number }
  /** Too many wrong codes: the challenge is failed; a new code is needed. */
  | { status: 'failed' }
  | { status: 'expired' }
  /** No code is waiting in this conversation. */
  | { status: 'none' };

export interface VerificationDeps {
  settings: VerificationSettings;
  outbox: NotificationOutbox;
  /** The operator's name, in the text that carries the code. */
  operatorName: string;
}

/** Six random digits, uniformly drawn. */
export function generateCode(): string {
  return String(randomInt(0, 10 ** CODE_DIGITS)).padStart(CODE_DIGITS, '0');
}

/** `scrypt$<salt>$<hash>`, both base64. */
export async function hashCode(code: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await derive(code, salt);
  return `scrypt$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** Compares in constant time; a malformed stored hash never matches. */
export async function codeMatches(code: string, stored: string): Promise<boolean> {
  const [scheme, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await derive(normaliseCode(code), Buffer.from(salt, 'base64'));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** The digits of an answer such as "123 456" or "123-456." */
export function normaliseCode(answer: string): string {
  return answer.replace(/\D/g, '');
}

/** The code in an answer ("123456", "123 456", "my code is 123-456"), or undefined when it holds no 6 digits. */
export function codeIn(answer: string): string | undefined {
  const digits = normaliseCode(answer);
  return digits.length === CODE_DIGITS ? digits : undefined;
}

/**
 * Texts a new one-time code to the recipient's number on file and records the challenge. The
 * previous pending code of the conversation stops working. Idempotent on the key: a retried turn
 * gets the same answer and no second text.
 */
export async function issueVerificationCode(
  db: DbClient,
  deps: VerificationDeps,
  recipient: CodeRecipient,
  request: IssueCodeRequest,
): Promise<IssueCodeResult> {
  const challengeId = keyedId('verification', request.idempotencyKey);
  const existing = await db.verificationChallenge.findUnique({ where: { id: challengeId }, select: { address: true, expiresAt: true } });
  if (existing) return { status: 'sent', challengeId, phone: existing.address, expiresAt: existing.expiresAt };

  const anonymous = !('customerId' in recipient);
  const since = new Date(request.now.getTime() - HOUR_MS);
  const rateLimited = (customerId: string | null, budget: CodeBudget) =>
    recordAuditEvent(db, {
      ...actor(customerId),
      action: 'verification.rateLimited',
      entityType: 'conversation',
      entityId: request.conversationId,
      details: { purpose: request.purpose, budget },
      correlationId: request.correlationId,
    });
  // The visitor's own budget comes first: it does not depend on the number, so saying so reveals nothing.
  if (anonymous) {
    const askedHere = await db.verificationChallenge.count({ where: { conversationId: request.conversationId, anonymous: true, createdAt: { gte: since } } });
    if (askedHere >= deps.settings.signInMaxPerConversationPerHour) {
      await rateLimited(null, 'signInConversation');
      return { status: 'signInLimited' };
    }
  }

  const target = await resolveRecipient(db, recipient);
  if (!target) return { status: 'noPhone' };
  const { phone } = target;
  const code = generateCode();
  const codeHash = await hashCode(code);
  const expiresAt = new Date(request.now.getTime() + deps.settings.codeTtlSeconds * 1000);
  const minutes = Math.max(1, Math.round(deps.settings.codeTtlSeconds / 60));
  const issued = await inTransaction(db, async (tx): Promise<'rateLimited' | { notice: StoredNotification | null }> => {
    // One number's requests one at a time, so concurrent chats cannot all slip under its budget.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`verification-code ${phone}`}))`;
    const recent = await tx.verificationChallenge.count({ where: { address: phone, anonymous, createdAt: { gte: since } } });
    if (!anonymous && recent >= deps.settings.maxPerHour) return 'rateLimited';
    // Past the number's sign-in budget the visitor is answered as usual, but nobody is texted and
    // nothing can verify: the same steps as for a number on no account.
    const withheld = anonymous && recent >= deps.settings.signInMaxPerNumberPerHour;
    const customerId = withheld ? null : target.customerId;
    await supersedePending(tx, request.conversationId);
    await tx.verificationChallenge.create({
      data: {
        id: challengeId,
        conversationId: request.conversationId,
        customerId,
        address: phone,
        anonymous,
        purpose: request.purpose,
        codeHash,
        maxAttempts: deps.settings.maxAttempts,
        expiresAt,
        createdAt: request.now,
      },
    });
    await recordAuditEvent(tx, {
      ...actor(target.customerId),
      action: withheld ? 'verification.rateLimited' : 'verification.issued',
      entityType: 'verificationChallenge',
      entityId: challengeId,
      details: { purpose: request.purpose, conversationId: request.conversationId, sent: customerId !== null, ...(withheld ? { budget: 'signInNumber' satisfies CodeBudget } : {}) },
      correlationId: request.correlationId,
    });
    // A number on no account (or past its sign-in budget) gets nothing; the challenge above answers like a real one.
    if (!customerId) return { notice: null };
    const notice = await storeCustomerNotification(tx, deps.outbox.smsFrom, {
      customerId,
      phone,
      text: `${code} is your ${deps.operatorName} verification code. It expires in ${minutes} min. We will never ask you to share it.`,
      reason: 'verification.code',
      idempotencyKey: codeNoticeKey(challengeId),
      correlationId: request.correlationId,
    });
    return { notice };
  });
  if (issued === 'rateLimited') {
    await rateLimited(target.customerId, 'holder');
    return { status: 'rateLimited' };
  }
  if (issued.notice?.created) await dispatchNotification(deps.outbox, issued.notice);
  return { status: 'sent', challengeId, phone, expiresAt };
}

/**
 * Checks an answer against the conversation's latest code. Wrong answers count against the
 * code's tries; the last one fails it. A number on no account never verifies, and fails exactly
 * as a wrong code would. The same right answer again (a retried turn) is still `verified`.
 */
export async function checkVerificationCode(
  db: DbClient,
  deps: Pick<VerificationDeps, 'settings'>,
  request: { conversationId: string; answer: string; correlationId?: string | undefined; now: Date },
): Promise<CheckCodeResult> {
  // What the customer typed is a code, right or wrong: the contact log keeps it masked, on every channel.
  await maskTypedCode(db, request.conversationId, request.answer);
  // Only the latest code counts: a new one supersedes the previous.
  const challenge = await db.verificationChallenge.findFirst({ where: { conversationId: request.conversationId }, orderBy: { createdAt: 'desc' } });
  if (!challenge) return { status: 'none' };
  const audit = (action: string, details: Record<string, string | number>) =>
    recordAuditEvent(db, { ...actor(challenge.customerId), action, entityType: 'verificationChallenge', entityId: challenge.id, details: { purpose: challenge.purpose, ...details }, correlationId: request.correlationId });

  switch (challenge.status) {
    case 'verified': {
      // A retried turn answers the same; a used code is good for nothing else.
      const stillValid = challenge.verifiedAt !== null && request.now.getTime() - challenge.verifiedAt.getTime() < deps.settings.verifiedMinutes * 60_000;
      if (stillValid && challenge.customerId && (await codeMatches(request.answer, challenge.codeHash))) return { status: 'verified', customerId: challenge.customerId };
      return { status: 'none' };
    }
    case 'failed':
      return { status: 'failed' };
    case 'expired':
      return { status: 'expired' };
    case 'pending':
      break;
  }
  if (challenge.expiresAt.getTime() <= request.now.getTime()) {
    const expired = await db.verificationChallenge.updateMany({ where: { id: challenge.id, status: 'pending' }, data: { status: 'expired' } });
    if (expired.count > 0) {
      await audit('verification.failed', { reason: 'expired' });
      await redactNotification(db, codeNoticeKey(challenge.id), USED_CODE_TEXT);
    }
    return { status: 'expired' };
  }
  const matches = await codeMatches(request.answer, challenge.codeHash);
  if (matches && challenge.customerId) {
    const verified = await db.verificationChallenge.updateMany({ where: { id: challenge.id, status: 'pending' }, data: { status: 'verified', verifiedAt: request.now } });
    if (verified.count === 0) return { status: 'none' };
    await audit('verification.verified', { attempts: challenge.attempts + 1 });
    await redactNotification(db, codeNoticeKey(challenge.id), USED_CODE_TEXT);
    return { status: 'verified', customerId: challenge.customerId };
  }
  const attempts = challenge.attempts + 1;
  const failed = attempts >= challenge.maxAttempts;
  // Conditional on the attempts read, so two answers cannot both spend the same try.
  const counted = await db.verificationChallenge.updateMany({
    where: { id: challenge.id, status: 'pending', attempts: challenge.attempts },
    data: { attempts, ...(failed ? { status: 'failed' } : {}) },
  });
  if (counted.count === 0) return { status: 'none' };
  if (!failed) return { status: 'wrong', attemptsLeft: challenge.maxAttempts - attempts };
  await audit('verification.failed', { reason: 'attempts' });
  await redactNotification(db, codeNoticeKey(challenge.id), USED_CODE_TEXT);
  return { status: 'failed' };
}

/**
 * Whether this customer verified by code in this conversation within the window
 * (settings.verifiedMinutes), read from the latest verified challenge, so it survives restarts
 * and dialog resets.
 */
export async function isVerifiedInConversation(
  db: DbClient,
  settings: VerificationSettings,
  request: { conversationId: string; customerId: string; now: Date },
): Promise<boolean> {
  const since = new Date(request.now.getTime() - settings.verifiedMinutes * 60_000);
  const latest = await db.verificationChallenge.findFirst({
    where: { conversationId: request.conversationId, customerId: request.customerId, status: 'verified', verifiedAt: { gte: since, lte: request.now } },
    select: { id: true },
  });
  return latest !== null;
}

/**
 * After a sign-in by code: the conversation (e.g. web chat) belongs to the customer from now on,
 * so later turns know who it is. Only for a challenge that verified this customer here.
 */
export async function signInConversation(
  db: DbClient,
  settings: VerificationSettings,
  request: { conversationId: string; customerId: string; correlationId?: string | undefined; now: Date },
): Promise<CustomerSummary | null> {
  if (!(await isVerifiedInConversation(db, settings, request))) return null;
  return inTransaction(db, async (tx) => {
    await tx.conversation.update({ where: { id: request.conversationId }, data: { customerId: request.customerId } });
    await recordAuditEvent(tx, {
      actorType: 'customer',
      actorId: request.customerId,
      action: 'conversation.signedIn',
      entityType: 'conversation',
      entityId: request.conversationId,
      details: { method: 'sms-code' },
      correlationId: request.correlationId,
    });
    return getCustomer(tx, request.customerId);
  });
}

/** Which budget a refused code request ran out of (in the audit trail). */
type CodeBudget = 'holder' | 'signInConversation' | 'signInNumber';

/** What the contact log keeps of a code message once the code is used, failed or replaced. */
const USED_CODE_TEXT = 'Verification code (hidden once used).';

/** What replaces each digit of a code the customer typed back, in the contact log. */
const CODE_MASK = '*';
/** The conversation's latest inbound messages searched for the typed code (the answer is the newest; a retried turn may follow it). */
const RECENT_INBOUND = 3;

/**
 * Masks a code the customer typed in the conversation's latest inbound messages, where the
 * contact log and every timeline read them ("my code is 123456" → "my code is ******").
 */
export async function maskTypedCode(db: DbClient, conversationId: string, answer: string): Promise<void> {
  const digits = answer.replace(/\D/g, '');
  if (digits.length < 4 || digits.length > 10) return;
  // The digits as typed, perhaps spaced or dashed ("123 456", "123-456").
  const typed = new RegExp(`(?<!\\d)${digits.split('').join('[\\s-]?')}(?!\\d)`, 'g');
  const recent = await db.interaction.findMany({
    where: { conversationId, direction: 'inbound' },
    orderBy: { seq: 'desc' },
    take: RECENT_INBOUND,
    select: { id: true, text: true },
  });
  for (const message of recent) {
    const masked = message.text.replace(typed, CODE_MASK.repeat(digits.length));
    if (masked !== message.text) await db.interaction.update({ where: { id: message.id }, data: { text: masked } });
  }
}

/** The notification carrying a challenge's code. */
function codeNoticeKey(challengeId: string): string {
  return `verification-code-${challengeId}`;
}

/** The number to text and whose it is (null: a number on no account). */
async function resolveRecipient(db: DbClient, recipient: CodeRecipient): Promise<{ customerId: string | null; phone: string } | null> {
  if ('phone' in recipient) return { customerId: await findCustomerIdByPhone(db, recipient.phone), phone: recipient.phone };
  if ('accountNumber' in recipient) {
    const account = await db.account.findFirst({ where: { accountNumber: { equals: recipient.accountNumber, mode: 'insensitive' } }, select: { customerId: true } });
    const onFile = account ? await resolveRecipient(db, { customerId: account.customerId }) : null;
    // An account we do not have (or one with no number on file) is answered like a real one: nothing is texted, nothing can verify.
    return onFile ?? { customerId: null, phone: recipient.accountNumber.toUpperCase() };
  }
  const medium = await db.contactMedium.findFirst({
    where: { customerId: recipient.customerId, mediumType: 'phone', phoneNumber: { not: null } },
    orderBy: [{ preferred: 'desc' }, { createdAt: 'asc' }],
    select: { phoneNumber: true },
  });
  return medium?.phoneNumber ? { customerId: recipient.customerId, phone: medium.phoneNumber } : null;
}

/** A new code replaces the conversation's pending one. */
async function supersedePending(db: DbClient, conversationId: string): Promise<void> {
  const pending = await db.verificationChallenge.findMany({ where: { conversationId, status: 'pending' }, select: { id: true } });
  if (pending.length === 0) return;
  await db.verificationChallenge.updateMany({ where: { id: { in: pending.map((challenge) => challenge.id) }, status: 'pending' }, data: { status: 'expired' } });
  for (const challenge of pending) await redactNotification(db, codeNoticeKey(challenge.id), USED_CODE_TEXT);
}

function actor(customerId: string | null): { actorType: 'customer' | 'system'; actorId: string | undefined } {
  return customerId ? { actorType: 'customer', actorId: customerId } : { actorType: 'system', actorId: undefined };
}

/** scrypt with node's default cost (N=16384, r=8, p=1): slow enough to make a stolen hash costly to test. */
function derive(code: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(code, salt, KEY_LENGTH, (error, key) => (error ? reject(error) : resolve(key))));
}
