/**
 * How long what the framework keeps about customers is kept. Each feature that stores personal data
 * reads its period here (plugins through `host.retention`), so one option governs them all.
 * @module
 */
import { SwitchboardError } from '../errors.js';

/** Option `retention` of `createSwitchboard`: periods in ms. */
export interface RetentionOptions {
  /** Conversation records and their transcripts (the bridge's), counted from their last message. Default 90 days. */
  conversationsMs?: number;
  /** Copies of media kept for a provider to fetch (the bridge's media vault). Default 1 hour. */
  mediaMs?: number;
  /** Inbound events whose handlers failed on every attempt (`sb.inbox.failed()`). Default 30 days. */
  deadLettersMs?: number;
}

/** {@link RetentionOptions} with every default applied. */
export type Retention = Readonly<Required<RetentionOptions>>;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The defaults. Finished queue jobs (payloads of delivered messages) are kept by the store's own
 * `keepJobsMs` (24 h by default), the dedupe ids of inbound events 7 days and an hour (ids only).
 */
export const DEFAULT_RETENTION: Retention = Object.freeze({
  conversationsMs: 90 * DAY_MS,
  mediaMs: 60 * 60 * 1000,
  deadLettersMs: 30 * DAY_MS,
});

/** The periods `options` sets, the defaults for the rest; CONFIG_INVALID unless each is a positive number of ms. */
export function retentionOf(options: RetentionOptions = {}): Retention {
  // An option given as `undefined` takes its default, as if it were absent.
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const out = { ...DEFAULT_RETENTION, ...given };
  for (const [name, ms] of Object.entries(out)) {
    if (!(typeof ms === 'number' && ms > 0 && Number.isFinite(ms)))
      throw new SwitchboardError(
        'CONFIG_INVALID',
        `retention.${name} must be a positive number of ms (got ${String(ms)})`,
      );
  }
  return Object.freeze(out);
}
