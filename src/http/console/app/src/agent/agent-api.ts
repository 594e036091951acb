import type { z } from 'zod';
import {
  AGENT_API_BASE,
  agentsResponse,
  cannedRepliesResponse,
  conversationResponse,
  creditActionRequest,
  inboxResponse,
  noteResponse,
  offeringsResponse,
  orderActionRequest,
  orderCancelActionRequest,
  ownershipResponse,
  profileActionRequest,
  resendCodeActionRequest,
  routingProfileRequest,
  routingProfileResponse,
  routingProfilesResponse,
  staffActionResponse,
  ticketActionRequest,
  presenceResponse,
  readResponse,
  replyResponse,
  wallboardResponse,
  type AgentQueue,
  type HandbackResume,
  type PresenceStatus,
} from '../../../agent-api-schemas.ts';
import { api } from '../api.ts';

// The agent API as the console's screens call it: one function per route, each answer parsed with
// the zod schema the server answers with (src/http/console/agent-api-schemas.ts).

function get<T>(path: string, schema: z.ZodType<T>): Promise<T> {
  return api(`${AGENT_API_BASE}${path}`, schema);
}

function post<T>(path: string, body: unknown, schema: z.ZodType<T>): Promise<T> {
  return api(`${AGENT_API_BASE}${path}`, schema, { method: 'POST', body });
}

const conversationPath = (conversationId: string) => `/conversations/${encodeURIComponent(conversationId)}`;

/** One action for the conversation's customer, with its request body. */
export type StaffActionRequest =
  | { kind: 'ticket'; body: z.infer<typeof ticketActionRequest> }
  | { kind: 'order'; body: z.infer<typeof orderActionRequest> }
  | { kind: 'order-cancel'; body: z.infer<typeof orderCancelActionRequest> }
  | { kind: 'credit'; body: z.infer<typeof creditActionRequest> }
  | { kind: 'profile'; body: z.infer<typeof profileActionRequest> }
  | { kind: 'resend-code'; body: z.infer<typeof resendCodeActionRequest> };

export type RoutingProfile = z.infer<typeof routingProfileRequest>;

export type TransferTarget = { kind: 'queue'; queue: AgentQueue } | { kind: 'agent'; staffId: string };

export const agentApi = {
  inbox: () => get('/inbox', inboxResponse),
  conversation: (conversationId: string) => get(conversationPath(conversationId), conversationResponse),
  cannedReplies: (conversationId: string) => get(`/canned-replies?conversationId=${encodeURIComponent(conversationId)}`, cannedRepliesResponse),
  agents: () => get('/agents', agentsResponse),
  wallboard: () => get('/wallboard', wallboardResponse),
  accept: (conversationId: string, version: number) => post(`${conversationPath(conversationId)}/accept`, { version }, ownershipResponse),
  decline: (conversationId: string, version: number) => post(`${conversationPath(conversationId)}/decline`, { version }, ownershipResponse),
  claim: (conversationId: string, version: number) => post(`${conversationPath(conversationId)}/claim`, { version }, ownershipResponse),
  takeOver: (conversationId: string, version: number, note?: string) => post(`${conversationPath(conversationId)}/take-over`, { version, note }, ownershipResponse),
  reassign: (conversationId: string, version: number, staffId: string, note?: string) =>
    post(`${conversationPath(conversationId)}/reassign`, { version, staffId, note }, ownershipResponse),
  transfer: (conversationId: string, version: number, to: TransferTarget, note: string) => post(`${conversationPath(conversationId)}/transfer`, { version, to, note }, ownershipResponse),
  handBack: (conversationId: string, version: number, resume: HandbackResume) => post(`${conversationPath(conversationId)}/hand-back`, { version, resume }, ownershipResponse),
  close: (conversationId: string, version: number, note?: string) => post(`${conversationPath(conversationId)}/close`, { version, note }, ownershipResponse),
  reply: (conversationId: string, text: string, clientMessageId: string) => post(`${conversationPath(conversationId)}/replies`, { text, clientMessageId }, replyResponse),
  note: (conversationId: string, text: string) => post(`${conversationPath(conversationId)}/notes`, { text }, noteResponse),
  markRead: (conversationId: string) => post(`${conversationPath(conversationId)}/read`, {}, readResponse),
  setPresence: (status: PresenceStatus) => api(`${AGENT_API_BASE}/presence`, presenceResponse, { method: 'PUT', body: { status } }),
  heartbeat: () => post('/presence/heartbeat', {}, presenceResponse),
  offerings: () => get('/offerings', offeringsResponse),
  routingProfiles: () => get('/routing-profiles', routingProfilesResponse),
  setRoutingProfile: (staffId: string, profile: RoutingProfile) =>
    api(`${AGENT_API_BASE}/agents/${encodeURIComponent(staffId)}/routing`, routingProfileResponse, { method: 'PUT', body: profile }),
  act: (conversationId: string, action: StaffActionRequest) => post(`${conversationPath(conversationId)}/actions/${action.kind}`, action.body, staffActionResponse),
};

/** TanStack Query keys: the live layer updates and invalidates these. */
export const agentKeys = {
  inbox: ['agent', 'inbox'] as const,
  conversation: (conversationId: string) => ['agent', 'conversation', conversationId] as const,
  cannedReplies: (conversationId: string) => ['agent', 'canned', conversationId] as const,
  agents: ['agent', 'agents'] as const,
  wallboard: ['agent', 'wallboard'] as const,
  routingProfiles: ['agent', 'routing-profiles'] as const,
};
