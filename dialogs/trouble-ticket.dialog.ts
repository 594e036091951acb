import { TextPrompt, WaterfallDialog, type DialogContext, type PromptValidatorContext, type WaterfallStepContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { readSelfHelpAnswer, selfHelpStepFor } from '../src/domain/tickets/self-help.ts';
import { CancelAndHelpDialog } from './cancel-and-help.dialog.ts';
import { pickChoice, withChoices, YES_NO, yesOrNo } from './choices.ts';
import { entityValue, type IntentRoute } from './intent-route.ts';
import { parseServiceType } from '../src/domain/service-types.ts';
import type { BotServices, BotSettings, SelfHelpAnswer, ServiceType, SubscribedService } from './services.ts';
import { getTurnInfo, type TurnInfo } from './turn-info.ts';
import { chosenService, serviceChoiceLabel, serviceName, servicesIn } from './service-choice.ts';
import { anytime, capitalise, clip, contactText, formatDay, formatDayTime, replyVerb, replyWithVerb, sendVerb } from './wording.ts';

export const TROUBLE_TICKET_DIALOG = 'troubleTicketDialog';

export const TROUBLE_TICKET_ROUTE: IntentRoute = {
  intents: ['ticket.create'],
  dialogId: TROUBLE_TICKET_DIALOG,
  audience: 'customer',
  options: (recognition): TroubleTicketOptions => ({
    serviceType: parseServiceType(entityValue(recognition, 'serviceType')),
    issueStartedAt: entityValue(recognition, 'date'),
    description: SYMPTOM.test(recognition.text) ? recognition.text : undefined,
  }),
};
const STEPS = 'troubleTicketSteps';
const SERVICE_PROMPT = 'troubleTicketServicePrompt';
const SINCE_PROMPT = 'troubleTicketSincePrompt';
const SINCE_AGAIN_PROMPT = 'troubleTicketSinceAgainPrompt';
const SELF_HELP_PROMPT = 'troubleTicketSelfHelpPrompt';
const DESCRIPTION_PROMPT = 'troubleTicketDescriptionPrompt';
const CONFIRM_PROMPT = 'troubleTicketConfirmPrompt';
const SELF_HELP_CHOICES = ['Yes, fixed', 'No', 'Skip'];
const SELF_HELP_ANSWERS: readonly SelfHelpAnswer[] = ['fixed', 'notFixed', 'skipped'];

/** Words that describe what is wrong, so the customer's first message can serve as the description. */
export const SYMPTOM = /\b(down|not working|doesn'?t work|isn'?t working|won'?t|no (internet|signal|service|connection|dial ?tone|picture|sound)|dropp\w*|disconnect\w*|cutting out|buffering|slow|outage|broken|dead|ded|can'?t|cant|frozen|pixelat\w*|intermittent|offline|stopped|static|noise|error|freez\w*|froze|lag\w*|glitch\w*|flicker\w*|crackl\w*|blank|black screen|no dial tone|keeps? (?:dropping|cutting|freezing|buffering|restarting|rebooting))\b/i;

const UNKNOWN_DATE = /\b(not sure|don'?t know|dont know|no idea|unsure|can'?t remember|idk|dunno|can'?t recall)\b/i;
// "wait sorry its not the tv, its the home phone": the customer names another service to correct the one in question.
const CORRECTION = /\b(not (?:the|my|about)|wrong|actually|sorry|i meant|meant|mean|wait|oops|instead|it'?s the|its the|it is the)\b/i;
// Words that carry no fact for the ticket when a yes/no answer is stripped of them.
const BARE_ANSWER = /^\s*(?:(?:no|nope|nah|yes|yeah|ok|still|not|fixed|broken|working|it|is|isn'?t|nothing|same|changed|the|didn'?t|help|skip)[\s,.!]*)*$/i;

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
  /** What the customer told us in later answers (symptoms given while asked something else): all of it reaches the ticket. */
  details?: string[];
  /** The since-when question was asked again after an answer that described the fault instead. */
  sinceAskedAgain?: boolean;
  /** The services offered in the question, kept in dialog state for the answer's turn. */
  choices?: SubscribedService[];
  /** The self-help step offered, if any. */
  selfHelpCode?: string;
}

/**
 * Fault report: which service; a known outage in the customer's area links them to it instead;
 * one self-help step; since when, what is wrong, confirm, then a TMF621 trouble ticket.
 */
export class TroubleTicketDialog extends CancelAndHelpDialog {
  constructor(services: BotServices, settings: BotSettings) {
    super(TROUBLE_TICKET_DIALOG, services, settings, TROUBLE_TICKET_ROUTE.intents);
    this.addDialog(new TextPrompt(SERVICE_PROMPT, (prompt) => this.validateService(prompt)));
    this.addDialog(new TextPrompt(SELF_HELP_PROMPT, async (prompt) => selfHelpAnswer(prompt.recognized.value ?? '') !== undefined));
    this.addDialog(new TextPrompt(SINCE_PROMPT, (prompt) => this.validateSince(prompt)));
    this.addDialog(new TextPrompt(SINCE_AGAIN_PROMPT, (prompt) => this.validateSince(prompt)));
    this.addDialog(new TextPrompt(DESCRIPTION_PROMPT, async (prompt) => (prompt.recognized.value ?? '').trim().length >= 2));
    this.addDialog(new TextPrompt(CONFIRM_PROMPT, async (prompt) => yesOrNo(prompt.context) !== undefined));
    this.addDialog(
      new WaterfallDialog<TicketDraft>(STEPS, [
        this.serviceStep.bind(this),
        this.outageStep.bind(this),
        this.sinceStep.bind(this),
        this.sinceAgainStep.bind(this),
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
      prompt: withChoices('Sorry to hear that. Which service is affected?', choices.map(serviceChoiceLabel)),
      retryPrompt: withChoices(`Please ${replyWithVerb(getTurnInfo(step.context).capabilities)} a number or the name of the service.`, choices.map(serviceChoiceLabel)),
      validations: choices,
    });
  }

  /**
   * A known outage in the customer's area: links them to it instead of opening a ticket of its
   * own. Otherwise offers the service's self-help step, where it usually helps.
   */
  private async outageStep(step: WaterfallStepContext<TicketDraft>): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    if (typeof step.result === 'string') {
      step.options.service = chosenService(step.result, info.recognition.entities, step.options.choices ?? []);
    }
    const { service, description, issueStartedAt } = step.options;
    if (!info.customer || !service) return step.endDialog();
    const outage = await this.services.findActiveOutage(info.customer.id, service.serviceType);
    if (outage) {
      const { ticket, created } = await this.services.linkCustomerToOutage({
        customerId: info.customer.id,
        outageId: outage.id,
        productId: service.productId,
        description: description ?? null,
        issueStartedAt: issueStartedAt ? new Date(issueStartedAt) : null,
        channel: info.channel,
        correlationId: info.correlationId,
      });
      info.reason = 'ticket.create.outage';
      info.links.push({ itemType: 'troubleTicket', itemId: ticket.id, action: created ? 'created' : 'viewed' });
      const eta = outage.expectedRestoreAt ? ` Expected fix: ${formatDayTime(outage.expectedRestoreAt, this.settings)}.` : '';
      await step.context.sendActivity(
        created
          ? `There's a known outage in your area: ${outage.description}${eta} I've linked you to it as ${ticket.reference}; no need to report it again, we'll let you know when it's restored.`
          : `You're already linked to the outage in your area as ${ticket.reference}: ${outage.description}${eta} We'll let you know when it's restored.`,
      );
      return step.endDialog(ticket.reference);
    }
    const selfHelp = selfHelpStepFor(service.serviceType, description);
    if (!selfHelp) return step.next();
    step.options.selfHelpCode = selfHelp.code;
    return step.prompt(SELF_HELP_PROMPT, {
      prompt: withChoices(`Before I open a ticket: ${selfHelp.instruction} Did that fix it?`, SELF_HELP_CHOICES),
      retryPrompt: withChoices(`Is it working now? ${capitalise(replyVerb(getTurnInfo(step.context).capabilities))} YES if it is, NO if not, or SKIP.`, SELF_HELP_CHOICES),
    });
  }

  /** Since when: skipped when the first message said ("since yesterday"). Ends here if self-help fixed it. */
  private async sinceStep(step: WaterfallStepContext<TicketDraft>): Promise<DialogTurnResult> {
    if (typeof step.result === 'string' && selfHelpAnswer(step.result) === 'fixed') {
      getTurnInfo(step.context).reason = `ticket.create.selfHelpFixed.${step.options.selfHelpCode ?? 'step'}`;
      const again = anytime(getTurnInfo(step.context).capabilities).toLowerCase();
      await step.context.sendActivity(`Great, glad it's working again. I haven't opened a ticket; ${again} if it happens again.`);
      return step.endDialog();
    }
    if (typeof step.result === 'string') {
      // "nope, still dropping every 10 min": the no, and a fact for the ticket.
      this.noteDetails(step, step.result);
      if (step.options.issueStartedAt === undefined) {
        const start = issueStart(getTurnInfo(step.context));
        if (start && start.getTime() <= getTurnInfo(step.context).now.getTime() + 60_000) step.options.issueStartedAt = start.toISOString();
      }
    }
    if (step.options.issueStartedAt !== undefined) return step.next();
    return step.prompt(SINCE_PROMPT, {
      prompt: `Since when has your ${serviceName(step.options.service)} had the problem? (e.g. "this morning", "since Monday")`,
      retryPrompt: 'When did it start? A day or time is fine, or "not sure".',
    });
  }

  /**
   * The answer to "since when": a date, "not sure", or a description of the fault instead ("wifi
   * shows connected but no pages load"), which is kept for the ticket and the question asked once more.
   */
  private async sinceAgainStep(step: WaterfallStepContext<TicketDraft>): Promise<DialogTurnResult> {
    if (typeof step.result !== 'string') return step.next();
    const answer = step.result;
    const start = this.startDate(step);
    if (start || UNKNOWN_DATE.test(answer)) {
      step.options.issueStartedAt = start;
      this.noteDetails(step, answer);
      return step.next();
    }
    this.noteDetails(step, answer, true);
    step.options.sinceAskedAgain = true;
    return step.prompt(SINCE_AGAIN_PROMPT, {
      prompt: `Thanks, I've noted that. And since when has your ${serviceName(step.options.service)} had the problem? (e.g. "yesterday evening", "about a week", or "not sure")`,
      retryPrompt: 'When did it start? A day or time is fine, or "not sure".',
    });
  }

  /** What is wrong: skipped when the first message or a later answer described it. */
  private async descriptionStep(step: WaterfallStepContext<TicketDraft>): Promise<DialogTurnResult> {
    if (typeof step.result === 'string') {
      const start = this.startDate(step);
      // Asked twice and answered with more description: the ticket goes without a date rather than a third question.
      if (!start && !UNKNOWN_DATE.test(step.result)) this.noteDetails(step, step.result, true);
      step.options.issueStartedAt = start;
    }
    if (step.options.description && SYMPTOM.test(step.options.description)) return step.next();
    if ((step.options.details ?? []).some((detail) => SYMPTOM.test(detail) || detail.split(/\s+/).length >= 4)) return step.next();
    return step.prompt(DESCRIPTION_PROMPT, {
      prompt: 'In a few words, what is happening? (e.g. no connection, very slow, keeps dropping)',
      retryPrompt: 'Please describe the problem in a few words.',
    });
  }

  /** Reads the ticket back and asks for a yes before opening it. */
  private async confirmStep(step: WaterfallStepContext<TicketDraft>): Promise<DialogTurnResult> {
    if (typeof step.result === 'string') this.noteDetails(step, step.result, true);
    const { service, issueStartedAt } = step.options;
    const description = fullDescription(step.options);
    const since = issueStartedAt ? ` since ${formatDay(new Date(issueStartedAt), this.settings)}` : '';
    return step.prompt(CONFIRM_PROMPT, {
      prompt: withChoices(`I'll open a fault ticket for your ${serviceName(service)}: "${clip(description ?? '', 80)}"${since}. Shall I go ahead?`, YES_NO),
      retryPrompt: withChoices(`Please ${replyVerb(getTurnInfo(step.context).capabilities)} YES to open the ticket or NO to drop it.`, YES_NO),
    });
  }

  /** Opens the ticket (idempotent on this message) and texts back its reference. */
  private async openTicketStep(step: WaterfallStepContext<TicketDraft>): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    const { service, issueStartedAt } = step.options;
    const description = fullDescription(step.options);
    if (yesOrNo(step.context) !== 'yes' || !info.customer || !service) {
      info.reason = 'ticket.create.declined';
      await step.context.sendActivity(`OK, I haven't opened a ticket. ${anytime(info.capabilities)} if it's still not right.`);
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
    await step.context.sendActivity(`Done. Your ticket is ${ticket.reference}.${eta} ${sendVerb(info.capabilities)} "status" anytime for an update.`);
    return step.endDialog(ticket.reference);
  }

  /**
   * Corrections and changes of mind at any step: "wait sorry its not the tv, its the home phone"
   * starts the report again for the service named (keeping what was said); "no im not reporting a
   * fault, i want to dispute…" leaves the report for that request.
   */
  override async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    const info = getTurnInfo(innerDc.context);
    const text = innerDc.context.activity.text ?? '';
    // The report's waterfall is at the bottom of this dialog's stack, under the prompt.
    const waterfall = innerDc.stack[0];
    const draft = waterfall?.id === STEPS ? draftOf(waterfall.state['options']) : undefined;
    const named = info.recognition.entities.filter((entity) => entity.type === 'serviceType').map((entity) => parseServiceType(entity.value));
    if (draft?.service && info.customer && CORRECTION.test(text) && named.some((type) => type && type !== draft.service?.serviceType)) {
      const services = await this.services.listActiveServices(info.customer.id);
      // The service meant is the one named that is not the one in question ("not the tv, its the home phone").
      const meant = services.find((service) => service.serviceType !== draft.service?.serviceType && named.includes(service.serviceType));
      if (meant) {
        const corrected: TicketDraft = { serviceType: meant.serviceType, issueStartedAt: draft.issueStartedAt, description: draft.description, details: [...(draft.details ?? []), text.trim()] };
        info.reason = 'ticket.create.corrected';
        await innerDc.cancelAllDialogs();
        await innerDc.context.sendActivity(`OK, the ${serviceName(meant)} then.`);
        return innerDc.beginDialog(STEPS, corrected);
      }
    }
    return super.onContinueDialog(innerDc);
  }

  /** Keeps an answer's facts for the ticket: the whole answer when asked for them, else only what is more than a bare yes or no. */
  private noteDetails(step: WaterfallStepContext<TicketDraft>, answer: string, whole = false): void {
    const text = answer.trim();
    if (text.length < 2) return;
    if (!whole && (BARE_ANSWER.test(text) || !SYMPTOM.test(text) || text.split(/\s+/).length < 4)) return;
    const known = [step.options.description ?? '', ...(step.options.details ?? [])];
    if (known.some((said) => said.trim().toLowerCase() === text.toLowerCase())) return;
    step.options.details = [...(step.options.details ?? []), text];
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
    const start = issueStart(info);
    if (start !== null) return start.getTime() <= info.now.getTime() + 60_000;
    // No date, but a description of the fault: kept for the ticket, and the question asked once more.
    return SYMPTOM_DETAIL.test(answer) && answer.trim().split(/\s+/).length >= 3;
  }

  private startDate(step: WaterfallStepContext<TicketDraft>): string | null {
    const info = getTurnInfo(step.context);
    const start = issueStart(info);
    return start && start.getTime() <= info.now.getTime() + 60_000 ? start.toISOString() : null;
  }
}

/**
 * When the problem started, from the date the customer gave. A time of day still ahead today
 * means the last one: "since this morning" texted at half past midnight is yesterday morning.
 */
function issueStart(info: TurnInfo): Date | null {
  const date = info.recognition.entities.find((entity) => entity.type === 'date');
  if (!date) return null;
  const start = new Date(date.value);
  const ahead = start.getTime() - info.now.getTime();
  return ahead > 60_000 && ahead < DAY_MS ? new Date(start.getTime() - DAY_MS) : start;
}

const DAY_MS = 24 * 3_600_000;

// What a fault description sounds like, beyond SYMPTOM: lights, pages, screens, calls, signal.
const SYMPTOM_DETAIL = new RegExp(`${SYMPTOM.source}|\\b(lights?|blink\\w*|flash\\w*|orange|red|pages?|load\\w*|connect\\w*|screen|picture|sound|calls?|signal|bars|wifi|router|modem|box|error|drop\\w*|freez\\w*|lag\\w*|nothing|no)\\b`, 'i');

/** The ticket's description: the first message's, then every fact given since, in order. */
function fullDescription(draft: TicketDraft): string {
  const parts = [draft.description ?? '', ...(draft.details ?? [])].map((part) => part.trim()).filter((part) => part.length > 0);
  return parts.join('. ').replace(/\.\./g, '.');
}

/** The draft read back from dialog state (plain JSON). */
function draftOf(value: unknown): TicketDraft | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const draft: TicketDraft = {};
  if ('service' in value && isService(value.service)) draft.service = value.service;
  if ('serviceType' in value) draft.serviceType = parseServiceType(typeof value.serviceType === 'string' ? value.serviceType : undefined);
  if ('issueStartedAt' in value && (typeof value.issueStartedAt === 'string' || value.issueStartedAt === null)) draft.issueStartedAt = value.issueStartedAt;
  if ('description' in value && typeof value.description === 'string') draft.description = value.description;
  if ('details' in value && Array.isArray(value.details)) draft.details = value.details.filter((detail): detail is string => typeof detail === 'string');
  return draft;
}

function isService(value: unknown): value is SubscribedService {
  return servicesIn([value]).length === 1;
}

/** What an answer to "did that fix it?" means: a choice by number or text, or the customer's own words. */
function selfHelpAnswer(answer: string): SelfHelpAnswer | undefined {
  const picked = pickChoice(answer, SELF_HELP_CHOICES);
  return picked !== undefined ? SELF_HELP_ANSWERS[picked] : readSelfHelpAnswer(answer);
}

