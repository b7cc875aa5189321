/**
 * The durable inbox: each inbound event is a queue job keyed by its id (a provider retry adds
 * nothing), acknowledged once recorded and run by a worker here or in another process. Jobs a crash
 * left behind run when any process starts.
 * @module
 */
import { serializeError, toSwitchboardError } from '../errors.js';
import type { Inbox, InboxHost } from '../inbound/inbox.js';
import { conversationOf, eventId } from '../model/events.js';
import { deserializeEvent, type StoredEvent, serializeEvent } from '../model/serialize.js';
import { backoffDelay } from '../outbound/retry.js';
import type { Job, Queue } from './queue.js';
import { type DurableSettings, QueueWorker } from './worker.js';

/** The inbox queue's name. */
const INBOX = 'inbox';

interface InboxPayload {
  adapter: string;
  event: StoredEvent;
}

/** The inbox over a {@link Queue}. */
export function queueInbox(queue: Queue, settings: DurableSettings, host: InboxHost): Inbox {
  const run = async (job: Job) => {
    const { adapter, event } = job.payload as InboxPayload;
    try {
      await host.run(deserializeEvent(event), adapter);
      await queue.complete(job.id);
    } catch (e) {
      const err = toSwitchboardError(e, 'HANDLER_FAILED');
      if (job.attempts >= settings.maxAttempts) {
        host.logger.error('inbound event failed for good', { id: job.key, code: err.code });
        await queue.fail(job.id, serializeError(err));
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
      const fresh: (typeof events)[number][] = [];
      for (const event of events) {
        const r = await queue.enqueue<InboxPayload>(INBOX, {
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
    start: () => worker.start(),
    stop: () => worker.stop(),
  };
}
