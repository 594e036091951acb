import type { TurnContext } from 'botbuilder-core';
import { ComponentDialog, DialogTurnStatus, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { INTENTS, type Intent } from '../src/nlu/recognizer.ts';
import { getTurnInfo } from './turn-info.ts';
import type { AgentQueue, BotServices, BotSettings, HandoffReason } from './services.ts';
import { contactText, formatDayTime, helpText } from './wording.ts';
import { agentNote, raisedTopics, soundsUpset } from '../src/domain/agents/handoff-note.ts';

// Words that abandon the request in progress ("actually nvm", "oh forget it", "scratch that"). A
// lone CANCEL is an SMS opt-out keyword, so it is not one of them.
const START_OVER =
  /^\s*(?:(?:actually|oh|ok|okay|wait|sorry|hmm|um|no|nah|ah|lol)[\s,.!]+)*(?:never ?mind|nevermind|nvm|nm|start (?:over|again)|restart|forget (?:it|that|about it|all that)|cancel (?:that|this|it|request)|stop (?:that|this)|quit this|reset|scratch that|let'?s start over|back to (?:the )?start)(?:[\s,.!]+(?:then|please|pls|thanks|thx))*\s*[.!]*\s*$/i;

/** Whether the message abandons whatever is in progress ("never mind", "actually nvm", "start over"). */
export function isStartOver(text: string): boolean {
  return START_OVER.test(text);
}

// A new request this sure of itself, and this long, replaces the one in progress.
const SWITCH_CONFIDENCE = 0.85;
const SWITCH_MIN_WORDS = 3;
// The requests that start work (every dotted intent but a request for a person).
const TASK_INTENTS: readonly Intent[] = INTENTS.filter((intent) => intent.includes('.') && intent !== 'agent.request');

/**
 * Base of every dialog that asks questions: "help", "start over" and "agent" work at any step,
 * and a clear new request ("what's my bill?" while asked which plan) replaces the one in progress.
 */
export class CancelAndHelpDialog extends ComponentDialog {
  constructor(
    id: string,
    protected readonly services: BotServices,
    protected readonly settings: BotSettings,
    /** The requests this dialog itself serves: answers that sound like them do not switch away. */
    private readonly ownIntents: readonly Intent[] = [],
  ) {
    super(id);
  }

  override async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    return (await this.interrupt(innerDc)) ?? super.onContinueDialog(innerDc);
  }

  private async interrupt(innerDc: DialogContext): Promise<DialogTurnResult | undefined> {
    const info = getTurnInfo(innerDc.context);
    const text = innerDc.context.activity.text ?? '';
    if (isStartOver(text)) {
      info.reason = 'conversation.startOver';
      await innerDc.context.sendActivity("OK, I've dropped that. What can I help you with?");
      return innerDc.cancelAllDialogs();
    }
    const { intent } = info.recognition;
    if (intent === 'help') {
      info.reason = 'help';
      await innerDc.context.sendActivity(helpText(this.settings, getTurnInfo(innerDc.context).capabilities));
      await innerDc.repromptDialog();
      return { status: DialogTurnStatus.waiting };
    }
    if (intent === 'agent.request') {
      await requestAgent(innerDc.context, this.services, this.settings);
      return innerDc.cancelAllDialogs();
    }
    const { confidence } = info.recognition;
    const words = text.trim().split(/\s+/).length;
    if (TASK_INTENTS.includes(intent) && !this.ownIntents.includes(intent) && confidence >= SWITCH_CONFIDENCE && words >= SWITCH_MIN_WORDS) {
      // src/bot runs the main dialog again on this message once the stack is empty.
      info.reroute = true;
      return innerDc.cancelAllDialogs();
    }
    return undefined;
  }
}

/** What a dialog adds to a handoff: the request it was on and what it collected. */
export interface HandoffDetails {
  intent?: string;
  collected?: Record<string, string>;
  suggestedNextStep?: string;
}

const TEAM_NAMES: Record<AgentQueue, string> = { billing: 'billing', technical: 'technical support', sales_retention: 'sales', general: 'customer care' };

/**
 * Hands the conversation to a person and tells the customer what happens next: their place in
 * line and the expected wait, or, outside the team's hours, when a person will answer (or that
 * the bot carries on until then). From then on the bot is silent until an agent hands back.
 */
export async function requestAgent(context: TurnContext, services: BotServices, settings: BotSettings, reason: HandoffReason = 'customer_asked', details: HandoffDetails = {}): Promise<void> {
  const info = getTurnInfo(context);
  info.reason = 'agent.request';
  if (info.capabilities.spoken) {
    // On a call the call itself puts the caller through (src/channels/voice/call-flow.ts), and
    // queues it for the agents, or offers a text or a call back after the team's hours.
    await context.sendActivity('Let me find you a person.');
    return;
  }
  const collected: Record<string, string> = { ...details.collected };
  for (const entity of info.recognition.entities) collected[entity.type] ??= entity.value;
  // An upset customer hears one short sentence that says so; whatever else the message raised (a
  // wrong bill) is noted for the person, with the customer's own words.
  const upset = soundsUpset(info.recognition.text);
  const raised = raisedTopics(info.recognition);
  if (upset || raised.length > 0) collected['note'] ??= agentNote(info.recognition.text, upset, raised);
  const sorry = upset ? "I'm sorry this has been so frustrating. " : '';
  const noted = raised.length > 0 ? ` I've noted ${raised.map((topic) => topic.said).join(' and ')} for them, so you won't have to explain it again.` : '';
  const result = await services.requestHandoff({
    conversationId: context.activity.conversation.id,
    customerId: info.customer?.id ?? null,
    inboundId: info.inboundId,
    correlationId: info.correlationId,
    reason,
    intent: details.intent ?? info.memory.lastRequest ?? null,
    collected,
    ...(details.suggestedNextStep ? { suggestedNextStep: details.suggestedNextStep } : {}),
  });
  switch (result.kind) {
    case 'queued': {
      const wait = result.expectedWaitMinutes <= 1 ? 'about a minute' : `about ${result.expectedWaitMinutes} minutes`;
      await context.sendActivity(
        `${sorry}I'm passing you to our ${TEAM_NAMES[result.queue]} team.${noted} You're number ${result.position} in line; the wait is ${wait}. A person will answer right here. If it's urgent, ${contactText(settings)}.`,
      );
      return;
    }
    case 'callback':
      await context.sendActivity(
        `${sorry}Our ${TEAM_NAMES[result.queue]} team is away right now.${noted} You're in line, and a person will answer right here from ${formatDayTime(result.opensAt, settings)}. If it's urgent, ${contactText(settings)}.`,
      );
      return;
    case 'stay-with-bot':
      info.reason = 'agent.afterHours';
      await context.sendActivity(`${sorry}Our ${TEAM_NAMES[result.queue]} team is back ${formatDayTime(result.opensAt, settings)}.${noted} Until then I'll keep helping here, or ${contactText(settings)}.`);
      return;
    case 'already':
      await context.sendActivity("You're already in line for a person from our team; they'll answer right here.");
      return;
  }
}
