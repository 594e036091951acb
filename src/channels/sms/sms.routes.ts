import express, { Router, type Request } from 'express';
import { z } from 'zod';
import { invalidRequest } from '../../http/error-handler.ts';
import { AppError } from '../../lib/errors.ts';
import { toE164 } from '../../lib/phone.ts';
import type { ChannelGateway } from '../channel.ts';
import { incomingSmsSchema, isTwilioSignatureValid, parseStatusCallback, toInboundMessage, type TwilioParams } from './twilio-messages.ts';

export interface SmsRoutesOptions {
  authToken: string;
  /** The URL Twilio calls (and signs), without a trailing slash. */
  publicBaseUrl: () => string;
  validateSignatures: boolean;
  /** The operator's numbers: incoming messages to any other are refused. */
  phoneNumbers: string[];
  gateway: ChannelGateway;
}

/** Where Twilio posts status callbacks: the sender names it in each message's callback URL. */
export const SMS_STATUS_PATH = '/twilio/sms/status';
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';
const formFields = z.record(z.string(), z.string());

/** Twilio's SMS webhooks: verify, parse, store, enqueue, acknowledge. */
export function smsRoutes(options: SmsRoutesOptions): Router {
  const { gateway } = options;
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '64kb' });
  const ourNumbers = new Set(options.phoneNumbers.map((number) => toE164(number) ?? number));

  /** The form fields, once the signature over the public URL and the fields checks out. */
  function verifiedFields(req: Request): TwilioParams {
    const fields = formFields.safeParse(req.body ?? {});
    if (!fields.success) throw invalidRequest(fields.error, 'webhook form');
    if (options.validateSignatures) {
      const url = options.publicBaseUrl() + req.originalUrl;
      if (!isTwilioSignatureValid(options.authToken, req.header('X-Twilio-Signature'), url, fields.data)) {
        gateway.onRejected('invalid_signature');
        throw new AppError(
          'forbidden',
          'invalid_signature',
          'The X-Twilio-Signature header is missing or does not match this request. Check that PUBLIC_BASE_URL is the URL Twilio calls and TWILIO_AUTH_TOKEN is the account token.',
        );
      }
    }
    return fields.data;
  }

  router.post('/twilio/sms', form, async (req, res) => {
    const fields = verifiedFields(req);
    const payload = incomingSmsSchema.safeParse(fields);
    if (!payload.success) {
      gateway.onRejected('malformed_payload');
      throw invalidRequest(payload.error, 'incoming message');
    }
    // Signed by the account, but for a number this service does not answer for: a reply would go out from it.
    if (!ourNumbers.has(payload.data.To)) {
      gateway.onRejected('unknown_number');
      throw new AppError(
        'forbidden',
        'number_not_served',
        `This service answers messages to ${[...ourNumbers].join(', ')}, not ${payload.data.To}. Point that number's messaging webhook elsewhere, or set TWILIO_PHONE_NUMBER.`,
      );
    }
    await gateway.accept(toInboundMessage(payload.data));
    res.type('text/xml').send(EMPTY_TWIML);
  });

  router.post(SMS_STATUS_PATH, form, async (req, res) => {
    const receipt = parseStatusCallback({ body: verifiedFields(req), query: req.query }, () => gateway.onRejected('malformed_payload'));
    const outcome = await gateway.applyReceipt(receipt);
    if (outcome === 'unknown') {
      throw new AppError('not_found', 'unknown_message', `No outbound message ${receipt.providerMessageId} is known here.`);
    }
    res.status(200).json({ status: outcome });
  });

  return router;
}
