/**
 * The inbox: where a webhook's events are recorded before handlers run, and where provider retries
 * are recognised. One interface, two modes: without a queue the store remembers each event id and
 * the webhook runs the handlers; with a queue each event is a job a worker runs (`durable/inbox.ts`).
 * @module
 */
import type { Logger } from '../logger.js';
import { eventId } from '../model/events.js';
import type { SwitchboardEvent } from '../model/schema.js';
import type { Store } from '../store/store.js';

/** What an inbox calls back into. */
export interface InboxHost {
  /** Routes one event through the middleware (never throws: errors are reported there). */
  run(event: SwitchboardEvent, adapter: string): Promise<void>;
  /** A provider retry (or replay) of an event already recorded. */
  duplicate(event: SwitchboardEvent, adapter: string): void;
  /** Where the inbox logs. */
  logger: Logger;
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
    start() {},
    async stop() {},
  };
}
