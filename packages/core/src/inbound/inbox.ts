/**
 * The inbox: where a webhook's events are recorded before handlers run, and where provider retries
 * are recognised. One interface, two modes: without a queue the store remembers each event id and
 * the webhook runs the handlers; with a queue each event is a job a worker runs (`durable/inbox.ts`).
 * @module
 */
import type { SwitchboardError } from '../errors.js';
import type { Logger } from '../logger.js';
import { eventId } from '../model/events.js';
import type { SwitchboardEvent } from '../model/schema.js';
import type { Store } from '../store/store.js';

/** What an inbox calls back into. */
export interface InboxHost {
  /**
   * Routes one event through the stages and routes. Handler errors are reported (the `error` event,
   * `sb.catch`); with a queue they also reject, so the inbox job is retried.
   */
  run(event: SwitchboardEvent, adapter: string): Promise<void>;
  /** A provider retry (or replay) of an event already recorded. */
  duplicate(event: SwitchboardEvent, adapter: string): void;
  /** An event whose handlers failed on every attempt went to the dead-letter list. */
  deadLettered(event: SwitchboardEvent, adapter: string, error: SwitchboardError): void;
  /** Where the inbox logs. */
  logger: Logger;
  /** How long a dead letter is kept. Default 30 days (`DEFAULT_RETENTION`). */
  deadLettersMs?: number;
  /** Told when a worker claims a job, with the time it was due (the queue-wait metric). */
  claimed?(queue: string, runAt: number): void;
}

/** An inbound event whose handlers failed on every attempt. */
export interface FailedEvent {
  /** Its id in the dead-letter list (for `replay`). */
  readonly id: string;
  /** The adapter it came through. */
  readonly adapter: string;
  /** The event. */
  readonly event: SwitchboardEvent;
  /** The last error. */
  readonly error: SwitchboardError;
  /** How many times it ran. */
  readonly attempts: number;
  /** When it was given up on (ms since epoch). */
  readonly failedAt: number;
}

/** Records inbound events once each and gets them handled. */
export interface Inbox {
  /**
   * True when the caller must run the fresh events itself (no worker does): the webhook then runs
   * them, bounded by its acknowledgement budget.
   */
  readonly inline: boolean;
  /** Records the events of one webhook; resolves with those not seen before, once recorded. */
  record(events: readonly SwitchboardEvent[], adapter: string): Promise<SwitchboardEvent[]>;
  /** Events whose handlers kept failing (the dead-letter list), oldest first; none without a queue. */
  failed(): Promise<FailedEvent[]>;
  /** Runs a dead letter again (a fresh job; the letter leaves the list). False when there is no such letter. */
  replay(id: string): Promise<boolean>;
  /** Starts the workers, if the inbox has any. */
  start(): void;
  /** Stops the workers, waiting for running events. */
  stop(): Promise<void>;
}

/** The inbox without a queue: a `seen:` key per event in the store drops provider retries. */
export function storeInbox(store: Store, ttlMs: number, host: InboxHost): Inbox {
  return {
    inline: true,
    async record(events, adapter) {
      const fresh: SwitchboardEvent[] = [];
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
