import { TextPrompt, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { CancelAndHelpDialog, requestAgent } from './cancel-and-help.dialog.ts';
import { withChoices, YES_NO, yesOrNo } from './choices.ts';
import type { IntentRoute } from './intent-route.ts';
import type { BotServices, BotSettings } from './services.ts';
import { getTurnInfo } from './turn-info.ts';
import { clip } from './wording.ts';

export const COMPLAINT_DIALOG = 'complaintDialog';

export const COMPLAINT_ROUTE: IntentRoute = {
  intents: ['complaint'],
  dialogId: COMPLAINT_DIALOG,
  audience: 'anyone',
};
const STEPS = 'complaintSteps';
const PERSON_PROMPT = 'complaintPersonPrompt';
const MAX_COMPLAINT = 300;

interface ComplaintState {
  /** The complaint in the customer's words, for the person who takes it. */
  complaint?: string;
}

/**
 * A complaint: logged in the customer's words. From a customer the churn score says is at high
 * risk of leaving, it goes straight to a person on the retention team (at a raised priority);
 * otherwise the bot acknowledges it and offers a person.
 */
export class ComplaintDialog extends CancelAndHelpDialog {
  constructor(services: BotServices, settings: BotSettings) {
    super(COMPLAINT_DIALOG, services, settings, COMPLAINT_ROUTE.intents);
    this.addDialog(new TextPrompt(PERSON_PROMPT, async (prompt) => yesOrNo(prompt.context) !== undefined));
    this.addDialog(new WaterfallDialog<ComplaintState>(STEPS, [this.logStep.bind(this), this.answerStep.bind(this)]));
    this.initialDialogId = STEPS;
  }

  /** Logs the complaint; a high-risk customer goes to a person now, anyone else is asked. */
  private async logStep(step: WaterfallStepContext<ComplaintState>): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    const complaint = clip(info.recognition.text.trim(), MAX_COMPLAINT);
    step.options.complaint = complaint;
    const risk = info.customer ? await this.services.findChurnRisk(info.customer.id) : null;
    await this.services.recordComplaint({
      customerId: info.customer?.id ?? null,
      conversationId: step.context.activity.conversation.id,
      inboundId: info.inboundId,
      text: info.recognition.text,
      channel: info.channel,
      churnBand: risk?.band ?? null,
      correlationId: info.correlationId,
    });
    if (risk?.band === 'high') {
      await requestAgent(step.context, this.services, this.settings, 'complaint_high_churn', {
        intent: 'complaint',
        collected: { complaint, churn: `${risk.band} (${risk.reasons.slice(0, 2).join('; ') || 'no reasons recorded'})` },
        suggestedNextStep: 'A complaint from a customer at high risk of leaving: apologise, put it right, and consider a retention offer.',
      });
      return step.endDialog();
    }
    info.reason = 'complaint.logged';
    return step.prompt(PERSON_PROMPT, {
      prompt: withChoices("I'm sorry about this. I've logged your complaint in your own words, so our team can see it. Would you like a person to take it up with you now?", YES_NO),
      retryPrompt: withChoices('Please reply YES for a person to take up your complaint, or NO to leave it logged.', YES_NO),
    });
  }

  /** Yes: a person takes it, with the complaint in their packet. No: it stays logged. */
  private async answerStep(step: WaterfallStepContext<ComplaintState>): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    if (yesOrNo(step.context) === 'yes') {
      await requestAgent(step.context, this.services, this.settings, 'customer_asked', {
        intent: 'complaint',
        collected: { complaint: step.options.complaint ?? '' },
        suggestedNextStep: 'The customer made a complaint and asked for a person: apologise and put it right.',
      });
      return step.endDialog();
    }
    info.reason = 'complaint.logged';
    await step.context.sendActivity("OK, your complaint stays logged and our team will review it. I'm here if there's anything I can fix for you now.");
    return step.endDialog();
  }
}
