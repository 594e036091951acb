import twilio from 'twilio';
import RequestClient from 'twilio/lib/base/RequestClient.js';
import { z } from 'zod';
import { toE164 } from '../../lib/phone.ts';
import {
  PermanentDeliveryError,
  type DeliveryReceipt,
  type DeliveryResult,
  type DeliveryStatusName,
  type InboundMessage,
  type OutboundMessage,
  type OutboundSender,
} from '../channel.ts';

const TWILIO_API_ORIGIN = 'https://api.twilio.com';

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
const deliveryStatusSchema = z.enum(deliveryStatuses);

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

function toDeliveryStatus(status: (typeof deliveryStatuses)[number]): DeliveryStatusName {
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

/** A Twilio HTTP client that sends API calls to another origin (a stand-in or a proxy). */
class RedirectingRequestClient extends RequestClient {
  constructor(private readonly baseUrl: string, timeoutMs: number) {
    super({ timeout: timeoutMs });
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    const uri = opts.uri.startsWith(TWILIO_API_ORIGIN) ? this.baseUrl + opts.uri.slice(TWILIO_API_ORIGIN.length) : opts.uri;
    return super.request({ ...opts, uri });
  }
}

// Twilio error codes that will never succeed on retry (https://www.twilio.com/docs/api/errors).
const PERMANENT_TWILIO_CODES = new Set([21211, 21408, 21610, 21612, 21614, 21617, 30003, 30004, 30005, 30006]);

const restErrorSchema = z.object({ status: z.number(), code: z.number().optional(), message: z.string().optional() });

export interface SmsSenderOptions {
  accountSid: string;
  authToken: string;
  /** Unset: Twilio itself. */
  apiBaseUrl: string | undefined;
  /** Builds the status callback URL for a message (it carries our interaction id). */
  statusCallbackUrl: (interactionId: string) => string;
  timeoutMs?: number;
}

/** Delivers SMS with the official twilio client; throws PermanentDeliveryError for refusals. */
export function createSmsSender(options: SmsSenderOptions): OutboundSender {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const httpClient = options.apiBaseUrl ? new RedirectingRequestClient(options.apiBaseUrl.replace(/\/+$/, ''), timeoutMs) : undefined;
  const client = twilio(options.accountSid, options.authToken, { httpClient, timeout: timeoutMs });

  return {
    async deliver(message: OutboundMessage): Promise<DeliveryResult> {
      try {
        const sent = await client.messages.create({
          to: message.to,
          from: message.from,
          body: smsBody(message.text, message.suggestedActions ?? []),
          statusCallback: options.statusCallbackUrl(message.interactionId),
        });
        const status = deliveryStatusSchema.safeParse(sent.status);
        return { providerMessageId: sent.sid, status: status.success ? toDeliveryStatus(status.data) : 'queued' };
      } catch (error) {
        throw classifyTwilioError(error);
      }
    },
  };
}

function classifyTwilioError(error: unknown): Error {
  const rest = restErrorSchema.safeParse(error);
  if (rest.success) {
    const { status, code } = rest.data;
    const retryable = status >= 500 || status === 429 || status === 408;
    if (!retryable && (status >= 400 || (code !== undefined && PERMANENT_TWILIO_CODES.has(code)))) {
      return new PermanentDeliveryError(`twilio_${code ?? status}`, rest.data.message ?? `Twilio refused the message (${status})`);
    }
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** SMS has no buttons: quick replies become numbered options after the text ("1) Yes 2) No"). */
export function smsBody(text: string, suggestedActions: string[]): string {
  if (suggestedActions.length === 0) return text;
  return `${text} ${suggestedActions.map((action, index) => `${index + 1}) ${action}`).join(' ')}`;
}
