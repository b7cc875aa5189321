let counter = 0;
/** Builds an inbound message event as an adapter would. */
export function messageEvent(init = {}) {
  const channel = init.channel ?? 'fake';
  return {
    kind: 'message',
    message: {
      id: init.id ?? `test-${++counter}`,
      adapter: init.adapter ?? 'fake',
      from: { channel, id: init.from ?? '+15550001111' },
      to: { channel, id: init.to ?? '+15550009999' },
      parts: init.parts ?? (init.text !== undefined ? [{ type: 'text', text: init.text }] : []),
      ...(init.action ? { action: init.action } : {}),
      ...(init.replyTo ? { replyTo: init.replyTo } : {}),
      timestamp: new Date(),
      raw: init,
    },
  };
}
/** Builds a status event as an adapter would. */
export function statusEvent(messageId, status, init = {}) {
  return {
    kind: 'status',
    adapter: init.adapter ?? 'fake',
    messageId,
    status,
    ...(init.error ? { error: init.error } : {}),
    timestamp: new Date(),
    raw: { messageId, status },
  };
}
