import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disableStaffUser } from '../../src/domain/staff/staff-users.ts';
import { hashSessionToken } from '../../src/domain/staff/staff-sessions.ts';
import { sessionResponseSchema } from '../../src/http/console/api-schemas.ts';
import { readError } from '../support/http.ts';
import { startTestEnv, type TestEnv } from '../support/service.ts';
import { createStaffUser, sessionCookieFrom, signInStaff } from '../support/staff.ts';

// Staff sign-in over HTTP: the session cookie and its database row, one failure answer for every
// refused sign-in, lock-out, CSRF on unsafe requests, and every way a session ends (sign-out,
// password change, expiry, idleness, a disabled user).

const LOCKOUT_ATTEMPTS = 3;
let env: TestEnv;
let url: string;

beforeAll(async () => {
  env = await startTestEnv({ env: { STAFF_LOCKOUT_ATTEMPTS: String(LOCKOUT_ATTEMPTS), TRUST_PROXY: 'loopback' } });
  url = env.service.url;
}, 180_000);

afterAll(async () => {
  await env?.close();
});

const prisma = () => env.database.db.prisma;

function postSignIn(body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${url}/console/api/session`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

describe('signing in', () => {
  it('sets an HttpOnly, SameSite=Strict session cookie whose token is stored only as its hash', async () => {
    const agent = await createStaffUser(prisma(), { role: 'agent', displayName: 'Ada Agent' });
    const response = await postSignIn({ email: agent.email.toUpperCase(), password: agent.password });
    expect(response.status).toBe(201);
    const setCookie = response.headers.getSetCookie().join('\n');
    expect(setCookie).toMatch(/staff_session=[\w-]{43}; Max-Age=\d+; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Strict/);
    expect(setCookie).not.toMatch(/Secure/);
    const session = sessionResponseSchema.parse(await response.json());
    expect(session.staff).toMatchObject({ id: agent.id, email: agent.email, displayName: 'Ada Agent', role: 'agent' });
    expect(session.approvalLimit).toBe('100.00');

    const token = sessionCookieFrom(response).split('=')[1] ?? '';
    const row = await prisma().staffSession.findUniqueOrThrow({ where: { id: session.staff.sessionId } });
    expect(row.tokenHash).toBe(hashSessionToken(token));
    expect(row.tokenHash).not.toContain(token);
    expect(row.csrfToken).toBe(session.csrfToken);

    const me = await fetch(`${url}/console/api/session`, { headers: { Cookie: sessionCookieFrom(response) } });
    expect(me.status).toBe(200);
    expect(me.headers.get('cache-control')).toBe('no-store');
    expect(sessionResponseSchema.parse(await me.json()).staff.sessionId).toBe(session.staff.sessionId);
    const audit = await prisma().auditEvent.findMany({ where: { entityId: agent.id, action: 'staff.signed_in' } });
    expect(audit).toHaveLength(1);
  });

  it('answers a wrong password and an unknown email with the same code and sentence', async () => {
    const agent = await createStaffUser(prisma(), { role: 'agent' });
    const wrong = await postSignIn({ email: agent.email, password: 'not-the-password' });
    const unknown = await postSignIn({ email: 'nobody-here@staff.test', password: 'not-the-password' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const [wrongError, unknownError] = [await readError(wrong), await readError(unknown)];
    expect(wrongError.code).toBe('staff_sign_in_failed');
    expect(unknownError).toEqual(wrongError);
    expect(wrong.headers.getSetCookie()).toEqual([]);
  });

  it('refuses a malformed body with 400 and the problems listed', async () => {
    const response = await postSignIn({ email: '', password: 7 });
    expect(response.status).toBe(400);
    const error = await readError(response);
    expect(error.details?.map((detail) => detail.field).sort()).toEqual(['email', 'password']);
  });

  it(`locks the account after ${LOCKOUT_ATTEMPTS} wrong passwords: even the right one is refused until it unlocks`, async () => {
    const agent = await createStaffUser(prisma(), { role: 'agent' });
    for (let attempt = 0; attempt < LOCKOUT_ATTEMPTS; attempt++) {
      expect((await postSignIn({ email: agent.email, password: 'wrong-password-guess' })).status).toBe(401);
    }
    const locked = await postSignIn({ email: agent.email, password: agent.password });
    expect(locked.status).toBe(401);
    expect((await readError(locked)).code).toBe('staff_sign_in_failed');
    const user = await prisma().staffUser.findUniqueOrThrow({ where: { id: agent.id } });
    expect(user.lockedUntil?.getTime()).toBeGreaterThan(Date.now());
    const actions = (await prisma().auditEvent.findMany({ where: { entityId: agent.id }, orderBy: { at: 'asc' } })).map((event) => event.action);
    expect(actions).toEqual(['staff.user_created', 'staff.sign_in_failed', 'staff.sign_in_failed', 'staff.locked_out', 'staff.sign_in_refused']);

    // The lock passes: the right password works again and the count starts over.
    await prisma().staffUser.update({ where: { id: agent.id }, data: { lockedUntil: new Date(Date.now() - 1000) } });
    expect((await postSignIn({ email: agent.email, password: agent.password })).status).toBe(201);
  });

  it('refuses a sign-in posted from another site (login CSRF)', async () => {
    const agent = await createStaffUser(prisma(), { role: 'agent' });
    const response = await postSignIn({ email: agent.email, password: agent.password }, { Origin: 'https://evil.example' });
    expect(response.status).toBe(403);
    expect((await readError(response)).code).toBe('origin_not_allowed');
  });

  it('limits sign-in attempts per client address (429 with Retry-After), other addresses unaffected', async () => {
    const address = { 'X-Forwarded-For': '203.0.113.77' };
    let last: Response | undefined;
    for (let attempt = 0; attempt <= 30; attempt++) last = await postSignIn({ email: 'flood@staff.test', password: 'whatever-password' }, address);
    expect(last?.status).toBe(429);
    expect((await readError(last ?? new Response())).code).toBe('staff_sign_in_rate_limited');
    expect(Number(last?.headers.get('retry-after'))).toBeGreaterThan(0);
    const other = await postSignIn({ email: 'flood@staff.test', password: 'whatever-password' }, { 'X-Forwarded-For': '203.0.113.78' });
    expect(other.status).toBe(401);
  });

  it('upgrades a legacy scrypt hash to argon2id at the next good sign-in', async () => {
    const supervisor = await prisma().staffUser.findUniqueOrThrow({ where: { email: 'supervisor@example.com' } });
    await prisma().staffUser.update({
      where: { id: supervisor.id },
      // scrypt of "demo-password" as the seed wrote it before argon2id.
      data: {
        passwordHash:
          'scrypt$00112233445566778899aabbccddeeff$' +
          (await import('node:crypto')).scryptSync('demo-password', Buffer.from('00112233445566778899aabbccddeeff', 'hex'), 64).toString('hex'),
      },
    });
    await signInStaff(url, { email: 'supervisor@example.com', password: 'demo-password' });
    const after = await prisma().staffUser.findUniqueOrThrow({ where: { id: supervisor.id } });
    expect(after.passwordHash.startsWith('$argon2id$')).toBe(true);
  });
});

describe('a session', () => {
  it('needs the CSRF header on unsafe requests: missing or wrong → 403 csrf_token_invalid', async () => {
    const agent = await createStaffUser(prisma(), { role: 'agent' });
    const signedIn = await signInStaff(url, agent);
    const missing = await fetch(`${url}/console/api/session`, { method: 'DELETE', headers: { Cookie: signedIn.cookie } });
    expect(missing.status).toBe(403);
    expect((await readError(missing)).code).toBe('csrf_token_invalid');
    const other = await signInStaff(url, agent);
    const wrong = await fetch(`${url}/console/api/session`, { method: 'DELETE', headers: { Cookie: signedIn.cookie, 'x-csrf-token': other.csrfToken } });
    expect(wrong.status).toBe(403);
    expect((await signedIn.request('/console/api/session')).status).toBe(200);
  });

  it('ends at sign-out: the cookie no longer works, and the cookie is cleared', async () => {
    const agent = await createStaffUser(prisma(), { role: 'agent' });
    const signedIn = await signInStaff(url, agent);
    const out = await signedIn.request('/console/api/session', { method: 'DELETE' });
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie().join()).toMatch(/staff_session=;/);
    const after = await signedIn.request('/console/api/session');
    expect(after.status).toBe(401);
    expect((await readError(after)).code).toBe('staff_sign_in_required');
    const row = await prisma().staffSession.findUniqueOrThrow({ where: { id: signedIn.staff.sessionId } });
    expect(row.revokedAt).not.toBeNull();
  });

  it('is refused when forged, absent, expired or idle too long', async () => {
    const agent = await createStaffUser(prisma(), { role: 'agent' });
    const forged = await fetch(`${url}/console/api/session`, { headers: { Cookie: 'staff_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } });
    expect(forged.status).toBe(401);
    expect(forged.headers.getSetCookie().join()).toMatch(/staff_session=;/);
    expect((await fetch(`${url}/console/api/session`)).status).toBe(401);

    const expired = await signInStaff(url, agent);
    await prisma().staffSession.update({ where: { id: expired.staff.sessionId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await expired.request('/console/api/session')).status).toBe(401);

    const idle = await signInStaff(url, agent);
    await prisma().staffSession.update({ where: { id: idle.staff.sessionId }, data: { lastSeenAt: new Date(Date.now() - 61 * 60_000) } });
    expect((await idle.request('/console/api/session')).status).toBe(401);
  });

  it('of a disabled user stops at once, and the user cannot sign in again', async () => {
    const agent = await createStaffUser(prisma(), { role: 'agent' });
    const signedIn = await signInStaff(url, agent);
    await disableStaffUser(prisma(), agent.email, null);
    expect((await signedIn.request('/console/api/session')).status).toBe(401);
    expect((await postSignIn({ email: agent.email, password: agent.password })).status).toBe(401);
  });
});

describe('changing the password', () => {
  it('needs the current password, ends the other sessions and keeps this one', async () => {
    const agent = await createStaffUser(prisma(), { role: 'agent' });
    const here = await signInStaff(url, agent);
    const elsewhere = await signInStaff(url, agent);

    const wrongCurrent = await here.request('/console/api/session/password', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ currentPassword: 'not-my-password', newPassword: 'a-brand-new-password' }),
    });
    expect(wrongCurrent.status).toBe(400);
    expect((await readError(wrongCurrent)).code).toBe('current_password_wrong');

    const weak = await here.request('/console/api/session/password', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ currentPassword: agent.password, newPassword: 'short' }),
    });
    expect(weak.status).toBe(400);
    expect((await readError(weak)).code).toBe('password_weak');

    const changed = await here.request('/console/api/session/password', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ currentPassword: agent.password, newPassword: 'a-brand-new-password' }),
    });
    expect(changed.status).toBe(200);
    expect(await changed.json()).toEqual({ otherSessionsEnded: 1 });
    expect((await here.request('/console/api/session')).status).toBe(200);
    expect((await elsewhere.request('/console/api/session')).status).toBe(401);
    expect((await postSignIn({ email: agent.email, password: agent.password })).status).toBe(401);
    await signInStaff(url, { email: agent.email, password: 'a-brand-new-password' });
  });
});

describe('sign-in options', () => {
  it('never lists the demo staff outside development', async () => {
    const response = await fetch(`${url}/console/api/sign-in-options`);
    expect(await response.json()).toEqual({ demoStaff: null });
  });
});
