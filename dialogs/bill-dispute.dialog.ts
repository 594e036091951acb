import { TextPrompt, WaterfallDialog, type DialogContext, type DialogTurnResult, type PromptValidatorContext, type WaterfallStepContext } from 'botbuilder-dialogs';
import { z } from 'zod';
import { needsOneTimeCode } from '../src/domain/billing/adjustment-policy.ts';
import { PENDING_REVIEW_BUSINESS_DAYS } from '../src/domain/billing/adjustments.service.ts';
import { chargeName } from '../src/domain/billing/bill-explanation.ts';
import { formatAdjustmentReference, formatBillReference, parseAdjustmentReference, parseBillReference } from '../src/domain/references.ts';
import { isDisputable, matchCharge } from '../src/domain/billing/charge-matching.ts';
import { centsToDecimal, formatMoney, parseCents, toCents } from '../src/domain/billing/money.ts';
import { ServiceType } from '../src/generated/prisma/enums.ts';
import { parseServiceType } from '../src/domain/service-types.ts';
import type { Recognition } from '../src/nlu/recognizer.ts';
import { billDay, periodRange } from './bill-inquiry.dialog.ts';
import { CancelAndHelpDialog, requestAgent } from './cancel-and-help.dialog.ts';
import { pickChoice, withChoices } from './choices.ts';
import { entityValue, type IntentRoute } from './intent-route.ts';
import type { AdjustmentOutcome, AdjustmentView, BillView, BotServices, BotSettings, ChargeView } from './services.ts';
import { getTurnInfo } from './turn-info.ts';
import { VERIFY_DIALOG, type VerifyOptions } from './verify.dialog.ts';
import { anytime, clip, contactText, replyVerb, replyWithVerb, sendVerb } from './wording.ts';

export const BILL_DISPUTE_DIALOG = 'billDisputeDialog';

/** What the customer's first message already said. */
export interface BillDisputeOptions {
  text: string;
  billRef?: string | undefined;
  period?: string | undefined;
  /** A money entity ("20.00"): a charge's amount, or the credit asked for. */
  amount?: string | undefined;
  serviceType?: ServiceType | undefined;
  adjustmentRef?: string | undefined;
}


export const BILL_DISPUTE_ROUTE: IntentRoute = {
  intents: ['bill.dispute'],
  dialogId: BILL_DISPUTE_DIALOG,
  audience: 'customer',
  options: (recognition): BillDisputeOptions => disputeOptions(recognition),
};

function disputeOptions(recognition: Recognition): BillDisputeOptions {
  return {
    text: recognition.text,
    billRef: entityValue(recognition, 'billRef'),
    period: entityValue(recognition, 'period'),
    amount: entityValue(recognition, 'money'),
    serviceType: parseServiceType(entityValue(recognition, 'serviceType')),
    adjustmentRef: entityValue(recognition, 'adjustmentRef'),
  };
}

const STEPS = 'billDisputeSteps';
const CONFIRM_STEPS = 'billDisputeConfirmSteps';
const CHARGE_PROMPT = 'billDisputeChargePrompt';
const REASON_PROMPT = 'billDisputeReasonPrompt';
const CONFIRM_PROMPT = 'billDisputeConfirmPrompt';

// Words that say why a charge is wrong, so the first message can serve as the reason.
const REASON =
  /\b(down|not working|outage|out|broken|slow|never|didn'?t|did not|wasn'?t|was not|not mine|don'?t recogni[sz]e|twice|double\w*|already paid|cancel+ed|overcharg\w*|shouldn'?t|should not|wrong|incorrect|not (?:used|ordered|requested|authori[sz]ed)|no longer|mistake|error|by accident|accident\w*)\b/i;
