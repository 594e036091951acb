import { ConversationState } from 'botbuilder-core';
import { runDialog, type Dialog, type DialogState } from 'botbuilder-dialogs';
import { MainDialog } from '../../dialogs/main.dialog.ts';
import type { BotServices, BotSettings } from '../../dialogs/services.ts';
import type { IntentRoute } from '../../dialogs/intent-route.ts';
import { CANCEL_SERVICE_ROUTE, CancelServiceDialog } from '../../dialogs/cancel-service.dialog.ts';
import { COMPLAINT_ROUTE, ComplaintDialog } from '../../dialogs/complaint.dialog.ts';
import { TICKET_STATUS_ROUTE, TicketStatusDialog } from '../../dialogs/ticket-status.dialog.ts';
import { BILL_INQUIRY_ROUTE, BillInquiryDialog } from '../../dialogs/bill-inquiry.dialog.ts';
import { BILL_DISPUTE_ROUTE, BillDisputeDialog } from '../../dialogs/bill-dispute.dialog.ts';
import { TROUBLE_TICKET_ROUTE, TroubleTicketDialog } from '../../dialogs/trouble-ticket.dialog.ts';
import { setTurnInfo, type ConversationMemory, type TurnInfo } from '../../dialogs/turn-info.ts';
import { ClarifyDialog } from '../../dialogs/clarify.dialog.ts';
import { OfferAgentDialog } from '../../dialogs/offer-agent.dialog.ts';
import { OFFERS_ROUTE, OffersDialog } from '../../dialogs/offers.dialog.ts';
import { ORDER_ROUTE, OrderDialog } from '../../dialogs/order.dialog.ts';
import { ORDER_STATUS_ROUTE, OrderStatusDialog } from '../../dialogs/order-status.dialog.ts';
import { PROFILE_UPDATE_ROUTE, ProfileUpdateDialog } from '../../dialogs/profile-update.dialog.ts';
import { PROFILE_VIEW_ROUTE, ProfileViewDialog } from '../../dialogs/profile-view.dialog.ts';
import { SignInDialog } from '../../dialogs/sign-in.dialog.ts';
import { VerifyDialog } from '../../dialogs/verify.dialog.ts';
import { ProveCallerDialog } from '../../dialogs/prove-caller.dialog.ts';
import { CHANNEL_CAPABILITIES } from '../domain/interactions/messages.ts';
import type { CustomerSummary } from '../domain/customers/customers.service.ts';
import type { InboundTurnMessage, StoredBotState, TurnOutcome } from '../domain/interactions/turns.ts';
import type { Sql } from '../db/sql.ts';
import { INTENTS, type Recognizer } from '../nlu/recognizer.ts';
import { DialogStateConfigurationCache } from './dialog-state-configuration.ts';
import { CollectingAdapter } from './turn-adapter.ts';
import { conversationStateKey, TurnStorage } from './turn-storage.ts';

export interface BotTurn {
  outcome: TurnOutcome;
  /** The turn's state changes: write them in the same transaction as the outcome. */
  storage: TurnStorage;
}

export interface ConversationBot {
  /** `state`: the conversation's stored state if the caller read it already (null: none stored). */
  runTurn(message: InboundTurnMessage, customer: CustomerSummary | null, state?: StoredBotState | null, options?: BotTurnOptions): Promise<BotTurn>;
}

export interface BotTurnOptions {
  /**
   * An agent handed the conversation back to this request (e.g. order.create): unless the
   * customer's message is itself a clear request, the bot starts that request's dialog.
   */
  resumeIntent?: string | undefined;
}

