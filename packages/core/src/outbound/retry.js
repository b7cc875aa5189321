/**
 * Retries with exponential backoff and full jitter, honouring `Retry-After`.
 * @module
 */
import { toSwitchboardError } from '../errors.js';
/** Sleeps `ms` milliseconds. */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/**
 * The delay before retry number `attempt` (0-based): a random point below `min(max, base * 2^attempt)`
 * ("full jitter"), so many clients retrying together spread out; or what the provider asked for.
 */
export function backoffDelay(attempt, retryAfterMs, options = {}) {
  if (retryAfterMs !== undefined) return retryAfterMs;
  const ceiling = Math.min(options.maxDelayMs ?? 30_000, (options.baseDelayMs ?? 250) * 2 ** attempt);
  return Math.round((options.random ?? Math.random)() * ceiling);
}
/**
 * A transformer that retries retryable failures (RATE_LIMITED, NETWORK, TIMEOUT, PROVIDER_UNAVAILABLE)
 * and never permanent ones. The message keeps its idempotency key across attempts, so an adapter
 * that passes it to the provider cannot create a duplicate.
 */
export function retry(options = {}) {
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
        await wait(delay);
      }
    }
  };
}
