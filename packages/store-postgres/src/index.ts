/**
 * `@switchboard/store-postgres`: the store and the durable queue on PostgreSQL.
 *
 * @example
 * ```ts
 * import { postgresStore } from '@switchboard/store-postgres';
 * const store = postgresStore({ url: 'postgres://app@db:5432/app' });
 * const sb = createSwitchboard({ adapters, store, queue: store });
 * ```
 * @module
 */
export * from './schema.js';
export * from './store.js';
