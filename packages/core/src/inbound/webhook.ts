/**
 * The webhook handler: verify and parse through the adapter, record in the inbox, run the handlers
 * (or leave them to the inbox's workers), and answer the provider within a bounded time.
 * @module
 */
import type { Adapter, ReceiveResult } from '../adapter/adapter.js';
import { type SwitchboardError, toSwitchboardError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { SwitchboardEvent } from '../model/schema.js';
import type { Inbox } from './inbox.js';
import { webhookErrorResponse } from './responses.js';

/**
 * How long a webhook waits for its handlers before answering, by default. Twilio gives up after 15 s
 * (error 11200) and Meta and Vonage retry slow answers, so handlers that take longer go on after the
 * answer instead of holding it.
 */
export const DEFAULT_WEBHOOK_BUDGET_MS = 5_000;

/** What the webhook handler needs from its switchboard. */
export interface WebhookHost {
  /** Resolves once adapters are initialised. */
  ready: Promise<void>;
  inbox: Inbox;
  /** Routes one event (never throws). */
  run(event: SwitchboardEvent, adapter: string): Promise<void>;
  /** Reports a refused webhook. */
  reject(error: SwitchboardError, adapter: string): void;
  logger: Logger;
  /** The acknowledgement budget in ms. */
  budgetMs: number;
}

/** A Fetch-API handler for one adapter's webhooks. */
export function webhookHandler(adapter: Adapter, host: WebhookHost): (request: Request) => Promise<Response> {
  return async (request) => {
    await host.ready;
    let received: ReceiveResult;
    try {
      received = await adapter.receive(request);
    } catch (e) {
      const err = toSwitchboardError(e, 'WEBHOOK_MALFORMED', { adapter: adapter.name });
      host.logger.warn('webhook rejected', { adapter: adapter.name, code: err.code, reason: err.message });
      host.reject(err, adapter.name);
      return webhookErrorResponse(err);
    }
    const fresh = await host.inbox.record(received.events, adapter.name);
    // With a queue the events are durable now and workers run them: answer at once.
    if (!host.inbox.inline || !fresh.length) return received.response;
    const handled = (async () => {
      for (const event of fresh) await host.run(event, adapter.name);
    })();
    let timer: NodeJS.Timeout | undefined;
    const outOfTime = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), host.budgetMs);
    });
    const outcome = await Promise.race([handled.then(() => 'done' as const), outOfTime]);
    clearTimeout(timer);
    if (outcome === 'late') {
      host.logger.warn('handlers outlived the webhook budget: answering now, they go on', {
        adapter: adapter.name,
        budgetMs: host.budgetMs,
      });
    }
    return received.response;
  };
}
