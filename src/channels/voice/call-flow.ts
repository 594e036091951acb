import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import {
  callerVerifiedByCode,
  callTranscript,
  clearMisses,
  findLastPrompt,
  findRepliesTo,
  lastRequestOnCall,
  markCallInputHandled,
  recordAfterHoursChoice,
  recordFollowUpChoice,
  recordHandoff,
  recordMiss,
  recordSpokenPrompt,
  referencesQuotedOnCall,
  setPendingQuestion,
  type LastPrompt,
  type VoiceCallState,
} from '../../domain/interactions/voice-calls.ts';
import type { Availability, HandoffResult } from '../../domain/agents/agent-desk.ts';
import { handoffNote, raisedTopics, soundsUpset } from '../../domain/agents/handoff-note.ts';
import { formatDate } from '../../lib/dates.ts';
import type { Logger } from '../../lib/logger.ts';
import type { InboundMessage } from '../channel.ts';
import { asksForCode, choiceForKey, codeInSpeech, maskedDigits, renderForEar } from './speech.ts';

// One caller input on a call, the same for ConversationRelay and Gather: keys mapped to the choice
// they name, codes kept out of the record, the bot's turn run at once, and the call's own rules
// around it (the escalation ladder, the handoff, the follow-up text).

/** What the caller did: said something, keyed digits, or nothing at all. */
export type CallerInput = { kind: 'speech'; text: string } | { kind: 'keys'; digits: string } | { kind: 'silence' };

/** Where the call goes after the input: keep listening, a person, or hang up. */
export type CallNext = { kind: 'listen' } | { kind: 'handoff'; reason: string } | { kind: 'hangup' };

/** Speaks to the caller; `replyId` names the stored reply being spoken (null: a channel prompt). */
export interface CallSpeaker {
  speak(replyId: string | null, spoken: string): void;
  /** Whether this stored reply was spoken on the call already (deliver() speaks the turn's replies as they are stored). */
  hasSpoken(replyId: string): boolean;
}

export interface StoredTurn {
  interactionId: string;
  duplicate: boolean;
  turn: { interactionId: string; conversationId: string; correlationId: string };
}

export interface CallFlowDeps {
  prisma: PrismaClient;
  logger: Logger;
  operatorName: string;
  /** Stores the caller's utterance (its turn left to us). */
  store(message: InboundMessage): Promise<StoredTurn>;
  /** Runs the stored turn now; its replies reach the caller through the channel's deliver. */
  runTurnNow(turn: StoredTurn['turn'], budgetMs: number): Promise<{ budgetExhausted: boolean }>;
  /** Keeps what the caller keyed or read out (a code) for the bot's turn only, never in the record. */
  keepSecret(interactionId: string, text: string): Promise<void>;
  /** Texts the caller (a customer) through the SMS channel. */
  textCustomer(customerId: string, text: string, idempotencyKey: string): Promise<boolean>;
  /**
   * Puts the call's conversation in the agents' queue (the agent desk's handOff, as for a text
   * handoff): the call shows in the console's queue with its packet while Twilio holds the caller.
   * Idempotent: a conversation a person already has stays as it is. Returns the desk's answer.
   */
  queueForAgent(request: AgentQueueRequest): Promise<HandoffResult>;
  /**
   * Whether a person can take a call about `intent` now: the agent desk's own staffing rule
   * (AGENT_STAFFED_HOURS, AGENT_AFTER_HOURS), so the call is put through only when the desk queues it.
   */
  availability(intent: string | null, now: Date): Availability;
  /** The operator's time zone, for when the team is back. */
  timeZone: string;
  turnBudgetMs: number;
}

export interface AgentQueueRequest {
  conversationId: string;
  /** The agent desk's reason: the caller asked (or asked to be called back), or the bot could not understand them. */
  reason: 'customer_asked' | 'not_understood';
  /** The request the call was last about (e.g. `bill.inquiry`), which picks the skill queue; null: general. */
  intent: string | null;
  /** What the call adds to the packet the agent reads (the call's own reason, our CallSid). */
  collected: Record<string, string>;
  /** The caller's last input, when the handoff followed one. */
  relatedInteractionId?: string | undefined;
}

