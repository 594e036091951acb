import { describe, expect, it } from 'vitest';
import type { ConsoleEvent } from '../../src/domain/agents/console-events.ts';
import { roomsOf } from '../../src/http/console/live/live-console-events.ts';

// Which consoles each live event reaches: the staff members it names, its conversation's
// watchers, its queue's agents, and the supervisors (who see everything).

const at = '2026-12-06T22:00:00.000Z';

describe('roomsOf', () => {
  it.each<{ event: ConsoleEvent; rooms: string[] | 'everyone' }>([
    {
      event: { type: 'conversation.queued', conversationId: 'c1', version: 1, at, queue: 'billing', priority: 2, reason: 'customer_asked', channel: 'sms' },
      rooms: ['supervisors', 'queue:billing', 'conversation:c1'],
    },
    {
      event: { type: 'conversation.offered', conversationId: 'c1', version: 2, at, queue: 'billing', staffId: 's1', expiresAt: at },
      rooms: ['supervisors', 'staff:s1', 'queue:billing', 'conversation:c1'],
    },
    {
      event: { type: 'conversation.claimed', conversationId: 'c1', version: 3, at, queue: 'technical', staffId: 's2', previousStaffId: 's1' },
      rooms: ['supervisors', 'staff:s2', 'staff:s1', 'queue:technical', 'conversation:c1'],
    },
    {
      event: { type: 'conversation.message', conversationId: 'c1', at, messageId: 'm1', direction: 'inbound', channel: 'webchat', text: 'hi', staffId: null, ownerStaffId: 's2' },
      rooms: ['supervisors', 'staff:s2', 'conversation:c1'],
    },
    {
      event: { type: 'conversation.transferred', conversationId: 'c1', version: 4, at, fromStaffId: 's2', to: { kind: 'queue', queue: 'general' }, note: 'n' },
      rooms: ['supervisors', 'staff:s2', 'queue:general', 'conversation:c1'],
    },
    {
      event: { type: 'conversation.transferred', conversationId: 'c1', version: 4, at, fromStaffId: 's2', to: { kind: 'agent', staffId: 's3' }, note: 'n' },
      rooms: ['supervisors', 'staff:s2', 'staff:s3', 'conversation:c1'],
    },
    { event: { type: 'conversation.handed-back', conversationId: 'c1', version: 5, at, staffId: 's3', resume: { kind: 'csat' } }, rooms: ['supervisors', 'staff:s3', 'conversation:c1'] },
    { event: { type: 'conversation.closed', conversationId: 'c1', version: 5, at, staffId: null }, rooms: ['supervisors', 'conversation:c1'] },
    { event: { type: 'presence.changed', staffId: 's1', status: 'away', at, cause: 'missed-offers' }, rooms: ['supervisors', 'staff:s1'] },
    { event: { type: 'inbox.changed', staffId: 's1', queue: null, at }, rooms: ['supervisors', 'staff:s1'] },
    { event: { type: 'inbox.changed', staffId: null, queue: 'billing', at }, rooms: ['supervisors', 'queue:billing'] },
    { event: { type: 'inbox.changed', staffId: null, queue: null, at }, rooms: 'everyone' },
  ])('$event.type reaches $rooms', ({ event, rooms }) => {
    expect(roomsOf(event)).toEqual(rooms);
  });
});
