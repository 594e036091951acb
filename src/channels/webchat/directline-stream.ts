import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { AppError, HTTP_STATUS } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { WATERMARK, type ActivityStore, type DirectLineActivity, type LiveFeed, type LiveListener } from './activity-store.ts';
import type { DirectLineTokens } from './directline-tokens.ts';
import { DIRECT_LINE_BASE } from './directline.routes.ts';
import { RateLimitedError, type WebchatGuard } from './webchat-guard.ts';

// The Direct Line WebSocket stream (the streamUrl a conversation start or reconnect returns).
// The server sends {activities, watermark} frames: first what the client missed after its
// watermark, then each activity as it is published by any instance. Clients send nothing but
// empty keep-alive messages, which are ignored.

export interface DirectLineStreamOptions {
  tokens: DirectLineTokens;
  store: ActivityStore;
  feed: LiveFeed;
  guard: WebchatGuard;
  logger: Logger;
}

const STREAM_PATH = new RegExp(`^${DIRECT_LINE_BASE}/conversations/([A-Za-z0-9_-]{1,64})/stream$`);
/** Ping period; a client that has not answered the previous ping by the next one is dropped. */
const HEARTBEAT_MS = 30_000;
/** Activities per frame when catching up. */
const FRAME_SIZE = 100;

export class DirectLineStreams {
  private readonly server = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  private readonly connections = new Set<StreamConnection>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(private readonly options: DirectLineStreamOptions) {
    this.heartbeat = setInterval(() => {
      for (const connection of this.connections) connection.beat();
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** Takes an HTTP upgrade if it is for a Direct Line stream; returns false otherwise. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = STREAM_PATH.exec(url.pathname);
    if (!match?.[1]) return false;
    const conversationId = match[1];
    this.accept(req, socket, head, conversationId, url.searchParams).catch((error: unknown) => refuseUpgrade(socket, error, this.options.logger));
    return true;
  }

  private async accept(req: IncomingMessage, socket: Duplex, head: Buffer, conversationId: string, query: URLSearchParams): Promise<void> {
    const { tokens, guard } = this.options;
    const origin = req.headers.origin;
    if (!guard.originAllowed(origin, req.headers.host)) {
      throw new AppError('forbidden', 'origin_not_allowed', `Web chat is not enabled for pages on ${origin}.`);
    }
    await guard.limitClient(req);
    const token = query.get('t');
    if (!token) throw new AppError('unauthorized', 'missing_token', 'The stream URL has no token; use the streamUrl returned by the conversation start or reconnect.');
    const grant = await tokens.verifyStreamToken(token);
    if (grant.conversationId !== conversationId) {
      throw new AppError('forbidden', 'token_conversation_mismatch', 'This stream token belongs to another conversation.');
    }
    const requested = query.get('watermark') ?? '';
    const watermark = requested === '' || requested === '-' ? undefined : requested;
    if (watermark !== undefined && !WATERMARK.test(watermark)) throw new AppError('invalid_request', 'invalid_watermark', 'The watermark is not one this service issued.');

    const ws = await new Promise<WebSocket>((resolve) => this.server.handleUpgrade(req, socket, head, resolve));
    const connection = new StreamConnection(ws, conversationId, watermark, this.options);
    this.connections.add(connection);
    const closeAt = grant.tokenExpiresAt.getTime() - Date.now();
    const expiry = setTimeout(() => ws.close(1000, 'token expired'), Math.max(0, closeAt));
    expiry.unref();
    ws.on('close', () => {
      clearTimeout(expiry);
      this.connections.delete(connection);
      void connection.stop();
    });
    await connection.start();
    // Closed while subscribing: the close handler ran before there was anything to undo.
    if (ws.readyState !== ws.OPEN) await connection.stop();
  }

  /** Open streams on this instance (for tests and metrics). */
  get size(): number {
    return this.connections.size;
  }

  /** Closes every stream (clients reconnect, to another instance if this one is going away). */
  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    for (const connection of this.connections) connection.ws.close(1001, 'server going away');
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const connection of this.connections) connection.ws.terminate();
    this.options.feed.close();
  }
}

/** One client's stream: sends what is new after its watermark, one read at a time. */
class StreamConnection implements LiveListener {
  private pumping = false;
  private again = false;
  private alive = true;

  constructor(
    readonly ws: WebSocket,
    private readonly conversationId: string,
    private watermark: string | undefined,
    private readonly options: DirectLineStreamOptions,
  ) {
    ws.on('pong', () => {
      this.alive = true;
    });
    ws.on('message', () => {
      this.alive = true;
    });
    ws.on('error', (error) => options.logger.debug({ err: error }, 'web chat stream error'));
  }

  /** Subscribes, then catches up: nothing published in between is missed. */
  async start(): Promise<void> {
    await this.options.feed.add(this.conversationId, this);
    await this.pump();
  }

  async stop(): Promise<void> {
    await this.options.feed.remove(this.conversationId, this);
  }

  beat(): void {
    if (!this.alive) {
      this.ws.terminate();
      return;
    }
    this.alive = false;
    this.ws.ping();
    // Also a safety net for a notification lost in transit.
    void this.pump();
  }

  onStored(): void {
    void this.pump();
  }

  onEphemeral(activity: DirectLineActivity): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify({ activities: [activity] }));
  }

  private async pump(): Promise<void> {
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.again = false;
        for (;;) {
          if (this.ws.readyState !== this.ws.OPEN) return;
          const set = await this.options.store.read(this.conversationId, this.watermark, FRAME_SIZE);
          if (set.activities.length === 0 && set.watermark === this.watermark) break;
          if (set.activities.length > 0) this.ws.send(JSON.stringify({ activities: set.activities, watermark: set.watermark }));
          this.watermark = set.watermark;
          if (set.activities.length < FRAME_SIZE) break;
        }
      } while (this.again);
    } catch (error) {
      this.options.logger.warn({ err: error, conversationId: this.conversationId }, 'web chat stream read failed; retrying at the next heartbeat');
    } finally {
      this.pumping = false;
    }
  }
}

/** Answers a refused upgrade with the API's usual error body, then closes the socket. */
function refuseUpgrade(socket: Duplex, error: unknown, logger: Logger): void {
  const known = error instanceof AppError;
  if (!known) logger.error({ err: error }, 'web chat stream upgrade failed');
  const status = known ? HTTP_STATUS[error.type] : 500;
  const body = JSON.stringify({
    error: known ? { code: error.code, message: error.message } : { code: 'internal_error', message: 'Something went wrong on our side. It has been logged.' },
  });
  const retryAfter = error instanceof RateLimitedError ? `Retry-After: ${error.retryAfterSeconds}\r\n` : '';
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${known ? error.code : 'internal_error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${retryAfter}Connection: close\r\n\r\n${body}`);
  }
  socket.destroy();
}
