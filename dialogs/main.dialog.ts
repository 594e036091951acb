import { ComponentDialog, WaterfallDialog, type Dialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { INTENTS, type Intent, type Recognition } from '../src/nlu/recognizer.ts';
import { CLARIFY_DIALOG, INTENT_TOPICS, type ClarifyOptions } from './clarify.dialog.ts';
import { OFFER_AGENT_DIALOG } from './offer-agent.dialog.ts';
import type { BotServices, BotSettings } from './services.ts';
import { TICKET_STATUS_DIALOG, type TicketStatusOptions } from './ticket-status.dialog.ts';
import { SYMPTOM, TROUBLE_TICKET_DIALOG, type TroubleTicketOptions } from './trouble-ticket.dialog.ts';
import { getTurnInfo } from './turn-info.ts';
import { requestAgent } from './cancel-and-help.dialog.ts';
import { contactText, helpText } from './wording.ts';

export const MAIN_DIALOG = 'mainDialog';
const ROUTE_STEPS = 'mainRouteSteps';

// Below this the recogniser's guess is not worth acting on: the bot asks instead.
const MIN_CONFIDENCE = 0.5;
// An alternative less likely than this is not worth offering in a clarifying question.
const MIN_ALTERNATIVE = 0.1;
// Misunderstandings in a row after which a person is offered.
const OFFER_AGENT_AFTER = 2;

// Requests whose conversations arrive in later releases: the bot says so and where to go.
const NOT_YET_BY_TEXT: Partial<Record<Recognition['intent'], string>> = {
  'order.create': 'place an order',
  'order.status': 'check an order',
  'bill.inquiry': 'go through your bill',
  'bill.dispute': 'dispute a charge',
  'profile.view': 'show your details',
  'profile.update': 'change your details',
  'product.info': 'go through our offers',
  'service.cancel': 'cancel a service',
};

/** Routes each new request to its dialog and answers small talk; child dialogs handle the rest. */
export class MainDialog extends ComponentDialog {
  constructor(
    private readonly services: BotServices,
    private readonly settings: BotSettings,
    /** The child dialogs: trouble ticket, ticket status, clarify, offer agent. */
    children: Dialog[],
  ) {
    super(MAIN_DIALOG);
    for (const child of children) this.addDialog(child);
    this.addDialog(new WaterfallDialog(ROUTE_STEPS, [this.routeStep.bind(this), this.clarifiedStep.bind(this), this.finalStep.bind(this)]));
    this.initialDialogId = ROUTE_STEPS;
  }

  /** Sends the message to the dialog for its intent, asks when unsure, or answers it directly. */
  private async routeStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    const { recognition } = info;
    const understood = recognition.confidence >= MIN_CONFIDENCE && recognition.intent !== 'none';
    if (!info.customer && !(understood && ['help', 'thanks', 'goodbye'].includes(recognition.intent))) {
      info.reason = 'customer.unknown';
      await step.context.sendActivity(
        `Hi, this is ${this.settings.operatorName}. We couldn't match this number to an account, so I can't help by text. Please ${contactText(this.settings)}.`,
      );
      return step.endDialog();
    }
    if (understood) {
      info.memory.misunderstood = 0;
      return this.routeIntent(step, recognition.intent);
    }
    const pair = likeliestRequests(recognition);
    if (pair) {
      const options: ClarifyOptions = { intents: pair };
      return step.beginDialog(CLARIFY_DIALOG, options);
    }
    return this.notUnderstood(step);
  }

  /** After a clarifying question: routes the request the customer picked. */
  private async clarifiedStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const chosen = INTENTS.find((intent) => intent === step.result);
    if (!chosen) return step.next();
    getTurnInfo(step.context).memory.misunderstood = 0;
    return this.routeIntent(step, chosen);
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
    await step.context.sendActivity(`Sorry, I didn't understand. ${helpText(this.settings)}`);
    return step.endDialog();
  }

  private async routeIntent(step: WaterfallStepContext, intent: Intent): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    const { recognition } = info;
    info.reason = intent;
    const say = (text: string) => step.context.sendActivity(text);
    switch (intent) {
      case 'ticket.create': {
        const options: TroubleTicketOptions = {
          serviceType: serviceTypeOf(entityValue(recognition, 'serviceType')),
          issueStartedAt: entityValue(recognition, 'date'),
          description: SYMPTOM.test(recognition.text) ? recognition.text : undefined,
        };
        return step.beginDialog(TROUBLE_TICKET_DIALOG, options);
      }
      case 'ticket.status': {
        const options: TicketStatusOptions = { reference: entityValue(recognition, 'ticketRef') };
        return step.beginDialog(TICKET_STATUS_DIALOG, options);
      }
      case 'greeting':
        await say(`Hi ${info.customer?.givenName ?? 'there'}! ${helpText(this.settings)}`);
        return step.endDialog();
      case 'help':
        await say(helpText(this.settings));
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
      case 'deny':
        await say('Sorry, I lost track of what we were talking about. What can I help you with?');
        return step.endDialog();
      default: {
        const task = NOT_YET_BY_TEXT[intent];
        if (!task) return this.notUnderstood(step);
        await say(`I can't ${task} by text yet. Please ${contactText(this.settings)}.`);
        return step.endDialog();
      }
    }
  }

  private async finalStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return step.endDialog();
  }
}

/** The two likeliest requests worth asking about, when the recogniser was unsure. */
function likeliestRequests(recognition: Recognition): [Intent, Intent] | undefined {
  const ranked = [{ intent: recognition.intent, confidence: recognition.confidence }, ...(recognition.alternatives ?? [])];
  const [first, second] = ranked.filter((candidate) => candidate.confidence >= MIN_ALTERNATIVE && INTENT_TOPICS[candidate.intent] !== undefined);
  return first && second ? [first.intent, second.intent] : undefined;
}

function entityValue(recognition: Recognition, type: string): string | undefined {
  return recognition.entities.find((entity) => entity.type === type)?.value;
}

const SERVICE_TYPES = ['internet', 'mobile', 'tv', 'landline'] as const;

function serviceTypeOf(value: string | undefined): (typeof SERVICE_TYPES)[number] | undefined {
  return SERVICE_TYPES.find((type) => type === value);
}
