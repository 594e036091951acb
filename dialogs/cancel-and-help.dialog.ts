import type { TurnContext } from 'botbuilder-core';
import { ComponentDialog, DialogTurnStatus, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { getTurnInfo } from './turn-info.ts';
import type { BotServices, BotSettings } from './services.ts';
import { contactText, helpText } from './wording.ts';

// Words that abandon the request in progress. A lone CANCEL is an SMS opt-out keyword, so it
// is not one of them.
const START_OVER = /^\s*(never ?mind|nevermind|start over|restart|forget (it|that)|cancel (that|this|it|request)|stop (that|this)|quit this|reset)\s*[.!]*\s*$/i;

/** Base of every dialog that asks questions: "help", "start over" and "agent" work at any step. */
export class CancelAndHelpDialog extends ComponentDialog {
  constructor(
    id: string,
    protected readonly services: BotServices,
    protected readonly settings: BotSettings,
  ) {
    super(id);
  }

  override async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    return (await this.interrupt(innerDc)) ?? super.onContinueDialog(innerDc);
  }

  private async interrupt(innerDc: DialogContext): Promise<DialogTurnResult | undefined> {
    const info = getTurnInfo(innerDc.context);
    const text = innerDc.context.activity.text ?? '';
    if (START_OVER.test(text)) {
      info.reason = 'conversation.startOver';
      await innerDc.context.sendActivity("OK, I've dropped that. What can I help you with?");
      return innerDc.cancelAllDialogs();
    }
    const { intent } = info.recognition;
    if (intent === 'help') {
      info.reason = 'help';
      await innerDc.context.sendActivity(helpText(this.settings));
      await innerDc.repromptDialog();
      return { status: DialogTurnStatus.waiting };
    }
    if (intent === 'agent.request') {
      await requestAgent(innerDc.context, this.services, this.settings);
      return innerDc.cancelAllDialogs();
    }
    return undefined;
  }
}

/** Records that the customer wants a person and tells them what happens next. */
export async function requestAgent(context: TurnContext, services: BotServices, settings: BotSettings): Promise<void> {
  const info = getTurnInfo(context);
  info.reason = 'agent.request';
  await services.recordAgentRequest({ customerId: info.customer?.id ?? null, conversationInboundId: info.inboundId, correlationId: info.correlationId });
  await context.sendActivity(`I've asked a member of our team to text you back. If it's urgent, ${contactText(settings)}.`);
}
