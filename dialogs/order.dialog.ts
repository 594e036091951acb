import { TextPrompt, WaterfallDialog, type DialogTurnResult, type PromptValidatorContext, type WaterfallStepContext } from 'botbuilder-dialogs';
import { z } from 'zod';
import { formatMoney } from '../src/domain/billing/money.ts';
import type { Recognition } from '../src/nlu/recognizer.ts';
import { CancelAndHelpDialog } from './cancel-and-help.dialog.ts';
import { pickChoice, withChoices } from './choices.ts';
import type { IntentRoute } from './intent-route.ts';
import { parseServiceType, SERVICE_TYPES } from '../src/domain/service-types.ts';
import type { BotServices, BotSettings, Eligibility, HeldProduct, OfferingView, ServiceType } from './services.ts';
import { getTurnInfo, type TurnInfo } from './turn-info.ts';
import { anytime, contactText, formatDay, replyVerb, sendVerb, SERVICE_NAMES, updatesWhere } from './wording.ts';

export const ORDER_DIALOG = 'orderDialog';

/** What the order dialog starts from; other dialogs hand over with `beginDialog(ORDER_DIALOG, { offeringCode })`. */
export interface OrderOptions {
  /** The offering to order (a ProductOffering code, e.g. "FIBER-2G"). */
  offeringCode?: string | undefined;
  /** Several offerings the customer could mean: they are asked to choose. */
  candidates?: string[] | undefined;
  /** The kind of service asked about: a short list of it is offered. */
  serviceType?: ServiceType | undefined;
  /** Mobile: a new line rather than a plan change of the existing one. */
  newLine?: boolean | undefined;
  /** The words to find the offering in (the first message). */
  text?: string | undefined;
  /** Offerings the customer might mean instead, best first: "no, the other one". */
  alternatives?: string[] | undefined;
}

export const ORDER_ROUTE: IntentRoute = {
  intents: ['order.create'],
  dialogId: ORDER_DIALOG,
  audience: 'customer',
  options: (recognition): OrderOptions => orderOptionsFrom(recognition),
};

const STEPS = 'orderSteps';
const CHOICE_PROMPT = 'orderChoicePrompt';
const CONFIRM_PROMPT = 'orderConfirmPrompt';
/** Offerings shown in one list: short enough for one SMS. */
const MAX_CHOICES = 4;

const SERVICE_CHOICES: ReadonlyArray<{ label: string; serviceType: ServiceType }> = [
  { label: 'Internet', serviceType: 'internet' },
  { label: 'Mobile', serviceType: 'mobile' },
  { label: 'TV', serviceType: 'tv' },
  { label: 'Home phone', serviceType: 'landline' },
];

/** "a new line", "second mobile line", "another phone line", "add a line". */
export const NEW_LINE = /\b(new|second|2nd|another|extra|additional|add(?:ing)? an?)\s+(?:mobile\s+|cell\s+|phone\s+|sim\s+)?(?:line|sim|number)\b/i;
/** "no, the other one", "the other plan", "a different one". */
const OTHER = /\b(other|another one|different|the next one|not that one)\b/i;

/** What the order dialog starts from, read from the first message. */
export function orderOptionsFrom(recognition: Recognition): OrderOptions {
  const offers = recognition.entities.filter((entity) => entity.type === 'offer').map((entity) => entity.value);
  const serviceType = SERVICE_TYPES.find((type) => recognition.entities.some((entity) => entity.type === 'serviceType' && entity.value === type));
  return {
    candidates: offers.length > 0 ? offers : undefined,
    serviceType,
    newLine: NEW_LINE.test(recognition.text) || undefined,
    text: recognition.text,
  };
}

/** Choices on the screen (or numbered on SMS) and what each one means. */
const ChoicesSchema = z.object({
  kind: z.enum(['offering', 'serviceType']),
  labels: z.array(z.string()),
  values: z.array(z.string()),
});
type Choices = z.infer<typeof ChoicesSchema>;

