/**
 * Out-of-order delivery statuses: a `sent` that arrives after `delivered` is marked stale, so
 * handlers never move a message backwards.
 * @module
 */
import { STATUS_RANK } from '../model/schema.js';

const RANKS = [...new Set(Object.values(STATUS_RANK))].sort((a, b) => a - b);
/**
 * Records that `event` was seen and tells whether a later status of the same message was seen
 * before it. Each rank is its own key written with `setIfAbsent`, so concurrent statuses (two
 * webhooks, two processes) can never lower what was recorded: a check-then-set on one "highest
 * rank" key could.
 */
export async function isStale(store, adapter, event, ttlMs) {
  const key = (rank) => `status-rank:${adapter}:${event.messageId}:${rank}`;
  const rank = STATUS_RANK[event.status];
  await store.setIfAbsent(key(rank), 1, ttlMs);
  for (const higher of RANKS) {
    if (higher > rank && (await store.get(key(higher))) !== undefined) return true;
  }
  return false;
}
