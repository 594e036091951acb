import { ComponentDialog, WaterfallDialog, type Dialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { INTENTS, type Intent, type Recognition } from '../src/nlu/recognizer.ts';
import { CLARIFY_DIALOG, INTENT_TOPICS, type ClarifyOptions } from './clarify.dialog.ts';
import { OFFER_AGENT_DIALOG } from './offer-agent.dialog.ts';
import type { BotServices, BotSettings } from './services.ts';
import type { IntentRoute } from './intent-route.ts';
import { getTurnInfo } from './turn-info.ts';
import { isStartOver, requestAgent } from './cancel-and-help.dialog.ts';
import { contactText, helpText, hereWords } from './wording.ts';
import { PROVE_CALLER_DIALOG } from './prove-caller.dialog.ts';
import { isPriceQuestion, ORDER_DIALOG, type OrderOptions } from './order.dialog.ts';

export const MAIN_DIALOG = 'mainDialog';
const ROUTE_STEPS = 'mainRouteSteps';

// Below this the recogniser's guess is not worth acting on: the bot asks instead.
const MIN_CONFIDENCE = 0.5;
// An alternative less likely than this is not worth offering in a clarifying question.
const MIN_ALTERNATIVE = 0.1;
// Requests that a yes or no about a resolved fault can come worded as ("nope still dropping").
const FAULT_INTENTS = new Set<Intent>(['ticket.create', 'ticket.status']);
// Misunderstandings in a row after which a person is offered.
const OFFER_AGENT_AFTER = 2;

/** Ends a sign-in dialog: the request to carry on with once the visitor is verified. */
export interface ResumeRequest {
  intent: Intent;
  recognition: Recognition;
}

/** Starts the sign-in of an anonymous visitor (web chat) before a request that needs a customer. */
export interface SignInOptions {
  resume: ResumeRequest;
}

/** Routes each new request to its dialog and answers small talk; child dialogs handle the rest. */
export class MainDialog extends ComponentDialog {
  constructor(
    private readonly services: BotServices,
    private readonly settings: BotSettings,
    /** Every child dialog: the routed ones, clarify, offer agent, sign-in. */
    children: Dialog[],
    /** Which dialog serves which request. */
    private readonly routes: readonly IntentRoute[],
    /** The dialog that verifies an anonymous visitor on a channel without a phone number; ends with the ResumeRequest, or nothing. */
    private readonly signInDialogId?: string,
  ) {
    super(MAIN_DIALOG);
    for (const child of children) this.addDialog(child);
    this.addDialog(new WaterfallDialog(ROUTE_STEPS, [this.routeStep.bind(this), this.clarifiedStep.bind(this), this.resumeStep.bind(this), this.finalStep.bind(this)]));
    this.initialDialogId = ROUTE_STEPS;
  }

  /** Sends the message to the dialog for its intent, asks when unsure, or answers it directly. */
  private async routeStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    const { recognition } = info;
    const understood = recognition.confidence >= MIN_CONFIDENCE && recognition.intent !== 'none';
    if (isStartOver(recognition.text)) {
      // The help text offers "start over" anytime: with nothing in progress it is a fresh start.
      info.reason = 'conversation.startOver';
      info.memory.misunderstood = 0;
      await step.context.sendActivity(`Sure, let's start fresh. ${helpText(this.settings, info.capabilities)}`);
      return step.endDialog();
    }
    // A caller ID that names a customer is asked for a code when the request needs one (routeIntent);
    // so is a caller whose number names nobody, where the channel can sign them in (voice).
    if (!info.customer && !info.caller && info.capabilities.addressIsPhone && !info.capabilities.inConversationSignIn && !(understood && this.servesAnyone(recognition.intent))) {
      return this.unknownNumber(step);
    }
    if (info.customer && recognition.answer && FAULT_INTENTS.has(recognition.intent)) {
      // "nope still dropping every 10 min": a no to "is it working again?" about a resolved ticket.
      const answered = await this.services.answerResolutionQuestion(info.customer.id, recognition.answer === 'yes' ? 'affirm' : 'deny');
      if (answered) {
        info.reason = `ticket.resolutionConfirmation.${recognition.answer === 'yes' ? 'affirm' : 'deny'}`;
        await step.context.sendActivity(answered);
        return step.endDialog();
      }
    }
    if (info.customer && isPriceQuestion(recognition)) {
      // "how much?" to a campaign text: that offer's order, whose summary gives the price and asks again.
      const campaignOffer = await this.services.findCampaignOffer(info.customer.id, info.now);
      if (campaignOffer) {
        info.memory.misunderstood = 0;
        return this.orderCampaignOffer(step, campaignOffer);
      }
    }
    if (understood) {
      info.memory.misunderstood = 0;
      return this.routeIntent(step, recognition.intent, recognition);
    }
    const pair = likeliestRequests(recognition);
    if (pair) {
      const options: ClarifyOptions = { intents: pair };
      return step.beginDialog(CLARIFY_DIALOG, options);
    }
    return this.notUnderstood(step);
  }

  /** After a clarifying question or a sign-in: routes the request the customer picked or started with. */
  private async clarifiedStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    const resumed = resumeRequestOf(step.result);
    if (resumed && info.customer) return this.routeIntent(step, resumed.intent, resumed.recognition);
    const chosen = INTENTS.find((intent) => intent === step.result);
    if (!chosen) return step.next();
    info.memory.misunderstood = 0;
    return this.routeIntent(step, chosen, info.recognition);
  }

  /** After a clarifying question whose answer needed a sign-in first: carries on with the request. */
  private async resumeStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    const resumed = resumeRequestOf(step.result);
    if (resumed && info.customer) return this.routeIntent(step, resumed.intent, resumed.recognition);
    return step.next();
  }

  /** Whether an unidentified sender may make this request (help, offers, small talk). */
  private servesAnyone(intent: Intent): boolean {
    if (['help', 'thanks', 'goodbye'].includes(intent)) return true;
    return this.routes.some((route) => route.intents.includes(intent) && route.audience === 'anyone');
  }

  private async unknownNumber(step: WaterfallStepContext): Promise<DialogTurnResult> {
    getTurnInfo(step.context).reason = 'customer.unknown';
    await step.context.sendActivity(
      `Hi, this is ${this.settings.operatorName}. We couldn't match this number to an account, so I can't help with that ${hereWords(getTurnInfo(step.context).capabilities)}. Please ${contactText(this.settings)}.`,
    );
    return step.endDialog();
  }

  /** One more message the bot could not place; after a few in a row, a person is offered. */
  private async notUnderstood(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    info.reason = 'none';
    info.memory.misunderstood += 1;
    if (info.memory.misunderstood >= OFFER_AGENT_AFTER) {
      info.memory.misunderstood = 0;
      return step.beginDialog(OFFER_AGENT_DIALOG);
    }
    await step.context.sendActivity(`Sorry, I didn't understand. ${helpText(this.settings, info.capabilities)}`);
    return step.endDialog();
  }

  private async routeIntent(step: WaterfallStepContext, intent: Intent, recognition: Recognition): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    info.reason = intent;
    const say = (text: string) => step.context.sendActivity(text);
    const route = this.routes.find((candidate) => candidate.intents.includes(intent));
    if (route) {
      info.memory.lastRequest = intent;
      if (route.audience === 'customer' && !info.customer) {
        const resume: SignInOptions = { resume: { intent, recognition } };
        // Caller ID named a customer but proves nothing: a code to the number on file first.
        if (info.caller) return step.beginDialog(PROVE_CALLER_DIALOG, resume);
        if (!info.capabilities.inConversationSignIn || !this.signInDialogId) return this.unknownNumber(step);
        return step.beginDialog(this.signInDialogId, resume);
      }
      return step.beginDialog(route.dialogId, route.options?.(recognition, info) ?? {});
    }
    switch (intent) {
      case 'greeting':
        await say(`Hi ${info.customer?.givenName ?? info.caller?.givenName ?? 'there'}! ${helpText(this.settings, info.capabilities)}`);
        return step.endDialog();
      case 'help':
        await say(helpText(this.settings, info.capabilities));
        return step.endDialog();
      case 'thanks':
        await say("You're welcome!");
        return step.endDialog();
      case 'goodbye':
        await say(`Thanks for contacting ${this.settings.operatorName}. Bye for now!`);
        return step.endDialog();
      case 'agent.request':
        await requestAgent(step.context, this.services, this.settings);
        return step.endDialog();
      case 'affirm':
      case 'deny': {
        // No question of the bot's is open; the yes/no may answer "does it work again?" about a resolved ticket.
        const answered = info.customer ? await this.services.answerResolutionQuestion(info.customer.id, intent) : null;
        if (answered) {
          info.reason = `ticket.resolutionConfirmation.${intent}`;
          await say(answered);
          return step.endDialog();
        }
        // A "yes" to a campaign text: that offer's order (eligibility and price checked again, one confirmation).
        const campaignOffer = intent === 'affirm' && info.customer ? await this.services.findCampaignOffer(info.customer.id, info.now) : null;
        if (campaignOffer) return this.orderCampaignOffer(step, campaignOffer);
        await say('Sorry, I lost track of what we were talking about. What can I help you with?');
        return step.endDialog();
      }
      default:
        return this.notUnderstood(step);
    }
  }

  /** A reply to a campaign text: the order of its offer (eligibility and price checked again, one confirmation), attributed to the campaign. */
  private async orderCampaignOffer(step: WaterfallStepContext, campaignOffer: { campaignId: string; variant: string; offerCode: string }): Promise<DialogTurnResult> {
    getTurnInfo(step.context).reason = `campaign.reply:${campaignOffer.campaignId}:${campaignOffer.variant}`;
    const options: OrderOptions = { offeringCode: campaignOffer.offerCode };
    return step.beginDialog(ORDER_DIALOG, options);
  }

  /** After a caller proved who they are from the resume step: carries on with the request. */
  private async finalStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    const resumed = resumeRequestOf(step.result);
    if (resumed && info.customer) return this.routeIntent(step, resumed.intent, resumed.recognition);
    return step.endDialog();
  }
}

