import { formatDate } from '../src/lib/dates.ts';
import type { ChannelCapabilities } from '../src/domain/interactions/messages.ts';
import type { BotSettings, ServiceType } from './services.ts';

// Short replies: everything here must read well in one SMS and on a screen reader.

export const SERVICE_NAMES: Record<ServiceType, string> = {
  internet: 'internet',
  mobile: 'mobile',
  tv: 'TV',
  landline: 'home phone',
};

/** "Tue, Dec 1" in the operator's time zone. */
export function formatDay(date: Date, settings: BotSettings): string {
  return formatDate(date, 'day', settings.timeZone);
}

/** "Tue, Dec 1, 3:00 PM" in the operator's time zone. */
export function formatDayTime(date: Date, settings: BotSettings): string {
  return formatDate(date, 'dayTime', settings.timeZone);
}

/** What the bot can do, in one SMS. The opt-out keyword is only mentioned where carrier keywords work. */
export function helpText(_settings: BotSettings, capabilities: { carrierKeywords: boolean }): string {
  const optOut = capabilities.carrierKeywords ? ' Reply STOP to opt out.' : '';
  return `I can help with faults ("my internet is down") and tickets, your bill and charges you dispute, plans, orders and their status, your details, and cancelling. Say "agent" for a person or "start over" anytime.${optOut}`;
}

export function contactText(settings: BotSettings): string {
  return `call ${settings.supportPhone} or visit ${settings.supportUrl}`;
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The text cut to `length` characters, with an ellipsis when cut. */
export function clip(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

type Reach = Pick<ChannelCapabilities, 'spoken' | 'addressIsPhone'>;

/** How the customer sends us words on this channel: "Text" (SMS), "Type" (web chat), "Say" (voice). */
export function sendVerb(capabilities: Reach): string {
  if (capabilities.spoken) return 'Say';
  return capabilities.addressIsPhone ? 'Text' : 'Type';
}

/** How the customer answers a question here: "reply" in writing, "say" on a call (keys work too, offered by the voice channel). */
export function replyVerb(capabilities: Pick<ChannelCapabilities, 'spoken'>): 'reply' | 'say' {
  return capabilities.spoken ? 'say' : 'reply';
}

/** "reply with" in writing, "say" on a call ("Please reply with a number …"). */
export function replyWithVerb(capabilities: Pick<ChannelCapabilities, 'spoken'>): 'reply with' | 'say' {
  return capabilities.spoken ? 'say' : 'reply with';
}

/** Where this conversation happens: "by text" (SMS), "in this chat" (web chat), "on this call" (voice). */
export function hereWords(capabilities: Reach): string {
  if (capabilities.spoken) return 'on this call';
  return capabilities.addressIsPhone ? 'by text' : 'in this chat';
}

/** "Text me anytime" on SMS, "Message me anytime" in web chat, "Call anytime" on the phone. */
export function anytime(capabilities: Reach): string {
  if (capabilities.spoken) return 'Call anytime';
  return capabilities.addressIsPhone ? 'Text me anytime' : 'Message me anytime';
}

/**
 * Where later updates about a request reach the customer (src/domain/notifications keeps this
 * promise): a web chat conversation gets them in the chat, a phone-addressed channel by text.
 */
export function updatesWhere(capabilities: Pick<ChannelCapabilities, 'addressIsPhone'>): string {
  return capabilities.addressIsPhone ? "we'll text you" : "we'll post updates in this chat";
}
