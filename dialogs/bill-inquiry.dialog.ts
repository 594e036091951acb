import { WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { compareBills, groupCharges } from '../src/domain/billing/bill-explanation.ts';
import { isUnpaid } from '../src/domain/billing/bills.service.ts';
import { formatBillReference, parseBillReference } from '../src/domain/references.ts';
import { formatMoney } from '../src/domain/billing/money.ts';
import { formatCalendarDay } from '../src/lib/dates.ts';
import { CancelAndHelpDialog } from './cancel-and-help.dialog.ts';
import { entityValue, type IntentRoute } from './intent-route.ts';
import type { BalanceView, BillChange, BillSummary, BillView, BotServices, BotSettings, ChargeGroup } from './services.ts';
import { getTurnInfo, type TurnInfo } from './turn-info.ts';
import { sendVerb, SERVICE_NAMES } from './wording.ts';

export const BILL_INQUIRY_DIALOG = 'billInquiryDialog';

/** What the customer asked about their bill. */
export type BillTopic = 'balance' | 'charges' | 'compare' | 'lower';

export interface BillInquiryOptions {
  topic: BillTopic;
  /** A bill reference the customer typed ("INV-10003"). */
  billRef?: string | undefined;
  /** A month or range the customer named, as "YYYY-MM-DD/YYYY-MM-DD". */
  period?: string | undefined;
}

// "why is my bill higher", "what changed": the difference from the previous bill.
const COMPARE =
  /\b(higher|lower|more than|less than|went up|go(?:ne|es)? up|went down|gone down|go(?:es)? down|increas\w*|decreas\w*|differ\w*|chang\w*|compar\w*|jump\w*|so (?:high|much|expensive)|expensive|bigger|smaller)\b/i;
// "what do I owe", "when is it due": the balance and due date.
const BALANCE = /\b(balance|owe|owing|outstanding|due|overdue|pay|paid|payment|how much)\b/i;

export const BILL_INQUIRY_ROUTE: IntentRoute = {
  intents: ['bill.inquiry'],
  dialogId: BILL_INQUIRY_DIALOG,
  audience: 'customer',
  options: (recognition): BillInquiryOptions => ({
    topic: billTopic(recognition.text),
    billRef: entityValue(recognition, 'billRef'),
    period: entityValue(recognition, 'period'),
  }),
};

// "can u lower my bill its too much": what the customer can do about it, not a comparison.
const LOWER =
  /\b(?:(?:lower|reduce|cut|bring down|decrease)\s+(?:my |the |our )?(?:bill|bills|payments?|costs?|price)|(?:can'?t|cannot|can not|cant) afford|pay(?:ing)? less|save (?:money|on)|cheaper|too (?:much|expensive|pricey))\b/i;
const COMPARED = /\b(than|went up|gone up|higher|increas\w*|this month|changed?|jump\w*)\b/i;

export function billTopic(text: string): BillTopic {
  if (LOWER.test(text) && !COMPARED.test(text)) return 'lower';
  if (COMPARE.test(text)) return 'compare';
  if (BALANCE.test(text)) return 'balance';
  return 'charges';
}

const STEPS = 'billInquirySteps';
/** Longest reply before details are left out (one SMS reads well up to about this). */
const MAX_REPLY = 320;

/** Bill inquiry: balance and due date, a bill's charges in a few lines, a named past bill, why it differs from the last one. */
export class BillInquiryDialog extends CancelAndHelpDialog {
  constructor(services: BotServices, settings: BotSettings) {
    super(BILL_INQUIRY_DIALOG, services, settings, BILL_INQUIRY_ROUTE.intents);
    this.addDialog(new WaterfallDialog<BillInquiryOptions>(STEPS, [this.answerStep.bind(this)]));
    this.initialDialogId = STEPS;
  }

  /** Finds the bill the customer means (only their own) and answers what they asked about it. */
  private async answerStep(step: WaterfallStepContext<BillInquiryOptions>): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    const customer = info.customer;
    if (!customer) return step.endDialog();
    const { topic, billRef, period } = step.options;
    const number = billRef ? parseBillReference(billRef) : undefined;
    const range = topic === 'compare' || number !== undefined ? undefined : periodRange(period);

    if (number !== undefined || range) {
      const named = number !== undefined ? await this.services.findCustomerBill(customer.id, number) : range ? await this.services.findCustomerBillForPeriod(customer.id, range.from, range.to) : null;
      if (!named) return this.notFound(step, number !== undefined ? `I can't find ${formatBillReference(number)} on your account.` : "I can't find a bill for that month.");
      if (topic === 'compare') return this.compare(step, named);
      return this.explain(step, named);
    }
    if (topic === 'balance') return this.balance(step);
    if (topic === 'lower') return this.waysToPayLess(step);
    const latest = await this.services.findLatestBill(customer.id);
    if (!latest) {
      info.reason = 'bill.inquiry.noBills';
      await step.context.sendActivity("You don't have a bill with us yet. Your first one comes at the end of your first month.");
      return step.endDialog();
    }
    return topic === 'compare' ? this.compare(step, latest) : this.explain(step, latest);
  }

  /**
   * "Can you lower my bill?": the cheaper plans of the kinds the customer has that they may order
   * now, with the saving, and a dispute if a charge is wrong. Nothing changes without their say.
   */
  private async waysToPayLess(step: WaterfallStepContext<BillInquiryOptions>): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    if (!info.customer) return step.endDialog();
    info.reason = 'bill.inquiry.lower';
    const customerId = info.customer.id;
    const [held, catalog] = await Promise.all([this.services.listActiveServices(customerId), this.services.listOfferings()]);
    const options: string[] = [];
    for (const service of held) {
      const current = catalog.find((offering) => offering.name === service.offeringName && !offering.isAddOn);
      if (!current) continue;
      const cheaper = catalog.filter((offering) => offering.serviceType === current.serviceType && !offering.isAddOn && Number(offering.recurringPrice) < Number(current.recurringPrice));
      for (const offering of cheaper) {
        const eligibility = await this.services.checkOrderEligibility(customerId, offering.code, {}, info.now);
        if (!eligibility?.eligible) continue;
        const saving = (Number(current.recurringPrice) - Number(offering.recurringPrice)).toFixed(2);
        options.push(`${offering.name} instead of your ${current.name}: ${formatMoney(offering.recurringPrice, offering.currency)}/mo, saving ${formatMoney(saving, offering.currency)}/mo`);
        break;
      }
    }
    const plans = options.length > 0 ? `Here's how you could pay less: ${options.slice(0, 2).join('; ')}. Say the plan's name to switch.` : "You're already on our lowest-priced plans for what you have.";
    await step.context.sendActivity(fit([plans, 'If a charge on your bill looks wrong, say "dispute" and which charge, and I\'ll ask for a credit.']));
    return step.endDialog();
  }

  /** What is owed, on which bills, by when. */
  private async balance(step: WaterfallStepContext<BillInquiryOptions>): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    if (!info.customer) return step.endDialog();
    info.reason = 'bill.inquiry.balance';
    const balance = await this.services.getBalance(info.customer.id, info.now);
    for (const bill of balance.unpaid.length > 0 ? balance.unpaid : balance.latest ? [balance.latest] : []) view(info, bill);
    await step.context.sendActivity(fit([this.balanceText(balance), `${sendVerb(info.capabilities)} "explain my bill" for the charges.`]));
    return step.endDialog();
  }

  private balanceText(balance: BalanceView): string {
    const money = (amount: string) => formatMoney(amount, balance.currency);
    const next = balance.nextBillDate ? ` Your next bill comes ${billDay(balance.nextBillDate)}.` : '';
    const [only] = balance.unpaid;
    if (!only) {
      const latest = balance.latest ? ` Your latest bill, ${balance.latest.reference} for ${money(balance.latest.amountDue)}, is paid.` : '';
      return `You owe nothing right now.${latest}${next}`;
    }
    if (balance.unpaid.length === 1) {
      return `You owe ${money(balance.owed)}: ${only.reference}, ${this.dueText(only, only.overdue)}.`;
    }
    const bills = balance.unpaid.map((bill) => `${bill.reference} ${money(bill.amountDue)} ${this.dueText(bill, bill.overdue)}`).join(', ');
    return `You owe ${money(balance.owed)} on ${balance.unpaid.length} bills: ${bills}.`;
  }

  private dueText(bill: BillSummary, overdue: boolean): string {
    return overdue ? `overdue since ${billDay(bill.dueDate)}` : `due ${billDay(bill.dueDate)}`;
  }

  /** The bill's charges in a few groups. */
  private async explain(step: WaterfallStepContext<BillInquiryOptions>, bill: BillView): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    info.reason = 'bill.inquiry.charges';
    view(info, bill);
    const head = `${bill.reference} (${billDay(bill.billDate)}): ${formatMoney(bill.amountDue, bill.currency)}, ${this.stateText(bill, info.now)}.`;
    const groups = groupCharges(bill);
    const parts = (detailed: (group: ChargeGroup) => boolean) =>
      groups.map((group, index) => groupText(group, bill.currency, detailed(group), index === 0)).join(', ');
    const candidates = [
      `${head} ${parts(() => true)}.`,
      `${head} ${parts((group) => group.kind !== 'service')}.`,
      `${head} ${parts(() => false)}.`,
    ];
    const body = candidates.find((text) => text.length <= MAX_REPLY) ?? candidates[candidates.length - 1] ?? head;
    await step.context.sendActivity(fit([body, `${sendVerb(info.capabilities)} "dispute" to question a charge.`]));
    return step.endDialog();
  }

  /** Why this bill differs from the one before, in money. */
  private async compare(step: WaterfallStepContext<BillInquiryOptions>, bill: BillView): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    info.reason = 'bill.inquiry.compare';
    view(info, bill);
    const previous = await this.services.findPreviousBill(bill);
    if (!previous) {
      await step.context.sendActivity(`${bill.reference} is your first bill, so there's no earlier one to compare it with. ${sendVerb(info.capabilities)} "explain my bill" for its charges.`);
      return step.endDialog();
    }
    view(info, previous);
    const money = (cents: bigint) => formatMoney(cents < 0n ? -cents : cents, bill.currency);
    const { differenceCents, changes } = compareBills(bill, previous);
    const totals = `(${formatMoney(bill.amountDue, bill.currency)} vs ${formatMoney(previous.amountDue, previous.currency)})`;
    const head =
      differenceCents === 0n
        ? `${bill.reference} is the same total as ${previous.reference} ${totals}`
        : `${bill.reference} is ${money(differenceCents)} ${differenceCents > 0n ? 'more' : 'less'} than ${previous.reference} ${totals}`;
    if (changes.length === 0) {
      await step.context.sendActivity(`${head}, with the same charges.`);
      return step.endDialog();
    }
    let text = `${head}: ${changeText(changes[0], bill.currency)}`;
    for (const change of changes.slice(1)) {
      const next = `${text}, ${changeText(change, bill.currency)}`;
      if (next.length > MAX_REPLY - 1) break;
      text = next;
    }
    await step.context.sendActivity(`${text}.`);
    return step.endDialog();
  }

  private async notFound(step: WaterfallStepContext<BillInquiryOptions>, sentence: string): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    info.reason = 'bill.inquiry.notFound';
    const recent = info.customer ? await this.services.listRecentBills(info.customer.id) : [];
    const list = recent.map((bill) => `${bill.reference} (${billDay(bill.billDate)})`).join(', ');
    await step.context.sendActivity(recent.length > 0 ? `${sentence} Your recent bills: ${list}.` : `${sentence} You don't have a bill with us yet.`);
    return step.endDialog();
  }

  private stateText(bill: BillSummary, now: Date): string {
    if (bill.state === 'settled') return 'paid';
    if (isUnpaid(bill.state)) return this.dueText(bill, bill.dueDate.getTime() < now.getTime());
    return bill.state === 'onHold' ? 'on hold' : 'not issued yet';
  }
}

