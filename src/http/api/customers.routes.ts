import { Router } from 'express';
import { z } from 'zod';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import { getCustomer } from '../../domain/customers/customers.service.ts';
import { getCustomerTimeline } from '../../domain/timeline/customer-timeline.ts';
import { AppError } from '../../lib/errors.ts';
import { invalidRequest } from '../error-handler.ts';
import { requireStaff } from '../staff-auth/index.ts';
import { STAFF_ROUTE_ROLES } from './staff-route-roles.ts';

const params = z.object({ id: z.uuid('must be a customer id (UUID)') });
const query = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.iso.datetime({ offset: true }).optional(),
});

export function customerRoutes(prisma: PrismaClient): Router {
  const router = Router();

  /** A customer's contact log across channels, newest first (TMF683 PartyInteraction). */
  router.get('/api/customers/:id/interactions', requireStaff(...STAFF_ROUTE_ROLES.customerRecords), async (req, res) => {
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
