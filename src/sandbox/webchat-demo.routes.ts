import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import express, { Router, type Request } from 'express';
import { SignJWT } from 'jose';
import { z } from 'zod';
import { invalidRequest } from '../http/error-handler.ts';
import { getCustomer } from '../domain/customers/customers.service.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { AppError } from '../lib/errors.ts';
import { toStorableText } from '../lib/storable-text.ts';

// The web chat demo page at `/` (sandbox only, like the SMS try-it page). It stands in for an
// operator's website: for a demo customer it signs a short user token, as the website's backend
// would for a logged-in customer, and Web Chat exchanges it for a Direct Line token.

export interface WebchatDemoRoutesOptions {
  prisma: PrismaClient;
  operatorName: string;
  /** Signs demo customers' user tokens; undefined: only anonymous chats. */
  userTokenSecret: string | undefined;
}

const PUBLIC = new URL('./public/', import.meta.url);
const PAGE = readFileSync(new URL('webchat-demo.html', PUBLIC), 'utf8');
const SCRIPT = readFileSync(new URL('webchat-demo.js', PUBLIC), 'utf8');
const STYLE = readFileSync(new URL('webchat-demo.css', PUBLIC), 'utf8');
/** A demo user token lasts as long as an operator's website would make one last: minutes. */
const USER_TOKEN_SECONDS = 300;

// The id reaches PostgreSQL: a NUL or a lone surrogate becomes U+FFFD (an id so changed matches no customer: 404, not a 500).
const userTokenBody = z.object({ customerId: z.string().min(1).max(100).transform(toStorableText) });

export function webchatDemoRoutes(options: WebchatDemoRoutesOptions): Router {
  const router = Router();

  router.get('/', (req, res) => {
    const nonce = randomBytes(16).toString('base64');
    res.set('Content-Security-Policy', contentSecurityPolicy(req, nonce));
    res.set('X-Content-Type-Options', 'nosniff');
    res.set('Referrer-Policy', 'no-referrer');
    res.type('html').send(PAGE.replaceAll('{{operatorName}}', escapeHtml(options.operatorName)).replaceAll('{{nonce}}', nonce));
  });

  router.get('/dev/webchat/demo.js', (_req, res) => {
    res.type('text/javascript').set('X-Content-Type-Options', 'nosniff').send(SCRIPT);
  });

  router.get('/dev/webchat/demo.css', (_req, res) => {
    res.type('text/css').set('X-Content-Type-Options', 'nosniff').send(STYLE);
  });

  /** A user token for a demo customer, signed as the operator's website would sign it. */
  router.post('/dev/webchat/user-token', express.json({ limit: '2kb' }), async (req, res) => {
    const body = userTokenBody.safeParse(req.body);
    if (!body.success) throw invalidRequest(body.error, 'request');
    if (!options.userTokenSecret) {
      throw new AppError('unavailable', 'user_tokens_disabled', 'Signing in with a user token is off: set WEBCHAT_USER_TOKEN_SECRET.');
    }
    const customer = await getCustomer(options.prisma, body.data.customerId);
    if (!customer) throw new AppError('not_found', 'unknown_customer', 'No such demo customer.');
    const userToken = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(customer.id)
      .setIssuedAt()
      .setExpirationTime(`${USER_TOKEN_SECONDS}s`)
      .sign(new TextEncoder().encode(options.userTokenSecret));
    res.json({ userToken, expiresIn: USER_TOKEN_SECONDS });
  });

  return router;
}

/**
 * The hash of an empty inline stylesheet. Web Chat passes the nonce to its own style caches but
 * not to the one of react-scroll-to-bottom, which adds an empty <style> and then inserts its
 * rules through the CSS object model (not subject to CSP); allowing exactly that empty sheet keeps
 * every other inline style refused.
 */
const EMPTY_STYLE_HASH = 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=';

/**
 * Scripts only from this service (Web Chat's bundle included; no inline script), Web Chat's
 * generated styles by nonce, network access only to this service over HTTP and its WebSocket.
 */
function contentSecurityPolicy(req: Request, nonce: string): string {
  const host = req.get('host') ?? 'localhost';
  const ws = req.protocol === 'https' ? `wss://${host}` : `ws://${host}`;
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${nonce}' '${EMPTY_STYLE_HASH}'`,
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self' ${ws}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
