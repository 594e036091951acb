import { createHash } from 'node:crypto';
import type { DbClient } from '../../lib/db-types.ts';

// Messages the operator starts (a one-time code, an order or ticket update), as opposed to replies
// to a turn. Each is stored as a pending outbound interaction on the customer's SMS conversation,
// so the delivery worker sends it like any reply and the contact log shows it; then it is handed
// to the delivery queue at once, with the outbox relay as the safety net.

/** What to text a customer. */
export interface CustomerNotification {
  customerId: string;
  text: string;
  /** What it is about, recorded as the interaction's reason, e.g. `verification.code`, `order.progress`. */
  reason: string;
  /** The same key never stores (or sends) a second message, e.g. `otp-${inboundId}`. */
  idempotencyKey: string;
  /** The number to text; it must be one of the customer's numbers on file. Default: their preferred phone. */
  phone?: string | undefined;
  correlationId?: string | undefined;
  /** Not to be sent after this (marketing: the end of the recipient's local window). */
  validUntil?: Date | undefined;
}

export interface StoredNotification {
  /** The outbound interaction. */
  id: string;
  conversationId: string;
  correlationId: string;
  /** The number it goes to. */
  phone: string;
  /** False when a notification with this idempotency key was stored before (nothing new to send). */
  created: boolean;
}

/** How stored notifications leave: our SMS number, and a hand-off to the delivery queue. */
export interface NotificationOutbox {
  /** The number customers text (TWILIO_PHONE_NUMBER), used when the customer has no SMS conversation yet. */
  smsFrom: string;
  /** Queues the conversation's pending messages for delivery; may fail (Redis down): the outbox relay retries. */
  deliverSoon(conversationId: string, interactionId: string, correlationId: string): Promise<void>;
}

/** A stable UUID for an idempotency key, so a retried write hits the same primary key. */
export function keyedId(namespace: string, key: string): string {
  const hash = createHash('sha256').update(`${namespace}:${key}`).digest();
  hash.writeUInt8((hash.readUInt8(6) & 0x0f) | 0x80, 6);
  hash.writeUInt8((hash.readUInt8(8) & 0x3f) | 0x80, 8);
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The interaction id a notification with this idempotency key has (or will have). */
export function notificationId(idempotencyKey: string): string {
  return keyedId('notification', idempotencyKey);
}

/**
 * Stores a notification as a pending outbound SMS on the customer's conversation for that number
 * (created if the customer never texted us). Idempotent on the key. Returns null when the
 * customer has no such phone number on file. Safe inside a transaction; hand the result to
 * `outbox.deliverSoon` only after it commits (or call `notifyCustomer`).
 */
export async function storeCustomerNotification(db: DbClient, smsFrom: string, notification: CustomerNotification): Promise<StoredNotification | null> {
  const { customerId, text, reason, idempotencyKey, phone, validUntil } = notification;
  const medium = await db.contactMedium.findFirst({
    where: { customerId, mediumType: 'phone', phoneNumber: phone ?? { not: null } },
    orderBy: [{ preferred: 'desc' }, { createdAt: 'asc' }],
    select: { phoneNumber: true },
  });
  const to = medium?.phoneNumber;
  if (!to) return null;
  const conversation = await db.conversation.upsert({
    where: { channel_externalId: { channel: 'sms', externalId: to } },
    create: { channel: 'sms', externalId: to, serviceAddress: smsFrom, customerId },
    update: { customerId },
    select: { id: true, serviceAddress: true },
  });
  const id = notificationId(idempotencyKey);
  const correlationId = notification.correlationId ?? id;
  const { count } = await db.interaction.createMany({
    data: [
      {
        id,
        conversationId: conversation.id,
        customerId,
        direction: 'outbound',
        channel: 'sms',
        fromAddress: conversation.serviceAddress ?? smsFrom,
        toAddress: to,
        text,
        reason,
        status: 'pending',
        deliveryStatus: 'pending',
        correlationId,
        validUntil: validUntil ?? null,
        // The process clock, as turn replies use: a code stored mid-turn is delivered before the turn's reply.
        createdAt: new Date(),
      },
    ],
    skipDuplicates: true,
  });
  return { id, conversationId: conversation.id, correlationId, phone: to, created: count > 0 };
}

/**
 * Texts a customer now: stores the notification (idempotent on its key) and hands it to the
 * delivery queue. Use the Prisma client, not an open transaction: the delivery job must find the
 * message committed. Returns null when the customer has no such phone number on file.
 */
export async function notifyCustomer(db: DbClient, outbox: NotificationOutbox, notification: CustomerNotification): Promise<StoredNotification | null> {
  const stored = await storeCustomerNotification(db, outbox.smsFrom, notification);
  if (stored?.created) await dispatchNotification(outbox, stored);
  return stored;
}

/** Hands a committed notification to the delivery queue; if that fails the outbox relay picks it up. */
export async function dispatchNotification(outbox: NotificationOutbox, stored: StoredNotification): Promise<void> {
  await outbox.deliverSoon(stored.conversationId, stored.id, stored.correlationId).catch(() => undefined);
}

/**
 * Replaces a notification's text once it has been handed to the provider (e.g. a used one-time
 * code, so the contact log does not keep it). A message still waiting for delivery is left as is.
 */
export async function redactNotification(db: DbClient, idempotencyKey: string, text: string): Promise<void> {
  await db.interaction.updateMany({ where: { id: notificationId(idempotencyKey), deliveryStatus: { not: 'pending' } }, data: { text } });
}

/** A message to the customer in a conversation they opened on a channel that keeps it (web chat). */
export interface ConversationNotification {
  conversationId: string;
  customerId: string;
  text: string;
  reason: string;
  idempotencyKey: string;
  correlationId?: string | undefined;
}

/**
 * Stores a notification as a pending outbound message in an existing conversation, on that
 * conversation's channel (the delivery worker sends it with that channel's sender). Idempotent on
 * the key. Null when the conversation is not the customer's.
 */
export async function storeConversationNotification(db: DbClient, notification: ConversationNotification): Promise<StoredNotification | null> {
  const conversation = await db.conversation.findUnique({ where: { id: notification.conversationId }, select: { id: true, channel: true, externalId: true, serviceAddress: true, customerId: true } });
  if (!conversation || conversation.customerId !== notification.customerId) return null;
  const id = notificationId(notification.idempotencyKey);
  const correlationId = notification.correlationId ?? id;
  const { count } = await db.interaction.createMany({
    data: [
      {
        id,
        conversationId: conversation.id,
        customerId: notification.customerId,
        direction: 'outbound',
        channel: conversation.channel,
        fromAddress: conversation.serviceAddress ?? '',
        toAddress: conversation.externalId,
        text: notification.text,
        reason: notification.reason,
        status: 'pending',
        deliveryStatus: 'pending',
        correlationId,
        createdAt: new Date(),
      },
    ],
    skipDuplicates: true,
  });
  return { id, conversationId: conversation.id, correlationId, phone: conversation.externalId, created: count > 0 };
}
