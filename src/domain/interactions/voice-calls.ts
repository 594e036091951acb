import type { Prisma } from '../../generated/prisma/client.ts';
import type { DbClient } from '../../lib/db-types.ts';

// A phone call in the contact log: one conversation (channel voice, keyed by the CallSid) and a
// VoiceCall row beside it for what only a call has: its status (only ever forward), the
// escalation ladder's step, a question the channel asked, the handoff, barge-ins, the follow-up text.

/** Twilio's CallStatus values, ranked: a status callback never moves a call backwards. */
export const CALL_STATUS_RANK = {
  queued: 0,
  initiated: 1,
  ringing: 2,
  'in-progress': 3,
  completed: 4,
  busy: 4,
  'no-answer': 4,
  canceled: 4,
  failed: 4,
} as const;
export type CallStatus = keyof typeof CALL_STATUS_RANK;
export const CALL_STATUSES = Object.keys(CALL_STATUS_RANK) as [CallStatus, ...CallStatus[]];
const FINAL_RANK = 4;

export interface CallOpening {
  callSid: string;
  /** The caller's number (caller ID: a hint of who calls, never proof). */
  from: string;
  /** Our number that was called. */
  to: string;
  mode: 'relay' | 'gather';
  status: CallStatus;
}

export interface OpenedCall {
  conversationId: string;
  /** The customer whose number on file matches the caller ID, for a greeting by name only. */
  customerId: string | null;
  givenName: string | null;
}

/**
 * Opens the call's conversation and its VoiceCall row, or finds them (a retried webhook, the
 * fallback URL after a failure, a status callback that came first). Never moves the status back.
 */
export async function openVoiceCall(db: DbClient, opening: CallOpening): Promise<OpenedCall> {
  const medium = await db.contactMedium.findFirst({ where: { phoneNumber: opening.from }, select: { customer: { select: { id: true, givenName: true } } } });
  const customer = medium?.customer ?? null;
  const conversation = await db.conversation.upsert({
    where: { channel_externalId: { channel: 'voice', externalId: opening.callSid } },
    create: { channel: 'voice', externalId: opening.callSid, serviceAddress: opening.to, customerId: customer?.id ?? null },
    update: {},
    select: { id: true, customerId: true },
  });
  await db.voiceCall.createMany({
    data: [
      {
        callSid: opening.callSid,
        conversationId: conversation.id,
        fromNumber: opening.from,
        toNumber: opening.to,
        status: opening.status,
        statusRank: CALL_STATUS_RANK[opening.status],
        mode: opening.mode,
        ...(opening.status === 'in-progress' ? { answeredAt: new Date() } : {}),
      },
    ],
    skipDuplicates: true,
  });
  await db.voiceCall.updateMany({ where: { callSid: opening.callSid, statusRank: { lte: CALL_STATUS_RANK[opening.status] } }, data: { mode: opening.mode } });
  await advanceCallStatus(db, { callSid: opening.callSid, status: opening.status });
  return { conversationId: conversation.id, customerId: conversation.customerId ?? customer?.id ?? null, givenName: customer?.givenName ?? null };
}

export interface CallStatusReport {
  callSid: string;
  status: CallStatus;
  durationSeconds?: number | undefined;
  at?: Date;
}

/**
 * Moves the call's status forward (a duplicated or late callback is `stale` and changes nothing);
 * a final status closes the conversation. `unknown`: no such call.
 */
export async function advanceCallStatus(db: DbClient, report: CallStatusReport): Promise<'applied' | 'stale' | 'unknown'> {
  const rank = CALL_STATUS_RANK[report.status];
  const at = report.at ?? new Date();
  const { count } = await db.voiceCall.updateMany({
    where: { callSid: report.callSid, statusRank: { lt: rank } },
    data: {
      status: report.status,
      statusRank: rank,
      ...(report.status === 'in-progress' ? { answeredAt: at } : {}),
      ...(rank === FINAL_RANK ? { endedAt: at, durationSeconds: report.durationSeconds ?? null } : {}),
    },
  });
  if (count === 0) return (await db.voiceCall.count({ where: { callSid: report.callSid } })) > 0 ? 'stale' : 'unknown';
  if (rank === FINAL_RANK) {
    const call = await db.voiceCall.findUniqueOrThrow({ where: { callSid: report.callSid }, select: { conversationId: true } });
    await db.conversation.update({ where: { id: call.conversationId }, data: { status: 'closed' } });
  }
  return 'applied';
}

