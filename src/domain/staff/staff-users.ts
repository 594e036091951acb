import { z } from 'zod';
import type { Prisma } from '../../generated/prisma/client.ts';
import type { StaffRole } from '../../generated/prisma/enums.ts';
import type { DbClient } from '../../lib/db-types.ts';
import { isUniqueViolation, inTransaction } from '../../lib/db-types.ts';
import { recordAuditEvent } from '../audit/audit.service.ts';
import { hashPassword, passwordProblem } from './passwords.ts';

// Staff users: who may sign in to the console, with which role. Emails are kept lower-cased
// (one account per address however it is typed); every change is an audit event.

export type { StaffRole };
export const STAFF_ROLES = ['agent', 'supervisor', 'marketer', 'admin'] as const satisfies readonly StaffRole[];

/** Who did it: a signed-in staff member, or the operator at the command line (null). */
export type StaffActor = { staffUserId: string } | null;

export interface StaffUserSummary {
  id: string;
  email: string;
  displayName: string;
  role: StaffRole;
  /** The user's own approval limit (decimal string); null = the role's default. */
  adjustmentApprovalLimit: string | null;
  disabledAt: Date | null;
  lockedUntil: Date | null;
  createdAt: Date;
}

export class StaffUserError extends Error {
  constructor(
    readonly code: 'staff_email_taken' | 'staff_email_invalid' | 'staff_password_weak' | 'staff_user_not_found' | 'staff_name_invalid',
    message: string,
  ) {
    super(message);
    this.name = 'StaffUserError';
  }
}

const emailSchema = z.email();

/** The form an email is kept in: trimmed and lower-cased. */
export function normaliseStaffEmail(email: string): string {
  return email.trim().toLowerCase();
}

const SUMMARY_SELECT = {
  id: true,
  email: true,
  name: true,
  role: true,
  adjustmentApprovalLimit: true,
  disabledAt: true,
  lockedUntil: true,
  createdAt: true,
} as const;

type SummaryRow = Prisma.StaffUserGetPayload<{ select: typeof SUMMARY_SELECT }>;

function toSummary(row: SummaryRow): StaffUserSummary {
  return {
    id: row.id,
    email: row.email,
    displayName: row.name,
    role: row.role,
    adjustmentApprovalLimit: row.adjustmentApprovalLimit === null ? null : row.adjustmentApprovalLimit.toFixed(2),
    disabledAt: row.disabledAt,
    lockedUntil: row.lockedUntil,
    createdAt: row.createdAt,
  };
}

export interface NewStaffUser {
  email: string;
  displayName: string;
  role: StaffRole;
  password: string;
  adjustmentApprovalLimit?: string | null;
}

