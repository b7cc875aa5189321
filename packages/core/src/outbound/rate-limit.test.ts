import { describe, expect, it } from 'vitest';
import { PRIORITY_AGING_MS } from '../model/priority.js';
import { nextWaiter } from './rate-limit.js';

const w = (seq: number, rank: number, conversation: string, since = 0) => ({ seq, rank, conversation, since });

describe('the order paced sends are served in', () => {
  it('serves the highest priority first, then the earliest', () => {
    expect(nextWaiter([w(1, 1, 'a'), w(2, 1, 'b'), w(3, 0, 'c')], 0).seq).toBe(3);
    expect(nextWaiter([w(1, 1, 'a'), w(2, 1, 'b')], 0).seq).toBe(1);
  });

  it("never serves a conversation's later message before its earlier one", () => {
    // The high-priority message of conversation "a" waits for a's normal one queued before it.
    expect(nextWaiter([w(1, 2, 'b'), w(2, 1, 'a'), w(3, 0, 'a')], 0).seq).toBe(2);
  });

  it('ages waiters so low priority is never starved', () => {
    const now = 2 * PRIORITY_AGING_MS + 1;
    // A low message waiting two aging periods ranks with a fresh high one, and it came first.
    expect(nextWaiter([w(1, 2, 'a', 0), w(2, 0, 'b', now)], now).seq).toBe(1);
    expect(nextWaiter([w(1, 2, 'a', now - 1), w(2, 0, 'b', now)], now).seq).toBe(2);
  });
});