function view(info: TurnInfo, bill: BillSummary): void {
  if (!info.links.some((link) => link.itemType === 'bill' && link.itemId === bill.id)) info.links.push({ itemType: 'bill', itemId: bill.id, action: 'viewed' });
}

function groupText(group: ChargeGroup, currency: string, detailed: boolean, first: boolean): string {
  const money = formatMoney(group.cents, currency);
  const details = (names: string[]) => (detailed && names.length > 0 ? ` (${names.join(', ')})` : '');
  const label = (text: string) => (first ? text.charAt(0).toUpperCase() + text.slice(1) : text);
  switch (group.kind) {
    case 'service':
      return `${label(SERVICE_NAMES[group.serviceType])} ${money}${details(group.names)}`;
    case 'oneTime':
      return `${label('one-time fees')} ${money}${details(group.names)}`;
    case 'usage':
      return `${label('usage')} ${money}${details(group.names)}`;
    case 'credit':
      return `${label('credits')} ${money}${details(group.names)}`;
    case 'tax':
      return `${label('taxes')} ${money}`;
    case 'other':
      return `${label('other')} ${money}${details(group.names)}`;
  }
}

function changeText(change: BillChange | undefined, currency: string): string {
  if (!change) return '';
  const signed = `${change.cents < 0n ? '-' : '+'}${formatMoney(change.cents < 0n ? -change.cents : change.cents, currency)}`;
  switch (change.kind) {
    case 'newProduct':
      return `new ${change.name} ${signed}`;
    case 'endedProduct':
      return `${change.name} ended ${signed}`;
    case 'priceChange':
      return `${change.name} price ${signed}`;
    case 'oneTimeFee':
      return change.cents > 0n ? `one-time ${change.name} ${signed}` : `no ${change.name} this time ${signed}`;
    case 'usage':
      return `usage ${signed} (${change.names.join(', ')})`;
    case 'credits':
      return `${change.cents > 0n ? 'less' : 'more'} credit ${signed}`;
    case 'taxes':
      return `taxes ${signed}`;
  }
}

/** The sentences that fit in one reply, in order; the first always. */
function fit(sentences: string[]): string {
  const [first, ...rest] = sentences;
  let text = first ?? '';
  for (const sentence of rest) if (text.length + 1 + sentence.length <= MAX_REPLY) text = `${text} ${sentence}`;
  return text;
}

/** Bill, due and cycle dates are calendar days (stored at UTC midnight), the same in every time zone. */
export function billDay(date: Date): string {
  return formatCalendarDay(date);
}

/** A "YYYY-MM-DD/YYYY-MM-DD" period entity as a UTC range covering both whole days. */
export function periodRange(period: string | undefined): { from: Date; to: Date } | undefined {
  const match = /^(\d{4}-\d{2}-\d{2})\/(\d{4}-\d{2}-\d{2})$/.exec(period ?? '');
  if (!match?.[1] || !match[2]) return undefined;
  const from = new Date(`${match[1]}T00:00:00.000Z`);
  const to = new Date(`${match[2]}T23:59:59.999Z`);
  return Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) ? undefined : { from, to };
}
