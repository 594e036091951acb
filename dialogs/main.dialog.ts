import { ComponentDialog, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { Recognition } from '../src/nlu/recognizer.ts';
import type { BotServices, BotSettings } from './services.ts';
import { TICKET_STATUS_DIALOG, type TicketStatusDialog, type TicketStatusOptions } from './ticket-status.dialog.ts';
import { SYMPTOM, TROUBLE_TICKET_DIALOG, type TroubleTicketDialog, type TroubleTicketOptions } from './trouble-ticket.dialog.ts';
import { getTurnInfo } from './turn-info.ts';
import { requestAgent } from './cancel-and-help.dialog.ts';
import { contactText, helpText } from './wording.ts';

export const MAIN_DIALOG = 'mainDialog';
const ROUTE_STEPS = 'mainRouteSteps';

// Below this the recogniser's guess is not worth acting on.
const MIN_CONFIDENCE = 0.5;

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
    troubleTicketDialog: TroubleTicketDialog,
    ticketStatusDialog: TicketStatusDialog,
  ) {
    super(MAIN_DIALOG);
    this.addDialog(troubleTicketDialog);
    this.addDialog(ticketStatusDialog);
    this.addDialog(new WaterfallDialog(ROUTE_STEPS, [this.routeStep.bind(this), this.finalStep.bind(this)]));
    this.initialDialogId = ROUTE_STEPS;
  }

  /** Sends the message to the dialog for its intent, or answers it directly. */
  private async routeStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    const { recognition } = info;
    const intent = recognition.confidence >= MIN_CONFIDENCE ? recognition.intent : 'none';
    info.reason = intent;
    const say = (text: string) => step.context.sendActivity(text);

    if (!info.customer && !['help', 'thanks', 'goodbye'].includes(intent)) {
      info.reason = 'customer.unknown';
      await say(
        `Hi, this is ${this.settings.operatorName}. We couldn't match this number to an account, so I can't help by text. Please ${contactText(this.settings)}.`,
      );
      return step.endDialog();
    }
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
        await say(
          task
            ? `I can't ${task} by text yet. Please ${contactText(this.settings)}.`
            : `Sorry, I didn't understand. ${helpText(this.settings)}`,
        );
        return step.endDialog();
      }
    }
  }

  private async finalStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return step.endDialog();
  }
}

function entityValue(recognition: Recognition, type: string): string | undefined {
  return recognition.entities.find((entity) => entity.type === type)?.value;
}

const SERVICE_TYPES = ['internet', 'mobile', 'tv', 'landline'] as const;

function serviceTypeOf(value: string | undefined): (typeof SERVICE_TYPES)[number] | undefined {
  return SERVICE_TYPES.find((type) => type === value);
}
