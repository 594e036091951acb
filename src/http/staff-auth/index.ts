import type { Application, Request, RequestHandler, Response } from 'express';
import type { IncomingMessage } from 'node:http';
import type { Redis } from 'ioredis';
import { csrfSync } from 'csrf-sync';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import { authenticateStaffSession, type AuthenticatedSession, type StaffPrincipal, type StaffSessionSettings } from '../../domain/staff/staff-sessions.ts';
import type { StaffRole } from '../../domain/staff/staff-users.ts';
import { AppError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';

// Staff sign-in for every staff route (the console's API, the contact log, the queue dashboard):
// a session cookie naming a database session, the role checked per route, and a CSRF token
// (csrf-sync, its state kept on the session row) on every unsafe request.
//
//   router.get('/console/api/things', requireStaff('agent', 'supervisor'), (req, res) => {
//     const staff = currentStaff(res); ...
//   });

export type { StaffRole, StaffPrincipal };
export { STAFF_ROLES } from '../../domain/staff/staff-users.ts';

export const STAFF_SESSION_COOKIE = 'staff_session';
export const CSRF_HEADER = 'x-csrf-token';

export interface StaffAuthOptions {
  prisma: PrismaClient;
  settings: StaffSessionSettings & { signInAttemptsPerAddress: number; approvalLimits: Record<StaffRole, string> };
  /** PUBLIC_BASE_URL is https: the cookie is sent only over https. */
  secureCookie: boolean;
  /** Where sign-in attempts are counted per address (shared by every instance). */
  redis: Redis;
  redisPrefix: string;
  /** The client's address (TRUST_PROXY applied). */
  clientAddress: (req: IncomingMessage) => string;
  /** Development: the sign-in page may list the demo staff and their password. */
  showDemoStaff: boolean;
  logger: Logger;
}

// Each Express app (one per running service) has its own; routers find it through req.app.
const installed = new WeakMap<object, StaffAuthOptions>();
// For socket handshakes, which have no Express app: the services running in this process.
const running: StaffAuthOptions[] = [];

/** Makes staff sign-in available to the routes of this app; returns the undo (on close). */
export function installStaffAuth(app: Application, options: StaffAuthOptions): () => void {
  installed.set(app, options);
  running.push(options);
  return () => {
    installed.delete(app);
    const index = running.indexOf(options);
    if (index >= 0) running.splice(index, 1);
  };
}

/** The options installStaffAuth registered for the app serving this request. */
export function staffAuthOf(req: Request): StaffAuthOptions {
  const options = installed.get(req.app);
  if (!options) throw new Error('Staff sign-in is not installed on this app: call installStaffAuth(app, …) before mounting staff routes.');
  return options;
}

// csrf-sync checks the header against the token on the session the request was authenticated with.
const sessionOfRequest = new WeakMap<Request, AuthenticatedSession>();
const sessionOfResponse = new WeakMap<Response, AuthenticatedSession>();
const csrf = csrfSync({
  getTokenFromState: (req) => sessionOfRequest.get(req)?.csrfToken,
  // Tokens are made once per session at sign-in (newCsrfToken) and stored on its row; never rotated per request.
  storeTokenInState: () => undefined,
  getTokenFromRequest: (req) => {
    const header = req.headers[CSRF_HEADER];
    return typeof header === 'string' ? header : undefined;
  },
  size: 32,
});

/** A fresh CSRF token for a new session (csrf-sync's generator). */
export function newCsrfToken(req: Request): string {
  return csrf.generateToken(req, true);
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Lets the request through only for a signed-in staff member with one of these roles (any role
 * when none is named). 401 staff_sign_in_required without a live session; 403 csrf_token_invalid
 * on an unsafe method without the session's x-csrf-token; 403 staff_role_forbidden for other
 * roles. Sets res.locals.staff (read it with currentStaff(res)); responses are never cached.
 */
export function requireStaff(...roles: StaffRole[]): RequestHandler {
  const allowed = new Set(roles);
  return async (req, res, next) => {
    res.set('Cache-Control', 'no-store');
    const options = staffAuthOf(req);
    const token = readCookie(req.headers.cookie, STAFF_SESSION_COOKIE);
    const session = token ? await authenticateStaffSession(options.prisma, token, options.settings) : null;
    if (!session) {
      if (token) clearStaffCookie(res, options);
      throw new AppError('unauthorized', 'staff_sign_in_required', 'Sign in to the console first (your session has ended or was never started).');
    }
    sessionOfRequest.set(req, session);
    if (UNSAFE_METHODS.has(req.method) && !csrf.isRequestValid(req)) {
      throw new AppError('forbidden', 'csrf_token_invalid', `This request needs the session's CSRF token in the ${CSRF_HEADER} header (GET /console/api/session gives it).`);
    }
    if (allowed.size > 0 && !allowed.has(session.staff.role)) {
      throw new AppError('forbidden', 'staff_role_forbidden', `Your role (${session.staff.role}) may not do this; it needs ${[...allowed].join(' or ')}.`);
    }
    res.locals['staff'] = session.staff;
    sessionOfResponse.set(res, session);
    next();
  };
}

/** The staff member requireStaff let through (throws when the route forgot requireStaff). */
export function currentStaff(res: Response): StaffPrincipal {
  const staff: unknown = res.locals['staff'];
  if (!isPrincipal(staff)) throw new Error('currentStaff(res) on a route without requireStaff(...)');
  return staff;
}

/** The authenticated session behind currentStaff (CSRF token, expiry). */
export function currentStaffSession(res: Response): AuthenticatedSession {
  const session = sessionOfResponse.get(res);
  if (!session) throw new Error('currentStaffSession(res) on a route without requireStaff(...)');
  return session;
}

/**
 * The staff member a Cookie header signs in (for socket handshakes), or null. Uses the staff
 * sign-in of the service running in this process (the first, when a test runs several on one database).
 */
export async function authenticateStaffCookie(cookieHeader: string | undefined): Promise<StaffPrincipal | null> {
  const options = running[0];
  if (!options) throw new Error('Staff sign-in is not installed: no service is running in this process.');
  const token = readCookie(cookieHeader, STAFF_SESSION_COOKIE);
  if (!token) return null;
  const session = await authenticateStaffSession(options.prisma, token, options.settings);
  return session?.staff ?? null;
}

export function setStaffCookie(res: Response, options: StaffAuthOptions, token: string): void {
  res.cookie(STAFF_SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: options.secureCookie, path: '/', maxAge: options.settings.sessionMaxMs });
}

export function clearStaffCookie(res: Response, options: StaffAuthOptions): void {
  res.clearCookie(STAFF_SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure: options.secureCookie, path: '/' });
}

/** One cookie's value from a Cookie header; undefined when absent or malformed. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0 || part.slice(0, separator).trim() !== name) continue;
    const value = part.slice(separator + 1).trim();
    try {
      return decodeURIComponent(value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function isPrincipal(value: unknown): value is StaffPrincipal {
  return typeof value === 'object' && value !== null && 'id' in value && 'role' in value && 'sessionId' in value;
}
