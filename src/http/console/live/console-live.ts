import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Redis } from 'ioredis';
import { Server, type Socket } from 'socket.io';
import { z } from 'zod';
import type { Logger } from '../../../lib/logger.ts';

// The agent console's live layer: one socket.io server per instance at /console/socket.io, its
// rooms fanned out through a Redis stream (@socket.io/redis-streams-adapter), so an event
// published on any instance (a worker running a customer's turn among them) reaches a console
// connected to any other, and a console that lost its connection for a moment is sent what it
// missed (connection state recovery reads the same stream). Worker-role instances publish through
// the same server without attaching it to their HTTP server.

export const CONSOLE_SOCKET_PATH = '/console/socket.io';

/** The rooms events are published to; a console joins its own, its queues', and the conversations it opens. */
export const consoleRooms = {
  staff: (staffId: string) => `staff:${staffId}`,
  conversation: (conversationId: string) => `conversation:${conversationId}`,
  queue: (queue: string) => `queue:${queue}`,
  supervisors: 'supervisors',
} as const;

/** Who is on the other end of a console socket (what staff sign-in's cookie check returns, narrowed). */
export interface LiveStaff {
  id: string;
  role: string;
  displayName: string;
}

/** Every event a console receives arrives as `console` with one JSON object carrying its `type`. */
export interface LiveEvent {
  type: string;
  [field: string]: unknown;
}

export const CONSOLE_EVENT = 'console';

/** What the live layer asks the rest of the product (staff sign-in, handoff's rules, the channels). */
export interface ConsoleLivePorts {
  /** The staff member the `Cookie` header's session names, or null (none, forged, expired, revoked). */
  authenticate(cookieHeader: string | undefined): Promise<LiveStaff | null>;
  /** Whether this staff member may follow a conversation live (the same rule as reading its transcript). */
  mayWatchConversation(staff: LiveStaff, conversationId: string): Promise<boolean>;
  /** The queues whose changes this staff member is sent (their skills; every queue for supervisors). */
  queuesOf(staff: LiveStaff): Promise<string[]>;
  /** The console is alive: the socket answered a ping, the tab became visible again. */
  heartbeat(staff: LiveStaff): Promise<void>;
  /** Shows "typing…" to the customer when this staff member owns the conversation now; false when refused. */
  announceAgentTyping(staff: LiveStaff, conversationId: string): Promise<boolean>;
}

export interface ConsoleLiveOptions {
  /** A connection that waits through outages (events published meanwhile are sent once Redis is back); the adapter duplicates it. */
  redis: Redis;
  /** REDIS_PREFIX: the stream, channels and session keys are this deployment's own. */
  prefix: string;
  /** The only Origin a browser may open the socket from (PUBLIC_BASE_URL's). */
  allowedOrigin: () => string;
  recoverySeconds: number;
  streamMaxLength: number;
  ports: ConsoleLivePorts;
  logger: Logger;
}

const conversationRequest = z.object({ conversationId: z.string().min(1).max(64) });

/** A typing indicator is sent to the customer at most this often per conversation and console. */
const TYPING_INTERVAL_MS = 2000;
/** The server pings every console this often; each answer counts as a presence heartbeat. */
const PING_INTERVAL_MS = 20_000;

/** Answers to a console's requests (socket.io acknowledgements). */
type Ack = (answer: { ok: true } | { ok: false; code: string; message: string }) => void;

export class ConsoleLive {
  private readonly io: Server;
  private attached = false;

  constructor(private readonly options: ConsoleLiveOptions) {
    const { prefix, recoverySeconds } = options;
    this.io = new Server({
      path: CONSOLE_SOCKET_PATH,
      serveClient: false,
      pingInterval: PING_INTERVAL_MS,
      pingTimeout: 20_000,
      // The service's own 'upgrade' listener refuses what no one takes; socket.io must not race it.
      destroyUpgrade: false,
      // Only the console's own page may open it: a socket carries the staff cookie on its own.
      allowRequest: (req, callback) => callback(null, this.originAllowed(req)),
      connectionStateRecovery: {
        maxDisconnectionDuration: recoverySeconds * 1000,
        // A recovered connection is checked again: a session revoked meanwhile does not come back.
        skipMiddlewares: false,
      },
      adapter: createAdapter(options.redis, {
        streamName: `${prefix}:console:stream`,
        channelPrefix: `${prefix}:console`,
        sessionKeyPrefix: `${prefix}:console:session:`,
        maxLen: options.streamMaxLength,
        blockTimeInMs: 2000,
        onlyPlaintext: true,
      }),
    });
    this.io.use((socket, next) => {
      options.ports.authenticate(socket.request.headers.cookie).then(
        (staff) => {
          if (!staff) {
            next(Object.assign(new Error('staff_sign_in_required'), { data: { code: 'staff_sign_in_required', message: 'Sign in to the console first.' } }));
            return;
          }
          socket.data.staff = staff;
          next();
        },
        (error: unknown) => {
          options.logger.warn({ err: error }, 'console socket not authenticated (sign-in check failed)');
          next(Object.assign(new Error('console_unavailable'), { data: { code: 'console_unavailable', message: 'The console cannot check your session just now.' } }));
        },
      );
    });
    this.io.on('connection', (socket) => {
      this.onConnection(socket).catch((error: unknown) => {
        options.logger.warn({ err: error }, 'console socket set-up failed');
        socket.disconnect(true);
      });
    });
  }

