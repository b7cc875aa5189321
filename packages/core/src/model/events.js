/** The conversation an event belongs to: its events are handled one at a time, in order. */
export function conversationOf(event) {
  return event.kind === 'message' ? `c:${event.message.from.id}` : `s:${event.messageId}`;
}
/** The identity a provider retry shares with the original: message id, or message id + status. */
export function eventId(event) {
  return event.kind === 'message' ? `m:${event.message.id}` : `s:${event.messageId}:${event.status}`;
}
