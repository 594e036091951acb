import { describe, expect, it } from 'vitest';
import type { InboundTurnMessage, TurnOwner } from '../../src/domain/interactions/turns.ts';
import { routeConversation } from '../../src/gateway/routing.ts';

// The routing point: bot or person, and what a handback asked the bot to do with the next message.

const message = (text: string): InboundTurnMessage => ({
  id: 'in-1',
  conversationId: 'conversation-1',
  customerId: 'customer-1',
  channel: 'sms',
  fromAddress: '+15551230001',
  toAddress: '+15557770000',
  text,
  seq: 1,
  correlationId: null,
});
const owner = (state: TurnOwner['state'], extra: Partial<TurnOwner> = {}): TurnOwner => ({ state, staffId: null, version: 7, resume: null, ...extra });

describe('routeConversation', () => {
  it('sends a conversation only the bot ever had to the bot', () => {
    expect(routeConversation(message('hi'), null)).toEqual({ kind: 'bot' });
    expect(routeConversation(message('hi'), owner('bot'))).toEqual({ kind: 'bot' });
    expect(routeConversation(message('hi'), owner('closed'))).toEqual({ kind: 'bot' });
  });

  it.each(['queued', 'offered'] as const)('keeps the bot silent while the conversation is %s', (state) => {
    expect(routeConversation(message('hello?'), owner(state))).toEqual({ kind: 'person', ownerStaffId: null });
  });

  it('names the owning agent', () => {
    expect(routeConversation(message('hello?'), owner('agent', { staffId: 'staff-1' }))).toEqual({ kind: 'person', ownerStaffId: 'staff-1' });
  });

  it.each([['4', 4], [' 5! ', 5], ['3/5', 3], ['1 out of 5', 1], ['2 stars', 2]])('takes "%s" after a CSAT handback as the score', (text, score) => {
    expect(routeConversation(message(text), owner('bot', { resume: { kind: 'csat' } }))).toEqual({ kind: 'csat-answer', score, version: 7 });
  });

  it.each(['6', '0', 'my bill is wrong', '45'])('takes "%s" after a CSAT handback as a new message for the bot (the question is dropped)', (text) => {
    expect(routeConversation(message(text), owner('bot', { resume: { kind: 'csat' } }))).toEqual({ kind: 'bot', resume: { version: 7, intent: null } });
  });

  it('carries a handback to a named request to the bot', () => {
    expect(routeConversation(message('ok'), owner('bot', { resume: { kind: 'dialog', intent: 'order.create' } }))).toEqual({ kind: 'bot', resume: { version: 7, intent: 'order.create' } });
  });
});
