import { TextPrompt, WaterfallDialog, type DialogTurnResult, type PromptValidatorContext, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { Intent } from '../src/nlu/recognizer.ts';
import { CancelAndHelpDialog } from './cancel-and-help.dialog.ts';
import { withChoices } from './choices.ts';
import type { BotServices, BotSettings } from './services.ts';
import { getTurnInfo } from './turn-info.ts';

export const CLARIFY_DIALOG = 'clarifyDialog';
const STEPS = 'clarifySteps';
const CHOICE_PROMPT = 'clarifyChoicePrompt';

/** How each request is named in a clarifying question. */
export const INTENT_TOPICS: Partial<Record<Intent, string>> = {
  'ticket.create': 'a fault with a service',
  'ticket.status': 'a fault ticket you already reported',
  'bill.inquiry': 'your bill',
  'bill.dispute': 'a charge you want to dispute',
  'order.create': 'ordering something',
  'order.status': 'an order you placed',
  'profile.view': 'the details we have on file',
  'profile.update': 'changing your details',
  'product.info': 'our plans and offers',
  'service.cancel': 'cancelling a service',
  complaint: 'a complaint',
  'agent.request': 'talking to a person',
};

export interface ClarifyOptions {
  /** The two likeliest requests, likeliest first. */
  intents: [Intent, Intent];
}

const FIRST = /^\s*(1|1st|first|the first( one)?|former|a)\s*[.!]*\s*$/i;
const SECOND = /^\s*(2|2nd|second|the second( one)?|latter|the other( one)?|b)\s*[.!]*\s*$/i;

/** Asks which of two requests the customer meant; ends with the chosen intent, or none. */
export class ClarifyDialog extends CancelAndHelpDialog {
  constructor(services: BotServices, settings: BotSettings) {
    super(CLARIFY_DIALOG, services, settings);
    this.addDialog(new TextPrompt(CHOICE_PROMPT, (prompt) => this.validateChoice(prompt)));
    this.addDialog(new WaterfallDialog<ClarifyOptions>(STEPS, [this.askStep.bind(this), this.answerStep.bind(this)]));
    this.initialDialogId = STEPS;
  }

  /** "Is this about your bill or about a fault?" */
  private async askStep(step: WaterfallStepContext<ClarifyOptions>): Promise<DialogTurnResult> {
    const [first, second] = step.options.intents;
    const info = getTurnInfo(step.context);
    info.reason = 'clarify';
    // With buttons the two topics are the buttons; without, they are numbered in the question.
    const topics = topicsOf(step.options.intents);
    return step.prompt(CHOICE_PROMPT, {
      prompt: info.capabilities.buttons
        ? withChoices(`Just to be sure: is this about ${INTENT_TOPICS[first] ?? first} or ${INTENT_TOPICS[second] ?? second}?`, topics)
        : `Just to be sure: is this about ${INTENT_TOPICS[first] ?? first} (1) or ${INTENT_TOPICS[second] ?? second} (2)?`,
      retryPrompt: info.capabilities.buttons ? withChoices('Please pick one, or say "no" if it is something else.', topics) : 'Please reply 1 or 2, or "no" if it is something else.',
      validations: step.options.intents,
    });
  }

  /** Ends with the chosen intent; "no" ends with none so the main dialog asks again. */
  private async answerStep(step: WaterfallStepContext<ClarifyOptions>): Promise<DialogTurnResult> {
    const chosen = chosenIntent(step.result, getTurnInfo(step.context).recognition.intent, step.options.intents);
    if (!chosen) {
      await step.context.sendActivity('OK. Tell me in a few words what you need, and I will do my best.');
      return step.endDialog();
    }
    return step.endDialog(chosen);
  }

  private async validateChoice(prompt: PromptValidatorContext<string>): Promise<boolean> {
    const intents = prompt.options.validations;
    if (!isPair(intents)) return false;
    const { intent } = getTurnInfo(prompt.context).recognition;
    return intent === 'deny' || chosenIntent(prompt.recognized.value, intent, intents) !== undefined;
  }
}

/** The intent an answer picks: by number or position, by naming it, or yes for the first. */
function chosenIntent(answer: unknown, recognised: Intent, [first, second]: [Intent, Intent]): Intent | undefined {
  const text = typeof answer === 'string' ? answer : '';
  if (FIRST.test(text)) return first;
  if (SECOND.test(text)) return second;
  // A tapped button sends its topic back.
  const tapped = topicsOf([first, second]).findIndex((topic) => topic.toLowerCase() === text.trim().toLowerCase());
  if (tapped >= 0) return tapped === 0 ? first : second;
  if (recognised === first || recognised === second) return recognised;
  if (recognised === 'affirm') return first;
  return undefined;
}

/** The two topics as button labels ("Talking to a person"). */
function topicsOf([first, second]: [Intent, Intent]): string[] {
  return [INTENT_TOPICS[first] ?? first, INTENT_TOPICS[second] ?? second].map((topic) => topic.charAt(0).toUpperCase() + topic.slice(1));
}

function isPair(value: unknown): value is [Intent, Intent] {
  return Array.isArray(value) && value.length === 2 && value.every((item) => typeof item === 'string');
}