export interface VoiceCallState {
  callSid: string;
  conversationId: string;
  fromNumber: string;
  toNumber: string;
  status: string;
  missCount: number;
  pendingQuestion: string | null;
  handoffRequestedAt: Date | null;
  customerId: string | null;
}

export async function findVoiceCall(db: DbClient, callSid: string): Promise<VoiceCallState | null> {
  const call = await db.voiceCall.findUnique({ where: { callSid } });
  if (!call) return null;
  const conversation = await db.conversation.findUnique({ where: { id: call.conversationId }, select: { customerId: true } });
  return {
    callSid: call.callSid,
    conversationId: call.conversationId,
    fromNumber: call.fromNumber,
    toNumber: call.toNumber,
    status: call.status,
    missCount: call.missCount,
    pendingQuestion: call.pendingQuestion,
    handoffRequestedAt: call.handoffRequestedAt,
    customerId: conversation?.customerId ?? null,
  };
}

/** One more silence or no-match in a row; returns the count. */
export async function recordMiss(db: DbClient, callSid: string): Promise<number> {
  const call = await db.voiceCall.update({ where: { callSid }, data: { missCount: { increment: 1 } }, select: { missCount: true } });
  return call.missCount;
}

/** The caller was understood: the ladder starts again. */
export async function clearMisses(db: DbClient, callSid: string): Promise<void> {
  await db.voiceCall.updateMany({ where: { callSid, missCount: { gt: 0 } }, data: { missCount: 0 } });
}

export async function setPendingQuestion(db: DbClient, callSid: string, question: string | null): Promise<void> {
  await db.voiceCall.update({ where: { callSid }, data: { pendingQuestion: question } });
}

export async function recordFollowUpChoice(db: DbClient, callSid: string, agreed: boolean): Promise<void> {
  await db.voiceCall.update({ where: { callSid }, data: { smsFollowUp: agreed, pendingQuestion: null } });
}

export async function recordAfterHoursChoice(db: DbClient, callSid: string, choice: 'sms' | 'callback'): Promise<void> {
  await db.voiceCall.update({ where: { callSid }, data: { afterHoursChoice: choice, pendingQuestion: null } });
}

/** Records the handoff once (the first reason wins); false when it was recorded before. */
export async function recordHandoff(db: DbClient, callSid: string, reason: string, packet: Prisma.InputJsonValue): Promise<boolean> {
  const { count } = await db.voiceCall.updateMany({
    where: { callSid, handoffRequestedAt: null },
    data: { handoffReason: reason, handoffRequestedAt: new Date(), handoffPacket: packet, pendingQuestion: null },
  });
  return count > 0;
}

export async function findHandoff(db: DbClient, callSid: string): Promise<{ reason: string; packet: unknown } | null> {
  const call = await db.voiceCall.findUnique({ where: { callSid }, select: { handoffReason: true, handoffPacket: true } });
  return call?.handoffReason ? { reason: call.handoffReason, packet: call.handoffPacket } : null;
}

/** What the caller heard of a spoken reply before talking over it (the first report stands). */
export async function recordInterruption(db: DbClient, interruption: { interactionId: string; callSid: string; heardText: string; heardMs?: number | undefined }): Promise<void> {
  await db.voiceInterruption.createMany({
    data: [{ interactionId: interruption.interactionId, callSid: interruption.callSid, heardText: interruption.heardText, heardMs: interruption.heardMs ?? null }],
    skipDuplicates: true,
  });
}

export interface SpokenPrompt {
  conversationId: string;
  customerId: string | null;
  /** Our number. */
  from: string;
  /** The caller. */
  to: string;
  text: string;
  reason: string;
  suggestedActions?: string[];
}

/**
 * A prompt the channel speaks itself (the greeting, the keypad menu, the handoff notice): stored as
 * an outbound interaction already delivered, so the contact log has every prompt of the call.
 */
export async function recordSpokenPrompt(db: DbClient, prompt: SpokenPrompt): Promise<string> {
  const created = await db.interaction.create({
    data: {
      conversationId: prompt.conversationId,
      customerId: prompt.customerId,
      direction: 'outbound',
      channel: 'voice',
      fromAddress: prompt.from,
      toAddress: prompt.to,
      text: prompt.text,
      reason: prompt.reason,
      suggestedActions: prompt.suggestedActions ?? [],
      status: 'completed',
      deliveryStatus: 'delivered',
    },
    select: { id: true },
  });
  return created.id;
}

