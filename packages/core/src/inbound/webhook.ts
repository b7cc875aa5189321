/**
 * The webhook handler: verify and parse through the adapter, record in the inbox, run the handlers
 * (or leave them to the inbox's workers), and answer the provider within a bounded time.
 * @module
 */
import { type Span, SpanKind } from '@opentelemetry/api';
import type { Adapter, ReceiveResult } from '../adapter/adapter.js';
import {
  RawWebhookRequest,
  toFetchRequest,
  type WebhookReply,
  type WebhookRequest,
} from '../adapter/webhook-request.js';
import { type SwitchboardError, toSwitchboardError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { SwitchboardEvent } from '../model/schema.js';
import { TELEMETRY_ATTRIBUTES as A, type Telemetry } from '../telemetry/telemetry.js';
import type { Inbox } from './inbox.js';
import type { WebhookDataHandler } from './node.js';
import { webhookErrorResponse } from './responses.js';

/**
 * How long a webhook waits for its handlers before answering, by default. Twilio gives up after 15 s
 * (error 11200) and Meta and Vonage retry slow answers, so handlers that take longer go on after the
 * answer instead of holding it.
 */
export const DEFAULT_WEBHOOK_BUDGET_MS = 5_000;

/** The largest budget a timer can express (Node fires larger timeouts after 1 ms). */
const MAX_BUDGET_MS = 2 ** 31 - 1;

/** What the webhook handler needs from its switchboard. */
export interface WebhookHost {
  /** Resolves once adapters are initialised. */
  ready: Promise<void>;
  inbox: Inbox;
  /** Routes one event; handler errors are reported there, so a rejection here is an internal failure. */
  run(event: SwitchboardEvent, adapter: string): Promise<void>;
  /** Reports a refused webhook, or handlers that failed after the answer. */
  reject(error: SwitchboardError, adapter: string): void;
  /** Keeps track of handling that outlives the answer (awaited by `close`). */
  track(work: Promise<void>): void;
  logger: Logger;
  /** The acknowledgement budget in ms. */
  budgetMs: number;
  /** Events whose provider time is older than this are dropped as possible replays (the dedupe window). */
  replayWindowMs: number;
  /** Spans and metrics. */
  telemetry: Telemetry;
}

/** The provider's time of an event. */
const timeOf = (e: SwitchboardEvent): number => (e.kind === 'message' ? e.message.timestamp : e.timestamp).getTime();

/** The handler of one adapter's webhooks (a Fetch handler wraps it; node:http calls it as it is). */
export function webhookHandler(adapter: Adapter, host: WebhookHost): WebhookDataHandler {
  const budgetMs = Math.min(Math.max(0, host.budgetMs), MAX_BUDGET_MS);
  const { telemetry } = host;
  const answer = (request: WebhookRequest) =>
    // One span per webhook, the root of the trace its events and their replies' sends belong to.
    telemetry.span(
      `webhook ${adapter.name}`,
      { kind: SpanKind.SERVER, attributes: { [A.adapter]: adapter.name } },
      async (span) => {
        const startedAt = performance.now();
        let code: string | undefined;
        let response: WebhookReply | Response | undefined;
        try {
          response = await handle(request, span, (c) => {
            code = c;
          });
          return response;
        } finally {
          const status = response?.status ?? 500;
          span.setAttribute(A.httpStatus, status);
          telemetry.webhook(adapter.name, status, startedAt, code);
        }
      },
    );
  const handle = async (
    request: WebhookRequest,
    span: Span,
    refused: (code: string) => void,
  ): Promise<WebhookReply | Response> => {
    await host.ready;
    let received: ReceiveResult;
    try {
      // An adapter that has not said it reads only what WebhookRequest has gets a Fetch Request.
      const input =
        request instanceof RawWebhookRequest && !adapter.acceptsRawWebhooks ? toFetchRequest(request) : request;
      received = await telemetry.span('verify', {}, () => adapter.receive(input));
    } catch (e) {
      const err = toSwitchboardError(e, 'WEBHOOK_MALFORMED', { adapter: adapter.name });
      host.logger.warn('webhook rejected', { adapter: adapter.name, code: err.code, reason: err.message });
      host.reject(err, adapter.name);
      refused(err.code);
      return webhookErrorResponse(err);
    }
    const problems = received.problems ?? [];
    if (problems.length) {
      // One line per webhook, however many errors it lists: a log is not a place a payload can flood.
      host.logger.warn('the provider reported errors in a webhook', {
        adapter: adapter.name,
        count: problems.length,
        codes: [...new Set(problems.map((p) => `${p.code}:${p.providerCode ?? ''}`))].slice(0, 10),
      });
    }
    for (const problem of problems) host.reject(problem, adapter.name);
    // Past the dedupe window a provider retry can no longer be told from a replay of a captured
    // request: events that old are acknowledged and dropped (Meta retries for 7 days; the window is longer).
    const oldest = Date.now() - host.replayWindowMs;
    const events = received.events.filter((e) => timeOf(e) >= oldest);
    if (events.length < received.events.length) {
      host.logger.warn('events older than the replay window dropped', {
        adapter: adapter.name,
        dropped: received.events.length - events.length,
        replayWindowMs: host.replayWindowMs,
      });
    }
    if (events.length > 1) host.logger.debug('webhook accepted', { adapter: adapter.name, events: events.length });
    received = { ...received, events };
    span.setAttribute(A.events, events.length);
    if (!host.inbox.inline) {
      // With a queue the events are durable once recorded and workers run them: answer at once.
      // Each job carries this span's context, so the worker's handling joins this trace.
      await telemetry.span('dedupe', {}, () => host.inbox.record(received.events, adapter.name));
      return received.response;
    }
    // Record and run one event at a time: a crash mid-batch leaves the rest unrecorded, so the
    // provider's retry brings them back instead of being dropped as duplicates.
    const handled = (async () => {
      for (const event of received.events) {
        const fresh = await telemetry.span('dedupe', {}, () => host.inbox.record([event], adapter.name));
        if (fresh.length) await host.run(event, adapter.name);
      }
    })();
    let timer: NodeJS.Timeout | undefined;
    const outOfTime = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), budgetMs);
    });
    // A failure before the answer rejects here: the provider gets a 500 and retries.
    const outcome = await Promise.race([handled.then(() => 'done' as const), outOfTime]).finally(() =>
      clearTimeout(timer),
    );
    if (outcome === 'late') {
      host.logger.warn('handlers outlived the webhook budget: answering now, they go on', {
        adapter: adapter.name,
        budgetMs,
      });
      host.track(
        handled.catch((e: unknown) => {
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
  return answer;
}
