import { z } from 'zod';

// ConversationRelay's WebSocket messages (https://www.twilio.com/docs/voice/conversationrelay/websocket-messages):
// what Twilio sends (setup, prompt, dtmf, interrupt, error) and what we may send back (text
// tokens, play, sendDigits, language, end). Every frame we send is checked against these first.

export const setupFrame = z.object({
  type: z.literal('setup'),
  sessionId: z.string().min(1),
  callSid: z.string().regex(/^CA[0-9a-fA-F]{32}$/, 'must be a Twilio call SID'),
  accountSid: z.string().optional(),
  from: z.string().min(1),
  to: z.string().min(1),
  parentCallSid: z.string().optional(),
  forwardedFrom: z.string().optional(),
  callerName: z.string().optional(),
  direction: z.string().optional(),
  callType: z.string().optional(),
  callStatus: z.string().optional(),
  customParameters: z.record(z.string(), z.string()).optional(),
});

export const promptFrame = z.object({
  type: z.literal('prompt'),
  voicePrompt: z.string().max(5000),
  lang: z.string().optional(),
  /** False for a partial transcript (partialPrompts="true"); only the last one is a turn. */
  last: z.boolean().default(true),
});

export const dtmfFrame = z.object({ type: z.literal('dtmf'), digit: z.string().regex(/^[0-9*#A-D]$/) });

export const interruptFrame = z.object({
  type: z.literal('interrupt'),
  /** What the caller heard of the reply before talking over it. */
  utteranceUntilInterrupt: z.string().default(''),
  durationUntilInterruptMs: z.number().optional(),
});

export const errorFrame = z.object({ type: z.literal('error'), description: z.string().default('') });

export const inboundRelayFrame = z.discriminatedUnion('type', [setupFrame, promptFrame, dtmfFrame, interruptFrame, errorFrame]);
export type InboundRelayFrame = z.infer<typeof inboundRelayFrame>;

export const textToken = z.object({
  type: z.literal('text'),
  token: z.string(),
  last: z.boolean(),
  lang: z.string().optional(),
  interruptible: z.boolean().optional(),
  preemptible: z.boolean().optional(),
});
export const playMedia = z.object({ type: z.literal('play'), source: z.url(), loop: z.number().int().min(0).optional(), preemptible: z.boolean().optional(), interruptible: z.boolean().optional() });
export const sendDigits = z.object({ type: z.literal('sendDigits'), digits: z.string().regex(/^[0-9*#w]+$/) });
export const switchLanguage = z.object({ type: z.literal('language'), ttsLanguage: z.string().optional(), transcriptionLanguage: z.string().optional() });
/** Ends the session; Twilio then requests the <Connect> action URL with HandoffData. */
export const endSession = z.object({ type: z.literal('end'), handoffData: z.string().optional() });

export const outboundRelayFrame = z.discriminatedUnion('type', [textToken, playMedia, sendDigits, switchLanguage, endSession]);
export type OutboundRelayFrame = z.infer<typeof outboundRelayFrame>;

/** What we put in `end`'s handoffData (a JSON string): a person, or simply hanging up. */
export const handoffData = z.discriminatedUnion('reasonCode', [
  z.object({ reasonCode: z.literal('live-agent-handoff'), reason: z.string(), callSid: z.string() }),
  z.object({ reasonCode: z.literal('hangup'), callSid: z.string() }),
]);
export type HandoffData = z.infer<typeof handoffData>;
