import { z } from 'zod';
import type { Prisma, PrismaClient, TimelineSubject } from '../../generated/prisma/client.ts';
import type { InteractionItemType } from '../../generated/prisma/enums.ts';
import { dispatchNotification, storeConversationNotification, storeCustomerNotification, type StoredNotification } from './notifications.service.ts';
import { CHANNEL_CAPABILITIES } from '../interactions/messages.ts';
import type { StepContext } from '../timeline/timeline.service.ts';
import type { DbClient } from '../../lib/db-types.ts';
import { sendableAt, type QuietHours } from '../contact-policy/quiet-hours.ts';

// Telling the customer how their request goes, without being asked. A text is written in the
// same transaction as the step it reports (so a retried step never texts twice: its key is
// unique), through the notifications service (a pending outbound SMS on the customer's
// conversation, delivered by the delivery worker). Non-urgent texts that fall in quiet hours
// are recorded as scheduled and sent when the window ends, by a delayed job or the sweep.

export interface CustomerUpdate {
  customerId: string;
  subjectType: TimelineSubject;
  subjectId: string;
  /** One text per key, ever (e.g. `${orderId}-done`). No colons. */
  key: string;
  text: string;
  /** The interaction's reason, e.g. `order.activated`. */
  reason: string;
  /** Urgent texts ignore quiet hours. */
  urgent: boolean;
  correlationId?: string | undefined;
}

export interface CustomerTextDeps {
  /** Our SMS number (TWILIO_PHONE_NUMBER). */
  smsFrom: string;
  quietHours: QuietHours | null;
  timeZone: string;
  /** Hands a stored text to the delivery queue. */
  deliverSoon(conversationId: string, interactionId: string, correlationId: string): Promise<void>;
  /** Queues the sending of a scheduled text at `at`. */
  scheduleText(stepKey: string, at: Date): Promise<void>;
}

const INTERACTION_ITEM: Record<TimelineSubject, InteractionItemType | null> = {
  productOrder: 'productOrder',
  troubleTicket: 'troubleTicket',
  billAdjustment: 'billAdjustment',
  outage: null,
};

const scheduledData = z.object({
  customerId: z.string(),
  text: z.string(),
  reason: z.string(),
  sendAt: z.string(),
  correlationId: z.string().optional(),
});

export function textStepKey(key: string): string {
  return `text-${key}`;
}

/**
 * In a step's transaction: stores the text (delivered after the commit) or, in quiet hours and
 * not urgent, records it as scheduled for the end of the window. A key already used does nothing.
 */
export async function queueCustomerText(context: StepContext, deps: CustomerTextDeps, update: CustomerUpdate, now: Date): Promise<void> {
  const stepKey = textStepKey(update.key);
  if (await context.tx.timelineEvent.findUnique({ where: { stepKey }, select: { id: true } })) return;
  const sendAt = update.urgent ? now : sendableAt(now, deps.quietHours, deps.timeZone);
  if (sendAt.getTime() > now.getTime()) {
    await context.tx.timelineEvent.create({
      data: {
        subjectType: update.subjectType,
        subjectId: update.subjectId,
        kind: 'message',
        name: update.reason,
        outcome: 'scheduled',
        detail: update.text,
        stepKey,
        data: { customerId: update.customerId, text: update.text, reason: update.reason, sendAt: sendAt.toISOString(), ...(update.correlationId ? { correlationId: update.correlationId } : {}) },
      },
    });
    context.after(() => deps.scheduleText(stepKey, sendAt));
    return;
  }
  const stored = await storeText(context.tx, deps, update);
  await context.tx.timelineEvent.create({
    data: {
      subjectType: update.subjectType,
      subjectId: update.subjectId,
      kind: 'message',
      name: update.reason,
      outcome: stored ? 'sent' : 'skipped',
      detail: stored ? update.text : 'No phone number on file: not texted',
      stepKey,
      data: stored ? { interactionId: stored.id } : {},
    },
  });
  if (stored) context.after(() => dispatchNotification(outboxFor(deps), stored));
}

