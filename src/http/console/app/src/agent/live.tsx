import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { io, type Socket } from 'socket.io-client';
import { z } from 'zod';
import { consoleEvent, conversationResponse, type ConsoleEvent } from '../../../agent-api-schemas.ts';
import { agentApi, agentKeys } from './agent-api.ts';

// The console's live connection (socket.io at /console/socket.io, authenticated by the staff
// cookie): events update the TanStack Query cache (a message is appended to the open transcript,
// anything else re-reads the lists), typing indicators come and go, and presence heartbeats are
// the socket's own ping — plus one when the tab becomes visible again, and an HTTP heartbeat
// while the socket is down, so a background tab never looks offline.

const SOCKET_PATH = '/console/socket.io';
/** How long "typing…" stays up after the last indicator. */
const TYPING_SHOWN_MS = 6000;
/** While the socket is down, the HTTP heartbeat keeps the agent's presence alive this often. */
const HTTP_HEARTBEAT_MS = 30_000;

const typingEvent = z.object({ type: z.enum(['customer.typing', 'agent.typing']), conversationId: z.string(), staffId: z.string().optional() });

export interface LiveState {
  connected: boolean;
  /** Conversations whose customer typed in the last few seconds. */
  customerTyping: ReadonlySet<string>;
  /** Open a conversation's live events (its transcript and typing); returns the undo. */
  watch(conversationId: string): () => void;
  /** The agent is typing in this conversation (the customer sees it on channels that show typing). */
  typing(conversationId: string): void;
}

const LiveContext = createContext<LiveState | null>(null);

export function useLive(): LiveState {
  const live = useContext(LiveContext);
  if (!live) throw new Error('useLive() outside <LiveProvider>');
  return live;
}

/** Applies one event to the cache. Exported for the tests of the reducer-like part. */
export function applyConsoleEvent(queryClient: QueryClient, event: ConsoleEvent): void {
  if (event.type === 'conversation.message') {
    const key = agentKeys.conversation(event.conversationId);
    const cached = conversationResponse.safeParse(queryClient.getQueryData(key));
    if (cached.success && !cached.data.transcript.some((entry) => entry.id === event.messageId)) {
      const author = event.direction === 'inbound' ? 'customer' : event.staffId ? 'agent' : 'bot';
      queryClient.setQueryData(key, {
        ...cached.data,
        transcript: [
          ...cached.data.transcript,
          {
            id: event.messageId,
            conversationId: event.conversationId,
            kind: event.direction === 'internal' ? 'note' : 'message',
            direction: event.direction,
            channel: event.channel,
            text: event.text,
            at: event.at,
            author,
            staffId: event.staffId,
            deliveryStatus: event.direction === 'outbound' ? 'pending' : null,
            deliveryErrorCode: null,
          },
        ],
      });
    }
    // Delivery statuses and unread counts come with the next read.
    void queryClient.invalidateQueries({ queryKey: key });
    void queryClient.invalidateQueries({ queryKey: agentKeys.inbox });
    return;
  }
  if ('conversationId' in event) void queryClient.invalidateQueries({ queryKey: agentKeys.conversation(event.conversationId) });
  void queryClient.invalidateQueries({ queryKey: agentKeys.inbox });
  void queryClient.invalidateQueries({ queryKey: agentKeys.wallboard });
  if (event.type === 'presence.changed') void queryClient.invalidateQueries({ queryKey: agentKeys.agents });
}

export function LiveProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [socket] = useState<Socket>(() => io({ path: SOCKET_PATH, transports: ['websocket', 'polling'], autoConnect: false }));
  const [connected, setConnected] = useState(false);
  const [customerTyping, setCustomerTyping] = useState<ReadonlySet<string>>(new Set());
  const watched = useMemo(() => new Map<string, number>(), []);

  useEffect(() => {
    const timers = new Map<string, ReturnType<typeof setTimeout>>();
    const showTyping = (conversationId: string) => {
      clearTimeout(timers.get(conversationId));
      setCustomerTyping((current) => new Set(current).add(conversationId));
      timers.set(
        conversationId,
        setTimeout(() => {
          setCustomerTyping((current) => {
            const next = new Set(current);
            next.delete(conversationId);
            return next;
          });
        }, TYPING_SHOWN_MS),
      );
    };
    socket.on('connect', () => {
      setConnected(true);
      // A new session (not a recovered one) starts with no rooms: watch the open conversations again, and re-read what may have changed.
      if (!socket.recovered) {
        for (const conversationId of watched.keys()) socket.emit('conversation:watch', { conversationId });
        void queryClient.invalidateQueries({ queryKey: ['agent'] });
      }
    });
    socket.on('disconnect', () => setConnected(false));
    socket.on('console', (payload: unknown) => {
      const typing = typingEvent.safeParse(payload);
      if (typing.success) {
        if (typing.data.type === 'customer.typing') showTyping(typing.data.conversationId);
        return;
      }
      const event = consoleEvent.safeParse(payload);
      if (event.success) {
        if (event.data.type === 'conversation.message' && event.data.direction === 'inbound') {
          // The message ends the customer's typing.
          const { conversationId } = event.data;
          clearTimeout(timers.get(conversationId));
          setCustomerTyping((current) => {
            const next = new Set(current);
            next.delete(conversationId);
            return next;
          });
        }
        applyConsoleEvent(queryClient, event.data);
      }
    });
    socket.connect();
    const onVisible = () => {
      if (document.visibilityState !== 'visible') return;
      if (socket.connected) socket.emit('presence:heartbeat');
      else agentApi.heartbeat().catch(() => undefined);
    };
    document.addEventListener('visibilitychange', onVisible);
    const fallback = setInterval(() => {
      if (!socket.connected) agentApi.heartbeat().catch(() => undefined);
    }, HTTP_HEARTBEAT_MS);
    return () => {
      document.removeEventListener('visibilitychange', onVisible);
      clearInterval(fallback);
      for (const timer of timers.values()) clearTimeout(timer);
      socket.removeAllListeners();
      socket.disconnect();
    };
  }, [socket, queryClient, watched]);

  const state = useMemo<LiveState>(
    () => ({
      connected,
      customerTyping,
      watch(conversationId) {
        watched.set(conversationId, (watched.get(conversationId) ?? 0) + 1);
        if (socket.connected) socket.emit('conversation:watch', { conversationId });
        return () => {
          const left = (watched.get(conversationId) ?? 1) - 1;
          if (left > 0) {
            watched.set(conversationId, left);
            return;
          }
          watched.delete(conversationId);
          if (socket.connected) socket.emit('conversation:unwatch', { conversationId });
        };
      },
      typing(conversationId) {
        if (socket.connected) socket.emit('typing', { conversationId });
      },
    }),
    [connected, customerTyping, socket, watched],
  );
  return <LiveContext.Provider value={state}>{children}</LiveContext.Provider>;
}
