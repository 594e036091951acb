import type { TurnContext } from 'botbuilder-core';
import type { DialogStateManagerConfiguration } from 'botbuilder-dialogs';

/**
 * Where botbuilder-dialogs' DialogStateManager looks for its memory-scope configuration in the
 * turn state (the constant is internal to the SDK; test/bot/dialog-state-configuration.test.ts
 * fails if it changes).
 */
export const DIALOG_STATE_CONFIGURATION_KEY = 'DialogStateManagerConfiguration';

/**
 * Keeps botbuilder's memory-scope configuration across turns. Without one in the turn state, every
 * turn builds it anew through a service collection (about 2% of a turn's CPU); its scopes and
 * path resolvers hold no per-turn data (that lives in the turn state), so one serves every turn.
 */
export class DialogStateConfigurationCache {
  private configuration: DialogStateManagerConfiguration | undefined;

  /** Before the turn's dialogs run: hands them the configuration built by an earlier turn. */
  lend(context: TurnContext): void {
    if (this.configuration) context.turnState.set(DIALOG_STATE_CONFIGURATION_KEY, this.configuration);
  }

  /** After the first turn's dialogs ran: keeps the configuration they built. */
  keep(context: TurnContext): void {
    this.configuration ??= context.turnState.get(DIALOG_STATE_CONFIGURATION_KEY);
  }
}
