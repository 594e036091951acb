import { TextPrompt, WaterfallDialog, type DialogTurnResult, type PromptValidatorContext, type WaterfallStepContext } from 'botbuilder-dialogs';
import { toE164 } from '../src/lib/phone.ts';
import { CancelAndHelpDialog } from './cancel-and-help.dialog.ts';
import type { SignInOptions } from './main.dialog.ts';
import { ONE_TIME_CODE_DIALOG, OneTimeCodeDialog, type OneTimeCodeOptions } from './one-time-code.dialog.ts';
import type { BotServices, BotSettings } from './services.ts';
import { getTurnInfo } from './turn-info.ts';

export const SIGN_IN_DIALOG = 'signInDialog';
const STEPS = 'signInSteps';
const PHONE_PROMPT = 'signInPhonePrompt';

/**
 * Signs in an anonymous visitor (web chat, no phone number): asks for the mobile number on the
 * account, texts it a one-time code and checks it; then the conversation belongs to that customer.
 * Ends with the `ResumeRequest` it was started with (the main dialog carries on with it), or with
 * nothing. A number on no account is answered exactly like a real one, and never signs in.
 */
export class SignInDialog extends CancelAndHelpDialog {
  constructor(services: BotServices, settings: BotSettings) {
    // A phone number alone can read like a profile update: it must not switch away.
    super(SIGN_IN_DIALOG, services, settings, ['profile.update']);
    this.addDialog(new TextPrompt(PHONE_PROMPT, async (prompt) => phoneIn(prompt) !== undefined));
    this.addDialog(new OneTimeCodeDialog(services, settings));
    this.addDialog(new WaterfallDialog<SignInOptions>(STEPS, [this.phoneStep.bind(this), this.codeStep.bind(this), this.signedInStep.bind(this)]));
    this.initialDialogId = STEPS;
  }

  /** Asks for the number on the account. */
  private async phoneStep(step: WaterfallStepContext<SignInOptions>): Promise<DialogTurnResult> {
    getTurnInfo(step.context).reason = 'signIn';
    return step.prompt(PHONE_PROMPT, {
      prompt: "First I need to check it's you. What's the mobile number on your account? I'll text it a code.",
      retryPrompt: 'Please send the full mobile number on your account, e.g. 555 123 4567.',
    });
  }

  /** Texts the code to that number (if it is on an account) and asks for it. */
  private async codeStep(step: WaterfallStepContext<SignInOptions>): Promise<DialogTurnResult> {
    const phone = typeof step.result === 'string' ? phoneOf(step.result, getTurnInfo(step.context).recognition.entities) : undefined;
    if (!phone) return step.endDialog();
    const options: OneTimeCodeOptions = { purpose: 'signIn', target: { phone } };
    return step.beginDialog(ONE_TIME_CODE_DIALOG, options);
  }

  /** Ties the conversation to the customer and hands the original request back. */
  private async signedInStep(step: WaterfallStepContext<SignInOptions>): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    if (typeof step.result !== 'string') return step.endDialog();
    const customer = await this.services.signInConversation({
      conversationId: step.context.activity.conversation.id,
      customerId: step.result,
      correlationId: info.correlationId,
      now: info.now,
    });
    if (!customer) return step.endDialog();
    info.customer = customer;
    info.reason = 'signIn.verified';
    info.links.push({ itemType: 'customer', itemId: customer.id, action: 'viewed' });
    await step.context.sendActivity(`Thanks, ${customer.givenName}, you're signed in.`);
    return step.endDialog(step.options.resume);
  }
}

function phoneIn(prompt: PromptValidatorContext<string>): string | undefined {
  return phoneOf(prompt.recognized.value ?? '', getTurnInfo(prompt.context).recognition.entities);
}

/** The number in an answer: the recogniser's phone entity, or the whole answer read as one. */
function phoneOf(answer: string, entities: ReadonlyArray<{ type: string; value: string }>): string | undefined {
  return entities.find((entity) => entity.type === 'phone')?.value ?? toE164(answer);
}
