import { TextPrompt, WaterfallDialog, type DialogContext, type DialogTurnResult, type PromptValidatorContext, type WaterfallStepContext } from 'botbuilder-dialogs';
import { formatMoney } from '../src/domain/billing/money.ts';
import type { Intent } from '../src/nlu/recognizer.ts';
import { contactByDate } from '../src/domain/retention/retention-policy.ts';
import { CancelAndHelpDialog, requestAgent } from './cancel-and-help.dialog.ts';
import { pickChoice, withChoices, YES_NO, yesOrNo } from './choices.ts';
import { entityValue, type IntentRoute } from './intent-route.ts';
import { parseServiceType } from '../src/domain/service-types.ts';
import type { BotServices, BotSettings, RetentionOffer, ServiceType, SubscribedService } from './services.ts';
import { getTurnInfo } from './turn-info.ts';
import { chosenService, serviceChoiceLabel, serviceName, servicesIn } from './service-choice.ts';
import { clip, contactText, formatDay, replyVerb, replyWithVerb, SERVICE_NAMES } from './wording.ts';

export const CANCEL_SERVICE_DIALOG = 'cancelServiceDialog';

export const CANCEL_SERVICE_ROUTE: IntentRoute = {
  intents: ['service.cancel'],
  dialogId: CANCEL_SERVICE_DIALOG,
  audience: 'customer',
  options: (recognition): CancelServiceOptions => ({
    serviceType: parseServiceType(entityValue(recognition, 'serviceType')),
    reason: STATED_REASON.test(recognition.text) ? clip(recognition.text.trim(), MAX_REASON) : undefined,
  }),
};
const STEPS = 'cancelServiceSteps';
const SERVICE_PROMPT = 'cancelServiceServicePrompt';
const REASON_PROMPT = 'cancelServiceReasonPrompt';
const OFFER_PROMPT = 'cancelServiceOfferPrompt';
const CONFIRM_PROMPT = 'cancelServiceConfirmPrompt';
const REASONS = ['Too expensive', 'Moving home', 'Service problems', 'Switching provider', 'Skip'];
const MAX_REASON = 300;
/** Requests a reason for leaving is easily taken for; help, agent and "never mind" still work. */
const SOUNDS_LIKE_A_REASON: readonly Intent[] = ['order.create', 'order.status', 'ticket.create', 'ticket.status', 'bill.inquiry', 'bill.dispute', 'profile.view', 'profile.update', 'product.info'];

