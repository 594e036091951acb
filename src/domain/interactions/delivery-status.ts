import type { DeliveryStatus } from '../../generated/prisma/enums.ts';

// The order of delivery statuses, shared by the provider's acceptances (outbound.ts) and its
// status callbacks (receipts.ts): a message's status only ever moves forward.

/** How far along a message is; a status never replaces one of a higher rank. */
const DELIVERY_RANK: Record<DeliveryStatus, number> = {
  pending: 0,
  queued: 1,
  sending: 2,
  sent: 3,
  delivered: 4,
  undelivered: 4,
  failed: 4,
  read: 5,
  received: 5,
};

const DELIVERY_STATUSES: DeliveryStatus[] = ['pending', 'queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'read', 'received'];

export function statusesBelow(status: DeliveryStatus): DeliveryStatus[] {
  return DELIVERY_STATUSES.filter((candidate) => DELIVERY_RANK[candidate] < DELIVERY_RANK[status]);
}

export function interactionStatusFor(status: DeliveryStatus): 'pending' | 'completed' | 'failed' {
  if (status === 'failed' || status === 'undelivered') return 'failed';
  if (status === 'delivered' || status === 'read' || status === 'sent') return 'completed';
  return 'pending';
}
