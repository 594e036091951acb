import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAFF_ROLES, type StaffRole } from '../../src/domain/staff/staff-users.ts';
import { listRoutes } from '../support/routes.ts';
import { startTestEnv, type TestEnv } from '../support/service.ts';
import { createStaffUser, signInStaff, type SignedInStaff } from '../support/staff.ts';

// Every staff route × every role, and no session, a forged one, an expired one and a revoked
// one. The routes come from the running app's router: a staff route (/api, /console/api,
// /admin) with no row here fails the first test, so nobody adds one without deciding who may use it.

const ANY = [...STAFF_ROLES];
const RECORDS: StaffRole[] = ['agent', 'supervisor', 'admin'];
const NOBODY_ID = '00000000-0000-4000-8000-000000000000';

interface Rule {
  method: string;
  /** The route's pattern, as Express has it. */
  path: string;
  /** A concrete request to it: a path that passes the checks before the role's (ids that match nothing). */
  sample: string;
  body?: unknown;
  roles: StaffRole[] | 'public';
}

const RULES: Rule[] = [
  { method: 'POST', path: '/console/api/session', sample: '/console/api/session', body: { email: 'x@y.z', password: 'x' }, roles: 'public' },
  { method: 'GET', path: '/console/api/sign-in-options', sample: '/console/api/sign-in-options', roles: 'public' },
  { method: 'GET', path: '/console/api/session', sample: '/console/api/session', roles: ANY },
  { method: 'DELETE', path: '/console/api/session', sample: '/console/api/session', roles: ANY },
  { method: 'POST', path: '/console/api/session/password', sample: '/console/api/session/password', body: { currentPassword: 'not-it', newPassword: 'long-enough-new-one' }, roles: ANY },
  { method: 'GET', path: '/api/customers/:id/interactions', sample: `/api/customers/${NOBODY_ID}/interactions`, roles: RECORDS },
  { method: 'GET', path: '/api/orders/:id/timeline', sample: '/api/orders/ORD-1/timeline', roles: RECORDS },
  { method: 'GET', path: '/api/tickets/:id/timeline', sample: '/api/tickets/TT-1/timeline', roles: RECORDS },
  { method: 'GET', path: '/api/adjustments/:id/timeline', sample: '/api/adjustments/ADJ-1/timeline', roles: RECORDS },
  { method: 'GET', path: '/api/outages/:id/timeline', sample: `/api/outages/${NOBODY_ID}/timeline`, roles: RECORDS },
  { method: 'POST', path: '/api/tickets/:id/status', sample: '/api/tickets/TT-1/status', body: { status: 'pending', reason: 'x' }, roles: RECORDS },
  { method: 'POST', path: '/api/tickets/:id/confirmation', sample: '/api/tickets/TT-1/confirmation', body: { answer: 'yes' }, roles: RECORDS },
  { method: 'POST', path: '/api/outages/:id/restore', sample: `/api/outages/${NOBODY_ID}/restore`, body: {}, roles: ['supervisor', 'admin'] },
  { method: 'GET', path: '/console/api/customers', sample: '/console/api/customers?q=nobody-at-all', roles: RECORDS },
  { method: 'GET', path: '/console/api/customers/:id', sample: `/console/api/customers/${NOBODY_ID}`, roles: RECORDS },
  { method: 'GET', path: '/console/api/adjustments/pending', sample: '/console/api/adjustments/pending', roles: RECORDS },
  { method: 'POST', path: '/console/api/adjustments/:id/decision', sample: `/console/api/adjustments/${NOBODY_ID}/decision`, body: { decision: 'reject', reason: 'not found anyway' }, roles: RECORDS },
  { method: 'USE', path: '/admin/queues', sample: '/admin/queues/api/queues', roles: ['admin'] },
  // The agent desk: agents, supervisors and admins; reassigning and the wallboard for supervisors and admins.
  { method: 'GET', path: '/console/api/agent/inbox', sample: `/console/api/agent/inbox`, roles: RECORDS },
  { method: 'GET', path: '/console/api/agent/conversations/:id', sample: `/console/api/agent/conversations/${NOBODY_ID}`, roles: RECORDS },
  { method: 'GET', path: '/console/api/agent/conversations/:id/transcript', sample: `/console/api/agent/conversations/${NOBODY_ID}/transcript`, roles: RECORDS },
  { method: 'GET', path: '/console/api/agent/conversations/:id/packet', sample: `/console/api/agent/conversations/${NOBODY_ID}/packet`, roles: RECORDS },
  { method: 'POST', path: '/console/api/agent/conversations/:id/accept', sample: `/console/api/agent/conversations/${NOBODY_ID}/accept`, body: { version: 0 }, roles: RECORDS },
  { method: 'POST', path: '/console/api/agent/conversations/:id/decline', sample: `/console/api/agent/conversations/${NOBODY_ID}/decline`, body: { version: 0 }, roles: RECORDS },
  { method: 'POST', path: '/console/api/agent/conversations/:id/claim', sample: `/console/api/agent/conversations/${NOBODY_ID}/claim`, body: { version: 0 }, roles: RECORDS },
  { method: 'POST', path: '/console/api/agent/conversations/:id/take-over', sample: `/console/api/agent/conversations/${NOBODY_ID}/take-over`, body: { version: 0 }, roles: RECORDS },
  { method: 'POST', path: '/console/api/agent/conversations/:id/transfer', sample: `/console/api/agent/conversations/${NOBODY_ID}/transfer`, body: { version: 0 }, roles: RECORDS },
  { method: 'POST', path: '/console/api/agent/conversations/:id/hand-back', sample: `/console/api/agent/conversations/${NOBODY_ID}/hand-back`, body: { version: 0 }, roles: RECORDS },
  { method: 'POST', path: '/console/api/agent/conversations/:id/close', sample: `/console/api/agent/conversations/${NOBODY_ID}/close`, body: { version: 0 }, roles: RECORDS },
  { method: 'POST', path: '/console/api/agent/conversations/:id/reassign', sample: `/console/api/agent/conversations/${NOBODY_ID}/reassign`, body: { version: 0 }, roles: ['supervisor', 'admin'] },
  { method: 'POST', path: '/console/api/agent/conversations/:id/replies', sample: `/console/api/agent/conversations/${NOBODY_ID}/replies`, body: {}, roles: RECORDS },
  { method: 'POST', path: '/console/api/agent/conversations/:id/notes', sample: `/console/api/agent/conversations/${NOBODY_ID}/notes`, body: {}, roles: RECORDS },
  { method: 'POST', path: '/console/api/agent/conversations/:id/read', sample: `/console/api/agent/conversations/${NOBODY_ID}/read`, roles: RECORDS },
  { method: 'POST', path: '/console/api/agent/conversations/:id/actions/ticket', sample: `/console/api/agent/conversations/${NOBODY_ID}/actions/ticket`, body: {}, roles: RECORDS },
  { method: 'POST', path: '/console/api/agent/conversations/:id/actions/order', sample: `/console/api/agent/conversations/${NOBODY_ID}/actions/order`, body: {}, roles: RECORDS },
  { method: 'POST', path: '/console/api/agent/conversations/:id/actions/order-cancel', sample: `/console/api/agent/conversations/${NOBODY_ID}/actions/order-cancel`, body: {}, roles: RECORDS },
  { method: 'POST', path: '/console/api/agent/conversations/:id/actions/credit', sample: `/console/api/agent/conversations/${NOBODY_ID}/actions/credit`, body: {}, roles: RECORDS },
  { method: 'POST', path: '/console/api/agent/conversations/:id/actions/profile', sample: `/console/api/agent/conversations/${NOBODY_ID}/actions/profile`, body: {}, roles: RECORDS },
  { method: 'POST', path: '/console/api/agent/conversations/:id/actions/resend-code', sample: `/console/api/agent/conversations/${NOBODY_ID}/actions/resend-code`, body: {}, roles: RECORDS },
  { method: 'GET', path: '/console/api/agent/offerings', sample: `/console/api/agent/offerings`, roles: RECORDS },
  { method: 'GET', path: '/console/api/agent/canned-replies', sample: `/console/api/agent/canned-replies`, roles: RECORDS },
  { method: 'PUT', path: '/console/api/agent/presence', sample: `/console/api/agent/presence`, body: { status: 'not-a-status' }, roles: RECORDS },
  { method: 'POST', path: '/console/api/agent/presence/heartbeat', sample: `/console/api/agent/presence/heartbeat`, roles: RECORDS },
  // Marketing: marketers and admins run campaigns, supervisors watch them; a customer's churn risk and recommendations for all staff.
  { method: 'GET', path: '/console/api/agent/agents', sample: `/console/api/agent/agents`, roles: RECORDS },
  { method: 'GET', path: '/console/api/agent/routing-profiles', sample: `/console/api/agent/routing-profiles`, roles: ['supervisor', 'admin'] },
  { method: 'PUT', path: '/console/api/agent/agents/:staffId/routing', sample: `/console/api/agent/agents/${NOBODY_ID}/routing`, body: {}, roles: ['supervisor', 'admin'] },
  { method: 'GET', path: '/console/api/agent/wallboard', sample: `/console/api/agent/wallboard`, roles: ['supervisor', 'admin'] },
  { method: 'GET', path: '/console/api/marketing/campaigns', sample: `/console/api/marketing/campaigns`, roles: ['marketer', 'admin', 'supervisor'] },
  { method: 'GET', path: '/console/api/marketing/offerings', sample: `/console/api/marketing/offerings`, roles: ['marketer', 'admin', 'supervisor'] },
  { method: 'POST', path: '/console/api/marketing/preview', sample: `/console/api/marketing/preview`, body: {}, roles: ['marketer', 'admin'] },
  { method: 'POST', path: '/console/api/marketing/campaigns', sample: `/console/api/marketing/campaigns`, body: {}, roles: ['marketer', 'admin'] },
  { method: 'GET', path: '/console/api/marketing/campaigns/:id', sample: `/console/api/marketing/campaigns/${NOBODY_ID}`, roles: ['marketer', 'admin', 'supervisor'] },
  { method: 'POST', path: '/console/api/marketing/campaigns/:id/launch', sample: `/console/api/marketing/campaigns/${NOBODY_ID}/launch`, body: {}, roles: ['marketer', 'admin'] },
  { method: 'POST', path: '/console/api/marketing/campaigns/:id/pause', sample: `/console/api/marketing/campaigns/${NOBODY_ID}/pause`, roles: ['marketer', 'admin'] },
  { method: 'POST', path: '/console/api/marketing/campaigns/:id/resume', sample: `/console/api/marketing/campaigns/${NOBODY_ID}/resume`, roles: ['marketer', 'admin'] },
  { method: 'POST', path: '/console/api/marketing/campaigns/:id/cancel', sample: `/console/api/marketing/campaigns/${NOBODY_ID}/cancel`, roles: ['marketer', 'admin'] },
  { method: 'GET', path: '/console/api/marketing/campaigns/:id/evidence.csv', sample: `/console/api/marketing/campaigns/${NOBODY_ID}/evidence.csv`, roles: ['marketer', 'admin', 'supervisor'] },
  { method: 'GET', path: '/console/api/customers/:id/churn', sample: `/console/api/customers/${NOBODY_ID}/churn`, roles: ANY },
  { method: 'GET', path: '/console/api/customers/:id/recommendations', sample: `/console/api/customers/${NOBODY_ID}/recommendations`, roles: ANY },
];

