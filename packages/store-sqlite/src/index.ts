/**
 * `@switchboard/store-sqlite`: the embedded durable default. One SQLite file (WAL), TTL expiry, token
 * buckets, and the durable queue behind the inbox and the outbox.
 *
 * @example
 * ```ts
 * import { sqliteStore } from '@switchboard/store-sqlite';
 * const store = sqliteStore({ path: './data/bot.db' });
 * const sb = createSwitchboard({ adapters, store, queue: store });
 * ```
 * @module
 */

export { SCHEMA } from './schema.js';
export * from './store.js';