// A reason that says more than "it's wrong": given up front, it is used even when the charge is picked later.
const SPECIFIC_REASON =
  /\b(down|not working|outage|out|broken|never|didn'?t|did not|wasn'?t|was not|not mine|don'?t recogni[sz]e|twice|double\w*|already paid|cancel+ed|no longer|by accident|not (?:used|ordered|requested|authori[sz]ed)|promised|supposed to be|was told)\b/i;
// Requests that would otherwise replace the dispute in progress.
const TASK_INTENT = /^(order|ticket|bill|profile|product|service)\./;
// A bare amount answered to the confirmation ("10", "$7.50"): the credit asked for instead.
const BARE_AMOUNT = /^\s*(?:just|only|make it|how about|maybe|like|ok|well)?\s*\$?\s*(\d{1,7}(?:\.\d{1,2})?)\s*(?:dollars?|bucks|usd)?\s*(?:then|please|pls)?\s*[.!?]*\s*$/i;

const chargeSchema = z.object({
  id: z.string(),
  chargeType: z.enum(['recurring', 'oneTime', 'usage', 'tax', 'credit']),
  description: z.string(),
  amount: z.string(),
  productId: z.string().nullable(),
  productName: z.string().nullable(),
  serviceType: z.enum(ServiceType).nullable(),
});

/** The dispute being drafted, kept in dialog state between turns (plain JSON: money as decimal strings). */
interface DisputeDraft extends BillDisputeOptions {
  billId?: string;
  billReference?: string;
  currency?: string;
  charge?: ChargeView;
  /** The charges offered in the question, for the answer's turn. */
  choices?: ChargeView[];
  /** The first message said which charge. */
  chargeFromFirstMessage?: boolean;
  reason?: string;
  /** The credit to ask for, decimal string. */
  credit?: string;
}

/** The confirmation's state: the credit, and a note said before the question (an amount capped). */
interface ConfirmState {
  billReference: string;
  currency: string;
  charge: ChargeView;
  reason: string;
  credit: string;
  note?: string;
}

const confirmResult = z.object({ confirmed: z.boolean(), credit: z.string() });

/**
 * Bill dispute: which bill and charge, why, how much (the whole charge unless the customer says
 * less), confirm, a one-time code above the configured amount, then a bill adjustment that the
 * policy approves at once or leaves for a person.
 */
export class BillDisputeDialog extends CancelAndHelpDialog {
  constructor(services: BotServices, settings: BotSettings) {
    // A bill question mid-dispute ("it's higher than usual") is part of the dispute, not a new request.
    super(BILL_DISPUTE_DIALOG, services, settings, ['bill.dispute', 'bill.inquiry']);
    this.addDialog(new TextPrompt(CHARGE_PROMPT, (prompt) => this.validateCharge(prompt)));
    this.addDialog(new TextPrompt(REASON_PROMPT, (prompt) => this.validateReason(prompt)));
    this.addDialog(new TextPrompt(CONFIRM_PROMPT, (prompt) => this.validateConfirm(prompt)));
    this.addDialog(new WaterfallDialog<ConfirmState>(CONFIRM_STEPS, [this.askConfirmStep.bind(this), this.readConfirmStep.bind(this)]));
    this.addDialog(
      new WaterfallDialog<DisputeDraft>(STEPS, [
        this.billStep.bind(this),
        this.reasonStep.bind(this),
        this.confirmStep.bind(this),
        this.verifyStep.bind(this),
        this.requestStep.bind(this),
      ]),
    );
    this.initialDialogId = STEPS;
  }

  /**
   * Answers to "which charge" and "why" name products and services ("I never ordered the sports
   * package"): they are answers, not new requests, so they do not switch to another dialog.
   */
  override async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    const { intent, entities } = getTurnInfo(innerDc.context).recognition;
    const active = innerDc.activeDialog;
    if (active && TASK_INTENT.test(intent)) {
      const text = innerDc.context.activity.text ?? '';
      if (active.id === REASON_PROMPT) return innerDc.continueDialog();
      const money = entities.find((entity) => entity.type === 'money')?.value;
      if (active.id === CHARGE_PROMPT && chosenCharge(text, money, choicesIn(active.state['options'])) !== undefined) return innerDc.continueDialog();
    }
    return super.onContinueDialog(innerDc);
  }

  /** Which bill (latest, or the one named) and which charge on it: asked when the message did not single one out. */
  private async billStep(step: WaterfallStepContext<DisputeDraft>): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    const customer = info.customer;
    if (!customer) return step.endDialog();
    const draft = step.options;
    const adjustmentNumber = draft.adjustmentRef ? parseAdjustmentReference(draft.adjustmentRef) : undefined;
    if (adjustmentNumber !== undefined) return this.adjustmentStatus(step, adjustmentNumber);

    const bill = await this.findBill(step);
    if (!bill) return step.endDialog();
    info.links.push({ itemType: 'bill', itemId: bill.id, action: 'viewed' });
    draft.billId = bill.id;
    draft.billReference = bill.reference;
    draft.currency = bill.currency;

    const disputable = bill.charges.filter(isDisputable);
    if (disputable.length === 0) {
      info.reason = 'bill.dispute.nothingToDispute';
      await step.context.sendActivity(`There are no charges on ${bill.reference} to dispute. If something else is wrong, ${contactText(this.settings)}.`);
      return step.endDialog();
    }
    const text = draft.text.replace(/\b(?:INV|ADJ)[-\s#]?\d+\b/gi, ' ');
    const match = matchCharge(text, draft.amount, disputable, draft.serviceType);
    if (match.charge) {
      draft.charge = match.charge;
      draft.chargeFromFirstMessage = true;
      if (match.requestedAmount) draft.credit = match.requestedAmount;
      return step.next();
    }
    if (disputable.length === 1 && !match.unmatched) {
      draft.charge = disputable[0];
      return step.next();
    }
    draft.choices = disputable;
    const question = match.unmatched
      ? `I can't find a charge like that on ${bill.reference}. Which charge do you want to dispute?`
      : `Which charge on ${bill.reference} do you want to dispute?`;
    const labels = disputable.map((charge) => chargeLabel(charge, bill.currency));
    const choices: ChargeChoices = { charges: disputable, currency: bill.currency };
    return step.prompt(CHARGE_PROMPT, {
      prompt: withChoices(question, labels),
      retryPrompt: withChoices(`Please pick one of the charges on ${bill.reference}, or say "start over".`, labels),
      validations: choices,
    });
  }

  /** Refuses a charge already disputed; asks why the charge is wrong unless the first message said. */
  private async reasonStep(step: WaterfallStepContext<DisputeDraft>): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    const draft = step.options;
    if (typeof step.result === 'string') {
      const money = info.recognition.entities.find((entity) => entity.type === 'money')?.value;
      draft.charge = chosenCharge(step.result, money, { charges: draft.choices ?? [], currency: draft.currency ?? 'USD' });
    }
    const charge = draft.charge;
    if (!info.customer || !charge) return step.endDialog();
    const existing = await this.services.findChargeDispute(info.customer.id, charge.id);
    if (existing) return this.alreadyDisputed(step, existing);
    if ((draft.chargeFromFirstMessage && REASON.test(draft.text)) || SPECIFIC_REASON.test(draft.text)) {
      draft.reason = draft.text.trim();
      return step.next();
    }
    const money = formatMoney(charge.amount, draft.currency);
    return step.prompt(REASON_PROMPT, {
      prompt: `What's wrong with the ${chargeName(charge)} charge (${money})? A few words help our billing team.`,
      retryPrompt: `Please tell me in a few words why the ${chargeName(charge)} charge is wrong, or say "start over".`,
    });
  }

  /** Reads the credit back (the whole charge unless the customer asked for less) and asks for a yes. */
  private async confirmStep(step: WaterfallStepContext<DisputeDraft>): Promise<DialogTurnResult> {
    const draft = step.options;
    if (typeof step.result === 'string') draft.reason = step.result.trim();
    const { charge, billReference, currency, reason } = draft;
    if (!charge || !billReference || !currency || !reason) return step.endDialog();
    const state: ConfirmState = { billReference, currency, charge, reason, ...capCredit(draft.credit ?? charge.amount, charge, currency) };
    return step.beginDialog(CONFIRM_STEPS, state);
  }

  /** A one-time code first when the credit is above the configured amount. */
  private async verifyStep(step: WaterfallStepContext<DisputeDraft>): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    const result = confirmResult.safeParse(step.result);
    if (!result.success || !result.data.confirmed) {
      info.reason = 'bill.dispute.declined';
      await step.context.sendActivity(`OK, I haven't asked for a credit. ${anytime(info.capabilities)} if you change your mind.`);
      return step.endDialog();
    }
    step.options.credit = result.data.credit;
    if (!needsOneTimeCode(toCents(result.data.credit), this.settings.adjustments)) return step.next(true);
    const options: VerifyOptions = { purpose: 'bill.adjustment' };
    return step.beginDialog(VERIFY_DIALOG, options);
  }

  /** Records the adjustment (idempotent on this message) and says what happens next. */
  private async requestStep(step: WaterfallStepContext<DisputeDraft>): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    const { charge, billId, credit, reason, currency } = step.options;
    if (step.result !== true) {
      // The verification dialog has told the customer why it cannot go ahead.
      info.reason = 'bill.dispute.unverified';
      return step.endDialog();
    }
    if (!info.customer || !charge || !billId || !credit || !reason) return step.endDialog();
    const outcome = await this.services.requestBillAdjustment({
      customerId: info.customer.id,
      billId,
      chargeId: charge.id,
      amount: credit,
      reason,
      channel: info.channel,
      idempotencyKey: `adjustment-${info.inboundId}`,
      correlationId: info.correlationId,
      now: info.now,
    });
    return this.answerOutcome(step, outcome, charge, currency ?? 'USD');
  }

  private async answerOutcome(step: WaterfallStepContext<DisputeDraft>, outcome: AdjustmentOutcome, charge: ChargeView, currency: string): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    switch (outcome.kind) {
      case 'recorded': {
        const { adjustment, decision } = outcome;
        info.reason = adjustment.status === 'approved' ? 'bill.dispute.approved' : 'bill.dispute.pending';
        info.links.push({ itemType: 'billAdjustment', itemId: adjustment.id, action: 'created' });
        const money = formatMoney(adjustment.amount, adjustment.currency);
        if (adjustment.status === 'approved') {
          const when = adjustment.expectedOnBillDate ? ` (${billDay(adjustment.expectedOnBillDate)})` : '';
          await step.context.sendActivity(
            `Done: ${adjustment.reference} credits ${money} for ${chargeName(charge)} on ${adjustment.billReference}. The credit will show on your next bill${when}.`,
          );
        } else {
          const why =
            decision?.code === 'overLimit'
              ? `credits over ${formatMoney(this.settings.adjustments.autoApproveLimit, currency)} need a person to approve`
              : decision?.code === 'overPeriodCount'
                ? `only ${this.settings.adjustments.autoApprovePerPeriod} credits every ${this.settings.adjustments.periodDays} days can be approved automatically`
                : 'a person needs to check it';
          await step.context.sendActivity(
            `Thanks. I've passed your ${money} credit request (${adjustment.reference}) to our billing team, as ${why}. We'll let you know their decision within ${PENDING_REVIEW_BUSINESS_DAYS} business days${info.capabilities.addressIsPhone ? ' by text' : ' in this chat'}.`,
          );
          // More than an agent may approve: a person takes the conversation now, with the request in their packet.
          const limit = this.settings.handoff?.agentApprovalLimit;
          if (limit !== undefined && toCents(adjustment.amount) > toCents(limit)) {
            await requestAgent(step.context, this.services, this.settings, 'adjustment_over_limit', {
              intent: 'bill.dispute',
              collected: { adjustment: adjustment.reference, amount: money, charge: chargeName(charge), bill: adjustment.billReference },
              suggestedNextStep: `Review ${adjustment.reference} (${money} for ${chargeName(charge)}): above the agent approval limit, so a supervisor approves or rejects it.`,
            });
          }
        }
        return step.endDialog(adjustment.reference);
      }
      case 'alreadyDisputed':
        return this.alreadyDisputed(step, outcome.adjustment);
      case 'amountTooHigh':
        info.reason = 'bill.dispute.amountTooHigh';
        await step.context.sendActivity(`The most I can credit for that charge is ${formatMoney(outcome.available, currency)}, so I haven't asked for anything. ${sendVerb(info.capabilities)} "dispute" to try again.`);
        return step.endDialog();
      case 'chargeNotFound':
      case 'invalidAmount':
        info.reason = `bill.dispute.${outcome.kind}`;
        await step.context.sendActivity(`Sorry, I couldn't ask for that credit. Please ${contactText(this.settings)}.`);
        return step.endDialog();
    }
  }

  /** "Is that right? Yes / No", or an amount to ask for instead (read back again). */
  private async askConfirmStep(step: WaterfallStepContext<ConfirmState>): Promise<DialogTurnResult> {
    const { billReference, currency, charge, reason, credit, note } = step.options;
    const money = formatMoney(credit, currency);
    const reply = replyVerb(getTurnInfo(step.context).capabilities);
    const question = `${note ? `${note} ` : ''}I'll ask for a ${money} credit on ${billReference} for ${chargeName(charge)}, because: "${clip(reason, 70)}". Go ahead?`;
    return step.prompt(CONFIRM_PROMPT, {
      prompt: withChoices(question, ['Yes', 'No']),
      retryPrompt: withChoices(`Please ${reply} Yes to ask for the ${money} credit or No to drop it. To ask for less, ${replyWithVerb(getTurnInfo(step.context).capabilities)} the amount.`, ['Yes', 'No']),
    });
  }

  private async readConfirmStep(step: WaterfallStepContext<ConfirmState>): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    const amount = answeredAmount(typeof step.result === 'string' ? step.result : '', info.recognition);
    if (amount !== undefined) {
      const { note, ...rest } = step.options;
      const capped = capCredit(amount, rest.charge, rest.currency);
      const state: ConfirmState = capped.note ? { ...rest, credit: capped.credit, note: capped.note } : { ...rest, credit: capped.credit };
      return step.replaceDialog(CONFIRM_STEPS, state);
    }
    return step.endDialog({ confirmed: info.recognition.intent === 'affirm', credit: step.options.credit });
  }

  private async alreadyDisputed(step: WaterfallStepContext<DisputeDraft>, existing: AdjustmentView): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    info.reason = 'bill.dispute.duplicate';
    info.links.push({ itemType: 'billAdjustment', itemId: existing.id, action: 'viewed' });
    await step.context.sendActivity(
      `You've already disputed that charge: ${existing.reference} for ${formatMoney(existing.amount, existing.currency)}, ${statusText(existing)}. A charge can only be disputed once.`,
    );
    return step.endDialog(existing.reference);
  }

  private async adjustmentStatus(step: WaterfallStepContext<DisputeDraft>, number: number): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    if (!info.customer) return step.endDialog();
    info.reason = 'bill.dispute.status';
    const adjustment = await this.services.findCustomerAdjustment(info.customer.id, number);
    if (!adjustment) {
      await step.context.sendActivity(`I can't find ${formatAdjustmentReference(number)} on your account.`);
      return step.endDialog();
    }
    info.links.push({ itemType: 'billAdjustment', itemId: adjustment.id, action: 'viewed' });
    const what = adjustment.chargeDescription ? ` for ${adjustment.chargeDescription}` : '';
    await step.context.sendActivity(`${adjustment.reference}, ${formatMoney(adjustment.amount, adjustment.currency)} on ${adjustment.billReference}${what}: ${statusText(adjustment)}.`);
    return step.endDialog();
  }

  /** The bill named by reference or month (only the customer's own), else the latest; says so when there is none. */
  private async findBill(step: WaterfallStepContext<DisputeDraft>): Promise<BillView | null> {
    const info = getTurnInfo(step.context);
    const customer = info.customer;
    if (!customer) return null;
    const number = step.options.billRef ? parseBillReference(step.options.billRef) : undefined;
    const range = periodRange(step.options.period);
    const bill =
      number !== undefined
        ? await this.services.findCustomerBill(customer.id, number)
        : range
          ? await this.services.findCustomerBillForPeriod(customer.id, range.from, range.to)
          : await this.services.findLatestBill(customer.id);
    if (bill) return bill;
    info.reason = 'bill.dispute.billNotFound';
    const recent = await this.services.listRecentBills(customer.id);
    const list = recent.map((summary) => `${summary.reference} (${billDay(summary.billDate)})`).join(', ');
    const missing = number !== undefined ? `I can't find ${formatBillReference(number)} on your account.` : range ? "I can't find a bill for that month." : "You don't have a bill with us yet.";
    await step.context.sendActivity(recent.length > 0 ? `${missing} Your recent bills: ${list}.` : missing);
    return null;
  }

  private async validateCharge(prompt: PromptValidatorContext<string>): Promise<boolean> {
    const choices = choicesIn(prompt.options.validations);
    const money = getTurnInfo(prompt.context).recognition.entities.find((entity) => entity.type === 'money')?.value;
    return chosenCharge(prompt.recognized.value ?? '', money, choices) !== undefined;
  }

  private async validateReason(prompt: PromptValidatorContext<string>): Promise<boolean> {
    const answer = (prompt.recognized.value ?? '').trim();
    const { intent } = getTurnInfo(prompt.context).recognition;
    const bareYesNo = (intent === 'affirm' || intent === 'deny') && answer.split(/\s+/).length <= 2;
    return /[a-z]{2,}/i.test(answer) && answer.length >= 3 && !bareYesNo;
  }

  private async validateConfirm(prompt: PromptValidatorContext<string>): Promise<boolean> {
    const info = getTurnInfo(prompt.context);
    if (['affirm', 'deny'].includes(info.recognition.intent)) return true;
    const amount = answeredAmount(prompt.recognized.value ?? '', info.recognition);
    return amount !== undefined;
  }
}

