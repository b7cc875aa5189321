import { describe, expect, it } from 'vitest';
import { PRIORITY_AGING_MS } from '../model/priority.js';
import { nextWaiter, PACING_MARGIN_MS, PACING_TOLERANCE_MS, TokenBucket } from './rate-limit.js';

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

describe('pacing a sender whose waiters wake late', () => {
  // 80/s with a burst of 1 (WhatsApp's pace against a provider that refuses the 81st message of any
  // second), every waiter woken 0.7 ms after its token was due, as the event loop does under load.
  const pace = (lateMs: number) => {
    let now = 0;
    const bucket = new TokenBucket({ perSecond: 80, burst: 1 }, () => now);
    const grants: number[] = [];
    while (grants.length < 801) {
      const wait = bucket.take();
      if (wait <= 0) grants.push(now);
      else now += wait + lateMs;
    }
    return grants;
  };

  it('keeps the pace: lateness under the tolerance is not lost at every send', () => {
    const grants = pace(0.7);
    // 800 intervals of 12.5 ms: 10 s, and 1.2% for tolerance and margin. Losing 0.7 ms at each: 10.56 s.
    expect(grants.at(-1)! / 10_000).toBeGreaterThan(1.01);
    expect(grants.at(-1)! / 10_000).toBeLessThan(1.015);
  });

  it('never grants more than the rate in any second, with the margin to spare', () => {
    for (const late of [0, 0.7, PACING_TOLERANCE_MS, 5]) {
      const grants = pace(late);
      let most = 0;
      for (let i = 0, j = 0; i < grants.length; i++) {
        // Sends that leave this close arrive, with up to the margin's jitter, within one second.
        while (grants[i]! - grants[j]! >= 1000 + PACING_MARGIN_MS) j++;
        most = Math.max(most, i - j + 1);
      }
      expect(most, `woken ${late} ms late`).toBeLessThanOrEqual(80);
    }
  });
});
