/**
 * The durable inbox: each inbound event is a queue job keyed by its id (a provider retry adds
 * nothing), acknowledged once recorded and run by a worker here or in another process. Jobs a crash
 * left behind run when any process starts.
 * @module
 */
import { context } from '@opentelemetry/api';
import { deserializeError, serializeError, toSwitchboardError } from '../errors.js';
import type { Inbox, InboxHost } from '../inbound/inbox.js';
import { conversationOf, eventId } from '../model/events.js';
import { deserializeEvent, type StoredEvent, serializeEvent } from '../model/serialize.js';
import { backoffDelay } from '../outbound/retry.js';
import { DEFAULT_RETENTION } from '../store/retention.js';
import type { Store } from '../store/store.js';
import { StoreLog } from '../store/store-log.js';
import { contextFrom, traceparentOf } from '../telemetry/trace-context.js';
import type { Job, Queue } from './queue.js';
import { type DurableSettings, QueueWorker } from './worker.js';

/** The inbox queue's name. */
const INBOX = 'inbox';

/** A dead letter as kept in the store. */
interface DeadLetter {
  id: string;
  key: string;
  group: string | undefined;
  payload: InboxPayload;
  error: string;
  attempts: number;
  failedAt: number;
}

interface InboxPayload {
  adapter: string;
  event: StoredEvent;
  /** The recording span's `traceparent`: the worker's handling joins the webhook's trace. */
  trace?: string;
}

/**
 * The inbox over a {@link Queue}. A handler that throws is retried with backoff up to
 * `maxAttempts`, then its event goes to a dead-letter list in the store, to be listed and replayed.
 */
export function queueInbox(queue: Queue, store: Store, settings: DurableSettings, host: InboxHost): Inbox {
  // Dead letters hold the event (a customer's message): kept for the retention period, not forever.
  const keepMs = host.deadLettersMs ?? DEFAULT_RETENTION.deadLettersMs;
  const letters = new StoreLog<string>(store, 'inbox:dead:index', keepMs);
  const letterKey = (id: string) => `inbox:dead:${id}`;

  const run = async (job: Job) => {
    const { adapter, event, trace } = job.payload as InboxPayload;
    host.claimed?.(INBOX, job.runAt);
    try {
      await context.with(contextFrom(trace), () => host.run(deserializeEvent(event), adapter));
      await queue.complete(job.id);
    } catch (e) {
      const err = toSwitchboardError(e, 'HANDLER_FAILED');
      if (job.attempts >= settings.maxAttempts) {
        host.logger.error('inbound event failed for good: moved to the dead-letter list', {
          id: job.id,
          code: err.code,
        });
        const letter: DeadLetter = {
          id: job.id,
          key: job.key,
          group: job.group,
          payload: job.payload as InboxPayload,
          error: serializeError(err),
          attempts: job.attempts,
          failedAt: Date.now(),
        };
        await store.set(letterKey(job.id), letter, keepMs);
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
      const fresh: (typeof events)[number][] = [];
      const trace = traceparentOf();
      for (const event of events) {
        const r = await queue.enqueue<InboxPayload>(INBOX, {
          key: `${adapter}:${eventId(event)}`,
          payload: { adapter, event: serializeEvent(event), ...(trace ? { trace } : {}) },
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
      const found = await Promise.all(ids.map((id) => store.get<DeadLetter>(letterKey(id))));
      return found
        .filter((l): l is DeadLetter => l !== undefined)
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
      const letter = await store.get<DeadLetter>(letterKey(id));
      if (!letter) return false;
      // A fresh key: the failed job keeps the original one (it still dedupes provider retries).
      await queue.enqueue<InboxPayload>(INBOX, {
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
