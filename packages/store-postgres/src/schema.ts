/**
 * Versioned migrations, applied at open under an advisory lock: two instances starting at once
 * apply each one once, in order.
 * @module
 */

/** The migrations, in order; each runs once per schema (its number is recorded). */
export const MIGRATIONS: readonly ((schema: string) => string)[] = [
  (s) => `
CREATE TABLE IF NOT EXISTS ${s}.kv (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  expires_at BIGINT
);
CREATE INDEX IF NOT EXISTS kv_expires ON ${s}.kv (expires_at) WHERE expires_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS ${s}.buckets (
  key TEXT PRIMARY KEY,
  tokens DOUBLE PRECISION NOT NULL,
  at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS ${s}.jobs (
  seq BIGSERIAL PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  queue TEXT NOT NULL,
  key TEXT NOT NULL,
  payload TEXT NOT NULL,
  grp TEXT,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  run_at BIGINT NOT NULL,
  lease_until BIGINT,
  result TEXT,
  error TEXT,
  finished_at BIGINT,
  priority INTEGER NOT NULL DEFAULT 1,
  UNIQUE (queue, key)
);
CREATE INDEX IF NOT EXISTS jobs_open ON ${s}.jobs (queue, state, seq);
CREATE INDEX IF NOT EXISTS jobs_group ON ${s}.jobs (queue, grp, seq);
CREATE INDEX IF NOT EXISTS jobs_finished ON ${s}.jobs (finished_at) WHERE finished_at IS NOT NULL;`,
  // A claim walks pending jobs by priority as well as by age and probes each candidate's group for an
  // earlier open job or a running one; jobs_group_open replaces jobs_group, which ignored the state.
  (s) => `
CREATE INDEX IF NOT EXISTS jobs_by_priority ON ${s}.jobs (queue, state, priority, seq);
CREATE INDEX IF NOT EXISTS jobs_group_open ON ${s}.jobs (queue, grp, state, seq);
DROP INDEX IF EXISTS ${s}.jobs_group;`,
];

/** Milliseconds on the database's clock: every process agrees on TTLs, leases and buckets. */
export const NOW_MS = '(extract(epoch from clock_timestamp()) * 1000)::bigint';
