import express, { Router, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import type { AgentDesk, StaffRole } from '../../domain/agents/agent-desk.ts';
import type { StaffActions } from '../../domain/agents/staff-actions.ts';
import { listActiveOfferings } from '../../domain/catalog/catalog.service.ts';
import { effectivePresence } from '../../domain/agents/agent-desk.ts';
import { getStaffUser, listStaffUsers, type StaffUserSummary } from '../../domain/staff/staff-users.ts';
import { AppError } from '../../lib/errors.ts';
import { agentInbox, cannedReplies, conversationCard, presenceViews, storedPacket, transcript, wallboard, type StaffDirectory } from '../../domain/agents/agent-views.ts';
import { invalidRequest } from '../error-handler.ts';
import {
  acceptRequest,
  AGENT_API_BASE,
  agentsResponse,
  cannedRepliesResponse,
  claimRequest,
  closeRequest,
  conversationResponse,
  declineRequest,
  handBackRequest,
  inboxResponse,
  creditActionRequest,
  noteRequest,
  noteResponse,
  offeringsResponse,
  orderActionRequest,
  orderCancelActionRequest,
  profileActionRequest,
  resendCodeActionRequest,
  routingProfileRequest,
  routingProfileResponse,
  routingProfilesResponse,
  staffActionResponse,
  ticketActionRequest,
  ownershipResponse,
  packetResponse,
  presenceRequest,
  presenceResponse,
  readResponse,
  reassignRequest,
  replyRequest,
  replyResponse,
  takeOverRequest,
  transcriptResponse,
  transferRequest,
  wallboardResponse,
} from './agent-api-schemas.ts';

// The agent console's REST API (request and response schemas in agent-api-schemas.ts, shared
// with the console's browser code). Every route needs a signed-in agent, supervisor or admin;
// the wallboard and reassigning are for supervisors and admins. Who may change which conversation
// is the desk's rule (src/domain/agents/agent-desk.ts), checked in the same statement as the change.

/** The staff sign-in the routes sit behind (src/http/staff-auth). */
export interface ConsoleStaffAuth {
  requireStaff(...roles: StaffRole[]): RequestHandler;
  currentStaff(res: Response): { id: string; role: StaffRole; displayName: string };
}

export interface AgentRoutesDeps {
  prisma: PrismaClient;
  desk: AgentDesk;
  auth: ConsoleStaffAuth;
  staffNames: StaffDirectory;
  operatorName: string;
  /** What staff do for the customer (tickets, orders, credits, profile, codes). */
  actions: StaffActions;
}

const conversationParams = z.object({ id: z.uuid('must be a conversation id (UUID)') });
const transcriptQuery = z.object({ before: z.iso.datetime({ offset: true }).optional(), limit: z.coerce.number().int().min(1).max(500).optional() });
const cannedQuery = z.object({ conversationId: z.uuid('must be a conversation id (UUID)') });

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalidRequest(parsed.error, what);
  return parsed.data;
}

/** Sends a response checked against its schema: the console parses with the same one. */
function send<T>(res: Response, schema: z.ZodType<T>, body: T): void {
  res.json(schema.parse(body));
}

