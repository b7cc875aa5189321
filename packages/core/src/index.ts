/**
 * `@switchboard/core`: the channel-agnostic message model, the router, the outbound pipeline, typed
 * events, the plugin, adapter, store and queue contracts, the one error type, and the in-memory store.
 *
 * The folders follow one message: `inbound/` (webhook, inbox, context, routing) -> `plugin.ts` (stages)
 * -> `outbound/` (delivery strategies, the send pipeline) -> `adapter/`; `durable/` holds the queue
 * contract and the queue-backed inbox and outbox; `store/` the store contract; `model/` the types;
 * `telemetry/` the OpenTelemetry spans and metrics.
 *
 * @example
 * ```ts
 * import { createSwitchboard, memoryStore } from '@switchboard/core';
 * import { twilio } from '@switchboard/twilio';
 *
 * const sb = createSwitchboard({ adapters: [twilio({ accountSid, authToken, from })], store: memoryStore() });
 * sb.hears(/^hi/i, (ctx) => ctx.reply('Hello! Reply MENU for options.'));
 * sb.action('track-order', (ctx) => ctx.reply('Please send your order number.'));
 * ```
 * @module
 */
export * from './adapter/adapter.js';
export * from './adapter/env.js';
export * from './adapter/http.js';
export * from './adapter/kit.js';
export * from './adapter/media.js';
export * from './adapter/text.js';
export * from './adapter/webhook-request.js';
export * from './adapter/window.js';
export * from './consent/guard.js';
export * from './consent/ledger.js';
export * from './durable/queue.js';
export type { DurableOptions } from './durable/worker.js';
export * from './errors.js';
export * from './identity/contact-key.js';
export * from './identity/forget.js';
export * from './identity/identity.js';
export * from './inbound/bounds.js';
export * from './inbound/compose.js';
export * from './inbound/composer.js';
export * from './inbound/context.js';
export * from './inbound/costs.js';
export type { FailedEvent, Inbox } from './inbound/inbox.js';
export * from './inbound/node.js';
export { webhookErrorResponse } from './inbound/responses.js';
export { DEFAULT_WEBHOOK_BUDGET_MS } from './inbound/webhook.js';
export * from './logger.js';
export * from './model/events.js';
export * from './model/priority.js';
export * from './model/schema.js';
export * from './model/serialize.js';
export * from './outbound/failover.js';
export * from './outbound/idempotency.js';
export type { AddressedMessage, DeliverFn, FailureFn, Outbox } from './outbound/outbox.js';
export { type BucketState, type RateLimitOptions, rateLimit, takeFromBucket } from './outbound/rate-limit.js';
export * from './outbound/retry.js';
export * from './outbound/send-handle.js';
export * from './outbound/transformer.js';
export {
  INBOUND_STAGES,
  type InboundPart,
  type InboundStage,
  isPlugin,
  OUTBOUND_STAGES,
  type OutboundPart,
  type OutboundStage,
  type Plugin,
  type PluginHost,
} from './plugin.js';
export * from './store/held.js';
export * from './store/memory-store.js';
export * from './store/retention.js';
export * from './store/store.js';
export * from './store/store-log.js';
export * from './switchboard.js';
export {
  METRIC_NAMES,
  TELEMETRY_ATTRIBUTES,
  TELEMETRY_SCOPE,
  Telemetry,
  type TelemetryOptions,
  webhookResult,
} from './telemetry/telemetry.js';
export { contextFrom, traceparentOf } from './telemetry/trace-context.js';