/** A first message that already says why ("cancel my TV, it's too expensive"). */
const STATED_REASON = /\b(because|cause|coz|too (expensive|slow|much)|costs?|price|pricey|afford|moving|cheaper|switching|never use|don'?t use|not using|unreliable|bad service)\b/i;
/** Wording that insists on the cancellation now ("I said cancel it, today", "just cancel it!!"): a person takes it. */
const INSISTS = /\b(right now|now|today|immediately|asap|at once|i said|i already (said|told|asked)|already told you|just cancel|i insist|still want|i mean it|stop (stalling|wasting)|not interested in (any|an?) offers?)\b|!{2,}/i;
/** An answer that declines to say why. */
const NO_REASON = /^\s*(skip|no|nope|pass|n\/?a|none|no reason|rather not( say)?|i'?d rather not( say)?|don'?t want to say|prefer not to say)\s*[.!]*\s*$/i;

/** What the customer's first message already told us. */
export interface CancelServiceOptions {
  serviceType?: ServiceType | undefined;
  /** Why, in the customer's words; null when they chose not to say. */
  reason?: string | null | undefined;
}

/** The request being worked on, kept in dialog state between turns. */
interface CancellationDraft extends CancelServiceOptions {
  service?: SubscribedService;
  /** The services offered in the question, for the answer's turn. */
  choices?: SubscribedService[];
  signalId?: string;
  /** The retention offer presented, if any (plain JSON). */
  offer?: RetentionOffer | null;
}

/**
 * Cancellation: which service, why (optional), one retention offer that fits, and if the customer
 * still wants to leave, a cancellation request for a person. The bot never ends a service itself.
 */
export class CancelServiceDialog extends CancelAndHelpDialog {
  constructor(services: BotServices, settings: BotSettings) {
    super(CANCEL_SERVICE_DIALOG, services, settings, CANCEL_SERVICE_ROUTE.intents);
    this.addDialog(new TextPrompt(SERVICE_PROMPT, async (prompt) => this.validateService(prompt)));
    this.addDialog(new TextPrompt(REASON_PROMPT, async (prompt) => (prompt.recognized.value ?? '').trim().length > 0));
    this.addDialog(new TextPrompt(OFFER_PROMPT, async (prompt) => yesOrNo(prompt.context) !== undefined));
    this.addDialog(new TextPrompt(CONFIRM_PROMPT, async (prompt) => yesOrNo(prompt.context) !== undefined));
    this.addDialog(
      new WaterfallDialog<CancellationDraft>(STEPS, [
        this.serviceStep.bind(this),
        this.reasonStep.bind(this),
        this.offerStep.bind(this),
        this.decideStep.bind(this),
        this.requestStep.bind(this),
      ]),
    );
    this.initialDialogId = STEPS;
  }

  // Why someone leaves often sounds like another request ("my bill is too high", "the internet
  // keeps dropping"): while that is the question, the answer is the reason, not a new request.
  override async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    const { intent } = getTurnInfo(innerDc.context).recognition;
    if (innerDc.activeDialog?.id === REASON_PROMPT && SOUNDS_LIKE_A_REASON.includes(intent)) return innerDc.continueDialog();
    return super.onContinueDialog(innerDc);
  }

  /** Which service: skipped when the customer named one they have, or has only one. */
  private async serviceStep(step: WaterfallStepContext<CancellationDraft>): Promise<DialogTurnResult> {
    const customer = getTurnInfo(step.context).customer;
    if (!customer) return step.endDialog();
    const services = await this.services.listActiveServices(customer.id);
    if (services.length === 0) {
      await step.context.sendActivity(`I can't see an active service on your account to cancel. If that's not right, please ${contactText(this.settings)}.`);
      return step.endDialog();
    }
    const named = services.filter((service) => service.serviceType === step.options.serviceType);
    if (named.length === 1 || (services.length === 1 && !step.options.serviceType)) {
      step.options.service = named[0] ?? services[0];
      return step.next();
    }
    const choices = named.length > 1 ? named : services;
    step.options.choices = choices;
    const notHeld = step.options.serviceType && named.length === 0 ? `I can't see ${SERVICE_NAMES[step.options.serviceType]} service on your account. ` : '';
    return step.prompt(SERVICE_PROMPT, {
      prompt: withChoices(`${notHeld}Which service would you like to cancel?`, choices.map(serviceChoiceLabel)),
      retryPrompt: withChoices(`Please ${replyWithVerb(getTurnInfo(step.context).capabilities)} a number or the name of the service.`, choices.map(serviceChoiceLabel)),
      validations: choices,
    });
  }

  /** Why (one question, skippable): skipped when the first message said, or a request is already open. */
  private async reasonStep(step: WaterfallStepContext<CancellationDraft>): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    if (typeof step.result === 'string') {
      step.options.service = chosenService(step.result, info.recognition.entities, step.options.choices ?? []);
    }
    const { service } = step.options;
    if (!info.customer || !service) return step.endDialog();
    const open = await this.services.findOpenCancellation(info.customer.id, service.productId);
    if (open) {
      info.links.push({ itemType: 'productOrder', itemId: open.id, action: 'viewed' });
      const already = `You've already asked us to cancel your ${serviceName(service)}: ${open.reference}.`;
      // Asked again after being pointed to the request, or insisting on it: a person takes it now.
      if (info.memory.cancellationPointedTo === open.reference || INSISTS.test(info.recognition.text)) {
        await step.context.sendActivity(already);
        await requestAgent(step.context, this.services, this.settings, 'cancellation_insisted', {
          intent: 'service.cancel',
          collected: { cancellation: open.reference, service: `${serviceName(service)} (${service.offeringName})`, said: clip(info.recognition.text.trim(), 160) },
          suggestedNextStep: `The customer insists on cancelling their ${serviceName(service)}: agree the date of ${open.reference} with them now.`,
        });
        return step.endDialog();
      }
      info.memory.cancellationPointedTo = open.reference;
      info.reason = 'service.cancel.alreadyRequested';
      await step.context.sendActivity(`${already} Our team will contact you to agree the date. If you'd rather sort it out with a person now, just say so.`);
      return step.endDialog();
    }
    if (step.options.reason !== undefined) return step.next();
    return step.prompt(REASON_PROMPT, {
      prompt: withChoices(`Sorry to hear you want to cancel your ${serviceName(service)}. May I ask why?`, REASONS),
      retryPrompt: withChoices(`In a few words, why do you want to cancel? Or ${replyVerb(getTurnInfo(step.context).capabilities)} SKIP.`, REASONS),
    });
  }

  /** Records the churn signal and presents the one retention offer that fits, if any. */
  private async offerStep(step: WaterfallStepContext<CancellationDraft>): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    if (typeof step.result === 'string') step.options.reason = reasonFrom(step.result, info.recognition.intent);
    const { service } = step.options;
    if (!info.customer || !service) return step.endDialog();
    const offer = await this.services.findRetentionOffer(info.customer.id, service.productId, info.now);
    const signal = await this.services.recordChurnSignal({
      customerId: info.customer.id,
      productId: service.productId,
      channel: info.channel,
      reason: step.options.reason ?? null,
      offer,
      idempotencyKey: `churn-${info.inboundId}`,
    });
    step.options.signalId = signal.id;
    step.options.offer = offer;
    info.reason = 'service.cancel';
    if (!offer) return step.next();
    return step.prompt(OFFER_PROMPT, {
      prompt: withChoices(offerText(offer, service), YES_NO),
      retryPrompt: withChoices(`Please ${replyVerb(getTurnInfo(step.context).capabilities)} YES to take the offer or NO to carry on with the cancellation.`, YES_NO),
    });
  }

  /** Offer taken: made real (or handed to billing). Otherwise asks to confirm the cancellation. */
  private async decideStep(step: WaterfallStepContext<CancellationDraft>): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    const { service, offer, signalId } = step.options;
    if (!info.customer || !service || !signalId) return step.endDialog();
    let lead = '';
    if (offer && typeof step.result === 'string') {
      if (yesOrNo(step.context) === 'yes') {
        const accepted = await this.services.acceptRetentionOffer({
          signalId,
          customerId: info.customer.id,
          productId: service.productId,
          offer,
          channel: info.channel,
          idempotencyKey: `retention-${info.inboundId}`,
          correlationId: info.correlationId,
        });
        if (accepted.status === 'accepted') {
          const { order } = accepted;
          info.reason = 'service.cancel.retained';
          if (order) info.links.push({ itemType: 'productOrder', itemId: order.id, action: 'created' });
          await step.context.sendActivity(acceptedText(offer, service, order));
          return step.endDialog(order?.reference);
        }
        lead = "Sorry, I can't make that change here right now. ";
      } else {
        await this.services.declineRetentionOffer(signalId);
        lead = 'OK. ';
      }
    }
    const plan = service.offeringName;
    return step.prompt(CONFIRM_PROMPT, {
      prompt: withChoices(
        `${lead}Shall I ask our team to cancel your ${serviceName(service)} (${plan})? They will contact you to agree the date; it keeps working until then.`,
        YES_NO,
      ),
      retryPrompt: withChoices(`Please ${replyVerb(getTurnInfo(step.context).capabilities)} YES to ask for the cancellation of your ${serviceName(service)} or NO to keep it.`, YES_NO),
    });
  }

  /** Confirmed: a held cancellation order for a person (idempotent on this message); the product is left alone. */
  private async requestStep(step: WaterfallStepContext<CancellationDraft>): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    const { service, signalId } = step.options;
    if (!info.customer || !service) return step.endDialog();
    if (yesOrNo(step.context) !== 'yes') {
      info.reason = 'service.cancel.declined';
      await step.context.sendActivity(`OK, I haven't asked for a cancellation: your ${serviceName(service)} stays as it is. Thanks for staying with us.`);
      return step.endDialog();
    }
    const contactBy = contactByDate(info.now);
    const { order } = await this.services.requestServiceCancellation({
      customerId: info.customer.id,
      productId: service.productId,
      signalId: signalId ?? null,
      reason: step.options.reason ?? null,
      channel: info.channel,
      contactBy,
      idempotencyKey: `cancel-${info.inboundId}`,
      correlationId: info.correlationId,
    });
    info.reason = 'service.cancel.requested';
    info.links.push({ itemType: 'productOrder', itemId: order.id, action: 'created' });
    await step.context.sendActivity(
      `Done: your cancellation request is ${order.reference}. Our team will contact you by ${formatDay(contactBy, this.settings)} to agree the date; your ${serviceName(service)} keeps working until then.`,
    );
    return step.endDialog(order.reference);
  }

  private async validateService(prompt: PromptValidatorContext<string>): Promise<boolean> {
    const choices = servicesIn(prompt.options.validations);
    const entities = getTurnInfo(prompt.context).recognition.entities;
    return chosenService(prompt.recognized.value ?? '', entities, choices) !== undefined;
  }
}

