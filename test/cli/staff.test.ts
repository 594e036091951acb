import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStaffCommand, UsageError } from '../../src/cli/staff.ts';
import { verifyPassword } from '../../src/domain/staff/passwords.ts';
import { StaffUserError } from '../../src/domain/staff/staff-users.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

// `npm run staff`: what an operator types to add, list, disable and reset staff.

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
}, 180_000);
afterAll(async () => {
  await database?.drop();
});

async function run(...args: string[]): Promise<string[]> {
  const lines: string[] = [];
  await runStaffCommand(args, database.db.prisma, (line) => lines.push(line));
  return lines;
}

describe('npm run staff', () => {
  it('adds a user with a generated password printed once, lower-casing the email, and audits it', async () => {
    const lines = await run('add', '--email', 'Dana.W@Example.org', '--name', 'Dana W', '--role', 'supervisor', '--approval-limit', '250.00');
    expect(lines[0]).toBe('Added supervisor Dana W <dana.w@example.org>.');
    const password = /^Password \(shown once\): (\S{18})$/.exec(lines[1] ?? '')?.[1];
    expect(password).toBeDefined();
    const user = await database.db.prisma.staffUser.findUniqueOrThrow({ where: { email: 'dana.w@example.org' } });
    expect(await verifyPassword(user.passwordHash, password ?? '')).toBe(true);
    expect(user.passwordHash).not.toContain(password ?? '');
    expect(user.adjustmentApprovalLimit?.toFixed(2)).toBe('250.00');
    expect(await database.db.prisma.auditEvent.count({ where: { entityId: user.id, action: 'staff.user_created', actorType: 'system' } })).toBe(1);
  });

  it('refuses a taken email (in any case), an unknown role, a weak password and a missing flag', async () => {
    await run('add', '--email', 'taken@example.org', '--name', 'Taken', '--role', 'agent', '--password', 'long-enough-password');
    await expect(run('add', '--email', 'TAKEN@example.org', '--name', 'Again', '--role', 'agent')).rejects.toThrow(StaffUserError);
    await expect(run('add', '--email', 'x@example.org', '--name', 'X', '--role', 'boss')).rejects.toThrow(UsageError);
    await expect(run('add', '--email', 'y@example.org', '--name', 'Y', '--role', 'agent', '--password', 'short')).rejects.toThrow(/at least 10 characters/);
    await expect(run('add', '--email', 'z@example.org', '--role', 'agent')).rejects.toThrow(/needs --name/);
    await expect(run('promote')).rejects.toThrow(/Unknown command/);
  });

  it('lists, disables and resets (which unlocks and ends sessions)', async () => {
    await run('add', '--email', 'marta@example.org', '--name', 'Marta', '--role', 'marketer', '--password', 'marta-first-password');
    expect((await run('list')).some((line) => /marketer\s+marta@example\.org\s+Marta\s+active/.test(line))).toBe(true);

    const user = await database.db.prisma.staffUser.update({ where: { email: 'marta@example.org' }, data: { lockedUntil: new Date(Date.now() + 600_000), failedSignIns: 2 } });
    const reset = await run('reset-password', '--email', 'marta@example.org', '--password', 'marta-second-password');
    expect(reset[0]).toMatch(/New password set for marta@example.org/);
    const after = await database.db.prisma.staffUser.findUniqueOrThrow({ where: { id: user.id } });
    expect(after.lockedUntil).toBeNull();
    expect(await verifyPassword(after.passwordHash, 'marta-second-password')).toBe(true);

    expect(await run('disable', '--email', 'marta@example.org')).toEqual(['Disabled marta@example.org; their sessions have ended.']);
    expect((await run('list')).some((line) => /marta@example\.org.*disabled/.test(line))).toBe(true);
    await expect(run('disable', '--email', 'nobody@example.org')).rejects.toThrow(/No staff user/);
  });
});
