import type { WebSocket } from 'ws';
import { findRepliesTo, findVoiceCall, openVoiceCall, recordInterruption, recordSpokenPrompt } from '../../domain/interactions/voice-calls.ts';
import { handleCallerInput, type CallerInput, type CallFlowDeps, type CallNext, type CallSpeaker } from './call-flow.ts';
import { inboundRelayFrame, outboundRelayFrame, type HandoffData, type OutboundRelayFrame } from './relay-messages.ts';
import { asksForCode, renderForEar, sentences } from './speech.ts';
import { findLastPrompt } from '../../domain/interactions/voice-calls.ts';

// One ConversationRelay session: Twilio's frames in, text tokens out. Inputs are handled one at a
// time in arrival order; keys are gathered into a code when the last prompt asks for one; silence
// after the bot spoke counts on the escalation ladder; a barge-in records what was really heard.

export interface RelaySessionOptions {
  flow: CallFlowDeps;
  /** Registers the session as the call's live speaker (deliver() speaks through it) until the returned function is called. */
  register(conversationId: string, speaker: CallSpeaker): () => void;
  greeting(givenName: string | null): string;
  fillerDelayMs: number;
  silenceTimeoutMs: number;
  speechCharsPerSecond: number;
  /** How long to wait for the replies of a turn that outlived its budget (run by the turn queue). */
  lateReplyWaitMs: number;
  onFirstToken?: (ms: number) => void;
}

/** Keys typed for a code arrive one frame each: they are gathered until "#", 8 digits or a pause. */
const KEY_PAUSE_MS = 2500;

