import { z } from 'zod';
import { isProduction, type RuntimeVariables } from './runtime.ts';
import { isTwilioSandbox, type TwilioVariables } from './twilio.ts';
import { duration } from './variable-types.ts';

/** A setting that no longer exists: refused when set, so a deployment does not silently lose what it meant. */
function removed(name: string, instead: string) {
  return z.undefined({ error: `${name} was removed: ${instead}. Unset it.` }).optional();
}

/** The voice channel: how calls are answered, spoken to and handed to a person. */
export const voiceVariables = z.object({
  /** relay (default): ConversationRelay over a WebSocket; gather: <Gather input="speech dtmf"> webhooks (needs no Twilio onboarding). */
  VOICE_MODE: z.enum(['relay', 'gather']).default('relay'),
  /** Language for speech recognition and synthesis (BCP 47). Default en-US. */
  VOICE_LANGUAGE: z.string().regex(/^[a-z]{2,3}-[A-Z]{2}$/, 'must be a language such as en-US').default('en-US'),
  /** ConversationRelay text-to-speech provider: Google, Amazon or ElevenLabs. Default Google. */
  VOICE_TTS_PROVIDER: z.enum(['Google', 'Amazon', 'ElevenLabs']).default('Google'),
  /** ConversationRelay voice; unset: the provider's default for the language. */
  VOICE_TTS_VOICE: z.string().min(1).optional(),
  /** ConversationRelay speech-to-text provider: Google or Deepgram. Default Deepgram. */
  VOICE_TRANSCRIPTION_PROVIDER: z.enum(['Google', 'Deepgram']).default('Deepgram'),
  /** The <Say> voice of the Gather flow. Default Polly.Joanna. */
  VOICE_GATHER_VOICE: z.string().min(1).default('Polly.Joanna'),
  /** Longest a caller's turn may take before the call moves on (a filler, then the answer when it comes); well inside Twilio's 15 s. Default 8s. */
  VOICE_TURN_BUDGET: duration.pipe(z.number().max(12_000, 'must stay well inside Twilio’s 15 s (at most 12s)')).default(8000),
  /** After this long without a reply the caller hears a filler ("One moment."). Default 1200ms. */
  VOICE_FILLER_DELAY: duration.default(1200),
  /** Silence after the bot finished speaking that counts as a missed answer (ConversationRelay; Gather uses its own timeout). Default 8s. */
  VOICE_SILENCE_TIMEOUT: duration.default(8000),
  /** How fast replies are spoken, in characters a second: the silence timeout starts once a reply has had time to be said. Default 15. */
  VOICE_SPEECH_CHARS_PER_SECOND: z.coerce.number().min(1).max(100_000).default(15),
  /** A person's number to <Dial> on a handoff (E.164), who hears a whisper of the handoff packet first; unset: the call waits in the <Enqueue> queue. */
  VOICE_AGENT_NUMBER: z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number such as +15551234567').optional(),
  /** The TaskRouter/queue name calls wait in when no agent number is set. Default support. */
  VOICE_AGENT_QUEUE: z.string().min(1).max(64).default('support'),
  /** Gone: when a person takes a call is the agent desk's AGENT_STAFFED_HOURS (per queue), so a call is never put through to a queue nobody staffs. */
  VOICE_AGENT_HOURS_START: removed('VOICE_AGENT_HOURS_START', 'calls follow AGENT_STAFFED_HOURS and AGENT_AFTER_HOURS'),
  VOICE_AGENT_HOURS_END: removed('VOICE_AGENT_HOURS_END', 'calls follow AGENT_STAFFED_HOURS and AGENT_AFTER_HOURS'),
});
export type VoiceVariables = z.output<typeof voiceVariables>;

export function voiceSettings(env: VoiceVariables & TwilioVariables & RuntimeVariables) {
  return {
    mode: env.VOICE_MODE,
    language: env.VOICE_LANGUAGE,
    ttsProvider: env.VOICE_TTS_PROVIDER,
    ttsVoice: env.VOICE_TTS_VOICE,
    transcriptionProvider: env.VOICE_TRANSCRIPTION_PROVIDER,
    gatherVoice: env.VOICE_GATHER_VOICE,
    turnBudgetMs: env.VOICE_TURN_BUDGET,
    fillerDelayMs: env.VOICE_FILLER_DELAY,
    silenceTimeoutMs: env.VOICE_SILENCE_TIMEOUT,
    speechCharsPerSecond: env.VOICE_SPEECH_CHARS_PER_SECOND,
    agentNumber: env.VOICE_AGENT_NUMBER,
    agentQueue: env.VOICE_AGENT_QUEUE,
    /**
     * The /try/voice page opens the ConversationRelay socket without X-Twilio-Signature (a browser
     * cannot set that header): only with no Twilio account (the sandbox, whose token is public
     * anyway) and never in production.
     */
    allowUnsignedSockets: isTwilioSandbox(env) && !isProduction(env),
  };
}
export type VoiceSettings = ReturnType<typeof voiceSettings>;