const STAFF_PREFIXES = ['/api/', '/console/api/', '/admin'];

let env: TestEnv;
let url: string;
const signedIn = new Map<StaffRole, SignedInStaff>();
const users = new Map<StaffRole, { email: string; password: string }>();
let expired: SignedInStaff;
let revoked: SignedInStaff;

beforeAll(async () => {
  env = await startTestEnv();
  url = env.service.url;
  for (const role of STAFF_ROLES) {
    const user = await createStaffUser(env.database.db, { role });
    users.set(role, user);
    signedIn.set(role, await signInStaff(url, user));
  }
  const agent = users.get('agent') ?? { email: '', password: '' };
  expired = await signInStaff(url, agent);
  await env.database.db.prisma.staffSession.update({ where: { id: expired.staff.sessionId }, data: { expiresAt: new Date(Date.now() - 1000) } });
  revoked = await signInStaff(url, agent);
  expect((await revoked.request('/console/api/session', { method: 'DELETE' })).status).toBe(204);
}, 180_000);

afterAll(async () => {
  await env?.close();
});

function send(rule: Rule, headers: Record<string, string>): Promise<Response> {
  const method = rule.method === 'USE' ? 'GET' : rule.method;
  const body = rule.body === undefined ? undefined : JSON.stringify(rule.body);
  return fetch(`${url}${rule.sample}`, { method, headers: { ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers }, body });
}

