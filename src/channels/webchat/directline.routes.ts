import express, { Router, type Request } from 'express';
import { z } from 'zod';
import { invalidRequest } from '../../http/error-handler.ts';
import { noStore } from '../../http/security-headers.ts';
import { getCustomer } from '../../domain/customers/customers.service.ts';
import { openConversation } from '../../domain/interactions/conversations.service.ts';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import { AppError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import type { InboundMessage } from '../channel.ts';
import { WATERMARK, type ActivityStore } from './activity-store.ts';
import { newConversationId, newDirectLineUserId, type ConversationGrant, type DirectLineTokens } from './directline-tokens.ts';
import { RateLimitedError, type WebchatGuard } from './webchat-guard.ts';
import { inboundActivityId, incomingActivitySchema, toBotActivity, toEchoActivity, toInboundMessage, WELCOME_ACTIONS, welcomeText, type WebchatBot } from './directline-activities.ts';

// The Direct Line 3.0 REST API (learn.microsoft.com, "Direct Line API 3.0 reference"), served
// by the product so Microsoft's Web Chat and DirectLineJS work against it unchanged. Posting a
// message follows the webhook rule: verify, parse, store, enqueue, acknowledge (and echo, once stored).

export const DIRECT_LINE_BASE = '/v3/directline';

export interface DirectLineRoutesOptions {
  prisma: PrismaClient;
  tokens: DirectLineTokens;
  store: ActivityStore;
  guard: WebchatGuard;
  bot: WebchatBot;
  maxMessageLength: number;
  /** The gateway: stores the message and enqueues its turn; `text` is the text as stored. */
  accept: (
    message: InboundMessage,
    options?: { runTurn?: 'queue' | 'caller' },
  ) => Promise<{ interactionId: string; duplicate: boolean; text: string; turn: { interactionId: string; conversationId: string; correlationId: string } }>;
  /** Queues the turn of a message accepted with `runTurn: 'caller'`, once its echo is published. */
  queueTurn: (turn: { interactionId: string; conversationId: string; correlationId: string }) => void;
  /** The visitor is typing (a `typing` activity): shown to the agent who has the conversation open. */
  onCustomerTyping?: (conversationId: string) => void;
  logger: Logger;
}

const watermarkQuery = z.object({
  // DirectLineJS sends an empty watermark before it has one; Microsoft's streamUrl uses "-".
  watermark: z
    .string()
    .optional()
    .transform((value) => (value === '' || value === '-' ? undefined : value))
    .refine((value) => value === undefined || WATERMARK.test(value), 'must be a watermark this service issued'),
});

const conversationParams = z.object({ conversationId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'is not a conversation id') });

