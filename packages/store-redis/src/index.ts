/**
 * `@switchboard/store-redis`: for several instances behind a load balancer. Atomic `setIfAbsent`
 * (`SET NX PX`), a distributed token bucket per sender (one Lua script, the server's clock), fenced
 * locks, and the durable queue behind the inbox and the outbox.
 *
 * @example
 * ```ts
 * import { redisStore } from '@switchboard/store-redis';
 * const store = redisStore({ url: 'redis://127.0.0.1:6379' });
 * const sb = createSwitchboard({ adapters, store, queue: store });
 * ```
 * @module
 */
export * from './store.js';
