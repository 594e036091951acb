import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import { Router } from 'express';
import { requireStaffFromOwnPages } from '../staff-auth/index.ts';
import { STAFF_ROUTE_ROLES } from './staff-route-roles.ts';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

/**
 * The queue dashboard (bull-board) for every queue of the service: counts, jobs, their data,
 * attempts and errors, with retry and clean. Admins only. bull-board's own page cannot send our
 * CSRF header, so its retry/clean requests are accepted only from this service's own pages (Origin).
 */
export function queueDashboardRoutes(queues: ReadonlyArray<Queue>): Router {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({ queues: queues.map((queue) => new BullMQAdapter(queue)), serverAdapter, options: { uiConfig: { boardTitle: 'telco-bot queues' } } });
  const board: Router = serverAdapter.getRouter();
  const router = Router();
  router.use(QUEUE_DASHBOARD_PATH, requireStaffFromOwnPages(...STAFF_ROUTE_ROLES.queueDashboard), board);
  return router;
}
