import type { Channel, ChannelName } from '../channels/channel.ts';
import type { AgentDesk } from '../domain/agents/agent-desk.ts';
import { queuesServedBy } from '../domain/agents/agent-skills.ts';
import type { ConsoleEvents } from '../domain/agents/console-events.ts';
import { findConversationAddress } from '../domain/interactions/conversations.service.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { ConsoleLive, type LiveStaff } from '../http/console/live/console-live.ts';
import { liveConsoleEvents } from '../http/console/live/live-console-events.ts';
import { authenticateStaffCookie } from '../http/staff-auth/index.ts';
import type { Logger } from '../lib/logger.ts';
import { createRedis } from '../queues/connections.ts';
import type { Config } from './config/index.ts';

// The agent console's live layer, wired to the product: staff sign-in checks the socket's cookie,
// the agent desk decides who may follow a conversation and records heartbeats, and the channels
// show an agent's typing to the customer. Every instance builds one (workers publish through it);
// API instances also serve the socket.

export interface ConsoleLiveLayer {
  live: ConsoleLive;
  /** The ConsoleEvents port the agent desk publishes through. */
  events: ConsoleEvents;
  /** For the channels' gateway: the customer at `address` is typing. */
  customerTyping(channel: ChannelName, address: string): void;
  close(): Promise<void>;
}

export interface ConsoleLiveDeps {
  config: Config;
  prisma: PrismaClient;
  agents: AgentDesk;
  channels: Partial<Record<ChannelName, Channel>>;
  publicBaseUrl: () => string;
  logger: Logger;
}

const SUPERVISING = new Set(['supervisor', 'admin']);

export async function createConsoleLiveLayer(deps: ConsoleLiveDeps): Promise<ConsoleLiveLayer> {
  const { config, prisma, agents, logger } = deps;
  // Its own connection that waits through outages: events published meanwhile go out once Redis is back.
  const redis = createRedis(config.redis.url, 'worker');
  await redis.connect();
  const live = new ConsoleLive({
    redis,
    prefix: config.redis.prefix,
    allowedOrigin: deps.publicBaseUrl,
    recoverySeconds: config.consoleLive.recoverySeconds,
    streamMaxLength: config.consoleLive.streamMaxLength,
    logger,
    ports: {
      async authenticate(cookieHeader) {
        const staff = await authenticateStaffCookie(cookieHeader);
        // Marketers have no use for the agent console's events.
        if (!staff || staff.role === 'marketer') return null;
        return { id: staff.id, role: staff.role, displayName: staff.displayName };
      },
      async mayWatchConversation(staff, conversationId) {
        if (SUPERVISING.has(staff.role)) return true;
        // Agents follow what the queues show them and what is offered to or owned by them.
        const owner = await agents.owner(conversationId);
        if (!owner) return false;
        return owner.state === 'queued' || owner.ownerStaffId === staff.id || owner.offeredToStaffId === staff.id;
      },
      async queuesOf(staff) {
        return queuesServedBy(prisma, staff.id, SUPERVISING.has(staff.role));
      },
      async heartbeat(staff) {
        await agents.heartbeat(actorOf(staff));
      },
      async announceAgentTyping(staff, conversationId) {
        const owner = await agents.owner(conversationId);
        if (!owner || owner.state !== 'agent' || owner.ownerStaffId !== staff.id) return false;
        const address = await findConversationAddress(prisma, { id: conversationId });
        const channel = address ? deps.channels[address.channel] : undefined;
        if (!address || !channel?.announceTyping) return false;
        await channel.announceTyping(address.externalId);
        return true;
      },
    },
  });
  return {
    live,
    events: liveConsoleEvents(live),
    customerTyping(channel, address) {
      findConversationAddress(prisma, { channel, externalId: address }).then(
        (conversation) => {
          if (conversation) live.customerTyping(conversation.id);
        },
        (error: unknown) => logger.debug({ err: error }, 'customer typing not shown'),
      );
    },
    async close() {
      await live.close();
      // QUIT lets the last writes (the adapter's goodbye, sessions kept for recovery) finish first.
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

function actorOf(staff: LiveStaff) {
  const role = staff.role === 'supervisor' || staff.role === 'admin' || staff.role === 'marketer' ? staff.role : 'agent';
  return { staffId: staff.id, role } as const;
}
