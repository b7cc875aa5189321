/**
 * The store contract: a small key-value surface with TTLs, plus optional extras a driver may
 * implement natively (unstorage-style capability flags).
 * @module
 */
/** Prefixes every key with `prefix:` so features never collide. */
export function prefixStore(store, prefix) {
  const k = (key) => `${prefix}:${key}`;
  const scoped = {
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
  return scoped;
}
