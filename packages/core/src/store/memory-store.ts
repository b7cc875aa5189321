/**
 * The in-memory store, for tests and examples that ask for it. Not shared across processes.
 * @module
 */
import { type BucketState, takeFromBucket } from '../outbound/rate-limit.js';
import type { Store } from './store.js';

interface Entry {
  json: string;
  expiresAt: number;
}

/** Options of {@link memoryStore}. */
export interface MemoryStoreOptions {
  /** The clock, injectable for tests. Default `Date.now`. */
  now?: () => number;
  /** How often expired keys are swept (they are also dropped when read). Default 60 s. */
  sweepIntervalMs?: number;
}

/**
 * A store kept in a `Map`. Values are stored as JSON, so callers never share mutable objects
 * with the store, exactly as with a durable store.
 *
 * @example
 * ```ts
 * const sb = createSwitchboard({ adapters: [fake], store: memoryStore() });
 * ```
 */
export function memoryStore(options: MemoryStoreOptions = {}): Store & { readonly size: number } {
  const now = options.now ?? Date.now;
  const map = new Map<string, Entry>();
  const buckets = new Map<string, BucketState>();

  const live = (key: string): Entry | undefined => {
    const e = map.get(key);
    if (!e) return undefined;
    if (e.expiresAt <= now()) {
      map.delete(key);
      return undefined;
    }
    return e;
  };
  const put = (key: string, value: unknown, ttlMs?: number) => {
    map.set(key, { json: JSON.stringify(value ?? null), expiresAt: ttlMs && ttlMs > 0 ? now() + ttlMs : Infinity });
  };

  const sweep = setInterval(() => {
    const t = now();
    for (const [k, e] of map) if (e.expiresAt <= t) map.delete(k);
  }, options.sweepIntervalMs ?? 60_000);
  // The sweep must never keep a process alive.
  sweep.unref?.();

  return {
    get size() {
      return map.size;
    },
    async get<T>(key: string) {
      const e = live(key);
      return e === undefined ? undefined : (JSON.parse(e.json) as T);
    },
    async set(key, value, ttlMs) {
      put(key, value, ttlMs);
    },
    async setIfAbsent(key, value, ttlMs) {
      if (live(key)) return false;
      put(key, value, ttlMs);
      return true;
    },
    async delete(key) {
      map.delete(key);
    },
    async deleteIfEquals(key, value) {
      const e = live(key);
      if (!e || e.json !== JSON.stringify(value ?? null)) return false;
      map.delete(key);
      return true;
    },
    async increment(key, by = 1, ttlMs) {
      const e = live(key);
      const next = (e ? Number(JSON.parse(e.json)) : 0) + by;
      map.set(key, {
        json: JSON.stringify(next),
        expiresAt: e ? e.expiresAt : ttlMs && ttlMs > 0 ? now() + ttlMs : Infinity,
      });
      return next;
    },
    async *entries(prefix = '') {
      // A copy: the caller may delete while it iterates.
      for (const [key, e] of [...map]) {
        if (key.startsWith(prefix) && e.expiresAt > now()) yield [key, JSON.parse(e.json) as unknown];
      }
    },
    async takeToken(key, rate, cost = 1) {
      const taken = takeFromBucket(buckets.get(key), rate, cost, now());
      buckets.set(key, taken.state);
      return taken.waitMs;
    },
    async close() {
      clearInterval(sweep);
      map.clear();
      buckets.clear();
    },
  };
}
