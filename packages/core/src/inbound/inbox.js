import { eventId } from '../model/events.js';
/** The inbox without a queue: a `seen:` key per event in the store drops provider retries. */
export function storeInbox(store, ttlMs, host) {
  return {
    inline: true,
    async record(events, adapter) {
      const fresh = [];
      for (const event of events) {
        if (await store.setIfAbsent(`seen:${adapter}:${eventId(event)}`, 1, ttlMs)) fresh.push(event);
        else {
          host.logger.debug('duplicate event dropped', { adapter, id: eventId(event) });
          host.duplicate(event, adapter);
        }
      }
      return fresh;
    },
    // Without a queue a handler runs once, during (or just after) its webhook: nothing to retry.
    async failed() {
      return [];
    },
    async replay() {
      return false;
    },
    start() {},
    async stop() {},
  };
}
