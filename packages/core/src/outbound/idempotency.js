/**
 * A transformer that remembers each successful send by its idempotency key: a second send with the
 * same key (a re-run handler, a caller's retry) returns the first result instead of sending again.
 * Concurrent sends with one key in this process share one provider call.
 */
export function idempotency(options) {
  const ttl = options.ttlMs ?? 24 * 60 * 60 * 1000;
  const inflight = new Map();
  return async function idempotencyTransformer(prev, message, adapter) {
    if (!message.idempotencyKey) return prev(message, adapter);
    const key = `idem:${adapter.name}:${message.idempotencyKey}`;
    const running = inflight.get(key);
    if (running) return running;
    const task = (async () => {
      const cached = await options.store.get(key);
      if (cached) return cached;
      const result = await prev(message, adapter);
      // The raw provider body can be large and is not needed to answer a repeat.
      const { raw: _raw, ...remembered } = result;
      await options.store.set(key, remembered, ttl);
      return result;
    })();
    inflight.set(key, task);
    try {
      return await task;
    } finally {
      inflight.delete(key);
    }
  };
}