/** The credit to ask for: at most the charge, with a note when the customer asked for more. */
function capCredit(requested: string, charge: ChargeView, currency: string): { credit: string; note?: string } {
  const cents = parseCents(requested) ?? 0n;
  const most = toCents(charge.amount);
  if (cents > most) {
    return { credit: centsToDecimal(most), note: `That charge is ${formatMoney(most, currency)}, so that's the most I can credit.` };
  }
  return { credit: centsToDecimal(cents) };
}

/** An amount more than zero in an answer ("$7.50", "10", "only 5 dollars"). */
function answeredAmount(answer: string, recognition: Recognition): string | undefined {
  const value = recognition.entities.find((entity) => entity.type === 'money')?.value ?? BARE_AMOUNT.exec(answer)?.[1];
  const cents = value === undefined ? undefined : parseCents(value);
  return cents !== undefined && cents > 0n ? centsToDecimal(cents) : undefined;
}

/** The charges offered in the question, kept in the prompt's state for the answer's turn. */
interface ChargeChoices {
  charges: ChargeView[];
  currency: string;
}

const choicesSchema = z.object({ charges: z.array(chargeSchema), currency: z.string() });
const promptOptionsSchema = z.object({ validations: choicesSchema });

function choicesIn(value: unknown): ChargeChoices {
  const options = promptOptionsSchema.safeParse(value);
  if (options.success) return options.data.validations;
  const direct = choicesSchema.safeParse(value);
  return direct.success ? direct.data : { charges: [], currency: 'USD' };
}

function chargeLabel(charge: ChargeView, currency: string): string {
  return `${chargeName(charge)} ${formatMoney(charge.amount, currency)}`;
}

/** The charge an answer picks: by its number or label, else by its words or amount. */
function chosenCharge(answer: string, money: string | undefined, choices: ChargeChoices): ChargeView | undefined {
  const index = pickChoice(answer, choices.charges.map((charge) => chargeLabel(charge, choices.currency)));
  if (index !== undefined) return choices.charges[index];
  return matchCharge(answer, money, choices.charges).charge;
}

function statusText(adjustment: AdjustmentView): string {
  switch (adjustment.status) {
    case 'pending':
      return 'waiting for our billing team';
    case 'approved':
      return adjustment.expectedOnBillDate ? `approved, showing on your bill of ${billDay(adjustment.expectedOnBillDate)}` : 'approved';
    case 'applied':
      return 'credited to your account';
    case 'rejected':
      return 'not approved';
  }
}

