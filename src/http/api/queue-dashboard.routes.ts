import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import { Router } from 'express';
import { requireStaff } from './customers.routes.ts';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

/**
 * The queue dashboard (bull-board) for every queue of the service: counts, jobs, their data,
 * attempts and errors, with retry and clean. A staff route: until staff sign-in exists it is
 * served only with DEV_OPEN_STAFF_API=true.
 */
export function queueDashboardRoutes(queues: ReadonlyArray<Queue>, devOpenStaffApi: boolean): Router {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({ queues: queues.map((queue) => new BullMQAdapter(queue)), serverAdapter, options: { uiConfig: { boardTitle: 'telco-bot queues' } } });
  const board: Router = serverAdapter.getRouter();
  const router = Router();
  router.use(QUEUE_DASHBOARD_PATH, requireStaff(devOpenStaffApi), board);
  return router;
}
