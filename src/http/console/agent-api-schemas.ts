import { z } from 'zod';
import {
  agentQueue,
  channelName,
  handbackResume,
  handoffPacket,
  handoffReason,
  ownerState,
  presenceStatus,
} from '../../domain/agents/agent-values.ts';
import { consoleEvent } from '../../domain/agents/console-events.ts';

// The agent console's API, shared by the server routes (src/http/console/agent.routes.ts) and the
// console's browser code: every route's request and response, and the live events. All routes are
// under /console/api/agent, behind staff sign-in (agent, supervisor, admin; supervisor-only routes
// say so). Unsafe methods need the x-csrf-token header. Errors: { error: { code, message } } with
// the HTTP status of the code (400 invalid_request, 403 not_conversation_owner / staff_role_forbidden,
// 404 conversation_not_found, 409 stale_version / not_offered_to_you / conversation_not_queued /
// already_claimed / over_capacity, 422 recipient_opted_out).

export { agentQueue, channelName, consoleEvent, handbackResume, handoffPacket, handoffReason, ownerState, presenceStatus };
export type { ConsoleEvent } from '../../domain/agents/console-events.ts';
export type { AgentQueue, HandbackResume, HandoffPacket, OwnerState, PresenceStatus } from '../../domain/agents/agent-values.ts';

export const AGENT_API_BASE = '/console/api/agent';

const isoDate = z.string();
/** The version the console last saw: every state-changing call is a compare-and-set on it. */
const expectedVersion = z.object({ version: z.number().int().min(0) });

/** A conversation as the inbox lists it. */
export const conversationCard = z.object({
  conversationId: z.string(),
  channel: channelName,
  state: ownerState,
  version: z.number().int(),
  queue: agentQueue.nullable(),
  priority: z.number().int(),
  reason: handoffReason.nullable(),
  ownerStaffId: z.string().nullable(),
  offeredToStaffId: z.string().nullable(),
  offerExpiresAt: isoDate.nullable(),
  queuedAt: isoDate.nullable(),
  /** Seconds the customer has waited for a person (queued or offered), else null. */
  waitingSeconds: z.number().int().nullable(),
  slaAtRisk: z.boolean(),
  customer: z.object({ id: z.string(), name: z.string() }).nullable(),
  /** The customer's address on the channel (phone number, web chat user id). */
  address: z.string(),
  lastMessage: z.object({ text: z.string(), at: isoDate, direction: z.enum(['inbound', 'outbound']) }).nullable(),
  /** Customer messages since the owner last read the conversation. */
  unread: z.number().int(),
});
export type ConversationCard = z.infer<typeof conversationCard>;

export const presenceView = z.object({
  staffId: z.string(),
  status: presenceStatus,
  /** As set by the agent; `status` is offline when no heartbeat came within the presence timeout. */
  chosenStatus: presenceStatus,
  lastHeartbeatAt: isoDate.nullable(),
  skills: z.array(agentQueue),
  capacity: z.record(channelName, z.number().int()),
  load: z.record(channelName, z.number().int()),
});
export type PresenceView = z.infer<typeof presenceView>;

// GET /console/api/agent/inbox
export const inboxResponse = z.object({
  queued: z.array(conversationCard),
  offeredToMe: z.array(conversationCard),
  mine: z.array(conversationCard),
  presence: presenceView,
});
export type InboxResponse = z.infer<typeof inboxResponse>;

/** The result of every ownership change: the conversation as it is now. */
export const ownershipResponse = z.object({ conversation: conversationCard });
export type OwnershipResponse = z.infer<typeof ownershipResponse>;

// POST /conversations/:id/accept, /decline, /claim, /take-over (bot-owned or queued: any agent; another agent's: supervisor)
export const acceptRequest = expectedVersion;
export const declineRequest = expectedVersion;
export const claimRequest = expectedVersion;
export const takeOverRequest = expectedVersion.extend({ note: z.string().trim().max(1000).optional() });

// POST /conversations/:id/reassign (supervisor)
export const reassignRequest = expectedVersion.extend({ staffId: z.string().min(1), note: z.string().trim().max(1000).optional() });

