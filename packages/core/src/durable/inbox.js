/**
 * The durable inbox: each inbound event is a queue job keyed by its id (a provider retry adds
 * nothing), acknowledged once recorded and run by a worker here or in another process. Jobs a crash
 * left behind run when any process starts.
 * @module
 */
import { deserializeError, serializeError, toSwitchboardError } from '../errors.js';
import { conversationOf, eventId } from '../model/events.js';
import { deserializeEvent, serializeEvent } from '../model/serialize.js';
import { backoffDelay } from '../outbound/retry.js';
import { StoreLog } from '../store/store-log.js';
import { QueueWorker } from './worker.js';

/** The inbox queue's name. */
const INBOX = 'inbox';
/**
 * The inbox over a {@link Queue}. A handler that throws is retried with backoff up to
 * `maxAttempts`, then its event goes to a dead-letter list in the store, to be listed and replayed.
 */
export function queueInbox(queue, store, settings, host) {
  const letters = new StoreLog(store, 'inbox:dead:index');
  const letterKey = (id) => `inbox:dead:${id}`;
  const run = async (job) => {
    const { adapter, event } = job.payload;
    try {
      await host.run(deserializeEvent(event), adapter);
      await queue.complete(job.id);
    } catch (e) {
      const err = toSwitchboardError(e, 'HANDLER_FAILED');
      if (job.attempts >= settings.maxAttempts) {
        host.logger.error('inbound event failed for good: moved to the dead-letter list', {
          id: job.id,
          code: err.code,
        });
        const letter = {
          id: job.id,
          key: job.key,
          group: job.group,
          payload: job.payload,
          error: serializeError(err),
          attempts: job.attempts,
          failedAt: Date.now(),
        };
        await store.set(letterKey(job.id), letter);
        await letters.append(job.id);
        await queue.fail(job.id, serializeError(err));
        host.deadLettered(deserializeEvent(event), adapter, err);
      } else {
        const delay = backoffDelay(job.attempts - 1, err.retryAfterMs, settings);
        await queue.retry(job.id, Date.now() + delay, serializeError(err));
      }
    }
  };
  const worker = new QueueWorker(queue, INBOX, run, settings, host.logger);
  return {
    inline: false,
    async record(events, adapter) {
      const fresh = [];
      for (const event of events) {
        const r = await queue.enqueue(INBOX, {
          key: `${adapter}:${eventId(event)}`,
          payload: { adapter, event: serializeEvent(event) },
          group: conversationOf(event),
        });
        if (r.created) fresh.push(event);
        else {
          host.logger.debug('provider retry acknowledged', { adapter, id: eventId(event) });
          host.duplicate(event, adapter);
        }
      }
      if (fresh.length) worker.wake();
      return fresh;
    },
    async failed() {
      const ids = [...new Set(await letters.peek())];
      const found = await Promise.all(ids.map((id) => store.get(letterKey(id))));
      return found
        .filter((l) => l !== undefined)
        .map((l) => ({
          id: l.id,
          adapter: l.payload.adapter,
          event: deserializeEvent(l.payload.event),
          error: deserializeError(l.error),
          attempts: l.attempts,
          failedAt: l.failedAt,
        }));
    },
    async replay(id) {
      const letter = await store.get(letterKey(id));
      if (!letter) return false;
      // A fresh key: the failed job keeps the original one (it still dedupes provider retries).
      await queue.enqueue(INBOX, {
        key: `${letter.key}:replay:${Date.now().toString(36)}`,
        payload: letter.payload,
        ...(letter.group ? { group: letter.group } : {}),
      });
      await store.delete(letterKey(id));
      worker.wake();
      return true;
    },
    start: () => worker.start(),
    stop: () => worker.stop(),
  };
}
