/**
 * `@switchboard/core`: the channel-agnostic message model, the router, the outbound pipeline, typed
 * events, the adapter and store contracts, the one error type, and the in-memory store.
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

export * from './adapter.js';
export * from './compose.js';
export * from './composer.js';
export * from './context.js';
export * from './durable.js';
export * from './errors.js';
export * from './http.js';
export * from './logger.js';
export * from './memory-store.js';
export * from './model.js';
export * from './node.js';
export * from './outbound/idempotency.js';
export * from './outbound/rate-limit.js';
export * from './outbound/retry.js';
export * from './outbound/transformer.js';
export * from './queue.js';
export * from './serialize.js';
export * from './store.js';
export * from './store-log.js';
export * from './switchboard.js';
export * from './text.js';
export * from './webhook.js';
