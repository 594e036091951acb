import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { InboundMessage, OutboundMessage } from '../channel.ts';
import type { DirectLineActivity } from './activity-store.ts';
import type { ConversationGrant } from './directline-tokens.ts';

// Web chat speaks Direct Line 3.0 activities. This file converts them at the edge: a visitor's
// message activity into the channel-neutral InboundMessage (and the echo Direct Line clients wait
// for), and a stored reply into a bot message activity with its quick replies as imBack buttons.
// On this channel a conversation's address is its Direct Line conversation id.

/** Our side of every web chat conversation. */
export interface WebchatBot {
  id: string;
  name: string;
}

export const WEBCHAT_BOT_ID = 'bot';
const CHANNEL_ID = 'directline';

const shortText = (max: number) => z.string().max(max);

/** A client's activity as posted to /conversations/{id}/activities (the fields this product reads). */
export const incomingActivitySchema = z.object({
  type: z.string().min(1).max(64),
  text: z.string().optional(),
  textFormat: z.enum(['plain', 'markdown', 'xml']).optional(),
  locale: shortText(35).optional(),
  localTimestamp: shortText(64).optional(),
  localTimezone: shortText(64).optional(),
  from: z.object({ id: shortText(256).optional(), name: shortText(256).optional(), role: shortText(32).optional() }).optional(),
  attachments: z.array(z.unknown()).optional(),
  channelData: z
    .object({
      clientActivityID: shortText(256).optional(),
      clientActivityId: shortText(256).optional(),
      clientTimestamp: shortText(64).optional(),
    })
    .optional(),
});

export type IncomingActivity = z.infer<typeof incomingActivitySchema>;

/**
 * The activity id a posted activity gets: derived from the client's own id for it
 * (channelData.clientActivityID, as Web Chat sets), so a retried post is recognised; random
 * without one. It is also the message's provider id, the deduplication key.
 */
export function inboundActivityId(conversationId: string, activity: IncomingActivity): string {
  const clientId = activity.channelData?.clientActivityID ?? activity.channelData?.clientActivityId;
  if (!clientId) return `${conversationId}|${randomUUID()}`;
  return `${conversationId}|c${createHash('sha256').update(clientId).digest('base64url').slice(0, 22)}`;
}

/** The visitor's message as the gateway takes it. */
export function toInboundMessage(activityId: string, text: string, grant: ConversationGrant, bot: WebchatBot, receivedAt: Date): InboundMessage {
  return {
    channel: 'webchat',
    providerMessageId: activityId,
    from: grant.conversationId,
    to: bot.id,
    text,
    receivedAt,
    ...(grant.customerId ? { customerId: grant.customerId } : {}),
  };
}

/**
 * The posted activity as the conversation shows it (Direct Line echoes what a client sends, and
 * Web Chat marks a message sent when its echo arrives). The sender is the token's user.
 */
export function toEchoActivity(activityId: string, activity: IncomingActivity, text: string, grant: ConversationGrant, bot: WebchatBot, receivedAt: Date): DirectLineActivity {
  const clientActivityID = activity.channelData?.clientActivityID ?? activity.channelData?.clientActivityId;
  const clientTimestamp = activity.channelData?.clientTimestamp;
  return {
    type: 'message',
    id: activityId,
    timestamp: receivedAt.toISOString(),
    ...(activity.localTimestamp ? { localTimestamp: activity.localTimestamp } : {}),
    ...(activity.localTimezone ? { localTimezone: activity.localTimezone } : {}),
    channelId: CHANNEL_ID,
    conversation: { id: grant.conversationId },
    from: { id: grant.userId, ...(activity.from?.name ? { name: activity.from.name } : {}), role: 'user' },
    recipient: { id: bot.id, name: bot.name, role: 'bot' },
    text,
    textFormat: 'plain',
    ...(activity.locale ? { locale: activity.locale } : {}),
    ...(clientActivityID || clientTimestamp ? { channelData: { ...(clientActivityID ? { clientActivityID } : {}), ...(clientTimestamp ? { clientTimestamp } : {}) } } : {}),
  };
}

/** Buttons under the welcome: what people ask most, each sent back as the visitor's message when tapped. */
export const WELCOME_ACTIONS: readonly string[] = ['My internet is down', 'Explain my bill', 'What offers do you have?'];

/** What a new chat opens with, so the visitor never faces a blank window. */
export function welcomeText(bot: WebchatBot): string {
  return `Hi, welcome to ${bot.name}! I can help with a fault, your bill, plans and orders, or your details. What can I do for you?`;
}

/** A stored reply as a bot message; quick replies become imBack buttons (a tap sends the text back). */
export function toBotActivity(message: OutboundMessage, bot: WebchatBot, now = new Date()): DirectLineActivity {
  const actions = message.suggestedActions ?? [];
  return {
    type: 'message',
    id: `${message.to}|${message.interactionId}`,
    timestamp: now.toISOString(),
    channelId: CHANNEL_ID,
    conversation: { id: message.to },
    from: { id: bot.id, name: bot.name, role: 'bot' },
    text: message.text,
    textFormat: 'plain',
    ...(actions.length > 0 ? { suggestedActions: { actions: actions.map((action) => ({ type: 'imBack' as const, title: action, value: action })) } } : {}),
  };
}

/** "The bot is writing": shown by Web Chat until the reply arrives (or a few seconds pass). */
export function toTypingActivity(conversationId: string, bot: WebchatBot, now = new Date()): DirectLineActivity {
  return {
    type: 'typing',
    id: `${conversationId}|t${randomUUID()}`,
    timestamp: now.toISOString(),
    channelId: CHANNEL_ID,
    conversation: { id: conversationId },
    from: { id: bot.id, name: bot.name, role: 'bot' },
  };
}
