/**
 * Token-bucket pacing per sender (and per recipient where the provider limits pairs).
 * @module
 */
import { createHash } from 'node:crypto';
import type { Rate } from '../adapter/adapter.js';
import { SwitchboardError } from '../errors.js';
import { effectivePriority, PRIORITY_RANK } from '../model/priority.js';
import type { OutboundMessage } from '../model/schema.js';
import type { Store } from '../store/store.js';
import { sleep as defaultSleep } from './retry.js';
import type { Transformer } from './transformer.js';

/** A token bucket's state: tokens left, and when they were counted (ms). */
export interface BucketState {
  tokens: number;
  at: number;
}

/** Tokens a bucket may be short of and still grant: floating-point error, not pace. */
const TOKEN_EPSILON = 1e-9;

/**
 * The one token-bucket rule every store uses: refill at `perSecond` up to `burst`, take `cost`.
 * Returns the new state and 0 when granted, or the milliseconds until the tokens are there. Not
 * rounded up: a whole-millisecond ceiling, paid at every wait, slows a fast pace by several percent
 * (a store whose protocol only carries integers rounds up itself, and says so).
 */
export function takeFromBucket(
  state: BucketState | undefined,
  rate: { perSecond: number; burst: number },
  cost: number,
  now: number,
): { state: BucketState; waitMs: number } {
  const tokens = state ? Math.min(rate.burst, state.tokens + ((now - state.at) / 1000) * rate.perSecond) : rate.burst;
  // A waiter woken exactly when its tokens are due may find them short by a rounding error.
  if (tokens >= cost - TOKEN_EPSILON) return { state: { tokens: Math.max(0, tokens - cost), at: now }, waitMs: 0 };
  return { state: { tokens, at: now }, waitMs: Math.max(0.5, ((cost - tokens) / rate.perSecond) * 1000) };
}

/**
 * How late a waiting send may be granted its token without the pace losing that time. A waiter wakes
 * a turn of the event loop after its token is due (half a millisecond under load); with a burst of 1
 * every such delay was lost: 5-12% of an 80/s pace. The bucket holds this much more (`perSecond *
 * tolerance` tokens) and refills that much slower, so a send granted up to this late leaves the next
 * one's time where it was, and no second holds more sends than the plain bucket's.
 */
export const PACING_TOLERANCE_MS = 2;

/**
 * The time per second of pace kept free for the way to the provider: sends leave on time but arrive
 * with jitter (connections, the provider's own event loop), and a provider that counts arrivals in a
 * sliding second (Meta's 80/s) refuses the one that comes early. Costs 1% of the pace.
 */
export const PACING_MARGIN_MS = 10;

/**
 * The bucket a rate is paced with: {@link PACING_TOLERANCE_MS} of lateness held as extra tokens, paid
 * for by a slower refill, and {@link PACING_MARGIN_MS} of arrival jitter left free in every second.
 */
export function pacedBucket(rate: { perSecond: number; burst: number }): { perSecond: number; burst: number } {
  const slack = (rate.perSecond * PACING_TOLERANCE_MS) / 1000;
  const margin = (rate.perSecond * PACING_MARGIN_MS) / 1000;
  return { perSecond: rate.perSecond - slack - margin, burst: rate.burst + slack };
}

/** A token bucket kept in this process. */
export class TokenBucket {
  private state: BucketState | undefined;
  private readonly bucket: { perSecond: number; burst: number };

  /** A full bucket of `rate.burst` (default 1) tokens refilled at `rate.perSecond`. */
  constructor(
    rate: Rate,
    private readonly now: () => number = Date.now,
  ) {
    this.bucket = pacedBucket({ perSecond: rate.perSecond, burst: rate.burst ?? 1 });
  }

  /** Takes `cost` tokens: 0 when granted, else the milliseconds to wait before asking again. */
  take(cost = 1): number {
    const bucket = this.bucket;
    // A cost above the burst could never be granted: let it drain the full bucket instead.
    const taken = takeFromBucket(this.state, bucket, Math.min(cost, bucket.burst), this.now());
    this.state = taken.state;
    return taken.waitMs;
  }
}

