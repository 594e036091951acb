import { TextPrompt, WaterfallDialog, type DialogTurnResult, type PromptValidatorContext, type WaterfallStepContext } from 'botbuilder-dialogs';
import { z } from 'zod';
import { formatMoney } from '../src/domain/billing/money.ts';
import type { Recognition } from '../src/nlu/recognizer.ts';
import { CancelAndHelpDialog } from './cancel-and-help.dialog.ts';
import { pickChoice, withChoices } from './choices.ts';
import { entityValue, type IntentRoute } from './intent-route.ts';
import { ORDER_DIALOG, OrderDialog, offeringsIn, type OrderOptions } from './order.dialog.ts';
import { parseServiceType, SERVICE_TYPES } from '../src/domain/service-types.ts';
import type { BotServices, BotSettings, OfferingView, OfferSuggestion, ServiceType } from './services.ts';
import { getTurnInfo, type TurnInfo } from './turn-info.ts';
import { anytime, capitalise, contactText, SERVICE_NAMES } from './wording.ts';

export const OFFERS_DIALOG = 'offersDialog';

export interface OffersOptions {
  /** Only offers for this kind of service ("what internet plans do you have"). */
  serviceType?: ServiceType | undefined;
  /** One offering asked about ("tell me about the sports package"). */
  offeringCode?: string | undefined;
}

export const OFFERS_ROUTE: IntentRoute = {
  intents: ['product.info'],
  dialogId: OFFERS_DIALOG,
  audience: 'anyone',
  options: (recognition): OffersOptions => offersOptionsFrom(recognition),
};

const STEPS = 'offersSteps';
const CHOICE_PROMPT = 'offersChoicePrompt';
const NO_THANKS = 'No thanks';
/** Stop adding offers to the message beyond this length: one SMS. */
const MESSAGE_BUDGET = 300;
/** A channel whose messages may be longer than this is not paid by the SMS segment (web chat). */
const ROOMY_TEXT_LENGTH = 1600;
const ROOMY_MESSAGE_BUDGET = 1200;
/** A description is cut to this length for a one-line mention. */
const BLURB_LENGTH = 55;

const OfferChoicesSchema = z.object({ labels: z.array(z.string()), codes: z.array(z.string()) });
type OfferChoices = z.infer<typeof OfferChoicesSchema>;

interface OffersDraft extends OffersOptions {
  choices?: OfferChoices;
  /** The order dialog took over (one offering asked about): its result ends this dialog. */
  ordering?: boolean;
}

function offersOptionsFrom(recognition: Recognition): OffersOptions {
  const offers = recognition.entities.filter((entity) => entity.type === 'offer');
  return {
    serviceType: parseServiceType(entityValue(recognition, 'serviceType')),
    offeringCode: offers.length === 1 ? offers[0]?.value : undefined,
  };
}

/**
 * Offers: the general catalog for anonymous visitors; for a customer, offers tailored to what
 * they have (upgrades of their plans, add-ons that fit), a line each with the price, then an
 * offer to order one, handed over to the order dialog.
 */
export class OffersDialog extends CancelAndHelpDialog {
  constructor(services: BotServices, settings: BotSettings) {
    super(OFFERS_DIALOG, services, settings, [...OFFERS_ROUTE.intents, 'order.create']);
    this.addDialog(new OrderDialog(services, settings));
    this.addDialog(new TextPrompt(CHOICE_PROMPT, (prompt) => this.validateChoice(prompt)));
    this.addDialog(new WaterfallDialog<OffersDraft>(STEPS, [this.presentStep.bind(this), this.orderStep.bind(this), this.doneStep.bind(this)]));
    this.initialDialogId = STEPS;
  }

  /** Says what is on offer, a line each, then asks whether the customer wants one. */
  private async presentStep(step: WaterfallStepContext<OffersDraft>): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    info.reason = 'product.info';
    const { serviceType } = step.options;
    const catalog = await this.services.listOfferings();
    const asked = catalog.find((offering) => offering.code === step.options.offeringCode);
    const customerId = info.customer?.id ?? null;

