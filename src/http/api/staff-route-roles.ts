import type { StaffRole } from '../staff-auth/index.ts';

// Who may use which staff route, in one table (README "Staff and the console" repeats it).
// Marketers work on segments and campaigns, never on one customer's record; admins may do
// everything a supervisor may, and run the queue dashboard.

export const STAFF_ROUTE_ROLES = {
  /** A customer's contact log, the timelines of their orders, tickets, adjustments; outages. */
  customerRecords: ['agent', 'supervisor', 'admin'],
  /** Moving a ticket along, recording the customer's answer taken by phone. */
  ticketActions: ['agent', 'supervisor', 'admin'],
  /** Declaring an outage restored (resolves every linked ticket and texts the customers). */
  outageActions: ['supervisor', 'admin'],
  /** Bill credits awaiting a person: list, approve within one's own limit, reject. */
  adjustmentApprovals: ['agent', 'supervisor', 'admin'],
  /** bull-board: every queue's jobs, with retry and clean. */
  queueDashboard: ['admin'],
} as const satisfies Record<string, readonly StaffRole[]>;
