import express, { Router, type Request } from 'express';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { DEMO_STAFF, DEMO_STAFF_PASSWORD } from '../../domain/demo/demo-data.ts';
import { changeStaffPassword, signInStaff, signOutStaff } from '../../domain/staff/staff-sessions.ts';
import { approvalLimitOf, getStaffUser } from '../../domain/staff/staff-users.ts';
import { AppError } from '../../lib/errors.ts';
import { invalidRequest } from '../error-handler.ts';
import {
  passwordChangeRequestSchema,
  signInRequestSchema,
  type PasswordChangeRequest,
  type SessionResponse,
  type SignInOptionsResponse,
} from '../console/api-schemas.ts';
import { clearStaffCookie, currentStaff, currentStaffSession, newCsrfToken, requireStaff, setStaffCookie, staffAuthOf, type StaffAuthOptions } from './index.ts';

// The console's session: sign in, who am I, sign out, change my password. One failure sentence
// for every refused sign-in, so it never tells whether an email has an account (the audit and
// the log say which it was).

const SIGN_IN_WINDOW_SECONDS = 15 * 60;

export function staffSessionRoutes(): Router {
  const router = Router();
  const json = express.json({ limit: '4kb' });
  const limiters = new WeakMap<StaffAuthOptions, RateLimiterRedis>();
  const limiterFor = (options: StaffAuthOptions) => {
    let limiter = limiters.get(options);
    if (!limiter) {
      limiter = new RateLimiterRedis({
        storeClient: options.redis,
        keyPrefix: `${options.redisPrefix}:staff:sign-in:address`,
        points: options.settings.signInAttemptsPerAddress,
        duration: SIGN_IN_WINDOW_SECONDS,
      });
      limiters.set(options, limiter);
    }
    return limiter;
  };

  router.get('/console/api/sign-in-options', (req, res) => {
    const options = staffAuthOf(req);
    const body: SignInOptionsResponse = {
      demoStaff: options.showDemoStaff
        ? { password: DEMO_STAFF_PASSWORD, accounts: DEMO_STAFF.map((staff) => ({ email: staff.email, displayName: staff.name, role: staff.role })) }
        : null,
    };
    res.set('Cache-Control', 'no-store').json(body);
  });

  router.post('/console/api/session', json, async (req, res) => {
    res.set('Cache-Control', 'no-store');
    const options = staffAuthOf(req);
    refuseCrossOrigin(req);
    const address = options.clientAddress(req);
    await limiterFor(options)
      .consume(address)
      .catch((rejection: unknown) => {
        if (rejection instanceof RateLimiterRes) {
          res.set('Retry-After', String(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000))));
          throw new AppError('rate_limited', 'staff_sign_in_rate_limited', 'Too many sign-in attempts from this address. Wait a few minutes and try again.');
        }
        throw rejection;
      });
    const body = signInRequestSchema.safeParse(req.body);
    if (!body.success) throw invalidRequest(body.error, 'sign-in');
    const result = await signInStaff(
      options.prisma,
      { email: body.data.email, password: body.data.password, csrfToken: newCsrfToken(req), userAgent: req.get('user-agent'), clientAddress: address },
      options.settings,
    );
    if (!result.ok) {
      options.logger.info({ reason: result.reason }, 'staff sign-in refused');
      throw new AppError(
        'unauthorized',
        'staff_sign_in_failed',
        `That email and password do not match an active staff account. After ${options.settings.lockoutAttempts} wrong passwords in a row an account is locked for a while; an administrator can reset it.`,
      );
    }
    setStaffCookie(res, options, result.token);
    res.status(201).json(await sessionResponse(options, result.session));
  });

  router.get('/console/api/session', requireStaff(), async (req, res) => {
    res.json(await sessionResponse(staffAuthOf(req), currentStaffSession(res)));
  });

  router.delete('/console/api/session', requireStaff(), async (req, res) => {
    const options = staffAuthOf(req);
    await signOutStaff(options.prisma, currentStaff(res));
    clearStaffCookie(res, options);
    res.status(204).end();
  });

  router.post('/console/api/session/password', json, requireStaff(), async (req, res) => {
    const options = staffAuthOf(req);
    const body = passwordChangeRequestSchema.safeParse(req.body);
    if (!body.success) throw invalidRequest(body.error, 'password change');
    const passwords: PasswordChangeRequest = body.data;
    const result = await changeStaffPassword(options.prisma, currentStaff(res), passwords);
    if (!result.ok) throw new AppError('invalid_request', result.code, result.message);
    res.json({ otherSessionsEnded: result.sessionsRevoked });
  });

  return router;
}

async function sessionResponse(options: StaffAuthOptions, session: { staff: SessionResponse['staff']; csrfToken: string; expiresAt: Date }): Promise<SessionResponse> {
  const user = await getStaffUser(options.prisma, session.staff.id);
  return {
    staff: session.staff,
    csrfToken: session.csrfToken,
    expiresAt: session.expiresAt.toISOString(),
    approvalLimit: user ? approvalLimitOf(user, options.settings.approvalLimits) : '0.00',
  };
}

/** Sign-in from another site's page (login CSRF) is refused: a browser's Origin must be this service. */
function refuseCrossOrigin(req: Request): void {
  const origin = req.get('origin');
  if (origin === undefined) return;
  let host: string | undefined;
  try {
    host = new URL(origin).host;
  } catch {
    host = undefined;
  }
  if (host === undefined || host !== req.get('host')?.toLowerCase()) {
    throw new AppError('forbidden', 'origin_not_allowed', 'Sign in from the console page of this service.');
  }
}
