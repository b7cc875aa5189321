import { textOf } from '../model/schema.js';
/** Builds the context for one event. Used by the switchboard and by test helpers. */
export function createContext(event, adapter, deps) {
  const state = {};
  if (event.kind === 'status') {
    return {
      kind: 'status',
      event,
      status: event,
      adapter,
      channel: event.to?.channel ?? adapter.channels[0] ?? 'unknown',
      store: deps.store,
      logger: deps.logger,
      state,
      send: deps.send,
    };
  }
  const message = event.message;
  // Replies get keys derived from the inbound message: a handler re-run after a crash or a provider
  // retry produces the same keys, so the idempotency transformer never sends them twice.
  let replies = 0;
  // The context owns "was this customer answered": plugins (auto-reply's fallback) read it instead of
  // wrapping `reply` and `send`.
  let replied = false;
  const ctx = {
    kind: 'message',
    event,
    message,
    text: textOf(message.parts),
    action: message.action,
    match: undefined,
    consent: undefined,
    staff: false,
    get replied() {
      return replied;
    },
    adapter,
    channel: message.from.channel,
    store: deps.store,
    logger: deps.logger,
    state,
    send(outbound) {
      if (outbound.to.id === message.from.id) replied = true;
      return deps.send(outbound);
    },
    reply(content, options = {}) {
      replied = true;
      const parts =
        typeof content === 'string' ? [{ type: 'text', text: content }] : Array.isArray(content) ? content : [content];
      return deps.send({
        adapter: adapter.name,
        to: message.from,
        from: message.to,
        parts: parts,
        ...(options.quote ? { replyTo: message.id } : {}),
        idempotencyKey: options.idempotencyKey ?? `${adapter.name}:${message.id}:reply:${replies++}`,
        metadata: { ...options.metadata, inReplyTo: message.id },
      });
    },
  };
  return ctx;
}