// POST /conversations/:id/transfer
export const transferRequest = expectedVersion.extend({
  to: z.discriminatedUnion('kind', [z.object({ kind: z.literal('queue'), queue: agentQueue }), z.object({ kind: z.literal('agent'), staffId: z.string().min(1) })]),
  note: z.string().trim().min(1).max(1000),
});

// POST /conversations/:id/hand-back
export const handBackRequest = expectedVersion.extend({ resume: handbackResume });

// POST /conversations/:id/close
export const closeRequest = expectedVersion.extend({ note: z.string().trim().max(1000).optional() });

// POST /conversations/:id/replies (only the owning agent). `clientMessageId` makes a retried send one message.
export const replyRequest = z.object({ text: z.string().trim().min(1).max(1600), clientMessageId: z.string().min(8).max(64) });
export const replyResponse = z.object({ messageId: z.string(), deliveryStatus: z.string(), duplicate: z.boolean() });

// POST /conversations/:id/actions/<kind>: staff act for the conversation's customer through the
// bot's own domain services (the owning agent, or a supervisor or admin). `actionId` is the
// console's idempotency key: the same id never acts twice. Refusals: 403 not_conversation_owner,
// 404 product_not_found / offering_not_found / order_not_found / charge_not_found, 409
// customer_not_identified / charge_already_disputed, 422 order_refused_<reason> / order_not_cancellable
// / amount_too_high / verification_no_phone, 429 verification_rate_limited.
const actionId = z.uuid('must be a UUID the console makes for this action');
export const ticketActionRequest = z.object({ actionId, productId: z.uuid('must be one of the customer\'s product ids'), description: z.string().trim().min(3).max(1000) });
export const orderActionRequest = z.object({ actionId, offeringCode: z.string().trim().min(1).max(64) });
export const orderCancelActionRequest = z.object({ actionId, orderId: z.uuid('must be an order id'), reason: z.string().trim().min(3).max(500) });
export const creditActionRequest = z.object({
  actionId,
  billId: z.uuid('must be a bill id'),
  chargeId: z.uuid('must be a charge id'),
  amount: z.string().regex(/^\d{1,6}(\.\d{1,2})?$/, 'must be an amount such as 12.50'),
  reason: z.string().trim().min(3).max(500),
});
export const profileActionRequest = z.object({
  actionId,
  change: z.discriminatedUnion('field', [
    z.object({ field: z.literal('email'), value: z.string().trim().min(3).max(254) }),
    z.object({ field: z.literal('postalAddress'), value: z.string().trim().min(5).max(200) }),
    z.object({ field: z.literal('preferredChannel'), value: channelName }),
  ]),
});
export const resendCodeActionRequest = z.object({ actionId });
export const staffActionKind = z.enum(['ticket', 'order', 'order-cancel', 'credit', 'profile', 'resend-code']);
export const staffActionResponse = z.object({
  action: staffActionKind,
  outcome: z.enum(['done', 'pending', 'unchanged']),
  reference: z.string().nullable(),
  summary: z.string(),
  toldCustomer: z.string().nullable(),
});
export type StaffActionResponse = z.infer<typeof staffActionResponse>;

// GET /offerings: what can be ordered (for the order action)
export const offeringsResponse = z.object({
  offerings: z.array(z.object({ code: z.string(), name: z.string(), serviceType: z.string(), isAddOn: z.boolean(), recurringPrice: z.string(), currency: z.string() })),
});

// POST /conversations/:id/notes (internal; never sent)
export const noteRequest = z.object({ text: z.string().trim().min(1).max(4000) });
export const noteResponse = z.object({ noteId: z.string(), at: isoDate });

// POST /conversations/:id/read: marks the customer's messages read up to now (unread counts).
export const readResponse = z.object({ unread: z.literal(0) });

/** One line of the transcript: every message across the customer's conversations and channels, and internal notes. */
export const transcriptEntry = z.object({
  id: z.string(),
  conversationId: z.string(),
  kind: z.enum(['message', 'note', 'event']),
  direction: z.enum(['inbound', 'outbound', 'internal']),
  channel: channelName,
  text: z.string(),
  at: isoDate,
  /** bot, agent (with staffId), customer, or system for ownership events. */
  author: z.enum(['customer', 'bot', 'agent', 'system']),
  staffId: z.string().nullable(),
  /** Outbound only: pending, queued, sent, delivered, failed, undelivered, read. */
  deliveryStatus: z.string().nullable(),
  deliveryErrorCode: z.string().nullable(),
});
export type TranscriptEntry = z.infer<typeof transcriptEntry>;

