/**
 * Delivery strategies: how a message that passed `sb.send()` reaches the send pipeline. Inline
 * (right away, in this process), the durable outbox over a `Queue` (`durable/outbox.ts`), or another
 * implementation such as `bullmqOutbox()` from `@switchboard/queue-bullmq`. All behind {@link Outbox}.
 * @module
 */
import { toSwitchboardError } from '../errors.js';
import { SendHandle } from './send-handle.js';
/** Delivery in the caller's process, without a queue: what `createSwitchboard` uses by default. */
export function inlineOutbox() {
  let deliver;
  let onFailure = () => undefined;
  return {
    inline: true,
    submit(message) {
      return new SendHandle(async () => {
        if (!deliver) throw toSwitchboardError(new Error('the outbox was not started'), 'INTERNAL');
        try {
          return await deliver(message);
        } catch (e) {
          const err = toSwitchboardError(e, 'INTERNAL', { adapter: message.adapter, channel: message.to.channel });
          onFailure(err, message);
          throw err;
        }
      });
    },
    start(d, f) {
      deliver = d;
      onFailure = f;
    },
    async stop() {},
  };
}
