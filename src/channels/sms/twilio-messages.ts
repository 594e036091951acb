import twilio from 'twilio';
import { z } from 'zod';
import { invalidRequest } from '../../http/error-handler.ts';
import { toE164 } from '../../lib/phone.ts';
import type { DeliveryReceipt, DeliveryStatusName, InboundMessage, ProviderReport } from '../channel.ts';

// Twilio's SMS payloads at the edge: the incoming-message webhook becomes an InboundMessage, a
// status callback a DeliveryReceipt. Nothing past src/channels/sms/ sees these fields.

const e164 = z.string().transform((value, ctx) => {
  const phone = toE164(value);
  if (!phone) ctx.addIssue({ code: 'custom', message: 'is not a phone number' });
  return phone ?? '';
});

/** The fields of Twilio's incoming-message webhook that the product uses. */
export const incomingSmsSchema = z.object({
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/, 'must be a Twilio message SID'),
  AccountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must be a Twilio account SID'),
  From: e164,
  To: e164,
  Body: z.string().max(1600, 'is longer than an SMS can be').default(''),
});

const deliveryStatuses = ['queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'read', 'accepted', 'scheduled', 'canceled', 'receiving', 'received'] as const;
export const deliveryStatusSchema = z.enum(deliveryStatuses);

export const statusCallbackSchema = z.object({
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/, 'must be a Twilio message SID'),
  MessageStatus: z.enum(deliveryStatuses),
  ErrorCode: z.string().regex(/^\d+$/).optional(),
});

export type TwilioParams = Record<string, string>;

/** True when X-Twilio-Signature matches the URL Twilio called and the posted parameters. */
export function isTwilioSignatureValid(authToken: string, signature: string | undefined, url: string, params: TwilioParams): boolean {
  if (!signature) return false;
  return twilio.validateRequest(authToken, signature, url, params);
}

export function toInboundMessage(payload: z.infer<typeof incomingSmsSchema>, receivedAt = new Date()): InboundMessage {
  return {
    channel: 'sms',
    providerMessageId: payload.MessageSid,
    from: payload.From,
    to: payload.To,
    text: payload.Body.trim(),
    receivedAt,
  };
}

export function toDeliveryStatus(status: (typeof deliveryStatuses)[number]): DeliveryStatusName {
  switch (status) {
    case 'accepted':
    case 'scheduled':
      return 'queued';
    case 'canceled':
      return 'failed';
    case 'receiving':
      return 'received';
    default:
      return status;
  }
}

export function toDeliveryReceipt(payload: z.infer<typeof statusCallbackSchema>, interactionId: string | undefined): DeliveryReceipt {
  return {
    providerMessageId: payload.MessageSid,
    status: toDeliveryStatus(payload.MessageStatus),
    errorCode: payload.ErrorCode,
    interactionId,
  };
}

const statusQuery = z.object({ iid: z.uuid().optional() });

/**
 * A status callback as a receipt: the posted fields, and our interaction id from the callback
 * URL's query. A malformed payload is reported to `onMalformed` (a refused webhook) before the 400.
 */
export function parseStatusCallback(report: ProviderReport, onMalformed?: () => void): DeliveryReceipt {
  const payload = statusCallbackSchema.safeParse(report.body);
  if (!payload.success) {
    onMalformed?.();
    throw invalidRequest(payload.error, 'status callback');
  }
  const query = statusQuery.safeParse(report.query);
  if (!query.success) throw invalidRequest(query.error, 'status callback URL');
  return toDeliveryReceipt(payload.data, query.data.iid);
}