/** The order being drafted: dialog options, kept in dialog state between turns. */
interface OrderDraft extends OrderOptions {
  choices?: Choices;
  /** What the yes/no answers: the order summary, or an alternative to a refused offering. */
  awaiting?: 'confirm' | 'suggestion';
  suggestedCode?: string;
  /** Offerings the customer turned down ("no, the other one"): left out of the short list. */
  declined?: string[];
}

/** What an answer to a list or a confirmation means. */
interface Answer {
  code?: string;
  candidates?: string[];
  serviceType?: ServiceType;
  newLine?: boolean;
  other?: boolean;
}

/**
 * Order: find the offering the customer means (asking with a short list when unclear), check they
 * may have it, state the price, one-time fee and commitment, confirm, then place a TMF622 order.
 */
export class OrderDialog extends CancelAndHelpDialog {
  constructor(services: BotServices, settings: BotSettings) {
    super(ORDER_DIALOG, services, settings, ORDER_ROUTE.intents);
    this.addDialog(new TextPrompt(CHOICE_PROMPT, (prompt) => this.validateChoice(prompt)));
    this.addDialog(new TextPrompt(CONFIRM_PROMPT, (prompt) => this.validateConfirm(prompt)));
    this.addDialog(new WaterfallDialog<OrderDraft>(STEPS, [this.findOfferStep.bind(this), this.checkStep.bind(this), this.answerStep.bind(this)]));
    this.initialDialogId = STEPS;
  }

  /** Which offering: named in the message, one of a few close matches, or picked from a short list. */
  private async findOfferStep(step: WaterfallStepContext<OrderDraft>): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    const customer = info.customer;
    if (!customer) return step.endDialog();
    info.reason = 'order.create';
    const draft = step.options;
    if (draft.offeringCode) return step.next();