// GET /conversations/:id: the packet first, then the transcript.
export const conversationResponse = z.object({
  conversation: conversationCard,
  packet: handoffPacket.nullable(),
  transcript: z.array(transcriptEntry),
});
export type ConversationResponse = z.infer<typeof conversationResponse>;

// GET /conversations/:id/transcript?before=<iso>&limit=<n>
export const transcriptResponse = z.object({ entries: z.array(transcriptEntry) });
// GET /conversations/:id/packet
export const packetResponse = z.object({ packet: handoffPacket.nullable() });

// GET /canned-replies?conversationId=…: templates with {{firstName}}, {{lastTicket}}, {{lastOrder}}, {{agentName}}… filled for that conversation.
export const cannedReply = z.object({ id: z.string(), title: z.string(), template: z.string(), text: z.string(), missing: z.array(z.string()) });
export const cannedRepliesResponse = z.object({ replies: z.array(cannedReply) });

// PUT /presence  { status }  and  POST /presence/heartbeat (no body): both answer the presence.
export const presenceRequest = z.object({ status: presenceStatus });
export const presenceResponse = z.object({ presence: presenceView });

// GET /agents: who a conversation can be transferred to.
export const agentsResponse = z.object({ agents: z.array(presenceView.extend({ displayName: z.string() })) });

// GET /routing-profiles and PUT /agents/:staffId/routing (supervisor, admin): what each staff member
// who can take conversations takes: the queues they serve (empty: every queue) and their capacity
// per channel (null: the AGENT_CAPACITY_* default). 400 not_an_agent for a marketer, 404
// staff_not_found, 409 staff_disabled.
const capacityValue = z.number().int().min(0).max(50).nullable();
export const routingProfileRequest = z.object({
  skills: z.array(agentQueue).max(agentQueue.options.length),
  capacity: z.object({ sms: capacityValue, webchat: capacityValue, voice: capacityValue }),
});
export const routingProfileView = z.object({
  staffId: z.string(),
  displayName: z.string(),
  role: z.enum(['agent', 'supervisor', 'marketer', 'admin']),
  status: presenceStatus,
  skills: z.array(agentQueue),
  /** Overrides; null: the default below. */
  capacity: z.object({ sms: capacityValue, webchat: capacityValue, voice: capacityValue }),
});
export const routingProfilesResponse = z.object({
  defaults: z.object({ sms: z.number().int(), webchat: z.number().int(), voice: z.number().int() }),
  profiles: z.array(routingProfileView),
});
export const routingProfileResponse = z.object({ profile: routingProfileView });

// GET /wallboard (supervisor, admin)
export const wallboardResponse = z.object({
  at: isoDate,
  queues: z.array(z.object({ queue: agentQueue, waiting: z.number().int(), offered: z.number().int(), longestWaitSeconds: z.number().int().nullable(), staffedNow: z.boolean() })),
  agents: z.array(
    z.object({ staffId: z.string(), displayName: z.string(), status: presenceStatus, load: z.record(channelName, z.number().int()), capacity: z.record(channelName, z.number().int()), conversations: z.number().int() }),
  ),
  slaAtRisk: z.array(z.object({ conversationId: z.string(), queue: agentQueue, waitingSeconds: z.number().int() })),
  handoffReasons: z.array(z.object({ reason: handoffReason, count: z.number().int() })),
  csatToday: z.object({ responses: z.number().int(), average: z.number().nullable(), distribution: z.record(z.string(), z.number().int()) }),
  /** Today: seconds from handoff to the first agent reply, and from an agent's claim to hand-back or close. */
  firstResponseSeconds: z.object({ average: z.number().nullable(), p90: z.number().nullable(), count: z.number().int() }),
  handleSeconds: z.object({ average: z.number().nullable(), p90: z.number().nullable(), count: z.number().int() }),
});
export type WallboardResponse = z.infer<typeof wallboardResponse>;

export const errorResponse = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