const MENU = ['Billing', 'Technical support', 'Order status', 'A person'];
const AGENT_WORDS = /^(a person|agent|representative|operator|human)$/i;
const TEXT_ME = /\b(text|sms|message)\b/i;
const CALL_BACK = /\bcall\b/i;
const CARRY_ON = /\b(carry on|continue|stay|keep going|go on)\b/i;
const YES = /^(yes|yeah|yep|sure|ok(ay)?|please( do)?|yes please)\b/i;
const NO = /^(no|nope|no thanks?|don'?t)\b/i;

export interface HandledInput {
  next: CallNext;
  /** The stored inbound interaction, when the input went to the bot. */
  inboundId?: string;
  /** The turn outlived its budget: its replies come later (read them with findRepliesTo). */
  waiting?: boolean;
}

/** Handles one input on the call; everything said goes through `speaker`. */
export async function handleCallerInput(deps: CallFlowDeps, call: VoiceCallState, input: CallerInput, speaker: CallSpeaker, providerMessageId: string = `${call.callSid}-${randomUUID()}`): Promise<HandledInput> {
  if (call.handoffRequestedAt) return { next: { kind: 'handoff', reason: 'already_requested' } };
  const say = async (text: string, reason: string, suggestedActions: string[] = []) => {
    await recordSpokenPrompt(deps.prisma, { conversationId: call.conversationId, customerId: call.customerId, from: call.toNumber, to: call.fromNumber, text, reason, suggestedActions });
    speaker.speak(null, renderForEar({ text, suggestedActions }));
  };
  const last = await findLastPrompt(deps.prisma, call.conversationId);
  // An input the call answers itself is still the caller's message in the contact log.
  const keep = async (text: string, reason: string) => {
    const stored = await deps.store({ channel: 'voice', providerMessageId, from: call.fromNumber, to: call.toNumber, text, receivedAt: new Date(), conversationKey: call.callSid });
    await markCallInputHandled(deps.prisma, stored.interactionId, reason);
  };

  if (input.kind === 'silence') return { next: await ladder(deps, call, await recordMiss(deps.prisma, call.callSid), 'silence', last, say) };

  // What the input means: a key names a choice of the last prompt; several keys or a read-out code are secret.
  let text: string;
  let secret: string | undefined;
  if (input.kind === 'keys') {
    const digits = input.digits.replace(/[#*]+$/, '');
    if (digits === '0') {
      await keep('0 (a person)', 'agent.request');
      return { next: await startHandoff(deps, call, 'caller_request', say) };
    }
    const choice = choiceForKey(digits, promptChoices(last));
    if (choice) text = choice;
    else if (digits.length > 1) {
      secret = digits;
      text = maskedDigits(digits);
    } else {
      await keep(digits, 'voice.badKey');
      // Said again with its choices, so the next key still means what it meant.
      await say(`Sorry, that key isn't one of the options. ${withoutApology(last?.text ?? 'How can I help you today?')}`, 'voice.badKey', last?.suggestedActions ?? []);
      return { next: { kind: 'listen' } };
    }
  } else {
    text = input.text.trim();
    const code = asksForCode(last?.text) ? codeInSpeech(text) : undefined;
    if (code) {
      secret = code;
      text = maskedDigits(code);
    }
  }

  // Questions the call itself asked (not the bot): the follow-up text, what to do after hours.
  if (call.pendingQuestion === 'sms_followup') {
    if (YES.test(text) || NO.test(text)) {
      const agreed = YES.test(text);
      await keep(text, 'voice.followUpAnswer');
      await recordFollowUpChoice(deps.prisma, call.callSid, agreed);
      await say(agreed ? "OK, I'll text you the reference after the call. Is there anything else?" : 'OK. Is there anything else?', 'voice.followUp');
      return { next: { kind: 'listen' } };
    }
    await setPendingQuestion(deps.prisma, call.callSid, null);
  }
  if (call.pendingQuestion === 'after_hours') {
    const offer = await availabilityNow(deps, call);
    const choice = TEXT_ME.test(text) ? 'sms' : CALL_BACK.test(text) && callbackOffered(offer) ? 'callback' : CARRY_ON.test(text) ? 'carry_on' : undefined;
    if (choice) {
      await keep(text, 'voice.afterHoursAnswer');
      if (choice !== 'carry_on') return { next: await afterHoursChoice(deps, call, choice, offer, say) };
      await setPendingQuestion(deps.prisma, call.callSid, null);
      await say("OK, I'm still here. How can I help?", 'voice.carryOn');
      return { next: { kind: 'listen' } };
    }
    await setPendingQuestion(deps.prisma, call.callSid, null);
  }
  if (AGENT_WORDS.test(text)) {
    await keep(text, 'agent.request');
    return { next: await startHandoff(deps, call, 'caller_request', say) };
  }

  const stored = await deps.store({
    channel: 'voice',
    providerMessageId,
    from: call.fromNumber,
    to: call.toNumber,
    text,
    receivedAt: new Date(),
    conversationKey: call.callSid,
  });
  if (secret !== undefined) await deps.keepSecret(stored.interactionId, secret);
  let replies: { id: string; text: string; reason: string | null; suggestedActions: string[] }[];
  if (stored.duplicate) {
    // A retried webhook: say again what the turn answered.
    replies = (await findRepliesTo(deps.prisma, stored.interactionId)).replies;
    for (const reply of replies) speaker.speak(reply.id, renderForEar(reply));
    return { next: { kind: 'listen' }, inboundId: stored.interactionId };
  }
  const ran = await deps.runTurnNow(stored.turn, deps.turnBudgetMs);
  replies = (await findRepliesTo(deps.prisma, stored.interactionId)).replies;
  // A turn handled elsewhere (a queued job on another instance, which cannot reach this call) left
  // its replies unspoken: they are read back by the message they answer and said here. Once
  // runTurnNow has the conversation's lock, every delivery of that turn has finished.
  for (const reply of replies) if (!speaker.hasSpoken(reply.id)) speaker.speak(reply.id, renderForEar(reply));
  if (ran.budgetExhausted && replies.length === 0) return { next: { kind: 'listen' }, inboundId: stored.interactionId, waiting: true };
  return { next: await afterTurn(deps, call, replies, say), inboundId: stored.interactionId };
}

/** After the bot's turn: a person asked for, a miss on the ladder, or an offer to text the reference. */
async function afterTurn(deps: CallFlowDeps, call: VoiceCallState, replies: { text: string; reason: string | null }[], say: Say): Promise<CallNext> {
  const reason = replies[0]?.reason ?? null;
  if (reason === 'agent.request') return startHandoff(deps, call, 'caller_request', say);
  if (reason !== null && MISSES.has(reason)) return ladder(deps, call, await recordMiss(deps.prisma, call.callSid), 'no_match', undefined, say);
  await clearMisses(deps.prisma, call.callSid);
  if (call.customerId && replies.some((reply) => /\b(TT|ORD|ADJ)-\d+\b/.test(reply.text)) && call.pendingQuestion === null) {
    await setPendingQuestion(deps.prisma, call.callSid, 'sms_followup');
    await say('Would you like that reference texted to you after the call?', 'voice.followUpOffer', ['Yes', 'No']);
  }
  return { kind: 'listen' };
}

type Say = (text: string, reason: string, suggestedActions?: string[]) => Promise<void>;

/** Turn reasons that mean the bot could not place what was said (agent.offer: the bot's own second miss). */
const MISSES = new Set(['none', 'clarify', 'agent.offer']);

/** The choices a key can name in a prompt: its quick replies, or yes and no for a "(yes/no)" question. */
function promptChoices(prompt: LastPrompt | null): string[] {
  if (!prompt) return [];
  if (prompt.suggestedActions.length > 0) return prompt.suggestedActions;
  return /\(yes\/no\)|\byes or no\b/i.test(prompt.text) ? ['Yes', 'No'] : [];
}

/** A prompt said again without the apology it may already start with. */
function withoutApology(text: string): string {
  return text.replace(/^(Sorry, (I didn't hear anything|that key isn't one of the options)\. )+/, '');
}

/** The escalation ladder: rephrase once (the bot's own "sorry"), then a keypad menu, then a person. */
async function ladder(deps: CallFlowDeps, call: VoiceCallState, misses: number, kind: 'silence' | 'no_match', last: LastPrompt | null | undefined, say: Say): Promise<CallNext> {
  if (misses >= 3) return startHandoff(deps, call, kind, say);
  if (misses === 2) {
    await say('Let me help with the keypad. What is your call about?', 'voice.menu', MENU);
    return { kind: 'listen' };
  }
  if (kind === 'silence') await say(`Sorry, I didn't hear anything. ${withoutApology(last?.text ?? 'How can I help you today?')}`, 'voice.silence', last?.suggestedActions ?? []);
  return { kind: 'listen' };
}

/** What the desk says about a person for the request the call was last about, now. */
async function availabilityNow(deps: CallFlowDeps, call: VoiceCallState): Promise<Availability> {
  const { intent } = await lastRequestOnCall(deps.prisma, call.conversationId);
  return deps.availability(intent, new Date());
}

/** A call back is offered unless the desk keeps this request with the bot outside its hours (AGENT_AFTER_HOURS=bot). */
function callbackOffered(availability: Availability): boolean {
  return availability.staffed || availability.afterHours === 'callback';
}

/**
 * A person, when the desk says one can take the call now: the call is put in the agents' queue and
 * recorded with its packet, and Twilio puts it through. Otherwise (the queue's staffed hours, or the
 * desk's own answer when they just ended) the caller is offered a text or, where the queue keeps
 * callers in line after hours, a call back.
 */
async function startHandoff(deps: CallFlowDeps, call: VoiceCallState, reason: string, say: Say): Promise<CallNext> {
  const availability = await availabilityNow(deps, call);
  if (!availability.staffed) return offerAfterHours(deps, call, availability, say);
  const queued = await putInAgentQueue(deps, call, reason);
  if (queued?.kind === 'stay-with-bot') return offerAfterHours(deps, call, { queue: queued.queue, staffed: false, opensAt: queued.opensAt, afterHours: 'bot' }, say);
  if (queued?.kind === 'callback') return promiseCallback(deps, call, queued.opensAt, say);
  const packet = await handoffPacket(deps, call, reason);
  await recordHandoff(deps.prisma, call.callSid, reason, packet);
  // As on a texted handoff: an upset caller hears one short sentence that says so.
  await say(`${packet.upset ? "I'm sorry this has been so frustrating. " : ''}I'm connecting you to a person now. Please hold.`, 'voice.handoff');
  deps.logger.info({ callSid: call.callSid, reason }, 'voice handoff');
  return { kind: 'handoff', reason };
}

async function offerAfterHours(deps: CallFlowDeps, call: VoiceCallState, availability: Extract<Availability, { staffed: false }>, say: Say): Promise<CallNext> {
  await setPendingQuestion(deps.prisma, call.callSid, 'after_hours');
  const back = `Our team is back ${whenBack(deps, availability.opensAt)}, so nobody can take your call right now.`;
  if (callbackOffered(availability)) {
    await say(`${back} I can text you so you can carry on by message, or have someone call you back.`, 'voice.afterHours', ['Text me', 'Call me back']);
  } else {
    await say(`${back} I can text you so you can carry on by message, or you can carry on with me now.`, 'voice.afterHours', ['Text me', 'Carry on']);
  }
  return { kind: 'listen' };
}

function whenBack(deps: CallFlowDeps, opensAt: Date): string {
  return formatDate(opensAt, 'dayTime', deps.timeZone);
}

/**
 * The call in the agents' queue (the desk's handOff), with what the caller's words showed (upset,
 * other topics raised) as on a texted handoff. A failure is logged and returns null: the caller is
 * still put through (the person who answers has the whisper and the VoiceCall packet).
 */
async function putInAgentQueue(deps: CallFlowDeps, call: VoiceCallState, reason: string): Promise<HandoffResult | null> {
  const missed = reason === 'silence' || reason === 'no_match';
  const { lastInputId, intent } = await lastRequestOnCall(deps.prisma, call.conversationId);
  const note = callerNote(await callTranscript(deps.prisma, call.conversationId));
  try {
    const queued = await deps.queueForAgent({
      conversationId: call.conversationId,
      reason: missed ? 'not_understood' : 'customer_asked',
      intent,
      collected: { channel: 'voice call', callReason: reason, callSid: call.callSid, ...(note ? { note } : {}) },
      relatedInteractionId: lastInputId,
    });
    deps.logger.info({ callSid: call.callSid, result: queued.kind }, 'voice call put in the agents’ queue');
    return queued;
  } catch (error) {
    deps.logger.error({ err: error, callSid: call.callSid }, 'voice call not put in the agents’ queue; Twilio still puts it through');
    return null;
  }
}

/** The caller's last words on the call, as stored (codes masked): what the note is made from. */
function callerWords(transcript: { direction: string; text: string }[]): string {
  return transcript.filter((line) => line.direction === 'inbound').slice(-3).map((line) => line.text).join(' / ');
}

/** The note a texted handoff carries (dialogs' requestAgent), from the caller's last words on the call. */
function callerNote(transcript: { direction: string; text: string }[]): string | null {
  const words = callerWords(transcript);
  return words ? handoffNote(words) : null;
}

async function afterHoursChoice(deps: CallFlowDeps, call: VoiceCallState, choice: 'sms' | 'callback', offer: Availability, say: Say): Promise<CallNext> {
  await recordAfterHoursChoice(deps.prisma, call.callSid, choice);
  if (choice === 'callback') {
    // A person calls back: the request waits in the agents' queue (the desk keeps it until the team is in).
    const queued = await putInAgentQueue(deps, call, 'callback');
    const opensAt = queued && 'opensAt' in queued ? queued.opensAt : offer.staffed ? new Date() : offer.opensAt;
    return promiseCallback(deps, call, opensAt, say);
  }
  const texted = call.customerId
    ? await deps.textCustomer(call.customerId, `${deps.operatorName}: thanks for calling. Reply to this text and we'll pick up where the call left off.`, `voice-after-hours-${call.callSid}`)
    : false;
  await say(texted ? "I've texted you. Reply there and we'll pick it up. Goodbye." : `Please text us at this number and we'll pick it up. Goodbye.`, 'voice.textFollowUp');
  return { kind: 'hangup' };
}

/** The call ends with a promise: a person calls back when the team is in (the request waits in the agents' queue). */
async function promiseCallback(deps: CallFlowDeps, call: VoiceCallState, opensAt: Date, say: Say): Promise<CallNext> {
  await recordHandoff(deps.prisma, call.callSid, 'callback', await handoffPacket(deps, call, 'callback'));
  const when = opensAt.getTime() <= Date.now() ? 'soon' : `from ${whenBack(deps, opensAt)}`;
  await say(`A person will call you back on this number ${when}. Goodbye.`, 'voice.callback');
  return { kind: 'hangup' };
}

/** What the person taking the call sees first; stored text only (codes and keyed digits are masked there). */
async function handoffPacket(deps: CallFlowDeps, call: VoiceCallState, reason: string) {
  const transcript = await callTranscript(deps.prisma, call.conversationId);
  return {
    callSid: call.callSid,
    conversationId: call.conversationId,
    customerId: call.customerId,
    callerNumber: call.fromNumber,
    reason,
    // Caller ID is a hint: only a code texted to the number on file and given on the call proves who it is.
    verifiedByCode: await callerVerifiedByCode(deps.prisma, call.conversationId, call.customerId),
    note: callerNote(transcript),
    upset: soundsUpset(callerWords(transcript)),
    raised: raisedTopics({ text: callerWords(transcript) }).map((topic) => topic.label),
    references: await referencesQuotedOnCall(deps.prisma, call.conversationId),
    transcript,
  };
}
