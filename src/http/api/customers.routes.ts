import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import { getCustomer } from '../../domain/customers/customers.service.ts';
import { getCustomerTimeline } from '../../domain/timeline/customer-timeline.ts';
import { AppError } from '../../lib/errors.ts';
import { invalidRequest } from '../error-handler.ts';

const params = z.object({ id: z.uuid('must be a customer id (UUID)') });
const query = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.iso.datetime({ offset: true }).optional(),
});

/**
 * Staff sign-in arrives in a later release. Until then staff routes answer only when the
 * development switch DEV_OPEN_STAFF_API is on (refused in production by the config).
 */
export function requireStaff(devOpenStaffApi: boolean): RequestHandler {
  return (_req, res, next) => {
    // Staff routes answer with customer data: no browser or proxy cache may keep it.
    res.set('Cache-Control', 'no-store');
    if (devOpenStaffApi) return next();
    next(
      new AppError(
        'unauthorized',
        'staff_sign_in_required',
        'This route is for staff. Staff sign-in is not available yet; in development, set DEV_OPEN_STAFF_API=true to use it.',
      ),
    );
  };
}

export function customerRoutes(prisma: PrismaClient, devOpenStaffApi: boolean): Router {
  const router = Router();

  /** A customer's contact log across channels, newest first (TMF683 PartyInteraction). */
  router.get('/api/customers/:id/interactions', requireStaff(devOpenStaffApi), async (req, res) => {
    const path = params.safeParse(req.params);
    if (!path.success) throw invalidRequest(path.error, 'customer id');
    const filters = query.safeParse(req.query);
    if (!filters.success) throw invalidRequest(filters.error, 'query');
    const customer = await getCustomer(prisma, path.data.id);
    if (!customer) throw new AppError('not_found', 'customer_not_found', `No customer has the id ${path.data.id}.`);
    const interactions = await getCustomerTimeline(prisma, customer.id, {
      limit: filters.data.limit,
      before: filters.data.before ? new Date(filters.data.before) : undefined,
    });
    res.json({ customer: { id: customer.id, name: `${customer.givenName} ${customer.familyName}` }, interactions });
  });

  return router;
}
