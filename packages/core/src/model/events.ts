/**
 * Pure functions of the event model: an event's identity and the conversation it belongs to.
 * @module
 */
import type { SwitchboardEvent } from './schema.js';

/** The conversation an event belongs to: its events are handled one at a time, in order. */
export function conversationOf(event: SwitchboardEvent): string {
  switch (event.kind) {
    case 'message':
      return `c:${event.message.from.id}`;
    case 'status':
      return `s:${event.messageId}`;
    // An identity change is ordered with the customer's messages (it arrives under the old id).
    case 'identity':
      return `c:${event.previous.id}`;
    case 'template':
      return `t:${event.template.id}`;
  }
}

/** The identity a provider retry shares with the original: message id, or message id + status. */
export function eventId(event: SwitchboardEvent): string {
  switch (event.kind) {
    case 'message':
      return `m:${event.message.id}`;
    case 'status':
      return `s:${event.messageId}:${event.status}`;
    case 'identity':
      return `i:${event.id}`;
    // Meta sends no id for a template notice: one status per template per second is one notice.
    case 'template':
      return `t:${event.template.id}:${event.providerStatus}:${event.timestamp.getTime()}`;
  }
}