/** The two likeliest requests worth asking about, when the recogniser was unsure. */
function likeliestRequests(recognition: Recognition): [Intent, Intent] | undefined {
  const ranked = [{ intent: recognition.intent, confidence: recognition.confidence }, ...(recognition.alternatives ?? [])];
  const [first, second] = ranked.filter((candidate) => candidate.confidence >= MIN_ALTERNATIVE && INTENT_TOPICS[candidate.intent] !== undefined);
  return first && second ? [first.intent, second.intent] : undefined;
}

function resumeRequestOf(value: unknown): ResumeRequest | undefined {
  if (typeof value !== 'object' || value === null || !('intent' in value) || !('recognition' in value)) return undefined;
  const intent = INTENTS.find((candidate) => candidate === value.intent);
  const recognition = value.recognition;
  if (!intent || typeof recognition !== 'object' || recognition === null || !('text' in recognition)) return undefined;
  return { intent, recognition: recognitionOf(recognition) };
}

/** A recognition read back from dialog state (plain JSON). */
function recognitionOf(value: object): Recognition {
  const text = 'text' in value && typeof value.text === 'string' ? value.text : '';
  const intent = 'intent' in value ? INTENTS.find((candidate) => candidate === value.intent) ?? 'none' : 'none';
  const confidence = 'confidence' in value && typeof value.confidence === 'number' ? value.confidence : 0;
  const entities = 'entities' in value && Array.isArray(value.entities) ? value.entities.filter(isEntity) : [];
  return { text, intent, confidence, entities };
}

function isEntity(value: unknown): value is Recognition['entities'][number] {
  return typeof value === 'object' && value !== null && 'type' in value && 'value' in value && typeof value.value === 'string';
}
