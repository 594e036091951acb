import type { RequestHandler } from 'express';
import type { IncomingMessage } from 'node:http';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';

// What web chat accepts from whom: browsers only from the allowed origins (and the service's
// own pages), and no more than the configured rates. Limits are counted in Redis, so they hold
// across instances.

export interface WebchatGuardOptions {
  /** Origins allowed to call the Direct Line API from a browser (scheme://host[:port]). */
  allowedOrigins: string[];
  ratePerIp: number;
  ratePerConversation: number;
  /** New conversations (Direct Line tokens generated) per address per hour. */
  newConversationsPerIp: number;
  /** The caller's address, the same way for HTTP and the WebSocket upgrade (trusted proxies only). */
  clientAddress: (req: IncomingMessage) => string;
  redis: Redis;
  prefix: string;
  logger: Logger;
}

const WINDOW_SECONDS = 60;
const NEW_CONVERSATION_WINDOW_SECONDS = 3600;
/** Headers DirectLineJS and Web Chat send (RxJS ajax adds X-Requested-With). */
const ALLOWED_HEADERS = 'Authorization, Content-Type, X-Requested-With, x-ms-bot-agent';

export class WebchatGuard {
  private readonly origins: Set<string>;
  private readonly perIp: RateLimiterRedis;
  private readonly perConversation: RateLimiterRedis;
  private readonly newConversationsPerIp: RateLimiterRedis;

  constructor(private readonly options: WebchatGuardOptions) {
    this.origins = new Set(options.allowedOrigins.map((origin) => origin.toLowerCase()));
    this.perIp = new RateLimiterRedis({ storeClient: options.redis, keyPrefix: `${options.prefix}:webchat:rate:ip`, points: options.ratePerIp, duration: WINDOW_SECONDS });
    this.perConversation = new RateLimiterRedis({
      storeClient: options.redis,
      keyPrefix: `${options.prefix}:webchat:rate:conversation`,
      points: options.ratePerConversation,
      duration: WINDOW_SECONDS,
    });
    this.newConversationsPerIp = new RateLimiterRedis({
      storeClient: options.redis,
      keyPrefix: `${options.prefix}:webchat:rate:new-conversations:ip`,
      points: options.newConversationsPerIp,
      duration: NEW_CONVERSATION_WINDOW_SECONDS,
    });
  }

  /**
   * A browser request is allowed from a configured origin or from this service's own pages (the
   * Origin's host is the Host it called). Requests without an Origin are not from a browser page.
   */
  originAllowed(origin: string | undefined, host: string | undefined): boolean {
    if (origin === undefined) return true;
    if (this.origins.has(origin.toLowerCase())) return true;
    try {
      return host !== undefined && new URL(origin).host === host.toLowerCase();
    } catch {
      return false;
    }
  }

  /** CORS for the Direct Line API: refuses other origins outright (403), answers preflights. */
  cors(): RequestHandler {
    return (req, res, next) => {
      const origin = req.get('origin');
      if (!this.originAllowed(origin, req.get('host'))) {
        throw new AppError('forbidden', 'origin_not_allowed', `Web chat is not enabled for pages on ${origin}. Add it to WEBCHAT_ALLOWED_ORIGINS.`);
      }
      if (origin) {
        res.vary('Origin');
        res.set('Access-Control-Allow-Origin', origin);
      }
      if (req.method === 'OPTIONS') {
        res.set({ 'Access-Control-Allow-Methods': 'GET, POST', 'Access-Control-Allow-Headers': ALLOWED_HEADERS, 'Access-Control-Max-Age': '600' });
        res.status(204).end();
        return;
      }
      next();
    };
  }

  /** Counts a request (HTTP or WebSocket upgrade) from its client's address; throws a 429 AppError (with the wait in retryAfterSeconds) over the limit. */
  async limitClient(req: IncomingMessage): Promise<void> {
    await this.consume(this.perIp, this.options.clientAddress(req), () => `Too many web chat requests from your network. Wait a minute and try again.`);
  }

  /** Counts a message in the conversation; throws a 429 AppError over the limit. */
  async limitConversation(conversationId: string): Promise<void> {
    await this.consume(this.perConversation, conversationId, () => `Too many messages in this conversation (at most ${this.options.ratePerConversation} a minute). Wait a moment and send it again.`);
  }

  /** Express middleware form of limitClient, setting Retry-After on a refusal. */
  ipLimit(): RequestHandler {
    return withRetryAfter((req) => this.limitClient(req));
  }

  /** Counts a new conversation from the client's address (per hour): one address cannot open chats without end. */
  newConversationLimit(): RequestHandler {
    return withRetryAfter((req) =>
      this.consume(
        this.newConversationsPerIp,
        this.options.clientAddress(req),
        () => `Too many new chats from your network (at most ${this.options.newConversationsPerIp} an hour). Continue an open chat, or try again later.`,
      ),
    );
  }

  private async consume(limiter: RateLimiterRedis, key: string, message: () => string): Promise<void> {
    try {
      await limiter.consume(key);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) throw new RateLimitedError(message(), Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)));
      // Redis is unreachable: a limit must not take the chat down with it.
      this.options.logger.warn({ err: rejection }, 'web chat rate limit not checked (Redis unavailable)');
    }
  }
}

/** A limit as Express middleware: a refusal carries its wait in Retry-After. */
function withRetryAfter(limit: (req: IncomingMessage) => Promise<void>): RequestHandler {
  return async (req, res, next) => {
    try {
      await limit(req);
    } catch (error) {
      if (error instanceof RateLimitedError) res.set('Retry-After', String(error.retryAfterSeconds));
      throw error;
    }
    next();
  };
}

export class RateLimitedError extends AppError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    // The wait goes in the Retry-After header; `details` lists field problems only.
    super('rate_limited', 'rate_limited', message);
  }
}
