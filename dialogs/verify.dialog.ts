import { WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { CancelAndHelpDialog } from './cancel-and-help.dialog.ts';
import { ONE_TIME_CODE_DIALOG, OneTimeCodeDialog, type OneTimeCodeOptions } from './one-time-code.dialog.ts';
import type { BotServices, BotSettings } from './services.ts';
import { getTurnInfo } from './turn-info.ts';

export const VERIFY_DIALOG = 'verifyDialog';
const STEPS = 'verifySteps';

export interface VerifyOptions {
  /** What the code is for, recorded on the challenge and in the audit trail, e.g. `profile.update`, `bill.adjustment`. */
  purpose: string;
}

/**
 * Second factor for a sensitive change: texts a one-time code to the customer's number on file and
 * checks it. Ends with `true` when the customer is verified (at once if they already were in this
 * conversation within the configured window), `false` after telling them why not. Any dialog
 * starts it with `step.beginDialog(VERIFY_DIALOG, { purpose })` (it is registered with the main
 * dialog, and dialogs look up their parents' dialogs).
 */
export class VerifyDialog extends CancelAndHelpDialog {
  constructor(services: BotServices, settings: BotSettings) {
    super(VERIFY_DIALOG, services, settings);
    this.addDialog(new OneTimeCodeDialog(services, settings));
    this.addDialog(new WaterfallDialog<VerifyOptions>(STEPS, [this.codeStep.bind(this), this.resultStep.bind(this)]));
    this.initialDialogId = STEPS;
  }

  /** Skips the code when this conversation verified the customer recently; otherwise sends one. */
  private async codeStep(step: WaterfallStepContext<VerifyOptions>): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    const customer = info.customer;
    if (!customer) return step.endDialog(false);
    const conversationId = step.context.activity.conversation.id;
    if (await this.services.isVerified({ conversationId, customerId: customer.id, now: info.now })) return step.endDialog(true);
    const options: OneTimeCodeOptions = { purpose: step.options.purpose || 'verify', target: { customerId: customer.id } };
    return step.beginDialog(ONE_TIME_CODE_DIALOG, options);
  }

  /** True only when the code verified this very customer. */
  private async resultStep(step: WaterfallStepContext<VerifyOptions>): Promise<DialogTurnResult> {
    const customer = getTurnInfo(step.context).customer;
    return step.endDialog(customer !== null && step.result === customer.id);
  }
}
