import { createHash, randomBytes } from 'node:crypto';
import type { DbClient } from '../../lib/db-types.ts';
import { inTransaction } from '../../lib/db-types.ts';
import { recordAuditEvent } from '../audit/audit.service.ts';
import { hashPassword, needsRehash, passwordProblem, verifyAgainstDummy, verifyPassword } from './passwords.ts';
import { normaliseStaffEmail, type StaffRole } from './staff-users.ts';

// Staff sessions live in the database (PGlite and PostgreSQL alike), so signing out, a password
// change or disabling a user ends them everywhere at once. The browser holds a random 32-byte
// token; only its SHA-256 is stored.

/** How sessions and lock-out behave (the STAFF_* settings). */
export interface StaffSessionSettings {
  /** A session ends after this long without a request. */
  sessionIdleMs: number;
  /** A session ends this long after sign-in. */
  sessionMaxMs: number;
  /** Wrong passwords in a row that lock the account. */
  lockoutAttempts: number;
  lockoutMs: number;
}

/** Who is signed in, as every staff route sees it. */
export interface StaffPrincipal {
  id: string;
  email: string;
  displayName: string;
  role: StaffRole;
  sessionId: string;
}

export interface AuthenticatedSession {
  staff: StaffPrincipal;
  csrfToken: string;
  expiresAt: Date;
}

export type SignInResult =
  | { ok: true; token: string; session: AuthenticatedSession }
  /** One answer for every failure; `reason` is for the audit and the log only, never the client. */
  | { ok: false; reason: 'unknown_email' | 'wrong_password' | 'locked' | 'disabled' };

export interface SignInRequest {
  email: string;
  password: string;
  /** csrf-sync's token for the new session. */
  csrfToken: string;
  userAgent?: string | undefined;
  clientAddress?: string | undefined;
}

/** lastSeenAt is written at most this often per session (not on every request). */
const TOUCH_INTERVAL_MS = 60_000;

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Checks the password and opens a session; counts failures and locks the account after too many. */
export async function signInStaff(db: DbClient, request: SignInRequest, settings: StaffSessionSettings, now = new Date()): Promise<SignInResult> {
  const email = normaliseStaffEmail(request.email);
  const user = await db.staffUser.findUnique({ where: { email }, select: { id: true, email: true, name: true, role: true, passwordHash: true, disabledAt: true, lockedUntil: true } });
  if (!user) {
    await verifyAgainstDummy(request.password);
    return { ok: false, reason: 'unknown_email' };
  }
  const passwordMatches = await verifyPassword(user.passwordHash, request.password);
  const audit = { actorType: 'staff' as const, actorId: user.id, entityType: 'staffUser', entityId: user.id };
  if (user.disabledAt) {
    await recordAuditEvent(db, { ...audit, action: 'staff.sign_in_refused', details: { reason: 'disabled', address: request.clientAddress ?? null } });
    return { ok: false, reason: 'disabled' };
  }
  if (user.lockedUntil && user.lockedUntil > now) {
    await recordAuditEvent(db, { ...audit, action: 'staff.sign_in_refused', details: { reason: 'locked', address: request.clientAddress ?? null } });
    return { ok: false, reason: 'locked' };
  }
  if (!passwordMatches) {
    await recordFailure(db, user.id, settings, now, request.clientAddress);
    return { ok: false, reason: 'wrong_password' };
  }
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + settings.sessionMaxMs);
  const upgradedHash = needsRehash(user.passwordHash) ? await hashPassword(request.password) : undefined;
  const session = await inTransaction(db, async (tx) => {
    await tx.staffUser.update({ where: { id: user.id }, data: { failedSignIns: 0, lockedUntil: null, ...(upgradedHash ? { passwordHash: upgradedHash } : {}) } });
    const created = await tx.staffSession.create({
      data: { tokenHash: hashSessionToken(token), staffUserId: user.id, csrfToken: request.csrfToken, createdAt: now, lastSeenAt: now, expiresAt, userAgent: request.userAgent?.slice(0, 300) ?? null },
      select: { id: true },
    });
    await recordAuditEvent(tx, { ...audit, action: 'staff.signed_in', details: { sessionId: created.id, address: request.clientAddress ?? null } });
    return created;
  });
  return {
    ok: true,
    token,
    session: { staff: { id: user.id, email: user.email, displayName: user.name, role: user.role, sessionId: session.id }, csrfToken: request.csrfToken, expiresAt },
  };
}

