import express, { Router, type Request } from 'express';
import { z } from 'zod';
import { invalidRequest } from '../../http/error-handler.ts';
import { AppError } from '../../lib/errors.ts';
import {
  incomingSmsSchema,
  isTwilioSignatureValid,
  statusCallbackSchema,
  toDeliveryReceipt,
  toInboundMessage,
  type TwilioParams,
} from './sms.channel.ts';
import type { InboundMessage, DeliveryReceipt } from '../channel.ts';

export interface SmsRoutesOptions {
  authToken: string;
  /** The URL Twilio calls (and signs), without a trailing slash. */
  publicBaseUrl: () => string;
  validateSignatures: boolean;
  accept: (message: InboundMessage) => Promise<{ duplicate: boolean }>;
  applyReceipt: (receipt: DeliveryReceipt) => Promise<'applied' | 'stale' | 'unknown'>;
  onRejected: (reason: string) => void;
}

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';
const formFields = z.record(z.string(), z.string());
const statusQuery = z.object({ iid: z.uuid().optional() });

/** Twilio's SMS webhooks: verify, parse, store, enqueue, acknowledge. */
export function smsRoutes(options: SmsRoutesOptions): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '64kb' });

  /** The form fields, once the signature over the public URL and the fields checks out. */
  function verifiedFields(req: Request): TwilioParams {
    const fields = formFields.safeParse(req.body ?? {});
    if (!fields.success) throw invalidRequest(fields.error, 'webhook form');
    if (options.validateSignatures) {
      const url = options.publicBaseUrl() + req.originalUrl;
      if (!isTwilioSignatureValid(options.authToken, req.header('X-Twilio-Signature'), url, fields.data)) {
        options.onRejected('invalid_signature');
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
      options.onRejected('malformed_payload');
      throw invalidRequest(payload.error, 'incoming message');
    }
    await options.accept(toInboundMessage(payload.data));
    res.type('text/xml').send(EMPTY_TWIML);
  });

  router.post('/twilio/sms/status', form, async (req, res) => {
    const fields = verifiedFields(req);
    const payload = statusCallbackSchema.safeParse(fields);
    const query = statusQuery.safeParse(req.query);
    if (!payload.success) {
      options.onRejected('malformed_payload');
      throw invalidRequest(payload.error, 'status callback');
    }
    if (!query.success) throw invalidRequest(query.error, 'status callback URL');
    const outcome = await options.applyReceipt(toDeliveryReceipt(payload.data, query.data.iid));
    if (outcome === 'unknown') {
      throw new AppError('not_found', 'unknown_message', `No outbound message ${payload.data.MessageSid} is known here.`);
    }
    res.status(200).json({ status: outcome });
  });

  return router;
}