export interface LastPrompt {
  text: string;
  reason: string | null;
  suggestedActions: string[];
}

/** The last thing the call said to the caller (what a key press or a short answer refers to). */
export async function findLastPrompt(db: DbClient, conversationId: string): Promise<LastPrompt | null> {
  return db.interaction.findFirst({
    where: { conversationId, direction: 'outbound' },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    select: { text: true, reason: true, suggestedActions: true },
  });
}

export interface StoredReply {
  id: string;
  text: string;
  reason: string | null;
  suggestedActions: string[];
}

/** The replies a turn stored for an inbound message, in order (a turn that outlived its budget). */
export async function findRepliesTo(db: DbClient, inboundId: string): Promise<{ handled: boolean; replies: StoredReply[] }> {
  const inbound = await db.interaction.findUnique({ where: { id: inboundId }, select: { status: true } });
  const replies = await db.interaction.findMany({
    where: { inReplyToId: inboundId, direction: 'outbound' },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    select: { id: true, text: true, reason: true, suggestedActions: true },
  });
  return { handled: inbound?.status === 'handled', replies };
}

/** The call's last lines, oldest first, as stored (codes and keyed digits are stored masked). */
export async function callTranscript(db: DbClient, conversationId: string, limit = 12): Promise<{ direction: 'inbound' | 'outbound'; text: string }[]> {
  const rows = await db.interaction.findMany({
    where: { conversationId },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: limit,
    select: { direction: true, text: true },
  });
  return rows.reverse();
}

const REFERENCE_IN_TEXT = /\b(?:TT|ORD|ADJ)-\d+\b/g;

/** The TT-/ORD-/ADJ- references the bot quoted on the call, in order, once each. */
export async function referencesQuotedOnCall(db: DbClient, conversationId: string): Promise<string[]> {
  const replies = await db.interaction.findMany({ where: { conversationId, direction: 'outbound' }, orderBy: { createdAt: 'asc' }, select: { text: true } });
  return [...new Set(replies.flatMap((reply) => reply.text.match(REFERENCE_IN_TEXT) ?? []))];
}

/** Claims the after-call text once (the caller agreed and it has not gone yet). */
export async function claimFollowUp(db: DbClient, callSid: string): Promise<boolean> {
  const { count } = await db.voiceCall.updateMany({ where: { callSid, smsFollowUp: true, followUpSentAt: null }, data: { followUpSentAt: new Date() } });
  return count > 0;
}

/**
 * The caller's last input and the request the call was last about (a turn's reason starts with
 * its intent, "bill.inquiry.balance"; the call's own steps and a verification name none).
 */
export async function lastRequestOnCall(db: DbClient, conversationId: string): Promise<{ lastInputId: string | undefined; intent: string | null }> {
  const inputs = await db.interaction.findMany({ where: { conversationId, direction: 'inbound' }, orderBy: { seq: 'desc' }, take: 6, select: { id: true, reason: true } });
  const intent = inputs
    .map((input) => /^([a-z]+\.[a-z]+)\b/i.exec(input.reason ?? '')?.[1])
    .find((candidate) => candidate !== undefined && !/^(agent|verification|voice|conversation|customer|consent|csat)\./.test(candidate) && candidate !== 'ticket.resolutionConfirmation');
  return { lastInputId: inputs[0]?.id, intent: intent ?? null };
}

/**
 * A caller's input the call answered itself (asking for a person, keying 0, answering the
 * after-hours or follow-up question): stored through intake like every input, then marked handled
 * here with what it was, so no bot turn takes it up.
 */
export async function markCallInputHandled(db: DbClient, interactionId: string, reason: string): Promise<void> {
  const now = new Date();
  await db.interaction.updateMany({ where: { id: interactionId, direction: 'inbound', status: 'received' }, data: { status: 'handled', handledAt: now, reason } });
}

/** Whether the caller proved who they are on this call (a one-time code texted to the number on file). */
export async function callerVerifiedByCode(db: DbClient, conversationId: string, customerId: string | null): Promise<boolean> {
  if (!customerId) return false;
  const verified = await db.verificationChallenge.findFirst({ where: { conversationId, customerId, status: 'verified' }, select: { id: true } });
  return verified !== null;
}
