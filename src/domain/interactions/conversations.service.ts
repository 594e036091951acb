import type { Channel } from '../../generated/prisma/enums.ts';
import type { DbClient } from '../../lib/db-types.ts';

// Conversations that are opened before their first message (web chat starts one explicitly),
// and who they belong to. On SMS a conversation is created by its first message instead.

export interface ConversationOpening {
  channel: Channel;
  /** The customer's address on the channel (the Direct Line conversation id on web chat). */
  externalId: string;
  /** Our address on the channel. */
  serviceAddress: string;
  /** The customer a signed token identified, or null (an anonymous visitor, until they sign in). */
  customerId: string | null;
}

/** Creates the conversation unless it exists; `created` tells which (one statement). */
export async function openConversation(db: DbClient, opening: ConversationOpening): Promise<{ created: boolean }> {
  const { count } = await db.conversation.createMany({ data: [opening], skipDuplicates: true });
  return { created: count > 0 };
}

/** The customer a conversation belongs to (opened or signed in as), or null. */
export async function findConversationCustomerId(db: DbClient, channel: Channel, externalId: string): Promise<string | null> {
  const conversation = await db.conversation.findUnique({ where: { channel_externalId: { channel, externalId } }, select: { customerId: true } });
  return conversation?.customerId ?? null;
}

/** A conversation's id and channel address (the agent console's typing indicators go both ways through these). */
export async function findConversationAddress(
  db: DbClient,
  where: { id: string } | { channel: Channel; externalId: string },
): Promise<{ id: string; channel: Channel; externalId: string } | null> {
  const select = { id: true, channel: true, externalId: true } as const;
  return 'id' in where
    ? db.conversation.findUnique({ where: { id: where.id }, select })
    : db.conversation.findUnique({ where: { channel_externalId: { channel: where.channel, externalId: where.externalId } }, select });
}
