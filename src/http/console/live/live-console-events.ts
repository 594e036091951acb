import type { ConsoleEvent, ConsoleEvents } from '../../../domain/agents/console-events.ts';
import { consoleRooms, type ConsoleLive } from './console-live.ts';

// The ConsoleEvents port on the live layer: each event goes to the rooms of the people it concerns
// (the staff members it names, its conversation, its queue) and to the supervisors, who see all.

/** The rooms an event is published to; `everyone` for an inbox change that concerns every console. */
export function roomsOf(event: ConsoleEvent): string[] | 'everyone' {
  const rooms = new Set<string>([consoleRooms.supervisors]);
  const staff = (staffId: string | null) => {
    if (staffId) rooms.add(consoleRooms.staff(staffId));
  };
  switch (event.type) {
    case 'conversation.queued':
      rooms.add(consoleRooms.queue(event.queue));
      rooms.add(consoleRooms.conversation(event.conversationId));
      break;
    case 'conversation.offered':
      staff(event.staffId);
      rooms.add(consoleRooms.queue(event.queue));
      rooms.add(consoleRooms.conversation(event.conversationId));
      break;
    case 'conversation.claimed':
      staff(event.staffId);
      staff(event.previousStaffId);
      rooms.add(consoleRooms.queue(event.queue));
      rooms.add(consoleRooms.conversation(event.conversationId));
      break;
    case 'conversation.message':
      // The owner's inbox counts it unread even while the conversation is not open.
      staff(event.ownerStaffId);
      rooms.add(consoleRooms.conversation(event.conversationId));
      break;
    case 'conversation.handed-back':
    case 'conversation.closed':
      staff(event.staffId);
      rooms.add(consoleRooms.conversation(event.conversationId));
      break;
    case 'conversation.transferred':
      staff(event.fromStaffId);
      if (event.to.kind === 'agent') staff(event.to.staffId);
      else rooms.add(consoleRooms.queue(event.to.queue));
      rooms.add(consoleRooms.conversation(event.conversationId));
      break;
    case 'presence.changed':
      staff(event.staffId);
      break;
    case 'inbox.changed':
      if (event.staffId === null && event.queue === null) return 'everyone';
      staff(event.staffId);
      if (event.queue) rooms.add(consoleRooms.queue(event.queue));
      break;
  }
  return [...rooms];
}

/** Publishes through the live layer, from any instance (workers too); never waits for Redis. */
export function liveConsoleEvents(live: ConsoleLive): ConsoleEvents {
  return {
    async publish(event) {
      const rooms = roomsOf(event);
      if (rooms === 'everyone') live.publishToEveryone(event);
      else live.publish(rooms, event);
    },
  };
}
