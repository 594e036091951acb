import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../../src/generated/prisma/client.ts';
import { createStaffUser as addStaffUser, type StaffRole } from '../../src/domain/staff/staff-users.ts';
import { sessionResponseSchema } from '../../src/http/console/api-schemas.ts';
import { STAFF_SESSION_COOKIE } from '../../src/http/staff-auth/index.ts';

// Staff for tests: a user of any role with a known password, and a signed-in client that sends
// the session cookie and the CSRF header the way the console's browser code does.

export interface TestStaffUser {
  id: string;
  email: string;
  password: string;
  displayName: string;
  role: StaffRole;
}

/** Adds a staff user (a unique email unless given; password "test-password-<random>" unless given). */
export async function createStaffUser(
  db: PrismaClient | { prisma: PrismaClient },
  options: { role: StaffRole; email?: string; password?: string; displayName?: string; adjustmentApprovalLimit?: string },
): Promise<TestStaffUser> {
  const prisma = 'prisma' in db ? db.prisma : db;
  const email = options.email ?? `${options.role}-${randomUUID().slice(0, 8)}@staff.test`;
  const password = options.password ?? `test-password-${randomUUID().slice(0, 8)}`;
  const displayName = options.displayName ?? `Test ${options.role}`;
  const user = await addStaffUser(
    prisma,
    { email, displayName, role: options.role, password, adjustmentApprovalLimit: options.adjustmentApprovalLimit ?? null },
    null,
  );
  return { id: user.id, email: user.email, password, displayName, role: options.role };
}

export interface SignedInStaff {
  /** `staff_session=<token>`, for a Cookie header. */
  cookie: string;
  csrfToken: string;
  staff: { id: string; email: string; displayName: string; role: StaffRole; sessionId: string };
  /** fetch(baseUrl + path) with the session cookie and, on unsafe methods, the CSRF header. */
  request(path: string, init?: RequestInit): Promise<Response>;
}

/** Signs in through POST /console/api/session; throws with the answer when it is refused. */
export async function signInStaff(baseUrl: string, credentials: { email: string; password: string }): Promise<SignedInStaff> {
  const response = await fetch(`${baseUrl}/console/api/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(credentials),
  });
  if (response.status !== 201) throw new Error(`Sign-in as ${credentials.email} answered ${response.status}: ${await response.text()}`);
  const cookie = sessionCookieFrom(response);
  const session = sessionResponseSchema.parse(await response.json());
  return {
    cookie,
    csrfToken: session.csrfToken,
    staff: session.staff,
    request(path, init = {}) {
      const headers = new Headers(init.headers);
      headers.set('Cookie', cookie);
      const method = (init.method ?? 'GET').toUpperCase();
      if (!['GET', 'HEAD', 'OPTIONS'].includes(method)) headers.set('x-csrf-token', session.csrfToken);
      return fetch(`${baseUrl}${path}`, { ...init, headers });
    },
  };
}

/** The `staff_session=<token>` pair a response sets. */
export function sessionCookieFrom(response: Response): string {
  const setCookie = response.headers.getSetCookie().find((value) => value.startsWith(`${STAFF_SESSION_COOKIE}=`));
  if (!setCookie) throw new Error('The response set no staff session cookie');
  return setCookie.split(';')[0] ?? '';
}