export function directLineRoutes(options: DirectLineRoutesOptions): Router {
  const { tokens, store, guard, bot } = options;
  const router = Router();
  // Room for the longest message allowed plus the activity around it.
  const json = express.json({ limit: Math.max(16_384, options.maxMessageLength * 4 + 8192), type: ['application/json', 'application/*+json'] });

  // Tokens and conversations are the visitor's own: no cache keeps them.
  router.use(DIRECT_LINE_BASE, noStore, guard.cors(), guard.ipLimit());

  /** The bearer token of the request: a Direct Line token, or (for generate) a user token. */
  function bearer(req: Request): string | undefined {
    const header = req.get('authorization');
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    return match?.[1];
  }

  async function grantOf(req: Request): Promise<ConversationGrant> {
    const token = bearer(req);
    if (!token) {
      throw new AppError('unauthorized', 'missing_token', 'Send a Direct Line token as "Authorization: Bearer <token>". Get one from POST /v3/directline/tokens/generate.');
    }
    return tokens.verify(token);
  }

  /** The grant, checked to be for the conversation in the path. */
  async function conversationGrant(req: Request): Promise<ConversationGrant> {
    const params = conversationParams.safeParse(req.params);
    if (!params.success) throw new AppError('not_found', 'conversation_not_found', 'No such conversation.');
    const grant = await grantOf(req);
    if (grant.conversationId !== params.data.conversationId) {
      throw new AppError('forbidden', 'token_conversation_mismatch', 'This token belongs to another conversation; each token works only for the conversation it was issued for.');
    }
    return grant;
  }

  function watermarkOf(req: Request): string | undefined {
    const query = watermarkQuery.safeParse(req.query);
    if (!query.success) throw invalidRequest(query.error, 'watermark');
    return query.data.watermark;
  }

  async function streamUrl(req: Request, grant: ConversationGrant, watermark: string | undefined): Promise<string> {
    const scheme = req.protocol === 'https' ? 'wss' : 'ws';
    const query = new URLSearchParams({ ...(watermark ? { watermark } : {}), t: await tokens.issueStreamToken(grant) });
    return `${scheme}://${req.get('host') ?? 'localhost'}${DIRECT_LINE_BASE}/conversations/${grant.conversationId}/stream?${query.toString()}`;
  }

  function expiresIn(grant: ConversationGrant): number {
    return Math.max(0, Math.floor((grant.expiresAt.getTime() - Date.now()) / 1000));
  }

  /**
   * A token for a new conversation. Anonymous without credentials; with "Authorization: Bearer
   * <user token>" (signed by the operator's website) the conversation belongs to that customer.
   */
  router.post(`${DIRECT_LINE_BASE}/tokens/generate`, guard.newConversationLimit(), json, async (req, res) => {
    const userToken = bearer(req);
    let customerId: string | null = null;
    if (userToken) {
      customerId = await tokens.verifyUserToken(userToken);
      if (!(await getCustomer(options.prisma, customerId))) {
        throw new AppError('forbidden', 'unknown_customer', 'The user token names no customer of this operator.');
      }
    }
    const conversationId = newConversationId();
    const issued = await tokens.issue({ conversationId, userId: newDirectLineUserId(), customerId });
    res.status(200).json({ conversationId, token: issued.token, expires_in: issued.expiresIn });
  });

  /** The same grant with a new expiry. */
  router.post(`${DIRECT_LINE_BASE}/tokens/refresh`, json, async (req, res) => {
    const grant = await grantOf(req);
    const issued = await tokens.issue(grant);
    res.status(200).json({ conversationId: grant.conversationId, token: issued.token, expires_in: issued.expiresIn });
  });

  /** Starts the token's conversation: 201 the first time, 200 when it was started before. */
  router.post(`${DIRECT_LINE_BASE}/conversations`, json, async (req, res) => {
    const grant = await grantOf(req);
    const { created } = await openConversation(options.prisma, { channel: 'webchat', externalId: grant.conversationId, serviceAddress: bot.id, customerId: grant.customerId });
    // A new chat opens with the bot's welcome, never blank (published once per conversation).
    await store
      .publish(grant.conversationId, toBotActivity({ interactionId: 'welcome', from: bot.id, to: grant.conversationId, text: welcomeText(bot), suggestedActions: [...WELCOME_ACTIONS] }, bot))
      .catch((error: unknown) => options.logger.warn({ conversationId: grant.conversationId, reason: error instanceof Error ? error.message : String(error) }, 'web chat welcome not published (Redis unavailable)'));
    res.status(created ? 201 : 200).json({
      conversationId: grant.conversationId,
      token: bearer(req),
      expires_in: expiresIn(grant),
      streamUrl: await streamUrl(req, grant, undefined),
    });
  });

  /** Reconnect: a new streamUrl that resumes after `watermark`. */
  router.get(`${DIRECT_LINE_BASE}/conversations/:conversationId`, async (req, res) => {
    const grant = await conversationGrant(req);
    const watermark = watermarkOf(req);
    res.json({ conversationId: grant.conversationId, token: bearer(req), expires_in: expiresIn(grant), streamUrl: await streamUrl(req, grant, watermark) });
  });

  /** Polling: the activities after `watermark`. */
  router.get(`${DIRECT_LINE_BASE}/conversations/:conversationId/activities`, async (req, res) => {
    const grant = await conversationGrant(req);
    const watermark = watermarkOf(req);
    const set = await store.read(grant.conversationId, watermark).catch((error: unknown) => {
      // The activities live in Redis: while it is away, a 503 the client polls again after, not a 500.
      options.logger.warn({ conversationId: grant.conversationId, reason: error instanceof Error ? error.message : String(error) }, 'web chat activities not read (Redis unavailable)');
      res.set('Retry-After', '5');
      throw new AppError('unavailable', 'webchat_unavailable', 'The conversation cannot be read just now; try again in a few seconds. Messages sent meanwhile are kept.');
    });
    res.json({ activities: set.activities, ...(set.watermark ? { watermark: set.watermark } : {}) });
  });

  router.post(`${DIRECT_LINE_BASE}/conversations/:conversationId/activities`, json, async (req, res) => {
    const grant = await conversationGrant(req);
    const parsed = incomingActivitySchema.safeParse(req.body);
    if (!parsed.success) throw invalidRequest(parsed.error, 'activity');
    const activity = parsed.data;
    const activityId = inboundActivityId(grant.conversationId, activity);
    // Typing and events from the client are acknowledged; the bot acts on messages only.
    if (activity.type === 'typing' || activity.type === 'event') {
      if (activity.type === 'typing') options.onCustomerTyping?.(grant.conversationId);
      res.json({ id: activityId });
      return;
    }
    if (activity.type !== 'message') {
      throw new AppError('invalid_request', 'unsupported_activity', `Activities of type "${activity.type}" are not supported here; send messages.`);
    }
    if (activity.attachments && activity.attachments.length > 0) throw attachmentsRefused();
    const text = (activity.text ?? '').trim();
    if (text.length === 0) throw new AppError('invalid_request', 'empty_message', 'The message has no text.');
    if (text.length > options.maxMessageLength) {
      throw new AppError('invalid_request', 'message_too_long', `The message is ${text.length} characters long; at most ${options.maxMessageLength} are accepted.`);
    }
    try {
      await guard.limitConversation(grant.conversationId);
    } catch (error) {
      if (error instanceof RateLimitedError) res.set('Retry-After', String(error.retryAfterSeconds));
      throw error;
    }
    const receivedAt = new Date();
    // Stored first, as SMS is: the client counts the message as sent once this answers with its id.
    // Its turn is queued only after the echo below, so the reply never reaches the visitor before their own message.
    const stored = await options.accept(toInboundMessage(activityId, text, grant, bot, receivedAt), { runTurn: 'caller' });
    // Then the echo, of the text as stored. Without Redis it is missing, the message is not: the
    // turn runs and is answered once Redis is back, and the client's retry of the post (a
    // duplicate) publishes the echo then. Published once per activity id, whichever post gets it through.
    try {
      await store.publish(grant.conversationId, toEchoActivity(activityId, activity, stored.text, grant, bot, receivedAt));
    } catch (error) {
      options.logger.warn(
        { conversationId: grant.conversationId, activityId, reason: error instanceof Error ? error.message : String(error) },
        'web chat echo not published (Redis unavailable); the message is stored and will be answered',
      );
    }
    if (!stored.duplicate) options.queueTurn(stored.turn);
    res.json({ id: activityId });
  });

  router.post(`${DIRECT_LINE_BASE}/conversations/:conversationId/upload`, async (req) => {
    await conversationGrant(req);
    throw attachmentsRefused();
  });

  return router;
}

function attachmentsRefused(): AppError {
  return new AppError('invalid_request', 'attachments_not_supported', 'Files and attachments cannot be sent in this chat; please describe it in words.');
}