/** A send waiting for a token. */
interface Waiter {
  rank: number;
  seq: number;
  since: number;
  conversation: string;
  cost: number;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/**
 * The waiter to serve next: only the earliest waiter of each conversation may go (its order is
 * kept), and among those the best aged priority, then the earliest.
 */
export function nextWaiter<W extends { rank: number; seq: number; since: number; conversation: string }>(
  waiters: readonly W[],
  now: number,
): W {
  const firstOf = new Map<string, W>();
  for (const w of waiters) {
    const seen = firstOf.get(w.conversation);
    if (!seen || w.seq < seen.seq) firstOf.set(w.conversation, w);
  }
  let best: W | undefined;
  for (const w of firstOf.values()) {
    if (!best) {
      best = w;
      continue;
    }
    const d = effectivePriority(w.rank, w.since, now) - effectivePriority(best.rank, best.since, now);
    if (d < 0 || (d === 0 && w.seq < best.seq)) best = w;
  }
  return best!;
}

/** Options of {@link rateLimit}. */
export interface RateLimitOptions {
  /** Per-sender pace by adapter name; `false` turns pacing off for that adapter. Default: the adapter's `capabilities.rateLimit`. */
  rates?: Record<string, Rate | false>;
  /** Per-recipient pace by adapter name. Default: the adapter's `capabilities.recipientRateLimit`. */
  recipientRates?: Record<string, Rate | false>;
  /** When the store implements `takeToken`, buckets live there and are shared by every process on it. */
  store?: Store;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
  /** Injectable for tests. */
  now?: () => number;
  /**
   * A send that would wait longer than this for its token fails at once with RATE_LIMITED
   * (`details.paced`, `retryAfterMs` = the wait) instead: for outboxes that hand the job back
   * (see `Outbox.pacedWaitMs`). Default: wait however long.
   */
  maxWaitMs?: number;
}

/** Marks the RATE_LIMITED error of a send handed back to its outbox until its token is due. */
export const PACED = 'paced';

/** A recipient's id as a bucket key: a short hash, so no phone number sits in the rate-limit state. */
const recipientKey = (id: string): string => createHash('sha256').update(id).digest('base64url').slice(0, 22);

/**
 * A transformer that paces sends with token buckets: one per adapter and sender, and one per
 * recipient where the adapter declares a recipient limit. It waits rather than fails.
 */
export function rateLimit(options: RateLimitOptions = {}): Transformer {
  const buckets = new Map<string, TokenBucket>();
  const wait = options.sleep ?? defaultSleep;
  const shared = options.store?.takeToken ? options.store : undefined;

  // Waiters for one bucket queue up in this process: one is served at a time (instead of every
  // waiter waking together to race for each token), the highest priority first, aged so `low` is
  // never starved, and never a later message of a conversation before an earlier one.
  const lines = new Map<string, { waiters: Waiter[]; serving: boolean }>();
  let arrivals = 0;
  const take = (key: string, rate: Rate, cost: number, message: OutboundMessage): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      let line = lines.get(key);
      if (!line) {
        line = { waiters: [], serving: false };
        lines.set(key, line);
      }
      line.waiters.push({
        rank: PRIORITY_RANK[message.priority ?? 'normal'],
        seq: ++arrivals,
        since: (options.now ?? Date.now)(),
        conversation: message.to.id,
        cost,
        resolve,
        reject,
      });
      if (!line.serving) void serve(key, rate, line);
    });
  const serve = async (key: string, rate: Rate, line: { waiters: Waiter[]; serving: boolean }) => {
    line.serving = true;
    while (line.waiters.length) {
      const next = nextWaiter(line.waiters, (options.now ?? Date.now)());
      try {
        await acquire(key, rate, next.cost);
        line.waiters.splice(line.waiters.indexOf(next), 1);
        next.resolve();
      } catch (e) {
        line.waiters.splice(line.waiters.indexOf(next), 1);
        next.reject(e);
      }
    }
    line.serving = false;
    if (lines.get(key) === line) lines.delete(key);
  };
  const acquire = async (key: string, rate: Rate, cost: number): Promise<void> => {
    for (;;) {
      let delay: number;
      if (shared?.takeToken) {
        delay = await shared.takeToken(
          `ratelimit:${key}`,
          pacedBucket({ perSecond: rate.perSecond, burst: Math.max(rate.burst ?? 1, cost) }),
          cost,
        );
      } else {
        let bucket = buckets.get(key);
        if (!bucket) {
          bucket = new TokenBucket(rate, options.now);
          buckets.set(key, bucket);
        }
        delay = bucket.take(cost);
      }
      if (delay <= 0) return;
      // A send of several tokens waits in line instead: handed back, it would find single-token sends
      // taking each token as it comes, and never see enough at once.
      if (options.maxWaitMs !== undefined && delay > options.maxWaitMs && cost <= 1) {
        throw new SwitchboardError('RATE_LIMITED', "paced: the sender's next token is not due yet", {
          retryAfterMs: Math.ceil(delay),
          details: { [PACED]: true },
        });
      }
      // Timers fire a millisecond or so late, and at 80/s that lateness would cost ~8% of the pace:
      // sleep to just short of the token, then yield to the event loop until it is there.
      if (options.sleep) await wait(delay);
      else await (delay > 2 ? wait(delay - 1.5) : new Promise<void>((r) => setImmediate(r)));
    }
  };

  return async function rateLimitTransformer(prev, message, adapter) {
    const rate = options.rates?.[adapter.name] ?? adapter.capabilities.rateLimit;
    // A message may cost several tokens (SMS segments); a bucket never refuses one larger than its burst forever.
    if (rate)
      await take(
        `${adapter.name}:from:${message.from?.id ?? 'default'}`,
        rate,
        adapter.sendCost?.(message) ?? 1,
        message,
      );
    const pair = options.recipientRates?.[adapter.name] ?? adapter.capabilities.recipientRateLimit;
    // The recipient's number is hashed: bucket rows are not walked by forgetContact (nor swept).
    if (pair) await take(`${adapter.name}:to:${recipientKey(message.to.id)}`, pair, 1, message);
    return prev(message, adapter);
  };
}
