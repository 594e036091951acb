import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Logger } from '../../lib/logger.ts';
import { redisScript } from '../../lib/redis-script.ts';

// Each conversation's Direct Line activities (the visitor's messages echoed back, the bot's
// replies) in a Redis stream. The stream id is the watermark: a client that reconnects with one
// gets exactly what it missed, from any instance. Publishing also notifies every instance over
// pub/sub, so WebSocket clients get a reply whichever process produced it. The database stays
// the record (interactions); the stream is the transport, kept a day after the last activity.

/** The Direct Line 3.0 activity fields this product sends. */
export const activitySchema = z.object({
  type: z.string(),
  id: z.string(),
  timestamp: z.string(),
  localTimestamp: z.string().optional(),
  localTimezone: z.string().optional(),
  channelId: z.string(),
  conversation: z.object({ id: z.string() }),
  from: z.object({ id: z.string(), name: z.string().optional(), role: z.enum(['user', 'bot']) }),
  recipient: z.object({ id: z.string(), name: z.string().optional(), role: z.enum(['user', 'bot']).optional() }).optional(),
  text: z.string().optional(),
  textFormat: z.enum(['plain', 'markdown', 'xml']).optional(),
  locale: z.string().optional(),
  suggestedActions: z
    .object({ to: z.array(z.string()).optional(), actions: z.array(z.object({ type: z.literal('imBack'), title: z.string(), value: z.string() })) })
    .optional(),
  channelData: z.object({ clientActivityID: z.string().optional(), clientTimestamp: z.string().optional() }).optional(),
});

export type DirectLineActivity = z.infer<typeof activitySchema>;

export interface ActivitySet {
  activities: DirectLineActivity[];
  /** The last activity's stream id (or the one asked from, when nothing is newer). */
  watermark: string | undefined;
}

/** How long a conversation's activities are kept after its last one, in seconds. */
const RETAIN_SECONDS = 24 * 3600;
/** Activities kept per conversation (approximately: Redis trims whole nodes). */
const MAX_ACTIVITIES = 2000;
const activityIdSchema = z.string();

/** A watermark as this product issues it: a Redis stream id. */
export const WATERMARK = /^\d{1,16}-\d{1,10}$/;

// Publishes once per dedupe key (a retried delivery or post publishes nothing new), then notifies.
const publishOnce = redisScript(`
local existing = redis.call('HGET', KEYS[2], ARGV[1])
if existing then return existing end
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[4], '*', 'a', ARGV[2])
redis.call('HSET', KEYS[2], ARGV[1], id)
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('EXPIRE', KEYS[2], ARGV[3])
redis.call('PUBLISH', ARGV[5], id)
return id`);

export class ActivityStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  // The {conversation} hash tag keeps a conversation's keys in one Redis Cluster slot.
  private streamKey(conversationId: string): string {
    return `${this.prefix}:webchat:{${conversationId}}:activities`;
  }

  private publishedKey(conversationId: string): string {
    return `${this.prefix}:webchat:{${conversationId}}:published`;
  }

  /** The pub/sub channel that announces new activities of a conversation. */
  liveChannel(conversationId: string): string {
    return `${this.prefix}:webchat:{${conversationId}}:live`;
  }

  /** Appends the activity unless one with its id was appended before; returns its watermark. */
  async publish(conversationId: string, activity: DirectLineActivity): Promise<string> {
    const id = await publishOnce(
      this.redis,
      [this.streamKey(conversationId), this.publishedKey(conversationId)],
      [activity.id, JSON.stringify(activity), RETAIN_SECONDS, MAX_ACTIVITIES, this.liveChannel(conversationId)],
    );
    return activityIdSchema.parse(id);
  }

  /** Sends an activity to the clients connected now, without keeping it (typing indicators). */
  async announce(conversationId: string, activity: DirectLineActivity): Promise<void> {
    await this.redis.publish(this.liveChannel(conversationId), JSON.stringify(activity));
  }

  /** Activities after `watermark` (all of them when undefined), oldest first, at most `limit`. */
  async read(conversationId: string, watermark: string | undefined, limit = 500): Promise<ActivitySet> {
    const entries = await this.redis.xrange(this.streamKey(conversationId), watermark ? `(${watermark}` : '-', '+', 'COUNT', limit);
    const activities: DirectLineActivity[] = [];
    let last = watermark;
    for (const [id, fields] of entries) {
      last = id;
      const json = fields[fields.indexOf('a') + 1];
      const parsed = activitySchema.safeParse(parseJson(json));
      if (parsed.success) activities.push(parsed.data);
    }
    return { activities, watermark: last };
  }
}

/** What a live subscriber is told: new stored activities to read, or an ephemeral one. */
export interface LiveListener {
  onStored(): void;
  onEphemeral(activity: DirectLineActivity): void;
}

/**
 * One pub/sub connection per instance, subscribed to the conversations that have a WebSocket
 * client here. After a reconnect every listener is told to read again, so a notification lost
 * while Redis was away costs a moment, not a message.
 */
export class LiveFeed {
  private readonly listeners = new Map<string, Set<LiveListener>>();
  private subscriber: Redis | undefined;

  constructor(
    private readonly createSubscriber: () => Redis,
    private readonly channelOf: (conversationId: string) => string,
    private readonly logger: Logger,
  ) {}

  private connection(): Redis {
    if (this.subscriber) return this.subscriber;
    const subscriber = this.createSubscriber();
    subscriber.on('message', (channel: string, message: string) => this.dispatch(channel, message));
    subscriber.on('ready', () => {
      for (const set of this.listeners.values()) for (const listener of set) listener.onStored();
    });
    this.subscriber = subscriber;
    return subscriber;
  }

  private dispatch(channel: string, message: string): void {
    const set = this.listeners.get(channel);
    if (!set) return;
    if (!message.startsWith('{')) {
      for (const listener of set) listener.onStored();
      return;
    }
    const parsed = activitySchema.safeParse(parseJson(message));
    if (!parsed.success) return;
    for (const listener of set) listener.onEphemeral(parsed.data);
  }

  async add(conversationId: string, listener: LiveListener): Promise<void> {
    const channel = this.channelOf(conversationId);
    const set = this.listeners.get(channel);
    if (set) {
      set.add(listener);
      return;
    }
    this.listeners.set(channel, new Set([listener]));
    await this.connection().subscribe(channel);
  }

  async remove(conversationId: string, listener: LiveListener): Promise<void> {
    const channel = this.channelOf(conversationId);
    const set = this.listeners.get(channel);
    if (!set) return;
    set.delete(listener);
    if (set.size > 0) return;
    this.listeners.delete(channel);
    await this.subscriber?.unsubscribe(channel).catch((error: unknown) => this.logger.debug({ err: error }, 'web chat unsubscribe failed'));
  }

  close(): void {
    this.listeners.clear();
    this.subscriber?.disconnect();
    this.subscriber = undefined;
  }
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