    let candidates = draft.candidates ?? [];
    if (draft.text) {
      const found = await this.services.lookUpOfferings(draft.text);
      const ofType = draft.serviceType ? found.matches.filter((offering) => offering.serviceType === draft.serviceType) : [];
      const matches = ofType.length > 0 ? ofType : found.matches;
      if (matches.length > 0) {
        candidates = matches.map((offering) => offering.code);
        if (!found.ambiguous || matches.length === 1) {
          draft.offeringCode = candidates[0];
          draft.alternatives = candidates.slice(1);
          return step.next();
        }
      }
    }
    const catalog = await this.services.listOfferings();
    candidates = candidates.filter((code) => catalog.some((offering) => offering.code === code));
    if (candidates.length === 1) {
      draft.offeringCode = candidates[0];
      return step.next();
    }
    if (candidates.length > 1) {
      // Of several it could be, the one the customer may actually have is the one they mean.
      const orderable = await this.orderable(customer.id, candidates, draft, info.now);
      if (orderable.length === 1) {
        draft.offeringCode = orderable[0];
        draft.alternatives = candidates.filter((code) => code !== orderable[0]);
        return step.next();
      }
      const shown = (orderable.length > 1 ? orderable : candidates).slice(0, MAX_CHOICES);
      return this.askOffering(step, 'Which one would you like?', offeringsIn(catalog, shown));
    }
    if (draft.serviceType) {
      const list = (await this.browse(customer.id, draft.serviceType, info.now)).filter((offering) => !draft.declined?.includes(offering.code));
      return this.askOffering(step, `Which ${SERVICE_NAMES[draft.serviceType]} option would you like?`, list);
    }
    draft.choices = { kind: 'serviceType', labels: SERVICE_CHOICES.map((choice) => choice.label), values: SERVICE_CHOICES.map((choice) => choice.serviceType) };
    return step.prompt(CHOICE_PROMPT, {
      prompt: withChoices('What would you like to order? Name a plan or add-on, or pick a service:', draft.choices.labels),
      retryPrompt: withChoices('Please pick a service, or name the plan or add-on you want.', draft.choices.labels),
      validations: draft.choices,
    });
  }

  /** Reads the choice, checks the customer may have it, and states what the order will cost. */
  private async checkStep(step: WaterfallStepContext<OrderDraft>): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    const customer = info.customer;
    const draft = step.options;
    if (!customer) return step.endDialog();
    if (typeof step.result === 'string') {
      const answer = await this.interpret(step.result, info.recognition, draft.choices);
      const others = draft.choices?.kind === 'offering' ? draft.choices.values.filter((code) => code !== answer.code) : [];
      if (answer.code) {
        draft.offeringCode = answer.code;
        draft.alternatives = others;
      } else {
        return step.replaceDialog(STEPS, {
          candidates: answer.candidates,
          serviceType: answer.serviceType ?? draft.serviceType,
          newLine: draft.newLine,
        } satisfies OrderOptions);
      }
      if (answer.newLine) draft.newLine = true;
    }
    const code = draft.offeringCode;
    const offering = code ? await this.services.findOffering(code) : null;
    const eligibility = offering ? await this.services.checkOrderEligibility(customer.id, offering.code, { newLine: draft.newLine }, info.now) : null;
    if (!offering || !eligibility) {
      await step.context.sendActivity(`Sorry, I can't find that offer. Say "offers" to see what we have.`);
      return step.endDialog();
    }
    draft.serviceType = offering.serviceType;
    if (!eligibility.eligible) {
      info.reason = `order.create.refused.${eligibility.reason}`;
      const refusal = await this.refusal(offering, eligibility, getTurnInfo(step.context).capabilities);
      const alternative = eligibility.alternativeCode ? await this.services.findOffering(eligibility.alternativeCode) : null;
      if (!alternative) {
        await step.context.sendActivity(refusal);
        return step.endDialog();
      }
      draft.awaiting = 'suggestion';
      draft.suggestedCode = alternative.code;
      const question = eligibility.reason === 'needsBase' ? 'Would you like to order it first?' : 'Would you like that instead?';
      const prompt = `${refusal} ${alternative.name} is ${perMonth(alternative)}. ${question}`;
      return step.prompt(CONFIRM_PROMPT, {
        prompt: withChoices(prompt, ['Yes', 'No']),
        retryPrompt: withChoices(`Would you like ${alternative.name}?`, ['Yes', 'No']),
      });
    }
    draft.awaiting = 'confirm';
    return step.prompt(CONFIRM_PROMPT, {
      prompt: withChoices(`${orderSummary(offering, eligibility, draft.newLine === true)} Shall I place the order?`, ['Yes', 'No']),
      retryPrompt: withChoices(`Please ${replyVerb(getTurnInfo(step.context).capabilities)} Yes to place the order or No to leave it.`, ['Yes', 'No']),
    });
  }

  /** Yes places the order; no drops it; "no, the other one" or another plan's name changes it. */
  private async answerStep(step: WaterfallStepContext<OrderDraft>): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    const customer = info.customer;
    const draft = step.options;
    const text = typeof step.result === 'string' ? step.result : '';
    if (!customer || !draft.offeringCode) return step.endDialog();
    const affirmed = info.recognition.intent === 'affirm';

    if (draft.awaiting === 'suggestion') {
      if (affirmed && draft.suggestedCode) return step.replaceDialog(STEPS, { offeringCode: draft.suggestedCode } satisfies OrderOptions);
      const answer = affirmed ? {} : await this.interpret(text, info.recognition, undefined);
      if (answer.code) return step.replaceDialog(STEPS, { offeringCode: answer.code, newLine: draft.newLine } satisfies OrderOptions);
      info.reason = 'order.create.declined';
      await step.context.sendActivity(`OK, I haven't ordered anything. Say "offers" anytime to see what else we have.`);
      return step.endDialog();
    }

    if (!affirmed) {
      const answer = await this.interpret(text, info.recognition, undefined);
      const correction = this.correction(draft, answer);
      if (correction) return step.replaceDialog(STEPS, correction);
      info.reason = 'order.create.declined';
      await step.context.sendActivity(`OK, I haven't placed an order. ${anytime(info.capabilities)} if you change your mind.`);
      return step.endDialog();
    }

    const outcome = await this.services.placeProductOrder({
      customerId: customer.id,
      offeringCode: draft.offeringCode,
      intent: { newLine: draft.newLine },
      channel: info.channel,
      idempotencyKey: `order-${info.inboundId}`,
      correlationId: info.correlationId,
      now: info.now,
    });
    if (outcome.status === 'unknownOffering') {
      await step.context.sendActivity(`Sorry, that offer is no longer available. Say "offers" to see what we have.`);
      return step.endDialog();
    }
    if (outcome.status === 'refused') {
      // Something changed since the summary (another order, an overdue bill): say what.
      const offering = await this.services.findOffering(draft.offeringCode);
      info.reason = `order.create.refused.${outcome.refusal.reason}`;
      await step.context.sendActivity(offering ? await this.refusal(offering, outcome.refusal, info.capabilities) : 'Sorry, I could not place that order.');
      return step.endDialog();
    }
    const { order } = outcome;
    info.reason = 'order.create.placed';
    info.links.push({ itemType: 'productOrder', itemId: order.id, action: 'created' });
    const eta = order.expectedCompletionDate ? `, expected by ${formatDay(order.expectedCompletionDate, this.settings)}` : '';
    const names = order.items.map((item) => item.offeringName).join(', ');
    await step.context.sendActivity(
      `Done. Your order is ${order.reference} (${names}). Next, we check it and schedule the work${eta}; ${updatesWhere(info.capabilities)} as it goes. ${sendVerb(info.capabilities)} "order status" anytime.`,
    );
    return step.endDialog(order.reference);
  }

  /** The order a correction asks for, if the answer is one: another plan named, "the other one", or a new line. */
  private correction(draft: OrderDraft, answer: Answer): OrderDraft | undefined {
    const current = draft.offeringCode;
    if (answer.code && answer.code !== current) {
      return { offeringCode: answer.code, newLine: draft.newLine, alternatives: current ? [current] : [] };
    }
    if (answer.candidates && answer.candidates.length > 1) return { candidates: answer.candidates, newLine: draft.newLine };
    if (answer.newLine && !draft.newLine) return { offeringCode: current, newLine: true };
    if (!answer.other) return undefined;
    const others = (draft.alternatives ?? []).filter((code) => code !== current);
    const [only] = others;
    if (only && others.length === 1) return { offeringCode: only, newLine: draft.newLine, alternatives: current ? [current] : [] };
    if (others.length > 1) return { candidates: others, newLine: draft.newLine };
    // Nothing else was in question: the short list of that kind of service, without this one.
    const browse: OrderDraft = { serviceType: draft.serviceType, newLine: draft.newLine, declined: current ? [current] : [] };
    return browse;
  }

  /** Reads an answer: a choice from the list, an offering named (even misspelt), a kind of service, a new line, "the other one". */
  private async interpret(text: string, recognition: Recognition, choices: Choices | undefined): Promise<Answer> {
    const newLine = NEW_LINE.test(text) || undefined;
    if (choices) {
      // A list of one: "yes" takes it.
      const [only] = choices.values;
      if (choices.kind === 'offering' && choices.values.length === 1 && only && (recognition.answer === 'yes' || recognition.intent === 'affirm')) return { code: only, newLine };
      const index = pickChoice(text, choices.labels);
      const value = index === undefined ? undefined : choices.values[index];
      if (value !== undefined) {
        if (choices.kind === 'offering') return { code: value, newLine };
        const serviceType = parseServiceType(value);
        if (serviceType) return { serviceType, newLine };
      }
    }
    // A bare number that is not on the list is not a plan name ("2" is no "Fiber 2 Gig").
    if (/^\s*#?\d{1,2}\s*[.)]?\s*$/.test(text)) return {};
    const found = await this.services.lookUpOfferings(text);
    if (found.matches.length > 0) {
      return found.ambiguous ? { candidates: found.matches.map((offering) => offering.code), newLine } : { code: found.matches[0]?.code, newLine };
    }
    const offer = recognition.entities.find((entity) => entity.type === 'offer')?.value;
    if (offer) return { code: offer, newLine };
    const serviceType = SERVICE_TYPES.find((type) => recognition.entities.some((entity) => entity.type === 'serviceType' && entity.value === type));
    return { serviceType, newLine, other: OTHER.test(text) || undefined };
  }

  private async validateChoice(prompt: PromptValidatorContext<string>): Promise<boolean> {
    const parsed = ChoicesSchema.safeParse(prompt.options.validations);
    const answer = await this.interpret(prompt.recognized.value ?? '', getTurnInfo(prompt.context).recognition, parsed.success ? parsed.data : undefined);
    return answer.code !== undefined || (answer.candidates?.length ?? 0) > 0 || answer.serviceType !== undefined;
  }

  private async validateConfirm(prompt: PromptValidatorContext<string>): Promise<boolean> {
    const { intent } = getTurnInfo(prompt.context).recognition;
    if (intent === 'affirm' || intent === 'deny') return true;
    const text = prompt.recognized.value ?? '';
    if (OTHER.test(text) || NEW_LINE.test(text)) return true;
    if (/^\s*#?\d{1,2}\s*[.)]?\s*$/.test(text)) return false;
    const found = await this.services.lookUpOfferings(text);
    return found.matches.length > 0;
  }

  private async askOffering(step: WaterfallStepContext<OrderDraft>, question: string, offerings: OfferingView[]): Promise<DialogTurnResult> {
    if (offerings.length === 0) {
      await step.context.sendActivity(`Sorry, there is nothing I can offer you there right now. Say "offers" to see what we have.`);
      return step.endDialog();
    }
    step.options.choices = { kind: 'offering', labels: offerings.map(choiceLabel), values: offerings.map((offering) => offering.code) };
    return step.prompt(CHOICE_PROMPT, {
      prompt: withChoices(question, step.options.choices.labels),
      retryPrompt: withChoices('Please pick one, or name the plan or add-on you want.', step.options.choices.labels),
      validations: step.options.choices,
    });
  }

  /** The offerings of one kind the customer could order: tailored first, then the rest of that kind. */
  private async browse(customerId: string, serviceType: ServiceType, now: Date): Promise<OfferingView[]> {
    const [suggested, catalog] = await Promise.all([this.services.recommendOffers(customerId, { serviceType, limit: MAX_CHOICES }, now), this.services.listOfferings()]);
    const codes = suggested.map((suggestion) => suggestion.code);
    if (codes.length === 0) codes.push(...catalog.filter((offering) => offering.serviceType === serviceType && !offering.isAddOn).map((offering) => offering.code));
    return offeringsIn(catalog, codes.slice(0, MAX_CHOICES));
  }

  /** Those of the codes the customer may order now. */
  private async orderable(customerId: string, codes: string[], draft: OrderDraft, now: Date): Promise<string[]> {
    const decisions = await Promise.all(codes.map((code) => this.services.checkOrderEligibility(customerId, code, { newLine: draft.newLine }, now)));
    return decisions.flatMap((decision) => (decision?.eligible ? [decision.offeringCode] : []));
  }

  /** Why the customer cannot have it, in one sentence, with what to do instead. */
  private async refusal(offering: OfferingView, eligibility: Extract<Eligibility, { eligible: false }>, capabilities: TurnInfo['capabilities']): Promise<string> {
    const name = offering.name;
    const contact = contactText(this.settings);
    switch (eligibility.reason) {
      case 'alreadySubscribed': {
        const line = offering.serviceType === 'mobile' && !offering.isAddOn ? ' For another line on it, say "new mobile line".' : '';
        return `You already have ${name}, so there's nothing to order.${line}`;
      }
      case 'alreadyOrdered':
        return `${name} is already on order (${eligibility.orderReference ?? 'in progress'}). ${sendVerb(capabilities)} "order status" for an update.`;
      case 'customerSuspended':
      case 'accountSuspended':
        return `Your account is suspended, so I can't take new orders. Please ${contact} to restore it.`;
      case 'noAccount':
        return `I can't find a billing account to put an order on. Please ${contact}.`;
      case 'arrears': {
        const bill = eligibility.overdueBill;
        const which = bill ? `Your bill ${bill.reference} (${formatMoney(bill.amountDue, offering.currency)}) is past its due date` : 'Your account has an overdue bill';
        return `${which}, so I can't take new orders until it's paid. Say "my bill" to see it, or ${contact}.`;
      }
      case 'needsBase': {
        const catalog = await this.services.listOfferings();
        const required = offeringsIn(catalog, [...(eligibility.requiredCodes ?? [])]).map((entry) => entry.name);
        return `${name} works only with ${orList(required)}, which you don't have.`;
      }
      case 'notInArea':
        return `Sorry, ${name} isn't available at your address yet.`;
      case 'incompatible': {
        const conflict = eligibility.conflict;
        const what = conflict ? `your ${conflict.offeringName}` : 'something you already have';
        const instead = conflict?.isAddOn ? ` ${conflict.offeringName} would have to go first: say "agent" and a person will help.` : ' Say "agent" if you would like a person to look at it.';
        return `${name} can't be combined with ${what}.${instead}`;
      }
      case 'notSold':
        return `${name} is no longer sold. Say "offers" to see what we have.`;
    }
  }
}

/** "$95.00 a month". */
export function perMonth(offering: Pick<OfferingView, 'recurringPrice' | 'currency'>): string {
  return `${formatMoney(offering.recurringPrice, offering.currency)} a month`;
}

/** A list label: "Fiber 2 Gig ($95.00/mo)". */
export function choiceLabel(offering: OfferingView): string {
  return `${offering.name} (${formatMoney(offering.recurringPrice, offering.currency)}/mo)`;
}

/** What the order does and costs: monthly price, one-time fee, commitment. */
export function orderSummary(offering: OfferingView, eligibility: Extract<Eligibility, { eligible: true }>, newLine: boolean): string {
  const what = describeChange(offering, eligibility.replaces, newLine);
  const was = eligibility.replaces ? ` (now ${formatMoney(eligibility.replaces.recurringPrice, offering.currency)})` : '';
  const fee = offering.oneTimePrice === '0.00' ? 'no one-time fee' : `${formatMoney(offering.oneTimePrice, offering.currency)} one-time fee`;
  const commitment = offering.commitmentMonths > 0 ? `${offering.commitmentMonths}-month commitment` : 'no commitment';
  return `${what}: ${perMonth(offering)}${was}, ${fee}, ${commitment}.`;
}

function describeChange(offering: OfferingView, replaces: HeldProduct | undefined, newLine: boolean): string {
  if (replaces) return `Switch your ${replaces.offeringName} to ${offering.name}`;
  if (newLine) return `A new mobile line on ${offering.name}`;
  if (offering.isAddOn) return `Add ${offering.name} to your ${SERVICE_NAMES[offering.serviceType]}`;
  return offering.name;
}

/** The offerings with these codes, in the codes' order. */
export function offeringsIn(catalog: readonly OfferingView[], codes: readonly string[]): OfferingView[] {
  return codes.flatMap((code) => catalog.filter((offering) => offering.code === code));
}

function orList(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? 'another plan';
  return `${names.slice(0, -1).join(', ')} or ${names[names.length - 1] ?? ''}`;
}