/** Adds a staff user; refuses a taken email, an invalid one and a weak password. */
export async function createStaffUser(db: DbClient, input: NewStaffUser, actor: StaffActor): Promise<StaffUserSummary> {
  const email = normaliseStaffEmail(input.email);
  if (!emailSchema.safeParse(email).success) throw new StaffUserError('staff_email_invalid', `"${input.email}" is not an email address.`);
  const displayName = input.displayName.trim();
  if (displayName.length === 0 || displayName.length > 100) throw new StaffUserError('staff_name_invalid', 'A display name needs 1 to 100 characters.');
  const problem = passwordProblem(input.password, email);
  if (problem) throw new StaffUserError('staff_password_weak', problem);
  const passwordHash = await hashPassword(input.password);
  try {
    return await inTransaction(db, async (tx) => {
      const row = await tx.staffUser.create({
        data: { email, name: displayName, role: input.role, passwordHash, adjustmentApprovalLimit: input.adjustmentApprovalLimit ?? null },
        select: SUMMARY_SELECT,
      });
      await recordAuditEvent(tx, {
        ...auditActor(actor),
        action: 'staff.user_created',
        entityType: 'staffUser',
        entityId: row.id,
        details: { email, role: input.role },
      });
      return toSummary(row);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new StaffUserError('staff_email_taken', `A staff user with the email ${email} already exists.`);
    throw error;
  }
}

export async function listStaffUsers(db: DbClient): Promise<StaffUserSummary[]> {
  const rows = await db.staffUser.findMany({ select: SUMMARY_SELECT, orderBy: [{ role: 'asc' }, { email: 'asc' }] });
  return rows.map(toSummary);
}

export async function findStaffUserByEmail(db: DbClient, email: string): Promise<StaffUserSummary | null> {
  const row = await db.staffUser.findUnique({ where: { email: normaliseStaffEmail(email) }, select: SUMMARY_SELECT });
  return row ? toSummary(row) : null;
}

export async function getStaffUser(db: DbClient, id: string): Promise<StaffUserSummary | null> {
  const row = await db.staffUser.findUnique({ where: { id }, select: SUMMARY_SELECT });
  return row ? toSummary(row) : null;
}

/** Stops a staff user signing in and ends their sessions at once. Idempotent. */
export async function disableStaffUser(db: DbClient, email: string, actor: StaffActor, now = new Date()): Promise<StaffUserSummary> {
  return inTransaction(db, async (tx) => {
    const user = await tx.staffUser.findUnique({ where: { email: normaliseStaffEmail(email) }, select: { id: true, disabledAt: true } });
    if (!user) throw new StaffUserError('staff_user_not_found', `No staff user has the email ${normaliseStaffEmail(email)}.`);
    const row = await tx.staffUser.update({ where: { id: user.id }, data: { disabledAt: user.disabledAt ?? now }, select: SUMMARY_SELECT });
    const revoked = await tx.staffSession.updateMany({ where: { staffUserId: user.id, revokedAt: null }, data: { revokedAt: now } });
    await recordAuditEvent(tx, { ...auditActor(actor), action: 'staff.user_disabled', entityType: 'staffUser', entityId: user.id, details: { sessionsRevoked: revoked.count } });
    return toSummary(row);
  });
}

/** Sets a new password (an operator's reset): unlocks the account and ends every session. */
export async function resetStaffPassword(db: DbClient, email: string, password: string, actor: StaffActor, now = new Date()): Promise<StaffUserSummary> {
  const normalised = normaliseStaffEmail(email);
  const problem = passwordProblem(password, normalised);
  if (problem) throw new StaffUserError('staff_password_weak', problem);
  const passwordHash = await hashPassword(password);
  return inTransaction(db, async (tx) => {
    const user = await tx.staffUser.findUnique({ where: { email: normalised }, select: { id: true } });
    if (!user) throw new StaffUserError('staff_user_not_found', `No staff user has the email ${normalised}.`);
    const row = await tx.staffUser.update({
      where: { id: user.id },
      data: { passwordHash, passwordChangedAt: now, failedSignIns: 0, lockedUntil: null },
      select: SUMMARY_SELECT,
    });
    const revoked = await tx.staffSession.updateMany({ where: { staffUserId: user.id, revokedAt: null }, data: { revokedAt: now } });
    await recordAuditEvent(tx, { ...auditActor(actor), action: 'staff.password_reset', entityType: 'staffUser', entityId: user.id, details: { sessionsRevoked: revoked.count } });
    return toSummary(row);
  });
}

/** The largest credit this staff member may approve, in a decimal string: their own limit, else the role's. */
export function approvalLimitOf(user: Pick<StaffUserSummary, 'role' | 'adjustmentApprovalLimit'>, roleLimits: Record<StaffRole, string>): string {
  return user.adjustmentApprovalLimit ?? roleLimits[user.role];
}

export function auditActor(actor: StaffActor): { actorType: 'staff' | 'system'; actorId?: string } {
  return actor ? { actorType: 'staff', actorId: actor.staffUserId } : { actorType: 'system', actorId: 'cli' };
}
