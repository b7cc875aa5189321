/**
 * An append-only list in the store that concurrent writers never lose entries of: each append takes
 * its own slot from an atomic counter (a read-modify-write of one array would drop one of two
 * simultaneous appends).
 * @module
 */
import type { Store } from './store.js';

/** A list kept as numbered slots under one key prefix. */
export class StoreLog<T> {
  /** A log under `key` in `store`; entries expire after `ttlMs` when given. */
  constructor(
    private readonly store: Store,
    private readonly key: string,
    private readonly ttlMs?: number,
  ) {}

  /** Appends an entry; safe against concurrent appends from any process. */
  async append(entry: T): Promise<void> {
    const n = await this.store.increment(`${this.key}:n`);
    await this.store.set(`${this.key}:${n}`, entry, this.ttlMs);
  }

  // The unread slots and their entries, in order.
  private async unread(): Promise<{ start: number; end: number; entries: T[] }> {
    const end = (await this.store.get<number>(`${this.key}:n`)) ?? 0;
    const start = (await this.store.get<number>(`${this.key}:read`)) ?? 0;
    const entries: T[] = [];
    for (let i = start + 1; i <= end; i++) {
      const e = await this.store.get<T>(`${this.key}:${i}`);
      if (e !== undefined) entries.push(e);
    }
    return { start, end, entries };
  }

  /** Every entry not yet read by `drain`, in order, without removing them. */
  async peek(): Promise<T[]> {
    return (await this.unread()).entries;
  }

  /** Takes every unread entry, in order, and marks them read. */
  async drain(): Promise<T[]> {
    const { start, end, entries } = await this.unread();
    for (let i = start + 1; i <= end; i++) await this.store.delete(`${this.key}:${i}`);
    if (end > start) await this.store.set(`${this.key}:read`, end);
    return entries;
  }
}
