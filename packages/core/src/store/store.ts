/**
 * The store contract: a small key-value surface with TTLs, plus optional extras a driver may
 * implement natively (unstorage-style capability flags).
 * @module
 */

/**
 * The storage every Switchboard feature builds on: dedupe, idempotency, locks, rate limits,
 * windows, pending prompts, conversations. Values are JSON-serialisable.
 * Every store passes `storeContract()` from `@switchboard/testing`.
 */
export interface Store {
  /** The value under `key`, or `undefined` when absent or expired. */
  get<T = unknown>(key: string): Promise<T | undefined>;
  /** Sets `key`; with `ttlMs` it expires after that long, without it it never expires. */
  set(key: string, value: unknown, ttlMs?: number): Promise<void>;
  /** Sets `key` only if it is absent (or expired), atomically. True when this call set it. */
  setIfAbsent(key: string, value: unknown, ttlMs?: number): Promise<boolean>;
  /** Removes `key`. */
  delete(key: string): Promise<void>;
  /**
   * Deletes `key` only while it still holds `value` (compared as JSON), atomically.
   * Releasing a lock must not delete a successor's lock.
   */
  deleteIfEquals(key: string, value: unknown): Promise<boolean>;
  /** Adds `by` (default 1) to a numeric counter, creating it at 0; `ttlMs` applies when created. */
  increment(key: string, by?: number, ttlMs?: number): Promise<number>;
  /**
   * Optional: takes `cost` tokens from a token bucket kept in the store, so several processes share
   * one pace. Returns 0 when granted, otherwise the milliseconds to wait before asking again.
   */
  takeToken?(key: string, rate: { perSecond: number; burst: number }, cost?: number): Promise<number>;
  /**
   * Optional: every live key starting with `prefix` (all keys when omitted), with its value, in no
   * particular order. For operations that must see everything (`sb.forgetContact`), not for hot paths.
   */
  entries?(prefix?: string): AsyncIterable<[key: string, value: unknown]>;
  /** Releases connections and timers. */
  close?(): Promise<void>;
}

/** Prefixes every key with `prefix:` so features never collide. */
export function prefixStore(store: Store, prefix: string): Store {
  const k = (key: string) => `${prefix}:${key}`;
  const scoped: Store = {
    get: (key) => store.get(k(key)),
    set: (key, value, ttl) => store.set(k(key), value, ttl),
    setIfAbsent: (key, value, ttl) => store.setIfAbsent(k(key), value, ttl),
    delete: (key) => store.delete(k(key)),
    deleteIfEquals: (key, value) => store.deleteIfEquals(k(key), value),
    increment: (key, by, ttl) => store.increment(k(key), by, ttl),
  };
  if (store.takeToken) {
    const take = store.takeToken.bind(store);
    scoped.takeToken = (key, rate, cost) => take(k(key), rate, cost);
  }
  if (store.entries) {
    const entries = store.entries.bind(store);
    scoped.entries = async function* (sub = '') {
      for await (const [key, value] of entries(k(sub))) yield [key.slice(prefix.length + 1), value];
    };
  }
  return scoped;
}
