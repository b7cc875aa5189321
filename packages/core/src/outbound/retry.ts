/**
 * Retries with exponential backoff and full jitter, honouring `Retry-After`.
 * @module
 */
import { type SwitchboardError, toSwitchboardError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Transformer } from './transformer.js';

/** Options of {@link retry}. */
export interface RetryOptions {
  /** Retries after the first attempt. Default 4. */
  retries?: number;
  /** The first backoff ceiling. Default 250 ms. */
  baseDelayMs?: number;
  /** The largest backoff ceiling. Default 30 s. */
  maxDelayMs?: number;
  /** A provider asking to wait longer than this is not retried. Default 60 s. */
  maxRetryAfterMs?: number;
  /** The sleep function, injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
  /** The random source for jitter, injectable for tests. */
  random?: () => number;
  /** Where retries are logged. */
  logger?: Logger;
  /** Told before each retry, with the error that caused it (metrics). */
  onRetry?: (error: SwitchboardError, attempt: number) => void;
}

/** Sleeps `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The delay before retry number `attempt` (0-based): a random point below `min(max, base * 2^attempt)`
 * ("full jitter"), so many clients retrying together spread out; or what the provider asked for.
 */
export function backoffDelay(attempt: number, retryAfterMs: number | undefined, options: RetryOptions = {}): number {
  if (retryAfterMs !== undefined) return retryAfterMs;
  const ceiling = Math.min(options.maxDelayMs ?? 30_000, (options.baseDelayMs ?? 250) * 2 ** attempt);
  return Math.round((options.random ?? Math.random)() * ceiling);
}

/**
 * A transformer that retries retryable failures (RATE_LIMITED, NETWORK, TIMEOUT, PROVIDER_UNAVAILABLE)
 * and never permanent ones. The message keeps its idempotency key across attempts, so an adapter
 * that passes it to the provider cannot create a duplicate.
 */
export function retry(options: RetryOptions = {}): Transformer {
  const retries = options.retries ?? 4;
  const maxRetryAfter = options.maxRetryAfterMs ?? 60_000;
  const wait = options.sleep ?? sleep;
  return async function retryTransformer(prev, message, adapter) {
    for (let attempt = 0; ; attempt++) {
      try {
        return await prev(message, adapter);
      } catch (e) {
        const err = toSwitchboardError(e, 'INTERNAL', { adapter: adapter.name });
        if (!err.retryable || attempt >= retries || (err.retryAfterMs ?? 0) > maxRetryAfter) throw err;
        const delay = backoffDelay(attempt, err.retryAfterMs, options);
        options.logger?.warn('send failed, retrying', { code: err.code, attempt: attempt + 1, delayMs: delay });
        options.onRetry?.(err, attempt + 1);
        await wait(delay);
      }
    }
  };
}
