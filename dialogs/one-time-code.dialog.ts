import { TextPrompt, WaterfallDialog, type DialogTurnResult, type PromptValidatorContext, type WaterfallStepContext } from 'botbuilder-dialogs';
import { codeIn } from '../src/domain/identity/verification.service.ts';
import { CancelAndHelpDialog } from './cancel-and-help.dialog.ts';
import type { BotServices, BotSettings, CodeTarget, IssueCodeResult } from './services.ts';
import { getTurnInfo } from './turn-info.ts';
import { contactText } from './wording.ts';

export const ONE_TIME_CODE_DIALOG = 'oneTimeCodeDialog';
const STEPS = 'oneTimeCodeSteps';
const CODE_PROMPT = 'oneTimeCodeCodePrompt';

const RESEND = /\b(resend|re-send|send (it )?again|new code|another (one|code)|didn'?t (get|receive)|haven'?t (got|received)|not (got|received)|no code)\b/i;

export interface OneTimeCodeOptions {
  /** What the code is for, e.g. `profile.update`, `signIn`. */
  purpose: string;
  /** The verified customer's number on file, or the number a visitor typed (sign-in). */
  target: CodeTarget;
  /** Set once the code is on its way. */
  sent?: boolean;
  /** Said before the question: where the code went, or why another answer is needed. */
  notice?: string;
}

/**
 * Texts a one-time code and asks for it: re-asks after a wrong code while tries are left, sends a
 * new one on "resend". Ends with the verified customer's id, or null after saying why not (too
 * many codes, too many wrong tries, expired). Started by the verify and sign-in dialogs.
 */
export class OneTimeCodeDialog extends CancelAndHelpDialog {
  constructor(services: BotServices, settings: BotSettings) {
    super(ONE_TIME_CODE_DIALOG, services, settings);
    this.addDialog(new TextPrompt(CODE_PROMPT, async (prompt) => this.validateCode(prompt)));
    this.addDialog(new WaterfallDialog<OneTimeCodeOptions>(STEPS, [this.sendStep.bind(this), this.askStep.bind(this), this.checkStep.bind(this)]));
    this.initialDialogId = STEPS;
  }

  /** Texts the code, unless it is already on its way. */
  private async sendStep(step: WaterfallStepContext<OneTimeCodeOptions>): Promise<DialogTurnResult> {
    if (step.options.sent) return step.next();
    const issued = await this.issue(step);
    if (issued.status !== 'sent') return this.notSent(step, issued);
    step.options.sent = true;
    // A typed number gets the same words whether it is on an account (or may take a code) or not.
    step.options.notice =
      'customerId' in step.options.target
        ? `To keep your account safe, I've texted a 6-digit code to your number ending ${lastDigits(issued.phone)}.`
        : 'accountNumber' in step.options.target
          ? "If that account is ours, I've texted a 6-digit code to the phone number on file."
          : `If that number is on an account, I've texted it a 6-digit code.`;
    return step.next();
  }

  /** Asks for the code. */
  private async askStep(step: WaterfallStepContext<OneTimeCodeOptions>): Promise<DialogTurnResult> {
    // On a call the code is said or keyed (the voice channel keeps it out of the record either way).
    const spoken = getTurnInfo(step.context).capabilities.spoken;
    const answer = spoken ? 'Please say the code or key it in' : 'Please reply with the code';
    return step.prompt(CODE_PROMPT, {
      prompt: `${step.options.notice ?? ''} ${answer}, or "resend" for a new one.`.trim(),
      retryPrompt: spoken ? 'Please say or key in the 6-digit code we texted you, or say "resend" for a new one.' : 'Please reply with the 6-digit code we texted you, or "resend" for a new one.',
    });
  }

  /** Checks the answer: done, another try, a new code, or the reason it cannot go on. */
  private async checkStep(step: WaterfallStepContext<OneTimeCodeOptions>): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    const answer = typeof step.result === 'string' ? step.result : '';
    const code = codeIn(answer);
    if (!code) {
      const issued = await this.issue(step);
      if (issued.status !== 'sent') return this.notSent(step, issued);
      info.reason = 'verification.resent';
      const notice =
        'customerId' in step.options.target
          ? "I've texted you a new code."
          : 'accountNumber' in step.options.target
            ? "If that account is ours, I've texted a new code to the phone number on file."
            : "If that number is on an account, I've texted it a new code.";
      return step.replaceDialog(STEPS, { ...step.options, sent: true, notice });
    }
    const checked = await this.services.checkVerificationCode({
      conversationId: step.context.activity.conversation.id,
      answer: code,
      correlationId: info.correlationId,
      now: info.now,
    });
    info.reason = `verification.${checked.status}`;
    switch (checked.status) {
      case 'verified':
        return step.endDialog(checked.customerId);
      case 'wrong':
        return step.replaceDialog(STEPS, {
          ...step.options,
          notice: `That code isn't right. ${checked.attemptsLeft} ${checked.attemptsLeft === 1 ? 'try' : 'tries'} left.`,
        });
      case 'failed':
        await step.context.sendActivity("That's too many wrong codes, so I can't go ahead. You can ask again for a new code.");
        return step.endDialog(null);
      case 'expired':
        await step.context.sendActivity("That code has expired, so I can't go ahead. You can ask again for a new code.");
        return step.endDialog(null);
      case 'none':
        await step.context.sendActivity("I don't have a code waiting for you, so I can't go ahead. You can ask again for a new code.");
        return step.endDialog(null);
    }
  }

  private issue(step: WaterfallStepContext<OneTimeCodeOptions>): Promise<IssueCodeResult> {
    const info = getTurnInfo(step.context);
    return this.services.sendVerificationCode({
      conversationId: step.context.activity.conversation.id,
      target: step.options.target,
      purpose: step.options.purpose,
      idempotencyKey: `otp-${info.inboundId}`,
      correlationId: info.correlationId,
      now: info.now,
    });
  }

  /** Too many codes, or no number to text: says so and ends. */
  private async notSent(step: WaterfallStepContext<OneTimeCodeOptions>, issued: Exclude<IssueCodeResult, { status: 'sent' }>): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    info.reason = `verification.${issued.status}`;
    await step.context.sendActivity(this.notSentText(issued.status));
    return step.endDialog(null);
  }

  private notSentText(status: Exclude<IssueCodeResult, { status: 'sent' }>['status']): string {
    switch (status) {
      // Only ever the holder's own number on file: a typed number's budget is never mentioned.
      case 'rateLimited':
        return `Too many codes have been sent to that number, so I can't go ahead. Please try again in an hour, or ${contactText(this.settings)}.`;
      // This chat's own budget, the same whatever numbers were typed.
      case 'signInLimited':
        return `You've asked for too many codes in this chat, so I can't send another. Please try again in an hour, or ${contactText(this.settings)}.`;
      case 'noPhone':
        return `I can't text you a code: there's no mobile number on your account. Please ${contactText(this.settings)}.`;
    }
  }

  private async validateCode(prompt: PromptValidatorContext<string>): Promise<boolean> {
    const answer = prompt.recognized.value ?? '';
    return codeIn(answer) !== undefined || RESEND.test(answer);
  }
}

function lastDigits(phone: string): string {
  return phone.slice(-4);
}