export function agentRoutes(deps: AgentRoutesDeps): Router {
  const { prisma, desk, auth } = deps;
  const router = Router();
  // Customer data: no browser or proxy may keep it (set on each route, so every path under the
  // base is a route with a role rule).
  const noStore = (guard: RequestHandler): RequestHandler => (req, res, next) => {
    res.set('Cache-Control', 'no-store');
    return guard(req, res, next);
  };
  const staff = noStore(auth.requireStaff('agent', 'supervisor', 'admin'));
  const supervisors = noStore(auth.requireStaff('supervisor', 'admin'));
  const json = express.json({ limit: '32kb' });
  const actorOf = (res: Response) => {
    const principal = auth.currentStaff(res);
    return { staffId: principal.id, role: principal.role };
  };
  const base = AGENT_API_BASE;
  const card = (conversationId: string) => conversationCard(prisma, conversationId, desk.settings);

  router.get(`${base}/inbox`, staff, async (_req, res) => {
    send(res, inboxResponse, await agentInbox(prisma, desk.settings, actorOf(res).staffId));
  });

  router.get(`${base}/conversations/:id`, staff, async (req, res) => {
    const { id } = parse(conversationParams, req.params, 'conversation id');
    const [conversation, packet, entries] = await Promise.all([card(id), storedPacket(prisma, id), transcript(prisma, id)]);
    send(res, conversationResponse, { conversation, packet, transcript: entries });
  });

  router.get(`${base}/conversations/:id/transcript`, staff, async (req, res) => {
    const { id } = parse(conversationParams, req.params, 'conversation id');
    const query = parse(transcriptQuery, req.query, 'query');
    send(res, transcriptResponse, { entries: await transcript(prisma, id, { before: query.before ? new Date(query.before) : undefined, limit: query.limit }) });
  });

  router.get(`${base}/conversations/:id/packet`, staff, async (req, res) => {
    const { id } = parse(conversationParams, req.params, 'conversation id');
    send(res, packetResponse, { packet: await storedPacket(prisma, id) });
  });

  /** One ownership change: parse, act as the signed-in staff member, answer with the conversation as it is now. */
  const change = <B>(path: string, schema: z.ZodType<B>, act: (actor: ReturnType<typeof actorOf>, id: string, body: B) => Promise<unknown>, guard: RequestHandler = staff) => {
    router.post(`${base}/conversations/:id/${path}`, guard, json, async (req, res) => {
      const { id } = parse(conversationParams, req.params, 'conversation id');
      const body = parse(schema, req.body ?? {}, 'body');
      await act(actorOf(res), id, body);
      send(res, ownershipResponse, { conversation: await card(id) });
    });
  };
  change('accept', acceptRequest, (actor, id, body) => desk.accept(actor, id, body.version));
  change('decline', declineRequest, (actor, id, body) => desk.decline(actor, id, body.version));
  change('claim', claimRequest, (actor, id, body) => desk.claim(actor, id, body.version));
  change('take-over', takeOverRequest, (actor, id, body) => desk.takeOver(actor, id, body.version, body.note));
  change('reassign', reassignRequest, (actor, id, body) => desk.reassign(actor, id, body.version, body.staffId, body.note), supervisors);
  change('transfer', transferRequest, (actor, id, body) => desk.transfer(actor, id, body.version, body.to, body.note));
  change('hand-back', handBackRequest, (actor, id, body) => desk.handBack(actor, id, body.version, body.resume));
  change('close', closeRequest, (actor, id, body) => desk.close(actor, id, body.version, body.note));

  /** One action for the conversation's customer: parse, act as the signed-in staff member (the desk checks they may), answer with the outcome. */
  const action = <B>(kind: string, schema: z.ZodType<B>, act: (actor: ReturnType<typeof actorOf>, id: string, body: B) => Promise<z.infer<typeof staffActionResponse>>) => {
    router.post(`${base}/conversations/:id/actions/${kind}`, staff, json, async (req, res) => {
      const { id } = parse(conversationParams, req.params, 'conversation id');
      const body = parse(schema, req.body ?? {}, 'body');
      const result = await act(actorOf(res), id, body);
      res.status(result.outcome === 'unchanged' ? 200 : 201);
      send(res, staffActionResponse, result);
    });
  };
  action('ticket', ticketActionRequest, (actor, id, body) => deps.actions.openTicket(actor, id, body));
  action('order', orderActionRequest, (actor, id, body) => deps.actions.placeOrder(actor, id, body));
  action('order-cancel', orderCancelActionRequest, (actor, id, body) => deps.actions.cancelOrder(actor, id, body));
  action('credit', creditActionRequest, (actor, id, body) => deps.actions.requestCredit(actor, id, body));
  action('profile', profileActionRequest, (actor, id, body) => deps.actions.updateProfile(actor, id, body));
  action('resend-code', resendCodeActionRequest, (actor, id, body) => deps.actions.resendCode(actor, id, body));

  router.get(`${base}/offerings`, staff, async (_req, res) => {
    const offerings = await listActiveOfferings(prisma);
    send(res, offeringsResponse, {
      offerings: offerings.map((offering) => ({ code: offering.code, name: offering.name, serviceType: offering.serviceType, isAddOn: offering.isAddOn, recurringPrice: offering.recurringPrice, currency: offering.currency })),
    });
  });

  router.post(`${base}/conversations/:id/replies`, staff, json, async (req, res) => {
    const { id } = parse(conversationParams, req.params, 'conversation id');
    const body = parse(replyRequest, req.body ?? {}, 'body');
    const sent = await desk.reply(actorOf(res), id, body.text, body.clientMessageId);
    res.status(sent.duplicate ? 200 : 201);
    send(res, replyResponse, sent);
  });

  router.post(`${base}/conversations/:id/notes`, staff, json, async (req, res) => {
    const { id } = parse(conversationParams, req.params, 'conversation id');
    const body = parse(noteRequest, req.body ?? {}, 'body');
    const note = await desk.note(actorOf(res), id, body.text);
    res.status(201);
    send(res, noteResponse, { noteId: note.noteId, at: note.at.toISOString() });
  });

  router.post(`${base}/conversations/:id/read`, staff, async (req, res) => {
    const { id } = parse(conversationParams, req.params, 'conversation id');
    await desk.markRead(actorOf(res), id);
    send(res, readResponse, { unread: 0 });
  });

  router.get(`${base}/canned-replies`, staff, async (req, res) => {
    const { conversationId } = parse(cannedQuery, req.query, 'query');
    const principal = auth.currentStaff(res);
    send(res, cannedRepliesResponse, { replies: await cannedReplies(prisma, conversationId, { agentName: principal.displayName, operatorName: deps.operatorName }) });
  });

  router.put(`${base}/presence`, staff, json, async (req, res) => {
    const body = parse(presenceRequest, req.body ?? {}, 'body');
    const actor = actorOf(res);
    await desk.setPresence(actor, body.status);
    const [presence] = await presenceViews(prisma, desk.settings, new Date(), actor.staffId);
    send(res, presenceResponse, { presence: presence ?? missingPresence(actor.staffId) });
  });

  router.post(`${base}/presence/heartbeat`, staff, async (_req, res) => {
    const actor = actorOf(res);
    await desk.heartbeat(actor);
    const [presence] = await presenceViews(prisma, desk.settings, new Date(), actor.staffId);
    send(res, presenceResponse, { presence: presence ?? missingPresence(actor.staffId) });
  });

  router.get(`${base}/agents`, staff, async (_req, res) => {
    const presences = await presenceViews(prisma, desk.settings, new Date());
    const names = await deps.staffNames(presences.map((presence) => presence.staffId));
    send(res, agentsResponse, { agents: presences.map((presence) => ({ ...presence, displayName: names.get(presence.staffId) ?? presence.staffId })) });
  });

  /** One staff member's routing profile as the supervisors' screen shows it. */
  const profileOf = async (user: StaffUserSummary, now: Date) => {
    const row = await prisma.agentPresence.findUnique({ where: { staffId: user.id } });
    return {
      staffId: user.id,
      displayName: user.displayName,
      role: user.role,
      status: row ? effectivePresence(row, now, desk.settings) : ('offline' as const),
      skills: row?.skills ?? [],
      capacity: { sms: row?.capacitySms ?? null, webchat: row?.capacityWebchat ?? null, voice: row?.capacityVoice ?? null },
    };
  };
  const staffIdParams = z.object({ staffId: z.uuid('must be a staff id (UUID)') });

  router.get(`${base}/routing-profiles`, supervisors, async (_req, res) => {
    const now = new Date();
    const users = (await listStaffUsers(prisma)).filter((user) => user.role !== 'marketer' && !user.disabledAt);
    send(res, routingProfilesResponse, { defaults: { ...desk.settings.capacity }, profiles: await Promise.all(users.map((user) => profileOf(user, now))) });
  });

  router.put(`${base}/agents/:staffId/routing`, supervisors, json, async (req, res) => {
    const { staffId } = parse(staffIdParams, req.params, 'staff id');
    const body = parse(routingProfileRequest, req.body ?? {}, 'body');
    const user = await getStaffUser(prisma, staffId);
    if (!user) throw new AppError('not_found', 'staff_not_found', 'There is no staff member with that id.');
    await desk.setRoutingProfile(actorOf(res), { id: user.id, role: user.role, disabled: user.disabledAt !== null }, body);
    send(res, routingProfileResponse, { profile: await profileOf(user, new Date()) });
  });

  router.get(`${base}/wallboard`, supervisors, async (_req, res) => {
    send(res, wallboardResponse, await wallboard(prisma, desk.settings, deps.staffNames));
  });

  return router;
}

function missingPresence(staffId: string) {
  return { staffId, status: 'offline' as const, chosenStatus: 'offline' as const, lastHeartbeatAt: null, skills: [], capacity: { sms: 0, webchat: 0, voice: 0 }, load: { sms: 0, webchat: 0, voice: 0 } };
}