/** Sends a text scheduled for after quiet hours, once; false when it was sent already (or is unknown). */
export async function sendScheduledText(prisma: PrismaClient, deps: CustomerTextDeps, stepKey: string): Promise<boolean> {
  const result = await prisma.$transaction(async (tx): Promise<{ sent: boolean; stored: StoredNotification | null }> => {
    const event = await tx.timelineEvent.findUnique({ where: { stepKey } });
    if (!event || event.outcome !== 'scheduled') return { sent: false, stored: null };
    const data = scheduledData.safeParse(event.data);
    if (!data.success) return { sent: false, stored: null };
    const claimed = await tx.timelineEvent.updateMany({ where: { stepKey, outcome: 'scheduled' }, data: { outcome: 'sent' } });
    if (claimed.count === 0) return { sent: false, stored: null };
    const stored = await storeText(tx, deps, {
      customerId: data.data.customerId,
      subjectType: event.subjectType,
      subjectId: event.subjectId,
      key: stepKey.slice(textStepKey('').length),
      text: data.data.text,
      reason: data.data.reason,
      urgent: false,
      correlationId: data.data.correlationId,
    });
    const update: Prisma.TimelineEventUpdateManyMutationInput = stored
      ? { data: { ...data.data, interactionId: stored.id } }
      : { outcome: 'skipped', detail: 'No phone number on file: not texted' };
    await tx.timelineEvent.updateMany({ where: { stepKey }, data: update });
    return { sent: true, stored };
  });
  if (result.stored) await dispatchNotification(outboxFor(deps), result.stored);
  return result.sent;
}

/** Scheduled texts whose time has come (their delayed job may have been lost with Redis). */
export async function listDueScheduledTexts(db: DbClient, now: Date, limit = 50): Promise<string[]> {
  const events = await db.timelineEvent.findMany({ where: { kind: 'message', outcome: 'scheduled' }, orderBy: { at: 'asc' }, take: limit * 4, select: { stepKey: true, data: true } });
  return events
    .filter((event) => {
      const data = scheduledData.safeParse(event.data);
      return data.success && new Date(data.data.sendAt).getTime() <= now.getTime();
    })
    .flatMap((event) => (event.stepKey ? [event.stepKey] : []))
    .slice(0, limit);
}

async function storeText(tx: DbClient, deps: CustomerTextDeps, update: CustomerUpdate): Promise<StoredNotification | null> {
  const itemType = INTERACTION_ITEM[update.subjectType];
  // The customer's channel: a request made in web chat hears how it goes in that chat, as the bot promised there.
  const chat = itemType ? await chatWhereCreated(tx, itemType, update.subjectId, update.customerId) : null;
  const message = { customerId: update.customerId, text: update.text, reason: update.reason, idempotencyKey: `track-${update.key}`, correlationId: update.correlationId };
  const stored = (chat ? await storeConversationNotification(tx, { ...message, conversationId: chat }) : null) ?? (await storeCustomerNotification(tx, deps.smsFrom, message));
  if (stored && itemType) {
    await tx.interactionItem.createMany({ data: [{ interactionId: stored.id, itemType, itemId: update.subjectId, action: 'updated' }], skipDuplicates: true });
  }
  return stored;
}

/**
 * The conversation a request was made in, when it is one that stays open for later messages (its
 * address is no phone number: web chat) and belongs to the customer; null otherwise (SMS, voice:
 * updates go by text).
 */
async function chatWhereCreated(tx: DbClient, itemType: InteractionItemType, itemId: string, customerId: string): Promise<string | null> {
  const link = await tx.interactionItem.findFirst({
    where: { itemType, itemId, action: 'created', interaction: { customerId } },
    orderBy: { interaction: { createdAt: 'asc' } },
    select: { interaction: { select: { conversationId: true, channel: true } } },
  });
  if (!link || CHANNEL_CAPABILITIES[link.interaction.channel].addressIsPhone) return null;
  return link.interaction.conversationId;
}

function outboxFor(deps: CustomerTextDeps) {
  return { smsFrom: deps.smsFrom, deliverSoon: deps.deliverSoon };
}
