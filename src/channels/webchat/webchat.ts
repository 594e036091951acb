import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Router } from 'express';
import type { Redis } from 'ioredis';
import type { Config } from '../../app/config/index.ts';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import type { Logger } from '../../lib/logger.ts';
import type { InboundMessage, OutboundSender } from '../channel.ts';
import { ActivityStore, LiveFeed } from './activity-store.ts';
import { DirectLineStreams } from './directline-stream.ts';
import { DirectLineTokens } from './directline-tokens.ts';
import { directLineRoutes } from './directline.routes.ts';
import { WebchatGuard } from './webchat-guard.ts';
import { createWebchatSender, toTypingActivity, WEBCHAT_BOT_ID, type WebchatBot } from './webchat.channel.ts';

// The web chat channel as the runtime mounts it: the Direct Line API and its WebSocket stream on
// API instances, the sender (publish to the conversation's stream) on worker instances. Both sides
// meet only in Redis, so any instance can deliver to any connection.

export interface WebchatChannelOptions {
  settings: Config['webchat'];
  redisPrefix: string;
  /** Fails fast when Redis is down (the API must not hang). */
  redis: Redis;
  /** A new connection for pub/sub (one per instance, opened with the first WebSocket client). */
  createSubscriber: () => Redis;
  prisma: PrismaClient;
  operatorName: string;
  logger: Logger;
}

export interface WebchatChannel {
  tokens: DirectLineTokens;
  /** The Direct Line REST API; `accept` hands a visitor's message to the gateway. */
  routes(accept: (message: InboundMessage) => Promise<{ interactionId: string; duplicate: boolean }>): Router;
  /** For the HTTP server's 'upgrade' event: true when it took the request (a Direct Line stream). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  sender: OutboundSender;
  /** Shows "typing" to the conversation's connected clients (a turn has started). */
  announceTyping(conversationId: string): Promise<void>;
  close(): Promise<void>;
}

export function createWebchatChannel(options: WebchatChannelOptions): WebchatChannel {
  const { settings, logger } = options;
  const bot: WebchatBot = { id: WEBCHAT_BOT_ID, name: options.operatorName };
  const store = new ActivityStore(options.redis, options.redisPrefix);
  const tokens = new DirectLineTokens({ secret: settings.tokenSecret, ttlSeconds: settings.tokenTtlSeconds, userTokenSecret: settings.userTokenSecret });
  const guard = new WebchatGuard({
    allowedOrigins: settings.allowedOrigins,
    ratePerIp: settings.ratePerIp,
    ratePerConversation: settings.ratePerConversation,
    redis: options.redis,
    prefix: options.redisPrefix,
    logger,
  });
  let streams: DirectLineStreams | undefined;

  return {
    tokens,
    routes(accept) {
      const feed = new LiveFeed(options.createSubscriber, (conversationId) => store.liveChannel(conversationId), logger);
      streams = new DirectLineStreams({ tokens, store, feed, guard, logger });
      return directLineRoutes({ prisma: options.prisma, tokens, store, guard, bot, maxMessageLength: settings.maxMessageLength, accept, logger });
    },
    handleUpgrade(req, socket, head) {
      return streams?.handleUpgrade(req, socket, head) ?? false;
    },
    sender: createWebchatSender(store, bot),
    async announceTyping(conversationId) {
      await store.announce(conversationId, toTypingActivity(conversationId, bot));
    },
    async close() {
      await streams?.close();
    },
  };
}
