import { ActivityTypes, BotAdapter, TurnContext, type Activity, type ConversationReference, type ResourceResponse } from 'botbuilder-core';

/**
 * An in-process botbuilder adapter: runs one turn and collects what the bot says, so replies can
 * be stored before anything is delivered. No Microsoft service is involved.
 */
export class CollectingAdapter extends BotAdapter {
  async runTurn(activity: Partial<Activity>, logic: (context: TurnContext) => Promise<void>): Promise<Partial<Activity>[]> {
    const sent: Partial<Activity>[] = [];
    const context = new TurnContext(this, activity);
    context.turnState.set(SENT_KEY, sent);
    await this.runMiddleware(context, logic);
    return sent;
  }

  async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const sent: Partial<Activity>[] | undefined = context.turnState.get(SENT_KEY);
    if (!sent) throw new Error('sendActivities outside a turn');
    const responses: ResourceResponse[] = [];
    for (const activity of activities) {
      if (activity.type === ActivityTypes.Message || activity.type === undefined) sent.push(activity);
      responses.push({ id: `${sent.length}` });
    }
    return responses;
  }

  async updateActivity(): Promise<void> {
    throw new Error('Sent messages cannot be edited on this channel');
  }

  async deleteActivity(): Promise<void> {
    throw new Error('Sent messages cannot be deleted on this channel');
  }

  async continueConversation(_reference: Partial<ConversationReference>): Promise<void> {
    throw new Error('Proactive messages go through the outbound queue, not the adapter');
  }
}

const SENT_KEY = Symbol('sentActivities');
