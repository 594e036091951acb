import express, { Router, type Request } from 'express';
import { z } from 'zod';
import {
  advanceCallStatus,
  CALL_STATUSES,
  claimFollowUp,
  findHandoff,
  findLastPrompt,
  findRepliesTo,
  findVoiceCall,
  openVoiceCall,
  recordSpokenPrompt,
  referencesQuotedOnCall,
} from '../../domain/interactions/voice-calls.ts';
import { invalidRequest } from '../../http/error-handler.ts';
import { AppError } from '../../lib/errors.ts';
import { toE164 } from '../../lib/phone.ts';
import type { ChannelGateway } from '../channel.ts';
import { isTwilioSignatureValid, type TwilioParams } from '../sms/twilio-messages.ts';
import { handleCallerInput, type CallerInput, type CallFlowDeps, type CallNext, type CallSpeaker } from './call-flow.ts';
import { handoffData } from './relay-messages.ts';
import { renderForEar, speechHints } from './speech.ts';
import { gatherTwiml, handoffTwiml, relayTwiml, sayAndRedirectTwiml, sayTwiml } from './twiml.ts';

export const VOICE_PATHS = {
  incoming: '/twilio/voice',
  fallback: '/twilio/voice/fallback',
  status: '/twilio/voice/status',
  gather: '/twilio/voice/gather',
  wait: '/twilio/voice/gather/wait',
  relay: '/twilio/voice/relay',
  relayEnded: '/twilio/voice/relay/ended',
  whisper: '/twilio/voice/whisper',
} as const;

export interface VoiceRouteSettings {
  mode: 'relay' | 'gather';
  language: string;
  ttsProvider: string;
  ttsVoice: string | undefined;
  transcriptionProvider: string;
  gatherVoice: string;
  turnBudgetMs: number;
  agentNumber: string | undefined;
  agentQueue: string;
}

export interface VoiceRoutesOptions {
  authToken: string;
  publicBaseUrl: () => string;
  validateSignatures: boolean;
  phoneNumbers: string[];
  settings: VoiceRouteSettings;
  flow: CallFlowDeps;
  gateway: ChannelGateway;
  /** Registers a speaker for the call's conversation while a Gather turn runs (deliver() speaks through it). */
  register(conversationId: string, speaker: CallSpeaker): () => void;
  greeting(givenName: string | null): string;
  /** The live catalog's offer names, for recognition hints. */
  catalogNames(): Promise<string[]>;
}

