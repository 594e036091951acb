import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import type { Logger } from '../../lib/logger.ts';
import { CHANNEL_CAPABILITIES, PermanentDeliveryError, type Channel, type ChannelGateway } from '../channel.ts';
import { isTwilioSignatureValid } from '../sms/twilio-messages.ts';
import type { CallFlowDeps, CallSpeaker } from './call-flow.ts';
import { runRelaySession } from './relay-session.ts';
import { renderForEar } from './speech.ts';
import { VOICE_PATHS, voiceRoutes, type VoiceRouteSettings } from './voice.routes.ts';

export interface VoiceChannelSettings extends VoiceRouteSettings {
  fillerDelayMs: number;
  silenceTimeoutMs: number;
  speechCharsPerSecond: number;
  allowUnsignedSockets: boolean;
}

export interface VoiceChannelOptions {
  authToken: string;
  publicBaseUrl: () => string;
  validateSignatures: boolean;
  phoneNumbers: string[];
  settings: VoiceChannelSettings;
  prisma: PrismaClient;
  logger: Logger;
  operatorName: string;
  timeZone: string;
  /** Runs a stored turn at once on this instance (the turn runner's runTurnsNow). */
  runTurnNow: CallFlowDeps['runTurnNow'];
  /** Keeps keyed digits or a read-out code for the bot's turn only (see TurnDeps.revealInput). */
  keepSecret: CallFlowDeps['keepSecret'];
  /** Texts a customer through the SMS channel (after-call references, after-hours follow-up). */
  textCustomer: CallFlowDeps['textCustomer'];
  /** The agent desk's handOff for a call (the console's queue). */
  queueForAgent: CallFlowDeps['queueForAgent'];
  /** The agent desk's answer to "can a person take this now?" (its staffed hours per queue): the one rule for handing a call over. */
  availability: CallFlowDeps['availability'];
  catalogNames(): Promise<string[]>;
  /** Prompt received → first text token sent, in ms (the bench reads it). */
  onFirstToken?: (ms: number) => void;
}

export type VoiceChannel = Channel & {
  /** The voice paths, for the sandbox page and the README. */
  readonly paths: typeof VOICE_PATHS;
};

/**
 * Voice through Twilio: the call webhooks (TwiML), ConversationRelay's WebSocket, Gather turns.
 * A reply is "delivered" by speaking it on the live call this instance holds for the caller.
 */
export function createVoiceChannel(options: VoiceChannelOptions): VoiceChannel {
  const { settings } = options;
  /**
   * The live calls on this instance, by the call's conversation (newest speaker last): where
   * deliver() speaks. Keyed by conversation, not by caller number: two calls from one number (a
   * family line, a switchboard) must each hear their own replies.
   */
  const live = new Map<string, CallSpeaker[]>();
  const register = (conversationId: string, speaker: CallSpeaker) => {
    live.set(conversationId, [...(live.get(conversationId) ?? []), speaker]);
    return () => {
      const left = (live.get(conversationId) ?? []).filter((entry) => entry !== speaker);
      if (left.length > 0) live.set(conversationId, left);
      else live.delete(conversationId);
    };
  };
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  let gateway: ChannelGateway | undefined;
  let flow: CallFlowDeps | undefined;

  const greeting = (givenName: string | null) =>
    givenName ? `Hi ${givenName}, thanks for calling ${options.operatorName}. How can I help you today?` : `Thanks for calling ${options.operatorName}. How can I help you today?`;

  function flowFor(channelGateway: ChannelGateway): CallFlowDeps {
    return {
      prisma: options.prisma,
      logger: options.logger,
      operatorName: options.operatorName,
      async store(message) {
        const stored = await channelGateway.accept(message, { runTurn: 'caller' });
        return { interactionId: stored.interactionId, duplicate: stored.duplicate, turn: stored.turn };
      },
      runTurnNow: options.runTurnNow,
      keepSecret: options.keepSecret,
      textCustomer: options.textCustomer,
      queueForAgent: options.queueForAgent,
      availability: options.availability,
      timeZone: options.timeZone,
      turnBudgetMs: settings.turnBudgetMs,
    };
  }

  return {
    name: 'voice',
    capabilities: CHANNEL_CAPABILITIES.voice,
    paths: VOICE_PATHS,
    routes(channelGateway) {
      gateway = channelGateway;
      flow = flowFor(channelGateway);
      return voiceRoutes({
        authToken: options.authToken,
        publicBaseUrl: options.publicBaseUrl,
        validateSignatures: options.validateSignatures,
        phoneNumbers: options.phoneNumbers,
        settings,
        flow,
        gateway: channelGateway,
        register,
        greeting,
        catalogNames: options.catalogNames,
      });
    },
    async deliver(message) {
      const speaker = message.conversationId === undefined ? undefined : live.get(message.conversationId)?.at(-1);
      // The call ended, or is held by another instance: nothing can be said on it from here.
      if (!speaker) throw new PermanentDeliveryError('call_not_live', `No live call with ${message.to} for this conversation on this instance.`);
      speaker.speak(message.interactionId, renderForEar(message));
      return { providerMessageId: `VO${message.interactionId.replace(/-/g, '')}`, status: 'delivered' };
    },
    handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
      const path = (req.url ?? '').split('?')[0];
      if (path !== VOICE_PATHS.relay) return false;
      if (!flow || !gateway) {
        socket.destroy();
        return true;
      }
      // Twilio signs the handshake over the wss URL it was given, with no parameters.
      const signature = req.headers['x-twilio-signature'];
      const signedUrl = `${options.publicBaseUrl().replace(/^http/, 'ws')}${req.url ?? ''}`;
      const signed = typeof signature === 'string' && isTwilioSignatureValid(options.authToken, signature, signedUrl, {});
      if (!signed && !(settings.allowUnsignedSockets || !options.validateSignatures)) {
        gateway.onRejected('invalid_signature');
        socket.end('HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{"error":{"code":"invalid_signature"}}');
        return true;
      }
      const callFlow = flow;
      sockets.handleUpgrade(req, socket, head, (ws) => {
        runRelaySession(ws, {
          flow: callFlow,
          register,
          greeting,
          fillerDelayMs: settings.fillerDelayMs,
          silenceTimeoutMs: settings.silenceTimeoutMs,
          speechCharsPerSecond: settings.speechCharsPerSecond,
          lateReplyWaitMs: 20_000,
          ...(options.onFirstToken ? { onFirstToken: options.onFirstToken } : {}),
        });
      });
      return true;
    },
    async close() {
      for (const client of sockets.clients) client.terminate();
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
    },
  };
}