    let offers: OfferingView[];
    if (asked) {
      offers = [asked];
      await step.context.sendActivity(`${asked.name}, ${priceLine(asked)}: ${asked.description}`);
    } else {
      const suggestions = await this.services.recommendOffers(customerId, { serviceType }, info.now);
      if (!customerId && !serviceType) {
        await step.context.sendActivity(catalogOverview(catalog));
        await step.context.sendActivity(this.howToOrder(info));
        return step.endDialog();
      }
      offers = offeringsIn(catalog, suggestions.map((suggestion) => suggestion.code));
      if (offers.length === 0) {
        const kind = serviceType ? `${SERVICE_NAMES[serviceType]} ` : '';
        await step.context.sendActivity(`You already have the best ${kind}options we can offer you right now. Say "agent" if you'd like a person to look at your plans.`);
        return step.endDialog();
      }
      offers = await this.sendOfferLines(step, offers, suggestions, customerId !== null, serviceType);
    }
    if (!customerId) {
      await step.context.sendActivity(this.howToOrder(info));
      return step.endDialog();
    }
    if (asked) {
      // One offering asked about by name: the order's own read-back is the one question
      // ("Would you like to order it?" and then "Shall I place the order?" asked the same twice).
      step.options.ordering = true;
      const options: OrderOptions = { offeringCode: asked.code };
      return step.beginDialog(ORDER_DIALOG, options);
    }
    const labels = [...offers.map((offering) => offering.name), NO_THANKS];
    step.options.choices = { labels, codes: offers.map((offering) => offering.code) };
    const question = offers.length === 1 ? `Would you like to order ${offers[0]?.name ?? 'it'}?` : 'Would you like to order one?';
    return step.prompt(CHOICE_PROMPT, {
      prompt: withChoices(question, offers.length === 1 ? ['Yes', 'No'] : labels),
      retryPrompt: withChoices('Please pick one to order, or say no.', offers.length === 1 ? ['Yes', 'No'] : labels),
      validations: step.options.choices,
    });
  }

  /** Hands the chosen offer over to the order dialog; "no" ends here. */
  private async orderStep(step: WaterfallStepContext<OffersDraft>): Promise<DialogTurnResult> {
    if (step.options.ordering) return step.endDialog(step.result);
    const info = getTurnInfo(step.context);
    const code = await this.chosenCode(typeof step.result === 'string' ? step.result : '', info.recognition, step.options.choices);
    if (!code) {
      info.reason = 'product.info.declined';
      await step.context.sendActivity(`OK. ${anytime(info.capabilities)} if you change your mind.`);
      return step.endDialog();
    }
    const options: OrderOptions = { offeringCode: code, alternatives: (step.options.choices?.codes ?? []).filter((other) => other !== code) };
    return step.beginDialog(ORDER_DIALOG, options);
  }

  private async doneStep(step: WaterfallStepContext<OffersDraft>): Promise<DialogTurnResult> {
    return step.endDialog(step.result);
  }

  /** How someone we have not identified can order: where they can sign in here, by asking; elsewhere (SMS) the number is all we have. */
  /** How someone not yet proven to be a customer here can order. */
  private howToOrder(info: TurnInfo): string {
    // A web chat visitor signs in here; a caller whose caller ID names a customer proves it by code.
    if (info.capabilities.inConversationSignIn || info.caller) return `To order, tell me which one you want and I'll check who you are first, or ${contactText(this.settings)}.`;
    return `To order, text us from the phone number on your account, or ${contactText(this.settings)}.`;
  }

  /** Sends the offers a line each, as many as fit one message; returns those sent. */
  private async sendOfferLines(
    step: WaterfallStepContext<OffersDraft>,
    offers: OfferingView[],
    suggestions: OfferSuggestion[],
    tailored: boolean,
    serviceType: ServiceType | undefined,
  ): Promise<OfferingView[]> {
    const header = tailored ? 'Offers for you:' : `Our ${serviceType ? `${SERVICE_NAMES[serviceType]} ` : ''}plans:`;
    const sent: OfferingView[] = [];
    let text = header;
    // Where a message is not paid by the SMS segment, a line says all of its first sentence.
    const roomy = getTurnInfo(step.context).capabilities.maxTextLength > ROOMY_TEXT_LENGTH;
    for (const offering of offers) {
      const suggestion = suggestions.find((candidate) => candidate.code === offering.code);
      const line = offerLine(offering, suggestion, roomy);
      if (sent.length > 0 && text.length + 1 + line.length > (roomy ? ROOMY_MESSAGE_BUDGET : MESSAGE_BUDGET)) break;
      text = `${text}\n${line}`;
      sent.push(offering);
    }
    await step.context.sendActivity(text);
    return sent;
  }

  /** The offer an answer picks: from the list, by name, or yes when only one was offered. */
  private async chosenCode(answer: string, recognition: Recognition, choices: OfferChoices | undefined): Promise<string | undefined> {
    if (!choices) return undefined;
    if (recognition.intent === 'deny') return undefined;
    if (choices.codes.length === 1) {
      if (recognition.intent === 'affirm' || pickChoice(answer, ['Yes']) === 0) return choices.codes[0];
      if (pickChoice(answer, ['No']) === 0) return undefined;
    }
    const index = pickChoice(answer, choices.labels);
    if (index !== undefined) return choices.codes[index];
    if (/^\s*#?\d{1,2}\s*[.)]?\s*$/.test(answer)) return undefined;
    const found = await this.services.lookUpOfferings(answer);
    return found.ambiguous ? undefined : found.matches[0]?.code;
  }

  private async validateChoice(prompt: PromptValidatorContext<string>): Promise<boolean> {
    const parsed = OfferChoicesSchema.safeParse(prompt.options.validations);
    if (!parsed.success) return true;
    const answer = prompt.recognized.value ?? '';
    const { recognition } = getTurnInfo(prompt.context);
    if (recognition.intent === 'deny' || pickChoice(answer, [NO_THANKS, 'No']) !== undefined) return true;
    return (await this.chosenCode(answer, recognition, parsed.data)) !== undefined;
  }
}