async function recordFailure(db: DbClient, userId: string, settings: StaffSessionSettings, now: Date, address: string | undefined): Promise<void> {
  await inTransaction(db, async (tx) => {
    // One statement counts the failure, so concurrent wrong passwords each count.
    const counted = await tx.staffUser.update({ where: { id: userId }, data: { failedSignIns: { increment: 1 } }, select: { failedSignIns: true } });
    const locks = counted.failedSignIns >= settings.lockoutAttempts;
    if (locks) await tx.staffUser.update({ where: { id: userId }, data: { lockedUntil: new Date(now.getTime() + settings.lockoutMs), failedSignIns: 0 } });
    await recordAuditEvent(tx, {
      actorType: 'staff',
      actorId: userId,
      action: locks ? 'staff.locked_out' : 'staff.sign_in_failed',
      entityType: 'staffUser',
      entityId: userId,
      details: { failedSignIns: counted.failedSignIns, address: address ?? null },
    });
  });
}

/**
 * The session a cookie's token names, when it is live: not revoked, not past its idle or
 * absolute expiry, and its user not disabled. Refreshes lastSeenAt (at most once a minute).
 */
export async function authenticateStaffSession(db: DbClient, token: string, settings: StaffSessionSettings, now = new Date()): Promise<AuthenticatedSession | null> {
  if (token.length === 0 || token.length > 100) return null;
  const session = await db.staffSession.findUnique({
    where: { tokenHash: hashSessionToken(token) },
    select: {
      id: true,
      csrfToken: true,
      lastSeenAt: true,
      expiresAt: true,
      revokedAt: true,
      staffUser: { select: { id: true, email: true, name: true, role: true, disabledAt: true } },
    },
  });
  if (!session || session.revokedAt || session.staffUser.disabledAt) return null;
  if (session.expiresAt <= now || session.lastSeenAt.getTime() + settings.sessionIdleMs <= now.getTime()) return null;
  if (now.getTime() - session.lastSeenAt.getTime() >= TOUCH_INTERVAL_MS) {
    await db.staffSession.update({ where: { id: session.id }, data: { lastSeenAt: now } });
  }
  const user = session.staffUser;
  return {
    staff: { id: user.id, email: user.email, displayName: user.name, role: user.role, sessionId: session.id },
    csrfToken: session.csrfToken,
    expiresAt: session.expiresAt,
  };
}

/** Ends one session (sign-out). Idempotent. */
export async function signOutStaff(db: DbClient, staff: StaffPrincipal, now = new Date()): Promise<void> {
  await inTransaction(db, async (tx) => {
    const ended = await tx.staffSession.updateMany({ where: { id: staff.sessionId, revokedAt: null }, data: { revokedAt: now } });
    if (ended.count > 0) {
      await recordAuditEvent(tx, { actorType: 'staff', actorId: staff.id, action: 'staff.signed_out', entityType: 'staffUser', entityId: staff.id, details: { sessionId: staff.sessionId } });
    }
  });
}

export type PasswordChangeResult = { ok: true; sessionsRevoked: number } | { ok: false; code: 'current_password_wrong' | 'password_weak'; message: string };

/** Changes the signed-in user's own password after checking the current one; ends their other sessions. */
export async function changeStaffPassword(
  db: DbClient,
  staff: StaffPrincipal,
  passwords: { currentPassword: string; newPassword: string },
  now = new Date(),
): Promise<PasswordChangeResult> {
  const user = await db.staffUser.findUniqueOrThrow({ where: { id: staff.id }, select: { passwordHash: true, email: true } });
  if (!(await verifyPassword(user.passwordHash, passwords.currentPassword))) {
    await recordAuditEvent(db, { actorType: 'staff', actorId: staff.id, action: 'staff.password_change_refused', entityType: 'staffUser', entityId: staff.id });
    return { ok: false, code: 'current_password_wrong', message: 'The current password is not right.' };
  }
  const problem = passwordProblem(passwords.newPassword, user.email);
  if (problem) return { ok: false, code: 'password_weak', message: problem };
  if (passwords.newPassword === passwords.currentPassword) return { ok: false, code: 'password_weak', message: 'The new password must differ from the current one.' };
  const passwordHash = await hashPassword(passwords.newPassword);
  return inTransaction(db, async (tx) => {
    await tx.staffUser.update({ where: { id: staff.id }, data: { passwordHash, passwordChangedAt: now } });
    const revoked = await tx.staffSession.updateMany({ where: { staffUserId: staff.id, revokedAt: null, id: { not: staff.sessionId } }, data: { revokedAt: now } });
    await recordAuditEvent(tx, { actorType: 'staff', actorId: staff.id, action: 'staff.password_changed', entityType: 'staffUser', entityId: staff.id, details: { otherSessionsRevoked: revoked.count } });
    return { ok: true, sessionsRevoked: revoked.count };
  });
}
