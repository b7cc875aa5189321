import { toSwitchboardError } from '../errors.js';
import { webhookErrorResponse } from './responses.js';
/**
 * How long a webhook waits for its handlers before answering, by default. Twilio gives up after 15 s
 * (error 11200) and Meta and Vonage retry slow answers, so handlers that take longer go on after the
 * answer instead of holding it.
 */
export const DEFAULT_WEBHOOK_BUDGET_MS = 5_000;
/** The largest budget a timer can express (Node fires larger timeouts after 1 ms). */
const MAX_BUDGET_MS = 2 ** 31 - 1;
/** A Fetch-API handler for one adapter's webhooks. */
export function webhookHandler(adapter, host) {
  const budgetMs = Math.min(Math.max(0, host.budgetMs), MAX_BUDGET_MS);
  return async (request) => {
    await host.ready;
    let received;
    try {
      received = await adapter.receive(request);
    } catch (e) {
      const err = toSwitchboardError(e, 'WEBHOOK_MALFORMED', { adapter: adapter.name });
      host.logger.warn('webhook rejected', { adapter: adapter.name, code: err.code, reason: err.message });
      host.reject(err, adapter.name);
      return webhookErrorResponse(err);
    }
    if (!host.inbox.inline) {
      // With a queue the events are durable once recorded and workers run them: answer at once.
      await host.inbox.record(received.events, adapter.name);
      return received.response;
    }
    // Record and run one event at a time: a crash mid-batch leaves the rest unrecorded, so the
    // provider's retry brings them back instead of being dropped as duplicates.
    const handled = (async () => {
      for (const event of received.events) {
        const fresh = await host.inbox.record([event], adapter.name);
        if (fresh.length) await host.run(event, adapter.name);
      }
    })();
    let timer;
    const outOfTime = new Promise((resolve) => {
      timer = setTimeout(() => resolve('late'), budgetMs);
    });
    // A failure before the answer rejects here: the provider gets a 500 and retries.
    const outcome = await Promise.race([handled.then(() => 'done'), outOfTime]).finally(() => clearTimeout(timer));
    if (outcome === 'late') {
      host.logger.warn('handlers outlived the webhook budget: answering now, they go on', {
        adapter: adapter.name,
        budgetMs,
      });
      host.track(
        handled.catch((e) => {
          const err = toSwitchboardError(e, 'INTERNAL', { adapter: adapter.name });
          host.logger.error('handling failed after the webhook was answered', {
            adapter: adapter.name,
            code: err.code,
          });
          host.reject(err, adapter.name);
        }),
      );
    }
    return received.response;
  };
}
