/**
 * Pure functions of the event model: an event's identity and the conversation it belongs to.
 * @module
 */
import type { SwitchboardEvent } from './schema.js';

/** The conversation an event belongs to: its events are handled one at a time, in order. */
export function conversationOf(event: SwitchboardEvent): string {
  return event.kind === 'message' ? `c:${event.message.from.id}` : `s:${event.messageId}`;
}

/** The identity a provider retry shares with the original: message id, or message id + status. */
export function eventId(event: SwitchboardEvent): string {
  return event.kind === 'message' ? `m:${event.message.id}` : `s:${event.messageId}:${event.status}`;
}
