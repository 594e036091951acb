import twilio from 'twilio';
import type VoiceResponseType from 'twilio/lib/twiml/VoiceResponse.js';

// The TwiML the voice channel answers with: ConversationRelay, a <Gather> turn, the handoff.

const { VoiceResponse } = twilio.twiml;
type SayVoice = NonNullable<VoiceResponseType.SayAttributes['voice']>;
type GatherLanguage = NonNullable<VoiceResponseType.GatherAttributes['language']>;

// The settings are checked when read (VOICE_GATHER_VOICE, VOICE_LANGUAGE); these only narrow the type.
function isSayVoice(voice: string): voice is SayVoice {
  return /^(Polly|Google|ElevenLabs)\.|^(man|woman|alice)$/.test(voice);
}
function isGatherLanguage(language: string): language is GatherLanguage {
  return /^[a-z]{2,3}-[A-Z]{2}$/.test(language);
}
function sayAttributes(voice: string): { voice?: SayVoice } {
  return isSayVoice(voice) ? { voice } : {};
}

export interface RelayTwimlOptions {
  socketUrl: string;
  actionUrl: string;
  greeting: string;
  language: string;
  ttsProvider: string;
  voice: string | undefined;
  transcriptionProvider: string;
  hints: string;
}

/** <Connect action><ConversationRelay …/></Connect>: Twilio speaks and listens, our socket talks. */
export function relayTwiml(options: RelayTwimlOptions): string {
  const response = new VoiceResponse();
  const connect = response.connect({ action: options.actionUrl, method: 'POST' });
  connect.conversationRelay({
    url: options.socketUrl,
    welcomeGreeting: options.greeting,
    language: options.language,
    ttsProvider: options.ttsProvider,
    ...(options.voice ? { voice: options.voice } : {}),
    transcriptionProvider: options.transcriptionProvider,
    dtmfDetection: true,
    interruptible: 'any',
    hints: options.hints,
  });
  return response.toString();
}

export interface GatherTwimlOptions {
  say: string[];
  actionUrl: string;
  language: string;
  voice: string;
  hints: string;
}

/** One Gather turn: say the replies, then listen for speech or keys; an empty result still posts (silence). */
export function gatherTwiml(options: GatherTwimlOptions): string {
  const response = new VoiceResponse();
  const language = options.language;
  const gather = response.gather({
    input: ['speech', 'dtmf'],
    action: options.actionUrl,
    method: 'POST',
    ...(isGatherLanguage(language) ? { language } : {}),
    hints: options.hints,
    timeout: 5,
    finishOnKey: '#',
    actionOnEmptyResult: true,
  });
  for (const line of options.say) gather.say(sayAttributes(options.voice), line);
  return response.toString();
}

/** Say something, then go on at `url` (a turn that outlived the webhook's budget). */
export function sayAndRedirectTwiml(say: string, voice: string, url: string): string {
  const response = new VoiceResponse();
  response.say(sayAttributes(voice), say);
  response.pause({ length: 1 });
  response.redirect({ method: 'POST' }, url);
  return response.toString();
}

export interface HandoffTwimlOptions {
  say: string[];
  voice: string;
  /** Dial this number, after the whisper at `whisperUrl` is read to the person who answers… */
  agentNumber: string | undefined;
  whisperUrl: string;
  /** …or wait in this queue. */
  queue: string;
}

export function handoffTwiml(options: HandoffTwimlOptions): string {
  const response = new VoiceResponse();
  for (const line of options.say) response.say(sayAttributes(options.voice), line);
  if (options.agentNumber) {
    response.dial().number({ url: options.whisperUrl, method: 'POST' }, options.agentNumber);
  } else {
    response.enqueue(options.queue);
  }
  return response.toString();
}

export function sayTwiml(lines: string[], voice: string, then: 'hangup' | 'nothing' = 'hangup'): string {
  const response = new VoiceResponse();
  for (const line of lines) response.say(sayAttributes(voice), line);
  if (then === 'hangup') response.hangup();
  return response.toString();
}
