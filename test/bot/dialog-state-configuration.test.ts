import { TestAdapter, TurnContext, ConversationState, MemoryStorage } from 'botbuilder-core';
import { DialogSet, type DialogState } from 'botbuilder-dialogs';
import { describe, expect, it } from 'vitest';
import { DIALOG_STATE_CONFIGURATION_KEY, DialogStateConfigurationCache } from '../../src/bot/dialog-state-configuration.ts';

// The bot reuses botbuilder's memory-scope configuration across turns through a turn-state key
// that is internal to botbuilder-dialogs: these tests fail if the SDK stops reading it there.

function newTurn(adapter: TestAdapter): TurnContext {
  return new TurnContext(adapter, { type: 'message', text: 'hi', channelId: 'test', conversation: { id: 'c1', isGroup: false, conversationType: 'personal', name: '' }, from: { id: 'u1', name: '' }, recipient: { id: 'b1', name: '' } });
}

describe('dialog state configuration', () => {
  it('is read by botbuilder from the turn state under our key', async () => {
    const adapter = new TestAdapter();
    const dialogs = new DialogSet(new ConversationState(new MemoryStorage()).createProperty<DialogState>('DialogState'));
    const first = newTurn(adapter);
    const built = await dialogs.createContext(first);
    const configuration = first.turnState.get(DIALOG_STATE_CONFIGURATION_KEY);
    expect(configuration).toBe(built.state.configuration);
    expect(configuration?.memoryScopes.length).toBeGreaterThan(0);

    const second = newTurn(adapter);
    second.turnState.set(DIALOG_STATE_CONFIGURATION_KEY, configuration);
    expect((await dialogs.createContext(second)).state.configuration).toBe(configuration);
  });

  it('is built by the first turn and lent to the next ones', async () => {
    const adapter = new TestAdapter();
    const dialogs = new DialogSet(new ConversationState(new MemoryStorage()).createProperty<DialogState>('DialogState'));
    const cache = new DialogStateConfigurationCache();
    const first = newTurn(adapter);
    cache.lend(first);
    const firstState = (await dialogs.createContext(first)).state;
    cache.keep(first);
    const second = newTurn(adapter);
    cache.lend(second);
    expect((await dialogs.createContext(second)).state.configuration).toBe(firstState.configuration);
  });
});
