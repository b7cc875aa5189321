/**
 * Send priorities: a person's reply (`high`) goes before automated messages (`normal`) and bulk
 * (`low`) at a paced sender, and whatever waits long enough rises a level, so nothing starves.
 * @module
 */
/** Priorities as ranks: lower is served first. */
export const PRIORITY_RANK = { high: 0, normal: 1, low: 2 };
/**
 * How long a waiting message (or due job) waits before it counts as one priority level higher: a
 * `low` message behind a stream of `high` ones is served after at most twice this.
 */
export const PRIORITY_AGING_MS = 10_000;
/** The order a waiting item is served in (lower first): its rank, raised one level per `PRIORITY_AGING_MS` waited. */
export const effectivePriority = (rank, waitingSince, now) =>
  rank - Math.floor(Math.max(0, now - waitingSince) / PRIORITY_AGING_MS);