const formFields = z.record(z.string(), z.string());
const callSid = z.string().regex(/^CA[0-9a-fA-F]{32}$/, 'must be a Twilio call SID');
const phone = z.string().transform((value, ctx) => {
  const e164 = toE164(value);
  if (!e164) ctx.addIssue({ code: 'custom', message: 'is not a phone number' });
  return e164 ?? '';
});
const incomingCall = z.object({ CallSid: callSid, From: phone, To: phone, CallStatus: z.enum(CALL_STATUSES).default('ringing') });
const gatherResult = z.object({
  CallSid: callSid,
  SpeechResult: z.string().max(5000).optional(),
  Confidence: z.string().optional(),
  Digits: z.string().regex(/^[0-9*#]*$/, 'must be keypad digits').optional(),
});
const statusCallback = z.object({ CallSid: callSid, CallStatus: z.enum(CALL_STATUSES), From: phone.optional(), To: phone.optional(), CallDuration: z.coerce.number().int().min(0).optional() });
const relayEnded = z.object({ CallSid: callSid, SessionStatus: z.string().optional(), HandoffData: z.string().optional(), ErrorCode: z.string().optional() });
const turnNumber = z.coerce.number().int().min(1).max(10_000);

/** Twilio's voice webhooks: the incoming call, its fallback, Gather turns, ConversationRelay's end, status callbacks. */
export function voiceRoutes(options: VoiceRoutesOptions): Router {
  const { gateway, settings, flow } = options;
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '64kb' });
  const ourNumbers = new Set(options.phoneNumbers.map((number) => toE164(number) ?? number));
  const url = (path: string) => `${options.publicBaseUrl()}${path}`;

  function verifiedFields(req: Request): TwilioParams {
    const fields = formFields.safeParse(req.body ?? {});
    if (!fields.success) throw invalidRequest(fields.error, 'webhook form');
    if (options.validateSignatures && !isTwilioSignatureValid(options.authToken, req.header('X-Twilio-Signature'), options.publicBaseUrl() + req.originalUrl, fields.data)) {
      gateway.onRejected('invalid_signature');
      throw new AppError('forbidden', 'invalid_signature', 'The X-Twilio-Signature header is missing or does not match this request. Check that PUBLIC_BASE_URL is the URL Twilio calls and TWILIO_AUTH_TOKEN is the account token.');
    }
    return fields.data;
  }
  function parse<T extends z.ZodType>(schema: T, fields: TwilioParams, what: string): z.output<T> {
    const parsed = schema.safeParse(fields);
    if (!parsed.success) {
      gateway.onRejected('malformed_payload');
      throw invalidRequest(parsed.error, what);
    }
    return parsed.data;
  }
  async function knownCall(sid: string) {
    const call = await findVoiceCall(flow.prisma, sid);
    if (!call) throw new AppError('not_found', 'unknown_call', `No call ${sid} is known here; it starts at ${VOICE_PATHS.incoming}.`);
    return call;
  }
  const hints = async (choices: string[] = []) => speechHints(await options.catalogNames(), choices);

  /** One Gather turn's TwiML: what was said, then listen again (turn n+1), hand over, or hang up. */
  async function gatherAnswer(sid: string, said: string[], next: CallNext, n: number): Promise<string> {
    if (next.kind === 'handoff') return handoffAnswer(sid, said);
    if (next.kind === 'hangup') return sayTwiml(said, settings.gatherVoice);
    const call = await findVoiceCall(flow.prisma, sid);
    const last = call ? await findLastPrompt(flow.prisma, call.conversationId) : null;
    return gatherTwiml({ say: said, actionUrl: `${url(VOICE_PATHS.gather)}?n=${n + 1}`, language: settings.language, voice: settings.gatherVoice, hints: await hints(last?.suggestedActions) });
  }
  function handoffAnswer(sid: string, said: string[]): string {
    return handoffTwiml({ say: said, voice: settings.gatherVoice, agentNumber: settings.agentNumber, whisperUrl: `${url(VOICE_PATHS.whisper)}?call=${sid}`, queue: settings.agentQueue });
  }

  /** Answers a call: greeting by name when the caller ID is on file, then ConversationRelay or Gather. */
  async function answer(req: Request, mode: 'relay' | 'gather'): Promise<string> {
    const call = parse(incomingCall, verifiedFields(req), 'incoming call');
    if (!ourNumbers.has(call.To)) {
      gateway.onRejected('unknown_number');
      throw new AppError('forbidden', 'number_not_served', `This service answers calls to ${[...ourNumbers].join(', ')}, not ${call.To}.`);
    }
    const opened = await openVoiceCall(flow.prisma, { callSid: call.CallSid, from: call.From, to: call.To, mode, status: call.CallStatus });
    const last = await findLastPrompt(flow.prisma, opened.conversationId);
    // The fallback URL mid-call (the socket or a speech provider failed): carry on where the call was.
    const text = last ? `Sorry about that. ${last.text}` : options.greeting(opened.givenName);
    await recordSpokenPrompt(flow.prisma, { conversationId: opened.conversationId, customerId: opened.customerId, from: call.To, to: call.From, text, reason: last ? 'voice.resumed' : 'voice.greeting', suggestedActions: last?.suggestedActions ?? [] });
    if (mode === 'relay') {
      const socketUrl = `${options.publicBaseUrl().replace(/^http/, 'ws')}${VOICE_PATHS.relay}`;
      return relayTwiml({ socketUrl, actionUrl: url(VOICE_PATHS.relayEnded), greeting: text, language: settings.language, ttsProvider: settings.ttsProvider, voice: settings.ttsVoice, transcriptionProvider: settings.transcriptionProvider, hints: await hints() });
    }
    return gatherTwiml({ say: [renderForEar({ text, suggestedActions: last?.suggestedActions ?? [] })], actionUrl: `${url(VOICE_PATHS.gather)}?n=1`, language: settings.language, voice: settings.gatherVoice, hints: await hints() });
  }

  router.post(VOICE_PATHS.incoming, form, async (req, res) => {
    res.type('text/xml').send(await answer(req, settings.mode));
  });
  router.post(VOICE_PATHS.fallback, form, async (req, res) => {
    res.type('text/xml').send(await answer(req, 'gather'));
  });

  router.post(VOICE_PATHS.gather, form, async (req, res) => {
    const result = parse(gatherResult, verifiedFields(req), 'gather result');
    const n = turnNumber.safeParse(req.query['n']).data ?? 1;
    const call = await knownCall(result.CallSid);
    const input: CallerInput = result.Digits ? { kind: 'keys', digits: result.Digits } : result.SpeechResult?.trim() ? { kind: 'speech', text: result.SpeechResult } : { kind: 'silence' };
    const said: string[] = [];
    const spokenReplies = new Set<string>();
    // One speaker for the turn's replies (deliver()) and the call's own prompts: the TwiML says them in order.
    const speaker: CallSpeaker = {
      speak(replyId, spoken) {
        if (replyId) spokenReplies.add(replyId);
        said.push(spoken);
      },
      hasSpoken: (replyId) => spokenReplies.has(replyId),
    };
    const unregister = options.register(call.conversationId, speaker);
    // The webhook must answer well inside Twilio's 15 s: past the budget, a filler and a redirect to wait for the answer.
    let timer: NodeJS.Timeout | undefined;
    const overBudget = new Promise<'over'>((resolve) => {
      timer = setTimeout(() => resolve('over'), settings.turnBudgetMs);
    });
    const handling = handleCallerInput(flow, call, input, speaker, `${result.CallSid}-g${n}`);
    try {
      const handled = await Promise.race([handling, overBudget]);
      if (handled === 'over' || (handled.waiting && handled.inboundId)) {
        handling.catch((error: unknown) => flow.logger.error({ err: error, callSid: call.callSid }, 'voice turn failed after its budget'));
        const inbound = handled === 'over' ? undefined : handled.inboundId;
        const waitUrl = `${url(VOICE_PATHS.wait)}?call=${call.callSid}&n=${n}${inbound ? `&iid=${inbound}` : ''}`;
        res.type('text/xml').send(sayAndRedirectTwiml('One moment.', settings.gatherVoice, waitUrl));
        return;
      }
      res.type('text/xml').send(await gatherAnswer(call.callSid, said, handled.next, n));
    } finally {
      clearTimeout(timer);
      unregister();
    }
  });

  // A turn that outlived the webhook's budget: its replies, once stored, then the next Gather.
  router.post(VOICE_PATHS.wait, form, async (req, res) => {
    const fields = parse(z.object({ CallSid: callSid }), verifiedFields(req), 'wait');
    const n = turnNumber.safeParse(req.query['n']).data ?? 1;
    const call = await knownCall(fields.CallSid);
    const iid = z.uuid().safeParse(req.query['iid']).data;
    const deadline = Date.now() + settings.turnBudgetMs;
    let replies: string[] = [];
    while (Date.now() < deadline) {
      const lastTurn = iid ? await findRepliesTo(flow.prisma, iid) : { handled: true, replies: [] };
      if (lastTurn.handled) {
        replies = lastTurn.replies.map((reply) => renderForEar(reply));
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const next: CallNext = call.handoffRequestedAt ? { kind: 'handoff', reason: 'already_requested' } : { kind: 'listen' };
    res.type('text/xml').send(await gatherAnswer(call.callSid, replies.length > 0 ? replies : ['Sorry, that is taking longer than it should. Please say it again.'], next, n));
  });

  // ConversationRelay ended: a person (handoffData), a hang-up we asked for, or a failure (Gather takes over).
  router.post(VOICE_PATHS.relayEnded, form, async (req, res) => {
    const ended = parse(relayEnded, verifiedFields(req), 'session end');
    const data = ended.HandoffData ? handoffData.safeParse(safeJson(ended.HandoffData)) : undefined;
    if (data?.success && data.data.reasonCode === 'live-agent-handoff') {
      res.type('text/xml').send(handoffAnswer(ended.CallSid, []));
      return;
    }
    if (data?.success || ended.SessionStatus === 'ended' || ended.SessionStatus === 'completed') {
      res.type('text/xml').send(sayTwiml([], settings.gatherVoice));
      return;
    }
    const call = await knownCall(ended.CallSid);
    const last = await findLastPrompt(flow.prisma, call.conversationId);
    res.type('text/xml').send(await gatherAnswer(call.callSid, [`Sorry about that. ${last ? renderForEar(last) : 'How can I help you today?'}`], { kind: 'listen' }, 1000));
  });

  // Read to the person who answers the <Dial>, before the caller is put through.
  router.post(VOICE_PATHS.whisper, form, async (req, res) => {
    verifiedFields(req);
    const sid = callSid.safeParse(req.query['call']);
    if (!sid.success) throw invalidRequest(sid.error, 'whisper call');
    const handoff = await findHandoff(flow.prisma, sid.data);
    if (!handoff) throw new AppError('not_found', 'unknown_handoff', `No handoff is recorded for call ${sid.data}.`);
    res.type('text/xml').send(sayTwiml([whisperText(handoff.reason, handoff.packet)], settings.gatherVoice, 'nothing'));
  });

  router.post(VOICE_PATHS.status, form, async (req, res) => {
    const report = parse(statusCallback, verifiedFields(req), 'call status');
    let outcome = await advanceCallStatus(flow.prisma, { callSid: report.CallSid, status: report.CallStatus, durationSeconds: report.CallDuration });
    if (outcome === 'unknown' && report.From && report.To) {
      await openVoiceCall(flow.prisma, { callSid: report.CallSid, from: report.From, to: report.To, mode: settings.mode, status: report.CallStatus });
      outcome = 'applied';
    }
    if (outcome === 'unknown') throw new AppError('not_found', 'unknown_call', `No call ${report.CallSid} is known here.`);
    if (outcome === 'applied' && CALL_STATUSES.indexOf(report.CallStatus) >= CALL_STATUSES.indexOf('completed')) await sendFollowUp(report.CallSid);
    res.status(200).json({ status: outcome });
  });

  /** After the call: the references it created, texted once, if the caller agreed. */
  async function sendFollowUp(sid: string) {
    const call = await findVoiceCall(flow.prisma, sid);
    if (!call?.customerId || !(await claimFollowUp(flow.prisma, sid))) return;
    const references = await referencesQuotedOnCall(flow.prisma, call.conversationId);
    if (references.length === 0) return;
    await flow.textCustomer(call.customerId, `${flow.operatorName}: as promised on your call, your reference${references.length > 1 ? 's' : ''}: ${references.join(', ')}.`, `voice-followup-${sid}`);
  }

  return router;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const packetSchema = z.object({
  customerId: z.string().nullable().optional(),
  verifiedByCode: z.boolean().default(false),
  upset: z.boolean().default(false),
  raised: z.array(z.string()).default([]),
  references: z.array(z.string()).default([]),
  transcript: z.array(z.object({ direction: z.string(), text: z.string() })).default([]),
});

/** The handoff packet as the agent hears it: why, who (and whether proved), how they are, which references, and their last words (masked as stored). */
export function whisperText(reason: string, packet: unknown): string {
  const parsed = packetSchema.safeParse(packet);
  const why = reason === 'caller_request' ? 'The caller asked for a person.' : reason === 'silence' ? 'The caller could not be heard.' : 'The bot could not understand the caller.';
  if (!parsed.success) return why;
  const lastWords = parsed.data.transcript.filter((line) => line.direction === 'inbound').slice(-2).map((line) => line.text);
  return [
    why,
    !parsed.data.customerId
      ? 'The caller ID is not on file.'
      : parsed.data.verifiedByCode
        ? 'The caller is verified by a code texted to the number on file.'
        : 'The caller ID matches a customer on file, but the caller is not verified: verify them before account changes.',
    parsed.data.upset ? 'They sound upset.' : '',
    parsed.data.raised.length > 0 ? `They raised ${parsed.data.raised.join(' and ')}.` : '',
    parsed.data.references.length > 0 ? `References: ${parsed.data.references.map((reference) => renderForEar({ text: reference })).join('; ')}.` : '',
    lastWords.length > 0 ? `They said: ${lastWords.join('. ')}.` : '',
  ].filter((part) => part.length > 0).join(' ');
}
