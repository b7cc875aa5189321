/** A list kept as numbered slots under one key prefix. */
export class StoreLog {
  store;
  key;
  ttlMs;
  /** A log under `key` in `store`; entries expire after `ttlMs` when given. */
  constructor(store, key, ttlMs) {
    this.store = store;
    this.key = key;
    this.ttlMs = ttlMs;
  }
  /** Appends an entry; safe against concurrent appends from any process. */
  async append(entry) {
    const n = await this.store.increment(`${this.key}:n`);
    await this.store.set(`${this.key}:${n}`, entry, this.ttlMs);
  }
  // The unread slots and their entries, in order.
  async unread() {
    const end = (await this.store.get(`${this.key}:n`)) ?? 0;
    const start = (await this.store.get(`${this.key}:read`)) ?? 0;
    const entries = [];
    for (let i = start + 1; i <= end; i++) {
      const e = await this.store.get(`${this.key}:${i}`);
      if (e !== undefined) entries.push(e);
    }
    return { start, end, entries };
  }
  /** Every entry not yet read by `drain`, in order, without removing them. */
  async peek() {
    return (await this.unread()).entries;
  }
  /** Takes every unread entry, in order, and marks them read. */
  async drain() {
    const { start, end, entries } = await this.unread();
    for (let i = start + 1; i <= end; i++) await this.store.delete(`${this.key}:${i}`);
    if (end > start) await this.store.set(`${this.key}:read`, end);
    return entries;
  }
}
