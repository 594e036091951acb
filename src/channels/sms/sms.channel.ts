import twilio from 'twilio';
import RequestClient from 'twilio/lib/base/RequestClient.js';
import { z } from 'zod';
import {
  CHANNEL_CAPABILITIES,
  PermanentDeliveryError,
  withNumberedChoices,
  type Channel,
  type DeliveryResult,
  type OutboundMessage,
  type OutboundSender,
} from '../channel.ts';
import { SMS_STATUS_PATH, smsRoutes } from './sms.routes.ts';
import { deliveryStatusSchema, parseStatusCallback, toDeliveryStatus } from './twilio-messages.ts';

const TWILIO_API_ORIGIN = 'https://api.twilio.com';

export interface SmsChannelOptions {
  accountSid: string;
  authToken: string;
  /**
   * Where the REST client sends requests (unset: Twilio itself). Read at the first delivery: the
   * built-in stand-in's URL is known only once the server listens.
   */
  apiBaseUrl: () => string | undefined;
  /** The URL Twilio calls and signs, without a trailing slash (known once the server listens). */
  publicBaseUrl: () => string;
  /** Check X-Twilio-Signature on every webhook (off only in development). */
  validateSignatures: boolean;
  /** The operator's numbers (E.164): a message sent to any other is refused, never answered from it. */
  phoneNumbers: string[];
  /** Default 10 s. */
  timeoutMs?: number;
}

/** SMS through Twilio: the incoming-message and status webhooks, and delivery with the official client. */
export function createSmsChannel(options: SmsChannelOptions): Channel {
  let sender: SmsSender | undefined;
  return {
    name: 'sms',
    capabilities: CHANNEL_CAPABILITIES.sms,
    routes: (gateway) =>
      smsRoutes({ authToken: options.authToken, publicBaseUrl: options.publicBaseUrl, validateSignatures: options.validateSignatures, phoneNumbers: options.phoneNumbers, gateway }),
    deliver(message) {
      return smsSender().deliver(message);
    },
    findEarlierSends(message, startedAt) {
      return smsSender().findEarlierSends(message, startedAt);
    },
    parseReceipt: (report) => parseStatusCallback(report),
    // Nothing is held open: the REST client makes one request per message.
    async close() {},
  };

  function smsSender(): SmsSender {
    return (sender ??= createSmsSender({
        accountSid: options.accountSid,
        authToken: options.authToken,
        apiBaseUrl: options.apiBaseUrl(),
        // The callback URL carries our interaction id, so a receipt finds its message without a lookup by SID.
        statusCallbackUrl: (interactionId) => `${options.publicBaseUrl()}${SMS_STATUS_PATH}?iid=${interactionId}`,
        timeoutMs: options.timeoutMs,
      }));
  }
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

interface SmsSenderOptions {
  accountSid: string;
  authToken: string;
  /** Unset: Twilio itself. */
  apiBaseUrl: string | undefined;
  /** Builds the status callback URL for a message (it carries our interaction id). */
  statusCallbackUrl: (interactionId: string) => string;
  timeoutMs: number | undefined;
}

type SmsSender = Required<OutboundSender>;

/** How far the provider's clock may be from ours when a send that never came back is looked up. */
const CLOCK_SKEW_MS = 60_000;
/** Enough for any one recipient's messages in the look-up window. */
const LOOKUP_LIMIT = 500;

/** Twilio keeps an unsent message in its queue at most ValidityPeriod seconds (1 to 36,000), then drops it. */
export function validityPeriodSeconds(validUntil: Date, now: Date): number {
  return Math.min(36_000, Math.max(1, Math.floor((validUntil.getTime() - now.getTime()) / 1000)));
}

/** Delivers SMS with the official twilio client; throws PermanentDeliveryError for refusals. */
function createSmsSender(options: SmsSenderOptions): SmsSender {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const httpClient = options.apiBaseUrl ? new RedirectingRequestClient(options.apiBaseUrl.replace(/\/+$/, ''), timeoutMs) : undefined;
  const client = twilio(options.accountSid, options.authToken, { httpClient, timeout: timeoutMs });

  return {
    async deliver(message: OutboundMessage): Promise<DeliveryResult> {
      try {
        const sent = await client.messages.create({
          to: message.to,
          from: message.from,
          // SMS has no buttons: quick replies become numbered options after the text.
          body: withNumberedChoices(message.text, message.suggestedActions ?? []),
          statusCallback: options.statusCallbackUrl(message.interactionId),
          ...(message.validUntil ? { validityPeriod: validityPeriodSeconds(message.validUntil, new Date()) } : {}),
        });
        const status = deliveryStatusSchema.safeParse(sent.status);
        return { providerMessageId: sent.sid, status: status.success ? toDeliveryStatus(status.data) : 'queued' };
      } catch (error) {
        throw classifyTwilioError(error);
      }
    },

    /**
     * Twilio's Messages list filtered by To, From and DateSent (the official client pages through
     * it), matched on the exact body we would send and a creation time at or after the send began
     * (less clock skew). The list does not return a message's status callback URL, so our
     * interaction id in it cannot be matched here; a callback that does arrive carries it, and
     * the receipt writer adopts the SID by it (receipts.ts).
     */
    async findEarlierSends(message: OutboundMessage, startedAt: Date): Promise<DeliveryResult[]> {
      const since = new Date(startedAt.getTime() - CLOCK_SKEW_MS);
      const body = withNumberedChoices(message.text, message.suggestedActions ?? []);
      try {
        const listed = await client.messages.list({ to: message.to, from: message.from, dateSentAfter: since, limit: LOOKUP_LIMIT });
        return listed
          .filter((sent) => sent.body === body && sent.direction === 'outbound-api' && (sent.dateCreated ?? sent.dateSent ?? since) >= since)
          .sort((a, b) => (a.dateCreated?.getTime() ?? 0) - (b.dateCreated?.getTime() ?? 0))
          .map((sent) => {
            const status = deliveryStatusSchema.safeParse(sent.status);
            return { providerMessageId: sent.sid, status: status.success ? toDeliveryStatus(status.data) : 'queued' };
          });
      } catch (error) {
        // Not knowing is never a refusal: the delivery retries, and looks again first.
        throw error instanceof Error ? error : new Error(String(error));
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