function offerText(offer: RetentionOffer, service: SubscribedService): string {
  const now = formatMoney(offer.currentMonthlyPrice, offer.currency);
  const then = formatMoney(offer.monthlyPrice, offer.currency);
  if (offer.kind === 'planChange') {
    const fee = offer.oneTimePrice === '0.00' ? '' : ` (plus a one-time ${formatMoney(offer.oneTimePrice, offer.currency)} fee)`;
    return `Before you go: I can switch your ${serviceName(service)} to ${offer.offeringName} for ${then} a month instead of ${now}${fee}, with no commitment. Would you like that instead?`;
  }
  const years = offer.tenureYears === 1 ? '1 year' : `${offer.tenureYears} years`;
  return `Before you go: as a thank-you for ${years} with us, you can have ${offer.percent}% off ${service.offeringName}: ${then} a month instead of ${now} for ${offer.months} months. Would you like that instead?`;
}

function acceptedText(offer: RetentionOffer, service: SubscribedService, order: { reference: string; monthlyPrice: string } | null): string {
  if (offer.kind === 'planChange') {
    // The order's own price: the catalog's at the moment it was placed.
    const price = formatMoney(order?.monthlyPrice ?? offer.monthlyPrice, offer.currency);
    return `Great, I've ordered the switch of your ${serviceName(service)} to ${offer.offeringName} at ${price} a month${order ? `: ${order.reference}` : ''}. We'll let you know when it's done; nothing else changes.`;
  }
  const then = formatMoney(offer.monthlyPrice, offer.currency);
  return `Great, thanks for staying. Our billing team will apply ${offer.percent}% off (${then} a month for ${offer.months} months) from your next bill; nothing else changes.`;
}

/** The reason from the answer: a listed choice, the customer's own words, or null for "skip". */
function reasonFrom(answer: string, intent: string): string | null {
  const picked = pickChoice(answer, REASONS);
  if (picked !== undefined) return picked === REASONS.length - 1 ? null : (REASONS[picked] ?? null);
  if (NO_REASON.test(answer) || intent === 'deny') return null;
  return clip(answer.trim(), MAX_REASON);
}