/** A session of this role that the rule's request may use up (signing out ends it). */
async function sessionFor(rule: Rule, role: StaffRole): Promise<SignedInStaff> {
  if (rule.method === 'DELETE' && rule.path === '/console/api/session') return signInStaff(url, users.get(role) ?? { email: '', password: '' });
  const session = signedIn.get(role);
  if (!session) throw new Error(`no ${role} session`);
  return session;
}

describe('staff routes', () => {
  it('every staff route the app serves has a rule in this table (and every rule a route)', () => {
    const served = listRoutes(env.service.app)
      .filter((route) => STAFF_PREFIXES.some((prefix) => route.path.startsWith(prefix)))
      .map((route) => `${route.method} ${route.path}`)
      .sort();
    const ruled = RULES.map((rule) => `${rule.method} ${rule.path}`).sort();
    expect(served.filter((route) => !ruled.includes(route)), 'staff routes without a rule in RULES').toEqual([]);
    expect(ruled.filter((route) => !served.includes(route)), 'rules for routes the app does not serve').toEqual([]);
  });

  describe.each(RULES.filter((rule) => rule.roles !== 'public'))('$method $path', (rule) => {
    it('401 staff_sign_in_required with no session, a forged, an expired or a revoked one', async () => {
      const cookies = [undefined, 'staff_session=forged-token-that-names-no-session-at-all', expired.cookie, revoked.cookie];
      for (const cookie of cookies) {
        const response = await send(rule, cookie ? { Cookie: cookie, 'x-csrf-token': expired.csrfToken } : {});
        expect(response.status, `cookie ${cookie ?? 'none'}`).toBe(401);
        expect(await response.json()).toMatchObject({ error: { code: 'staff_sign_in_required' } });
      }
    });

    it.each(ANY)('as %s: let through only when the rule names the role', async (role) => {
      const session = await sessionFor(rule, role);
      // bull-board's own page sends its Origin instead of our CSRF header.
      const response = await send(rule, { Cookie: session.cookie, 'x-csrf-token': session.csrfToken, Origin: url });
      if (rule.roles !== 'public' && rule.roles.includes(role)) {
        expect([401, 403], `${role} refused: ${response.status}`).not.toContain(response.status);
      } else {
        expect(response.status).toBe(403);
        expect(await response.json()).toMatchObject({ error: { code: 'staff_role_forbidden' } });
      }
    });
  });

  it('answers the public ones without a session: the sign-in options, and sign-in itself', async () => {
    expect((await fetch(`${url}/console/api/sign-in-options`)).status).toBe(200);
    const signIn = await send(RULES[0] ?? { method: 'POST', path: '', sample: '', roles: 'public' }, {});
    expect(await signIn.json()).toMatchObject({ error: { code: 'staff_sign_in_failed' } });
  });

  it('refuses an unsafe request without the CSRF header even from an allowed role', async () => {
    const admin = signedIn.get('admin');
    const response = await fetch(`${url}/api/outages/${NOBODY_ID}/restore`, { method: 'POST', headers: { Cookie: admin?.cookie ?? '', 'Content-Type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: { code: 'csrf_token_invalid' } });
  });

  it('refuses a queue-dashboard action from another site (bull-board has no CSRF header)', async () => {
    const admin = signedIn.get('admin');
    const foreign = await fetch(`${url}/admin/queues/api/queues/turns/clean/completed`, { method: 'PUT', headers: { Cookie: admin?.cookie ?? '', Origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toMatchObject({ error: { code: 'csrf_token_invalid' } });
  });
});
