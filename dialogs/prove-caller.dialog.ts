import { WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { CancelAndHelpDialog } from './cancel-and-help.dialog.ts';
import type { SignInOptions } from './main.dialog.ts';
import { ONE_TIME_CODE_DIALOG, OneTimeCodeDialog, type OneTimeCodeOptions } from './one-time-code.dialog.ts';
import type { BotServices, BotSettings } from './services.ts';
import { getTurnInfo } from './turn-info.ts';

export const PROVE_CALLER_DIALOG = 'proveCallerDialog';
const STEPS = 'proveCallerSteps';

/**
 * Proves that a caller is the customer their caller ID names (voice: the number can be forged)
 * before anything about the account: a one-time code texted to the number on file, said or keyed
 * back. Ends with the `ResumeRequest` it was started with once proven (the main dialog carries on
 * with it; later turns of the conversation find the customer verified), or with nothing.
 */
export class ProveCallerDialog extends CancelAndHelpDialog {
  constructor(services: BotServices, settings: BotSettings) {
    super(PROVE_CALLER_DIALOG, services, settings);
    this.addDialog(new OneTimeCodeDialog(services, settings));
    this.addDialog(new WaterfallDialog<SignInOptions>(STEPS, [this.codeStep.bind(this), this.provenStep.bind(this)]));
    this.initialDialogId = STEPS;
  }

  /** Texts a code to the number on file of the customer the caller ID names. */
  private async codeStep(step: WaterfallStepContext<SignInOptions>): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    info.reason = 'verification.caller';
    if (!info.caller) return step.endDialog();
    const options: OneTimeCodeOptions = { purpose: 'caller.identity', target: { customerId: info.caller.id } };
    return step.beginDialog(ONE_TIME_CODE_DIALOG, options);
  }

  /** The code proved this very customer: from here on the turn (and the conversation) is theirs. */
  private async provenStep(step: WaterfallStepContext<SignInOptions>): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    const caller = info.caller;
    if (!caller || step.result !== caller.id) return step.endDialog();
    info.customer = caller;
    info.reason = 'verification.verified';
    info.links.push({ itemType: 'customer', itemId: caller.id, action: 'viewed' });
    await step.context.sendActivity(`Thanks, ${caller.givenName}, that's you confirmed.`);
    return step.endDialog(step.options.resume);
  }
}
