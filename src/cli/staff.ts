import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ConfigError, loadConfig } from '../app/config/index.ts';
import { openDatabase } from '../db/client.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { generatePassword } from '../domain/staff/passwords.ts';
import { createStaffUser, disableStaffUser, listStaffUsers, resetStaffPassword, STAFF_ROLES, StaffUserError } from '../domain/staff/staff-users.ts';

// `npm run staff -- <command>`: the operator's way to manage console staff.
//   add --email a@b.c --name "Dana W" --role agent [--password …] [--approval-limit 150.00]
//   list
//   disable --email a@b.c
//   reset-password --email a@b.c [--password …]
// Without --password a strong one is generated and printed once (it is stored only as a hash).

const USAGE = `Usage: npm run staff -- <command>
  add --email <email> --name <display name> --role <${STAFF_ROLES.join('|')}> [--password <password>] [--approval-limit <amount>]
  list
  disable --email <email>
  reset-password --email <email> [--password <password>]
Without --password, a password is generated and printed once.`;

const roleSchema = z.enum(STAFF_ROLES);
const limitSchema = z.string().regex(/^\d{1,7}(\.\d{1,2})?$/, 'must be an amount such as 150.00');

export class UsageError extends Error {}

/** Runs one staff command; writes what it did to `out`. Throws UsageError or StaffUserError on bad input. */
export async function runStaffCommand(args: string[], prisma: PrismaClient, out: (line: string) => void): Promise<void> {
  const [command, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    options: { email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, password: { type: 'string' }, 'approval-limit': { type: 'string' } },
    strict: true,
  });
  const required = (name: 'email' | 'name' | 'role') => {
    const value = values[name];
    if (!value) throw new UsageError(`${command} needs --${name}.`);
    return value;
  };
  switch (command) {
    case 'add': {
      const role = roleSchema.safeParse(required('role'));
      if (!role.success) throw new UsageError(`--role must be one of ${STAFF_ROLES.join(', ')}.`);
      const limit = values['approval-limit'] === undefined ? null : limitSchema.safeParse(values['approval-limit']);
      if (limit && !limit.success) throw new UsageError('--approval-limit must be an amount such as 150.00.');
      const password = values.password ?? generatePassword();
      const user = await createStaffUser(prisma, { email: required('email'), displayName: required('name'), role: role.data, password, adjustmentApprovalLimit: limit?.data ?? null }, null);
      out(`Added ${user.role} ${user.displayName} <${user.email}>.`);
      if (!values.password) out(`Password (shown once): ${password}`);
      return;
    }
    case 'list': {
      const users = await listStaffUsers(prisma);
      if (users.length === 0) out('No staff users.');
      for (const user of users) {
        const state = user.disabledAt ? 'disabled' : user.lockedUntil && user.lockedUntil > new Date() ? `locked until ${user.lockedUntil.toISOString()}` : 'active';
        out(`${user.role.padEnd(10)} ${user.email.padEnd(36)} ${user.displayName.padEnd(24)} ${state}${user.adjustmentApprovalLimit ? `, approves up to ${user.adjustmentApprovalLimit}` : ''}`);
      }
      return;
    }
    case 'disable': {
      const user = await disableStaffUser(prisma, required('email'), null);
      out(`Disabled ${user.email}; their sessions have ended.`);
      return;
    }
    case 'reset-password': {
      const password = values.password ?? generatePassword();
      const user = await resetStaffPassword(prisma, required('email'), password, null);
      out(`New password set for ${user.email}; their sessions have ended and the account is unlocked.`);
      if (!values.password) out(`Password (shown once): ${password}`);
      return;
    }
    default:
      throw new UsageError(command ? `Unknown command "${command}".` : 'No command given.');
  }
}

const isEntryPoint = process.argv[1]?.endsWith('staff.ts');
if (isEntryPoint) {
  try {
    const config = loadConfig();
    const db = await openDatabase({ url: config.database.url });
    try {
      await runStaffCommand(process.argv.slice(2), db.prisma, (line) => process.stdout.write(`${line}\n`));
    } finally {
      await db.close();
    }
  } catch (error) {
    if (error instanceof UsageError) process.stderr.write(`${error.message}\n\n${USAGE}\n`);
    else if (error instanceof StaffUserError || error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
    else if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) process.stderr.write(`${error.message}\n\n${USAGE}\n`);
    else process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