/** Wires botbuilder to our dialogs: one turn in, the replies and records it produced out. */
export function createConversationBot(sql: Sql, recognizer: Recognizer, services: BotServices, settings: BotSettings): ConversationBot {
  const adapter = new CollectingAdapter();
  adapter.onTurnError = async (_context, error) => {
    throw error;
  };
  // One line per conversation the bot can hold: its dialog and the requests that start it.
  const routed: Array<{ dialog: Dialog; routes: IntentRoute[] }> = [
    { dialog: new TroubleTicketDialog(services, settings), routes: [TROUBLE_TICKET_ROUTE] },
    { dialog: new TicketStatusDialog(services, settings), routes: [TICKET_STATUS_ROUTE] },
    { dialog: new OrderDialog(services, settings), routes: [ORDER_ROUTE] },
    { dialog: new OrderStatusDialog(services, settings), routes: [ORDER_STATUS_ROUTE] },
    { dialog: new OffersDialog(services, settings), routes: [OFFERS_ROUTE] },
    { dialog: new CancelServiceDialog(services, settings), routes: [CANCEL_SERVICE_ROUTE] },
    { dialog: new ComplaintDialog(services, settings), routes: [COMPLAINT_ROUTE] },
    { dialog: new ProfileViewDialog(services, settings), routes: [PROFILE_VIEW_ROUTE] },
    { dialog: new ProfileUpdateDialog(services, settings), routes: [PROFILE_UPDATE_ROUTE] },
    { dialog: new BillInquiryDialog(services, settings), routes: [BILL_INQUIRY_ROUTE] },
    { dialog: new BillDisputeDialog(services, settings), routes: [BILL_DISPUTE_ROUTE] },
  ];
  // Verifies an anonymous web chat visitor before a request that needs a customer.
  const signIn = new SignInDialog(services, settings);
  const mainDialog = new MainDialog(
    services,
    settings,
    [...routed.map((entry) => entry.dialog), new ClarifyDialog(services, settings), new OfferAgentDialog(services, settings), new VerifyDialog(services, settings), new ProveCallerDialog(services, settings), signIn],
    routed.flatMap((entry) => entry.routes),
    signIn.id,
  );

  const stateConfiguration = new DialogStateConfigurationCache();

  return {
    async runTurn(message, customer, state, options) {
      const now = new Date();
      const storage = new TurnStorage(sql, state === undefined ? undefined : { key: conversationStateKey(message), row: state });
      const conversationState = new ConversationState(storage);
      const dialogState = conversationState.createProperty<DialogState>('DialogState');
      const memory = conversationState.createProperty<ConversationMemory>('BotMemory');
      const recognized = await recognizer.recognize(message.text, { referenceDate: now, timeZone: settings.timeZone });
      const resumeIntent = INTENTS.find((intent) => intent === options?.resumeIntent);
      const recognition = resumeIntent && !recognized.intent.includes('.') ? { ...recognized, intent: resumeIntent, confidence: 1 } : recognized;
      const capabilities = CHANNEL_CAPABILITIES[message.channel];
      // A customer named by an address that proves nothing (voice caller ID) is only a hint until a
      // one-time code verified them in this conversation: no dialog sees account data before that.
      const proven =
        customer === null || !capabilities.addressIsPhone || capabilities.addressIsProof || (await services.isVerified({ conversationId: message.conversationId, customerId: customer.id, now }));
      const info: TurnInfo = {
        customer: proven ? customer : null,
        caller: customer,
        channel: message.channel,
        capabilities,
        inboundId: message.id,
        correlationId: message.correlationId ?? message.id,
        recognition,
        now,
        // Replaced by the stored value once the turn's context exists.
        memory: { misunderstood: 0 },
        reason: null,
        links: [],
      };
      const sent = await adapter.runTurn(
        {
          type: 'message',
          id: message.id,
          text: message.text,
          channelId: message.channel,
          timestamp: now,
          conversation: { id: message.conversationId, isGroup: false, conversationType: 'personal', name: '' },
          from: { id: message.fromAddress, name: '' },
          recipient: { id: message.toAddress, name: '' },
        },
        async (context) => {
          info.memory = await memory.get(context, { misunderstood: 0 });
          setTurnInfo(context, info);
          stateConfiguration.lend(context);
          await runDialog(mainDialog, context, dialogState);
          stateConfiguration.keep(context);
          if (info.reroute) {
            // A dialog gave way to a new request: route this message again, once.
            info.reroute = false;
            await runDialog(mainDialog, context, dialogState);
          }
          await conversationState.saveChanges(context);
        },
      );
      const reason = info.reason ?? recognition.intent;
      return {
        storage,
        outcome: {
          reason,
          replies: sent.flatMap((activity) =>
            activity.text ? [{ text: activity.text, reason, suggestedActions: (activity.suggestedActions?.actions ?? []).map((action) => String(action.value ?? action.title)) }] : [],
          ),
          links: info.links,
        },
      };
    },
  };
}
