import { TextPrompt, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { CancelAndHelpDialog, requestAgent } from './cancel-and-help.dialog.ts';
import type { BotServices, BotSettings } from './services.ts';
import { getTurnInfo } from './turn-info.ts';
import { helpText } from './wording.ts';

export const OFFER_AGENT_DIALOG = 'offerAgentDialog';
const STEPS = 'offerAgentSteps';
const CONFIRM_PROMPT = 'offerAgentConfirmPrompt';

/** After repeated misunderstandings: offer a person instead of another "sorry". */
export class OfferAgentDialog extends CancelAndHelpDialog {
  constructor(services: BotServices, settings: BotSettings) {
    super(OFFER_AGENT_DIALOG, services, settings);
    this.addDialog(new TextPrompt(CONFIRM_PROMPT, async (prompt) => ['affirm', 'deny'].includes(getTurnInfo(prompt.context).recognition.intent)));
    this.addDialog(new WaterfallDialog(STEPS, [this.offerStep.bind(this), this.answerStep.bind(this)]));
    this.initialDialogId = STEPS;
  }

  /** Asks whether a person should take over. */
  private async offerStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const info = getTurnInfo(step.context);
    info.reason = 'agent.offer';
    // On a call the person takes the call; in writing they answer in the conversation.
    const reached = info.capabilities.spoken ? 'to take your call' : info.capabilities.addressIsPhone ? 'to text you' : 'to answer you here';
    return step.prompt(CONFIRM_PROMPT, {
      prompt: `Sorry, I'm still not following. Shall I ask a person from our team ${reached}? (yes/no)`,
      retryPrompt: info.capabilities.spoken ? 'Say yes for a person, or no to keep going with me.' : `Reply YES for a person ${reached}, or NO to keep going with me.`,
    });
  }

  /** Yes hands over; no explains what the bot can do. */
  private async answerStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (getTurnInfo(step.context).recognition.intent === 'affirm') {
      await requestAgent(step.context, this.services, this.settings, 'not_understood');
    } else {
      await step.context.sendActivity(`OK. ${helpText(this.settings, getTurnInfo(step.context).capabilities)}`);
    }
    return step.endDialog();
  }
}
