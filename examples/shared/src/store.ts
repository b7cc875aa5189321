/**
 * `STORE_URL` to a store (and, for the durable ones, the queue behind the inbox and outbox).
 */
import { memoryStore, type Queue, type Store } from '@switchboard/core';
import { redisStore } from '@switchboard/store-redis';
import { sqliteStore } from '@switchboard/store-sqlite';

/** What a store URL opens. */
export interface OpenedStore {
  store: Store;
  /** The durable queue; undefined for `memory:` (handlers run inline, nothing survives a restart). */
  queue: Queue | undefined;
}

/** Opens `sqlite:<path>` (the embedded durable default), `memory:` or `redis://host:port`. */
export function openStore(url: string): OpenedStore {
  if (url === 'memory:') return { store: memoryStore(), queue: undefined };
  if (url.startsWith('sqlite:')) {
    const s = sqliteStore({ path: url.slice('sqlite:'.length) });
    return { store: s, queue: s };
  }
  const r = redisStore({ url });
  return { store: r, queue: r };
}
