import { TextPrompt, WaterfallDialog, type PromptValidatorContext, type WaterfallStepContext, type DialogTurnResult } from 'botbuilder-dialogs';
import type { SubscribedService } from '../src/domain/customers/customers.service.ts';
import { CancelAndHelpDialog } from './cancel-and-help.dialog.ts';
import { entityValue, type IntentRoute } from './intent-route.ts';
import type { BotServices, BotSettings, ServiceType } from './services.ts';
import { getTurnInfo } from './turn-info.ts';
import type { Entity } from '../src/nlu/recognizer.ts';
import { contactText, formatDay, formatDayTime, SERVICE_NAMES } from './wording.ts';

export const TROUBLE_TICKET_DIALOG = 'troubleTicketDialog';

export const TROUBLE_TICKET_ROUTE: IntentRoute = {
  intents: ['ticket.create'],
  dialogId: TROUBLE_TICKET_DIALOG,
  audience: 'customer',
  options: (recognition): TroubleTicketOptions => ({
    serviceType: SERVICE_TYPES.find((type) => type === entityValue(recognition, 'serviceType')),
    issueStartedAt: entityValue(recognition, 'date'),
    description: SYMPTOM.test(recognition.text) ? recognition.text : undefined,
  }),
};
const SERVICE_TYPES: readonly ServiceType[] = ['internet', 'mobile', 'tv', 'landline'];
const STEPS = 'troubleTicketSteps';
const SERVICE_PROMPT = 'troubleTicketServicePrompt';
const SINCE_PROMPT = 'troubleTicketSincePrompt';
const DESCRIPTION_PROMPT = 'troubleTicketDescriptionPrompt';
const CONFIRM_PROMPT = 'troubleTicketConfirmPrompt';

/** Words that describe what is wrong, so the customer's first message can serve as the description. */
export const SYMPTOM = /\b(down|not working|doesn'?t work|isn'?t working|won'?t|no (internet|signal|service|connection|dial ?tone|picture|sound)|dropp\w*|disconnect\w*|cutting out|buffering|slow|outage|broken|dead|ded|can'?t|cant|frozen|pixelat\w*|intermittent|offline|stopped|static|noise|error)\b/i;

const UNKNOWN_DATE = /\b(not sure|don'?t know|dont know|no idea|unsure|can'?t remember|idk)\b/i;

/** What the customer's first message already told us. */
export interface TroubleTicketOptions {
  serviceType?: ServiceType | undefined;
  /** ISO date, or null when the customer doesn't know. */
  issueStartedAt?: string | null | undefined;
  description?: string | undefined;
}

/** The ticket being drafted: dialog options, kept in dialog state between turns (as in core-bot). */
interface TicketDraft extends TroubleTicketOptions {
  service?: SubscribedService;
  /** The services offered in the question, kept in dialog state for the answer's turn. */
  choices?: SubscribedService[];
}

/** Fault report: which service, since when, what is wrong, confirm, then a TMF621 trouble ticket. */
export class TroubleTicketDialog extends CancelAndHelpDialog {
  constructor(services: BotServices, settings: BotSettings) {
    super(TROUBLE_TICKET_DIALOG, services, settings, TROUBLE_TICKET_ROUTE.intents);
    this.addDialog(new TextPrompt(SERVICE_PROMPT, (prompt) => this.validateService(prompt)));
    this.addDialog(new TextPrompt(SINCE_PROMPT, (prompt) => this.validateSince(prompt)));
    this.addDialog(new TextPrompt(DESCRIPTION_PROMPT, async (prompt) => (prompt.recognized.value ?? '').trim().length >= 2));
    this.addDialog(new TextPrompt(CONFIRM_PROMPT, async (prompt) => ['affirm', 'deny'].includes(getTurnInfo(prompt.context).recognition.intent)));
    this.addDialog(
      new WaterfallDialog<TicketDraft>(STEPS, [
        this.serviceStep.bind(this),
        this.sinceStep.bind(this),
        this.descriptionStep.bind(this),
        this.confirmStep.bind(this),
        this.openTicketStep.bind(this),
      ]),
    );
    this.initialDialogId = STEPS;
  }

