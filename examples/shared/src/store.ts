/**
 * `STORE_URL` to a store (and, for the durable ones, the queue behind the inbox and outbox).
 */
import { memoryStore, type Queue, type Store } from '@switchboard/core';

/** What a store URL opens. */
export interface OpenedStore {
  store: Store;
  /** The durable queue; undefined for `memory:` (handlers run inline, nothing survives a restart). */
  queue: Queue | undefined;
}

/**
 * Opens `sqlite:<path>` (the embedded durable default), `memory:`, `postgres://user@host:port/db` or
 * `redis://host:port`. The store
 * packages load only when used: a process never pays the start-up cost of the others.
 */
export async function openStore(url: string): Promise<OpenedStore> {
  if (url === 'memory:') return { store: memoryStore(), queue: undefined };
  if (url.startsWith('sqlite:')) {
    const { sqliteStore } = await import('@switchboard/store-sqlite');
    const s = sqliteStore({ path: url.slice('sqlite:'.length) });
    return { store: s, queue: s };
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const { postgresStore } = await import('@switchboard/store-postgres');
    const p = postgresStore({ url });
    return { store: p, queue: p };
  }
  const { redisStore } = await import('@switchboard/store-redis');
  const r = redisStore({ url });
  return { store: r, queue: r };
}
