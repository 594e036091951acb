import express, { Router } from 'express';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { invalidRequest } from '../http/error-handler.ts';
import { toE164 } from '../lib/phone.ts';
import { fakeSid, postSignedForm } from './twilio-signing.ts';

export interface DemoRoutesOptions {
  prisma: PrismaClient;
  authToken: string;
  accountSid: string;
  ourNumber: string;
  /** The URL Twilio would call: signatures are made over it. */
  publicBaseUrl: () => string;
  /** Where this process listens, to post the webhook over real HTTP. */
  localUrl: () => string;
  operatorName: string;
}

const PAGE = readFileSync(new URL('./public/sms-simulator.html', import.meta.url), 'utf8');
/** The page's inline script and stylesheet are allowed by their hashes; nothing else inline runs. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `script-src ${inlineHash('script')}`,
  `style-src ${inlineHash('style')}`,
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const sendBody = z.object({
  from: z.string().transform((value, ctx) => toE164(value) ?? (ctx.addIssue({ code: 'custom', message: 'is not a phone number' }), '')),
  text: z.string().trim().min(1, 'is empty').max(1600, 'is longer than an SMS can be'),
});

/**
 * The SMS try-it page (/try/sms) and its helpers. Mounted only when no Twilio account is configured (the
 * sandbox): messages go through the real signed webhook, replies come back from the stand-in.
 */
export function demoRoutes(options: DemoRoutesOptions): Router {
  const router = Router();

  router.get('/try/sms', (_req, res) => {
    res.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    res.type('html').send(PAGE.replaceAll('{{operatorName}}', escapeHtml(options.operatorName)));
  });

  /** Demo customers to text as (names and numbers are seeded demo data). */
  router.get('/dev/demo/customers', async (_req, res) => {
    const phones = await options.prisma.contactMedium.findMany({
      where: { mediumType: 'phone', phoneNumber: { startsWith: '+1555123' } },
      orderBy: { phoneNumber: 'asc' },
      take: 12,
      select: { phoneNumber: true, customer: { select: { id: true, givenName: true, familyName: true } } },
    });
    res.json({
      ourNumber: options.ourNumber,
      customers: phones.map((p) => ({ id: p.customer.id, name: `${p.customer.givenName} ${p.customer.familyName}`, phone: p.phoneNumber })),
    });
  });

  /** Sends an SMS "from" a phone through the real webhook, signed as Twilio would sign it. */
  router.post('/dev/sms/send', express.json({ limit: '8kb' }), async (req, res) => {
    const body = sendBody.safeParse(req.body);
    if (!body.success) throw invalidRequest(body.error, 'message');
    const params = { MessageSid: fakeSid('SM'), AccountSid: options.accountSid, From: body.data.from, To: options.ourNumber, Body: body.data.text };
    const response = await postSignedForm(options.authToken, `${options.localUrl()}/twilio/sms`, params, `${options.publicBaseUrl()}/twilio/sms`);
    res.status(response.ok ? 202 : response.status).json({ messageSid: params.MessageSid, webhookStatus: response.status });
  });

  return router;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function inlineHash(tag: 'script' | 'style'): string {
  const content = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(PAGE)?.[1] ?? '';
  return `'sha256-${createHash('sha256').update(content).digest('base64')}'`;
}