  /** Which service: skipped when the customer named one they have, or has only one. */
  private async serviceStep(step: WaterfallStepContext<TicketDraft>): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    const customer = info.customer;
    if (!customer) return step.endDialog();
    const services = await this.services.listActiveServices(customer.id);
    if (services.length === 0) {
      await step.context.sendActivity(`I can't see an active service on your account to report a fault on. Please ${contactText(this.settings)}.`);
      return step.endDialog();
    }
    const named = services.filter((service) => service.serviceType === step.options.serviceType);
    if (named.length === 1 || services.length === 1) {
      step.options.service = named[0] ?? services[0];
      return step.next();
    }
    const choices = named.length > 1 ? named : services;
    step.options.choices = choices;
    return step.prompt(SERVICE_PROMPT, {
      prompt: `Sorry to hear that. Which service is affected? ${choiceList(choices)}`,
      retryPrompt: `Please reply with a number: ${choiceList(choices)}`,
      validations: choices,
    });
  }

  /** Since when: skipped when the first message said ("since yesterday"). */
  private async sinceStep(step: WaterfallStepContext<TicketDraft>): Promise<DialogTurnResult> {
    if (typeof step.result === 'string') {
      step.options.service = chosenService(step.result, getTurnInfo(step.context).recognition.entities, step.options.choices ?? []);
    }
    if (step.options.issueStartedAt !== undefined) return step.next();
    return step.prompt(SINCE_PROMPT, {
      prompt: `Since when has your ${serviceName(step.options.service)} had the problem? (e.g. "this morning", "since Monday")`,
      retryPrompt: 'When did it start? A day or time is fine, or "not sure".',
    });
  }

  /** What is wrong: skipped when the first message described it. */
  private async descriptionStep(step: WaterfallStepContext<TicketDraft>): Promise<DialogTurnResult> {
    if (typeof step.result === 'string') step.options.issueStartedAt = this.startDate(step);
    if (step.options.description && SYMPTOM.test(step.options.description)) return step.next();
    return step.prompt(DESCRIPTION_PROMPT, {
      prompt: 'In a few words, what is happening? (e.g. no connection, very slow, keeps dropping)',
      retryPrompt: 'Please describe the problem in a few words.',
    });
  }

  /** Reads the ticket back and asks for a yes before opening it. */
  private async confirmStep(step: WaterfallStepContext<TicketDraft>): Promise<DialogTurnResult> {
    if (typeof step.result === 'string') step.options.description = step.result.trim();
    const { service, issueStartedAt, description } = step.options;
    const since = issueStartedAt ? ` since ${formatDay(new Date(issueStartedAt), this.settings)}` : '';
    return step.prompt(CONFIRM_PROMPT, {
      prompt: `I'll open a fault ticket for your ${serviceName(service)}: "${clip(description ?? '', 80)}"${since}. Shall I go ahead? (yes/no)`,
      retryPrompt: 'Please reply YES to open the ticket or NO to drop it.',
    });
  }

  /** Opens the ticket (idempotent on this message) and texts back its reference. */
  private async openTicketStep(step: WaterfallStepContext<TicketDraft>): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    const { service, issueStartedAt, description } = step.options;
    if (info.recognition.intent !== 'affirm' || !info.customer || !service) {
      info.reason = 'ticket.create.declined';
      await step.context.sendActivity("OK, I haven't opened a ticket. Text me anytime if it's still not right.");
      return step.endDialog();
    }
    const { ticket } = await this.services.openTroubleTicket({
      customerId: info.customer.id,
      serviceType: service.serviceType,
      productId: service.productId,
      description: description ?? 'Fault reported by the customer',
      issueStartedAt: issueStartedAt ? new Date(issueStartedAt) : null,
      channel: info.channel,
      idempotencyKey: `ticket-${info.inboundId}`,
      correlationId: info.correlationId,
    });
    info.reason = 'ticket.create';
    info.links.push({ itemType: 'troubleTicket', itemId: ticket.id, action: 'created' });
    const eta = ticket.expectedResolutionDate ? ` We aim to fix it by ${formatDayTime(ticket.expectedResolutionDate, this.settings)}.` : '';
    await step.context.sendActivity(`Done. Your ticket is ${ticket.reference}.${eta} Text "status" anytime for an update.`);
    return step.endDialog(ticket.reference);
  }

  private async validateService(prompt: PromptValidatorContext<string>): Promise<boolean> {
    const choices = servicesIn(prompt.options.validations);
    const entities = getTurnInfo(prompt.context).recognition.entities;
    return chosenService(prompt.recognized.value ?? '', entities, choices) !== undefined;
  }

  private async validateSince(prompt: PromptValidatorContext<string>): Promise<boolean> {
    const info = getTurnInfo(prompt.context);
    const answer = prompt.recognized.value ?? '';
    if (UNKNOWN_DATE.test(answer)) return true;
    const date = info.recognition.entities.find((entity) => entity.type === 'date');
    return date !== undefined && new Date(date.value).getTime() <= info.now.getTime() + 60_000;
  }

  private startDate(step: WaterfallStepContext<TicketDraft>): string | null {
    const date = getTurnInfo(step.context).recognition.entities.find((entity) => entity.type === 'date');
    return date ? date.value : null;
  }
}

/** The service an answer picks: by its number in the list, or by name ("the tv"). */
function chosenService(answer: string, entities: Entity[], choices: SubscribedService[]): SubscribedService | undefined {
  const number = /^\s*(\d{1,2})\s*[.)]?\s*$/.exec(answer);
  if (number?.[1]) return choices[Number(number[1]) - 1];
  const named = entities.find((entity) => entity.type === 'serviceType');
  return choices.find((service) => service.serviceType === named?.value);
}

function servicesIn(value: unknown): SubscribedService[] {
  return Array.isArray(value) ? value.filter(isSubscribedService) : [];
}

function isSubscribedService(value: unknown): value is SubscribedService {
  return typeof value === 'object' && value !== null && 'productId' in value && 'serviceType' in value;
}

function choiceList(services: SubscribedService[]): string {
  return services.map((service, index) => `${index + 1}) ${capitalise(SERVICE_NAMES[service.serviceType])} - ${service.offeringName}`).join(' ');
}

function serviceName(service: SubscribedService | undefined): string {
  return service ? SERVICE_NAMES[service.serviceType] : 'service';
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function clip(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}
