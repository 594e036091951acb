import type { DbClient } from '../../lib/db-types.ts';

// A customer's contact history: every interaction on every channel, with what it was about.

export interface TimelineQuery {
  limit: number;
  /** Only interactions before this instant (for paging back). */
  before?: Date | undefined;
}

/** A customer's contact log across channels, newest first, in TMF683 PartyInteraction shape. */
export async function getCustomerTimeline(db: DbClient, customerId: string, query: TimelineQuery) {
  const rows = await db.interaction.findMany({
    where: { customerId, ...(query.before ? { createdAt: { lt: query.before } } : {}) },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: query.limit,
    include: { items: { select: { itemType: true, itemId: true, action: true } } },
  });
  return rows.map((row) => ({
    id: row.id,
    '@type': 'PartyInteraction',
    direction: row.direction,
    channel: [{ role: 'interactionChannel', name: row.channel }],
    interactionDate: { startDateTime: row.createdAt.toISOString() },
    conversationId: row.conversationId,
    reason: row.reason,
    status: row.status,
    description: row.text,
    from: row.fromAddress,
    to: row.toAddress,
    providerMessageId: row.providerMessageId,
    deliveryStatus: row.deliveryStatus,
    deliveryErrorCode: row.deliveryErrorCode,
    inReplyToId: row.inReplyToId,
    interactionItem: row.items.map((item) => ({ item: { '@referredType': item.itemType, id: item.itemId }, action: item.action })),
  }));
}
