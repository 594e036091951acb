import express, { Router, type Request } from 'express';
import { z } from 'zod';
import { invalidRequest } from '../../http/error-handler.ts';
import { AppError } from '../../lib/errors.ts';
import type { ChannelGateway } from '../channel.ts';
import { incomingSmsSchema, isTwilioSignatureValid, parseStatusCallback, toInboundMessage, type TwilioParams } from './twilio-messages.ts';

export interface SmsRoutesOptions {
  authToken: string;
  /** The URL Twilio calls (and signs), without a trailing slash. */
  publicBaseUrl: () => string;
  validateSignatures: boolean;
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
