import type { Intent, Recognition } from '../src/nlu/recognizer.ts';
import type { TurnInfo } from './turn-info.ts';

/**
 * How the main dialog starts a request's dialog. Each dialog file exports its route(s) and
 * src/bot/conversation-bot.ts registers them with the dialog, so adding a conversation touches
 * no other dialog.
 */
export interface IntentRoute {
  intents: readonly Intent[];
  dialogId: string;
  /** Who may start it: `customer` needs a customer identified on the channel (the sending number on SMS, sign-in on web chat); `anyone` also serves anonymous visitors. */
  audience: 'customer' | 'anyone';
  /** The dialog's options from what the first message already said. */
  options?: (recognition: Recognition, info: TurnInfo) => object;
}

export function entityValue(recognition: Recognition, type: string): string | undefined {
  return recognition.entities.find((entity) => entity.type === type)?.value;
}