export function runRelaySession(socket: WebSocket, options: RelaySessionOptions): void {
  const { flow } = options;
  const log = flow.logger.child({ channel: 'voice' });
  let callSid: string | undefined;
  let unregister: (() => void) | undefined;
  let chain: Promise<void> = Promise.resolve();
  let keys = '';
  let keyTimer: NodeJS.Timeout | undefined;
  let silenceTimer: NodeJS.Timeout | undefined;
  let ended = false;
  /** What this talk cycle spoke, in order: a barge-in is matched against it. */
  let cycle: { replyId: string | null; spoken: string }[] = [];
  let inputStartedAt: number | undefined;
  let firstTokenSent = false;

  const send = (frame: OutboundRelayFrame) => {
    const checked = outboundRelayFrame.parse(frame);
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(checked));
  };
  const speaker: CallSpeaker = {
    speak(replyId, spoken) {
      if (ended) return;
      if (!firstTokenSent && inputStartedAt !== undefined) {
        firstTokenSent = true;
        options.onFirstToken?.(performance.now() - inputStartedAt);
      }
      cycle.push({ replyId, spoken });
      const parts = sentences(spoken);
      parts.forEach((part, index) => send({ type: 'text', token: part, last: index === parts.length - 1 }));
      armSilence(spoken);
    },
    hasSpoken(replyId) {
      return cycle.some((entry) => entry.replyId === replyId);
    },
  };

  function armSilence(spoken: string) {
    clearTimeout(silenceTimer);
    // The timer starts when the words are sent; saying them takes a while first.
    silenceTimer = setTimeout(() => enqueue({ kind: 'silence' }), options.silenceTimeoutMs + (spoken.length * 1000) / options.speechCharsPerSecond);
  }

  function enqueue(input: CallerInput) {
    clearTimeout(silenceTimer);
    chain = chain.then(() => handle(input)).catch((error: unknown) => log.error({ err: error, callSid }, 'voice input failed'));
  }

  async function handle(input: CallerInput) {
    if (!callSid || ended) return;
    const call = await findVoiceCall(flow.prisma, callSid);
    if (!call) return;
    cycle = [];
    inputStartedAt = performance.now();
    firstTokenSent = false;
    const filler = setTimeout(() => {
      if (!firstTokenSent) send({ type: 'text', token: 'One moment. ', last: false });
    }, options.fillerDelayMs);
    try {
      const handled = await handleCallerInput(flow, call, input, speaker);
      if (handled.waiting && handled.inboundId) await speakLateReplies(handled.inboundId);
      await follow(handled.next);
    } finally {
      clearTimeout(filler);
    }
  }

  async function speakLateReplies(inboundId: string) {
    const deadline = Date.now() + options.lateReplyWaitMs;
    while (Date.now() < deadline && !ended) {
      const { handled, replies } = await findRepliesTo(flow.prisma, inboundId);
      if (handled) {
        const spoken = new Set(cycle.map((entry) => entry.replyId));
        for (const reply of replies) if (!spoken.has(reply.id)) speaker.speak(reply.id, renderForEar(reply));
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async function follow(next: CallNext) {
    if (next.kind === 'listen' || !callSid) return;
    const data: HandoffData = next.kind === 'handoff' ? { reasonCode: 'live-agent-handoff', reason: next.reason, callSid } : { reasonCode: 'hangup', callSid };
    send({ type: 'end', handoffData: JSON.stringify(data) });
    ended = true;
    clearTimeout(silenceTimer);
  }

  async function setup(frame: { callSid: string; from: string; to: string }) {
    callSid = frame.callSid;
    const opened = await openVoiceCall(flow.prisma, { callSid: frame.callSid, from: frame.from, to: frame.to, mode: 'relay', status: 'in-progress' });
    unregister = options.register(opened.conversationId, speaker);
    // Twilio says the welcome greeting from the TwiML; a session nobody greeted (the sandbox page) is greeted here.
    if (!(await findLastPrompt(flow.prisma, opened.conversationId))) {
      const greeting = options.greeting(opened.givenName);
      await recordSpokenPrompt(flow.prisma, { conversationId: opened.conversationId, customerId: opened.customerId, from: frame.to, to: frame.from, text: greeting, reason: 'voice.greeting' });
      speaker.speak(null, greeting);
    } else {
      armSilence('');
    }
  }

  async function interrupted(heard: string, heardMs: number | undefined) {
    if (!callSid) return;
    // The reply the caller talked over is the one whose words the heard part ends in.
    let offset = 0;
    for (const entry of cycle) {
      const end = offset + entry.spoken.length;
      if (heard.length <= end || entry === cycle[cycle.length - 1]) {
        if (entry.replyId) await recordInterruption(flow.prisma, { interactionId: entry.replyId, callSid, heardText: heard.slice(offset).trim(), heardMs });
        return;
      }
      offset = end + 1;
    }
  }

  async function keyPressed(digit: string) {
    if (!callSid) return;
    clearTimeout(silenceTimer);
    clearTimeout(keyTimer);
    const call = await findVoiceCall(flow.prisma, callSid);
    const last = call ? await findLastPrompt(flow.prisma, call.conversationId) : null;
    // One key answers a choice at once; a code is gathered first.
    if (!asksForCode(last?.text) && keys === '') {
      if (digit !== '#' && digit !== '*') enqueue({ kind: 'keys', digits: digit });
      return;
    }
    if (digit === '#' || digit === '*') {
      flushKeys();
      return;
    }
    keys += digit;
    if (keys.length >= 8) flushKeys();
    else keyTimer = setTimeout(flushKeys, KEY_PAUSE_MS);
  }

  function flushKeys() {
    clearTimeout(keyTimer);
    if (keys) enqueue({ kind: 'keys', digits: keys });
    keys = '';
  }

  socket.on('message', (raw) => {
    let json: unknown;
    try {
      json = JSON.parse(String(raw));
    } catch {
      log.warn({ callSid }, 'ConversationRelay frame is not JSON');
      return;
    }
    const parsed = inboundRelayFrame.safeParse(json);
    if (!parsed.success) {
      log.warn({ callSid, issues: parsed.error.issues.map((issue) => issue.message) }, 'unexpected ConversationRelay frame');
      return;
    }
    const frame = parsed.data;
    switch (frame.type) {
      case 'setup':
        chain = chain.then(() => setup(frame)).catch((error: unknown) => log.error({ err: error }, 'voice setup failed'));
        return;
      case 'prompt':
        if (frame.last && frame.voicePrompt.trim()) enqueue({ kind: 'speech', text: frame.voicePrompt });
        return;
      case 'dtmf':
        chain = chain.then(() => keyPressed(frame.digit)).catch((error: unknown) => log.error({ err: error }, 'voice key failed'));
        return;
      case 'interrupt':
        chain = chain.then(() => interrupted(frame.utteranceUntilInterrupt, frame.durationUntilInterruptMs)).catch((error: unknown) => log.error({ err: error }, 'voice interrupt failed'));
        return;
      case 'error':
        log.warn({ callSid, description: frame.description }, 'ConversationRelay reported an error');
        return;
    }
  });
  socket.on('close', () => {
    ended = true;
    clearTimeout(silenceTimer);
    clearTimeout(keyTimer);
    unregister?.();
  });
}
