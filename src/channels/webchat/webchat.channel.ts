import { Router } from 'express';
import type { IncomingMessage } from 'node:http';
import type { Redis } from 'ioredis';
import type { Config } from '../../app/config/index.ts';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import type { Logger } from '../../lib/logger.ts';
import { CHANNEL_CAPABILITIES, type Channel } from '../channel.ts';
import { ActivityStore, LiveFeed } from './activity-store.ts';
import { toBotActivity, toTypingActivity, WEBCHAT_BOT_ID, type WebchatBot } from './directline-activities.ts';
import { DirectLineStreams } from './directline-stream.ts';
import { DirectLineTokens } from './directline-tokens.ts';
import { directLineRoutes } from './directline.routes.ts';
import { webchatAssetRoutes } from './webchat-assets.routes.ts';
import { WebchatGuard } from './webchat-guard.ts';

// The web chat channel as the runtime mounts it: the Direct Line API, its WebSocket stream and the
// Web Chat bundle on API instances, the sender (publish to the conversation's stream) on worker
// instances. Both sides meet only in Redis, so any instance can deliver to any connection.

export interface WebchatChannelOptions {
  settings: Config['webchat'];
  redisPrefix: string;
  /** Fails fast when Redis is down (the API must not hang). */
  redis: Redis;
  /** A new connection for pub/sub (one per instance, opened with the first WebSocket client). */
  createSubscriber: () => Redis;
  prisma: PrismaClient;
  operatorName: string;
  /** The caller's address (trusted proxies only), for the limits per address on HTTP and the stream alike. */
  clientAddress: (req: IncomingMessage) => string;
  logger: Logger;
}

export function createWebchatChannel(options: WebchatChannelOptions): Channel {
  const { settings, logger } = options;
  const bot: WebchatBot = { id: WEBCHAT_BOT_ID, name: options.operatorName };
  const store = new ActivityStore(options.redis, options.redisPrefix);
  let streams: DirectLineStreams | undefined;

  return {
    name: 'webchat',
    capabilities: CHANNEL_CAPABILITIES.webchat,
    routes(gateway) {
      const tokens = new DirectLineTokens({ secret: settings.tokenSecret, ttlSeconds: settings.tokenTtlSeconds, userTokenSecret: settings.userTokenSecret });
      const guard = new WebchatGuard({
        allowedOrigins: settings.allowedOrigins,
        ratePerIp: settings.ratePerIp,
        ratePerConversation: settings.ratePerConversation,
        newConversationsPerIp: settings.newConversationsPerIp,
        clientAddress: options.clientAddress,
        redis: options.redis,
        prefix: options.redisPrefix,
        logger,
      });
      const feed = new LiveFeed(options.createSubscriber, (conversationId) => store.liveChannel(conversationId), logger);
      streams = new DirectLineStreams({ tokens, store, feed, guard, logger });
      const router = Router();
      router.use(directLineRoutes({ prisma: options.prisma, tokens, store, guard, bot, maxMessageLength: settings.maxMessageLength, accept: gateway.accept, queueTurn: (turn) => gateway.queueTurn?.(turn), onCustomerTyping: (conversationId) => gateway.onCustomerTyping?.(conversationId), logger }));
      router.use(webchatAssetRoutes());
      return router;
    },
    /**
     * Publishes the reply to the conversation's activity stream, where every instance's WebSocket
     * and polling clients read it. Publishing is idempotent per reply, so a retried delivery never
     * shows a message twice; once published it is delivered (the stream keeps it for the client to
     * fetch, as Direct Line does), so no receipts come back.
     */
    async deliver(message) {
      const activity = toBotActivity(message, bot);
      await store.publish(message.to, activity);
      return { providerMessageId: activity.id, status: 'delivered' };
    },
    async announceTyping(conversationId) {
      await store.announce(conversationId, toTypingActivity(conversationId, bot));
    },
    handleUpgrade(req, socket, head) {
      return streams?.handleUpgrade(req, socket, head) ?? false;
    },
    async close() {
      await streams?.close();
    },
  };
}