  /** Serves the socket on this HTTP server (API instances); worker instances only publish. */
  attach(server: HttpServer): void {
    this.io.attach(server);
    this.attached = true;
  }

  /** For the HTTP server's 'upgrade' event: true when the request is the console socket's (socket.io takes it). */
  ownsUpgrade(req: IncomingMessage): boolean {
    return this.attached && (req.url ?? '').startsWith(`${CONSOLE_SOCKET_PATH}/`);
  }

  /** Sends an event to every console in these rooms, on every instance. Never waits for Redis. */
  publish(rooms: string | string[], event: LiveEvent): void {
    this.io.to(rooms).emit(CONSOLE_EVENT, event);
  }

  /** Sends an event to every console on every instance. */
  publishToEveryone(event: LiveEvent): void {
    this.io.emit(CONSOLE_EVENT, event);
  }

  /** A customer is typing in a conversation: the consoles watching it show it. */
  customerTyping(conversationId: string): void {
    this.publish(consoleRooms.conversation(conversationId), { type: 'customer.typing', conversationId, at: new Date().toISOString() });
  }

  /** Closes a staff member's sockets on every instance (signed out, session revoked, disabled). */
  disconnectStaff(staffId: string): void {
    this.io.in(consoleRooms.staff(staffId)).disconnectSockets(true);
  }

  /** Closes this instance's console connections (before the HTTP server closes: they would hold it). */
  disconnectLocal(): void {
    this.io.local.disconnectSockets(true);
    if (this.attached) this.io.engine.close();
  }

  /** Closes the connections, then the adapter's Redis reads (after the last publish: workers drain first). */
  async close(): Promise<void> {
    this.disconnectLocal();
    await this.io.of('/').adapter.close();
  }

  private originAllowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    return origin !== undefined && origin === new URL(this.options.allowedOrigin()).origin;
  }

  private async onConnection(socket: Socket): Promise<void> {
    const { ports, logger } = this.options;
    const staff = staffOf(socket);
    if (!socket.recovered) {
      const rooms = [consoleRooms.staff(staff.id), ...(await ports.queuesOf(staff)).map(consoleRooms.queue)];
      if (staff.role === 'supervisor' || staff.role === 'admin') rooms.push(consoleRooms.supervisors);
      await socket.join(rooms);
    }
    const heartbeat = () => {
      ports.heartbeat(staff).catch((error: unknown) => logger.warn({ err: error, staffId: staff.id }, 'presence heartbeat not recorded'));
    };
    heartbeat();
    // The server's ping and the console's pong: no timer in the (possibly throttled) background tab.
    socket.conn.on('packet', (packet: { type: string }) => {
      if (packet.type === 'pong') heartbeat();
    });
    // The console sends one when its tab becomes visible again (timers may have slept meanwhile).
    socket.on('presence:heartbeat', heartbeat);

    socket.on('conversation:watch', (payload: unknown, ack: unknown) => {
      const answer: Ack = isAck(ack) ? ack : () => undefined;
      const request = conversationRequest.safeParse(payload);
      if (!request.success) return answer({ ok: false, code: 'invalid_request', message: 'Name the conversation to watch.' });
      ports.mayWatchConversation(staff, request.data.conversationId).then(
        async (allowed) => {
          if (!allowed) return answer({ ok: false, code: 'conversation_forbidden', message: 'That conversation is not yours to follow.' });
          await socket.join(consoleRooms.conversation(request.data.conversationId));
          answer({ ok: true });
        },
        (error: unknown) => {
          logger.warn({ err: error }, 'conversation watch failed');
          answer({ ok: false, code: 'console_unavailable', message: 'Try again in a moment.' });
        },
      );
    });
    socket.on('conversation:unwatch', (payload: unknown) => {
      const request = conversationRequest.safeParse(payload);
      if (request.success) void socket.leave(consoleRooms.conversation(request.data.conversationId));
    });

    const lastTyping = new Map<string, number>();
    socket.on('typing', (payload: unknown) => {
      const request = conversationRequest.safeParse(payload);
      if (!request.success) return;
      const { conversationId } = request.data;
      const now = Date.now();
      if (now - (lastTyping.get(conversationId) ?? 0) < TYPING_INTERVAL_MS) return;
      lastTyping.set(conversationId, now);
      ports.announceAgentTyping(staff, conversationId).then(
        (announced) => {
          if (announced) this.publish(consoleRooms.conversation(conversationId), { type: 'agent.typing', conversationId, staffId: staff.id, at: new Date(now).toISOString() });
        },
        (error: unknown) => logger.debug({ err: error }, 'agent typing not announced'),
      );
    });
  }
}

function isAck(value: unknown): value is Ack {
  return typeof value === 'function';
}

const liveStaffSchema = z.object({ id: z.string(), role: z.string(), displayName: z.string() });

function staffOf(socket: Socket): LiveStaff {
  return liveStaffSchema.parse(socket.data.staff);
}
