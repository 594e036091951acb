import { TextPrompt, WaterfallDialog, type DialogTurnResult, type PromptValidatorContext, type WaterfallStepContext } from 'botbuilder-dialogs';
import { toE164 } from '../src/lib/phone.ts';
import { CancelAndHelpDialog } from './cancel-and-help.dialog.ts';
import type { SignInOptions } from './main.dialog.ts';
import { ONE_TIME_CODE_DIALOG, OneTimeCodeDialog, type OneTimeCodeOptions } from './one-time-code.dialog.ts';
import type { BotServices, BotSettings, CodeTarget } from './services.ts';
import { getTurnInfo } from './turn-info.ts';

export const SIGN_IN_DIALOG = 'signInDialog';
const STEPS = 'signInSteps';
const PHONE_PROMPT = 'signInPhonePrompt';

/**
 * Signs in an anonymous visitor (web chat, no phone number) or a caller whose number is on no
 * account: asks for the mobile number on the account (on a call, or the account number), texts a
 * one-time code to the number on file (the number given, or the account holder's; never the number
 * calling) and checks it; then the conversation belongs to that customer. Ends with the
 * `ResumeRequest` it was started with (the main dialog carries on with it), or with nothing. A
 * number or account we do not have is answered exactly like a real one, and never signs in.
 */
export class SignInDialog extends CancelAndHelpDialog {
  constructor(services: BotServices, settings: BotSettings) {
    // A phone number alone can read like a profile update: it must not switch away.
    super(SIGN_IN_DIALOG, services, settings, ['profile.update']);
    this.addDialog(new TextPrompt(PHONE_PROMPT, async (prompt) => whoIn(prompt) !== undefined));
    this.addDialog(new OneTimeCodeDialog(services, settings));
    this.addDialog(new WaterfallDialog<SignInOptions>(STEPS, [this.phoneStep.bind(this), this.codeStep.bind(this), this.signedInStep.bind(this)]));
    this.initialDialogId = STEPS;
  }

  /** Asks for the number on the account. */
  private async phoneStep(step: WaterfallStepContext<SignInOptions>): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    info.reason = 'signIn';
    if (info.capabilities.spoken) {
      // What a phone agent asks a caller the number does not name; the keypad works as well as speech.
      return step.prompt(PHONE_PROMPT, {
        prompt: "First I need to check it's you. Please say or key in your account number, or the phone number on your account, and I'll text a code to the number we have on file.",
        retryPrompt: 'Please say your account number, like A C C 1 2 3 4 5, or the full phone number on your account, like 555 123 4567.',
      });
    }
    return step.prompt(PHONE_PROMPT, {
      prompt: "First I need to check it's you. What's the mobile number on your account? I'll text it a code.",
      retryPrompt: 'Please send the full mobile number on your account, e.g. 555 123 4567.',
    });
  }

  /** Texts the code to that number (if it is on an account) and asks for it. */
  private async codeStep(step: WaterfallStepContext<SignInOptions>): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    const target = typeof step.result === 'string' ? whoOf(step.result, info.recognition.entities, info.capabilities.spoken) : undefined;
    if (!target) return step.endDialog();
    const options: OneTimeCodeOptions = { purpose: 'signIn', target };
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
    await step.context.sendActivity(info.capabilities.spoken ? `Thanks, ${customer.givenName}, that's you confirmed.` : `Thanks, ${customer.givenName}, you're signed in.`);
    return step.endDialog(step.options.resume);
  }
}

function whoIn(prompt: PromptValidatorContext<string>): CodeTarget | undefined {
  const info = getTurnInfo(prompt.context);
  return whoOf(prompt.recognized.value ?? '', info.recognition.entities, info.capabilities.spoken);
}

/** Who the answer names: a phone number, or on a call an account number ("A C C 1 0 0 0 1", or its digits alone, keyed). */
function whoOf(answer: string, entities: ReadonlyArray<{ type: string; value: string }>, spoken: boolean): CodeTarget | undefined {
  if (!spoken) {
    const phone = phoneOf(answer, entities);
    return phone ? { phone } : undefined;
  }
  const said = digitsSpoken(answer);
  const phone = phoneOf(said, entities);
  if (phone) return { phone };
  const account = /^\D*?(?:\bA\s*C\s*C\b[\s-]*)?(\d{5,8})\D*$/i.exec(said);
  return account ? { accountNumber: `ACC-${account[1]}` } : undefined;
}

// Speech-to-text writes numbers read digit by digit as words as often as digits.
const DIGIT_WORDS: Record<string, string> = { zero: '0', oh: '0', o: '0', one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9' };

/** The answer with digit words as digits, and the digits of one number run together ("five five five, 1 2 3" → "555123"). */
function digitsSpoken(answer: string): string {
  const words = answer.replace(/[,.]/g, ' ').split(/\s+/).filter(Boolean).map((word) => DIGIT_WORDS[word.toLowerCase()] ?? word);
  return words.reduce((text, word) => (/\d$/.test(text) && /^\d+$/.test(word) ? `${text}${word}` : text ? `${text} ${word}` : word), '');
}

/** The number in an answer: the recogniser's phone entity, or the whole answer read as one. */
function phoneOf(answer: string, entities: ReadonlyArray<{ type: string; value: string }>): string | undefined {
  return entities.find((entity) => entity.type === 'phone')?.value ?? toE164(answer);
}