/** "$95.00/mo, $99.00 one-time, 12-month commitment". */
function priceLine(offering: OfferingView): string {
  const parts = [`${formatMoney(offering.recurringPrice, offering.currency)}/mo`];
  if (offering.oneTimePrice !== '0.00') parts.push(`${formatMoney(offering.oneTimePrice, offering.currency)} one-time`);
  if (offering.commitmentMonths > 0) parts.push(`${offering.commitmentMonths}-month commitment`);
  return parts.join(', ');
}

/** One line: name, price, what it replaces, and what it is. */
function offerLine(offering: OfferingView, suggestion: OfferSuggestion | undefined, roomy: boolean): string {
  const upgrade = suggestion?.kind === 'upgrade' && suggestion.replaces ? ` (up from your ${suggestion.replaces.offeringName})` : '';
  const about = roomy ? firstSentence(offering.description) : blurb(offering.description);
  return `${offering.name}, ${formatMoney(offering.recurringPrice, offering.currency)}/mo${upgrade}: ${about}${about.endsWith('…') ? '' : '.'}`;
}

/** A description's first sentence, whole. */
function firstSentence(description: string): string {
  const text = (description.split(/\.(?:\s|$)/)[0] ?? description).trim();
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** The start of a description, short enough for a one-line mention. */
function blurb(description: string): string {
  let text = description.split(/[.;]|, /)[0] ?? description;
  if (text.length > BLURB_LENGTH) text = text.split(/\s+with\s+/)[0] ?? text;
  if (text.length > BLURB_LENGTH) text = `${text.slice(0, BLURB_LENGTH).replace(/\s+\S*$/, '')}…`;
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** The whole catalog in one message: each kind of service and its starting price. */
function catalogOverview(catalog: readonly OfferingView[]): string {
  const lines = SERVICE_TYPES.flatMap((type) => {
    const plans = catalog.filter((offering) => offering.serviceType === type && !offering.isAddOn);
    const [cheapest] = plans;
    if (!cheapest) return [];
    const from = plans.length > 1 ? 'from ' : '';
    return [`${capitalise(SERVICE_NAMES[type])} ${from}${formatMoney(cheapest.recurringPrice, cheapest.currency)}/mo (${plans.map((plan) => plan.name).join(', ')})`];
  });
  return `Our plans: ${lines.join('; ')}. Add-ons too. Ask about one, e.g. "internet plans".`;
}

