/**
 * The tables: key-value with expiry, token buckets, and the jobs of the inbox and outbox.
 * @module
 */

/** Applied at open; idempotent. */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS kv (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  expires_at INTEGER
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS kv_expires ON kv (expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE IF NOT EXISTS buckets (
  key TEXT PRIMARY KEY,
  tokens REAL NOT NULL,
  at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS jobs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  queue TEXT NOT NULL,
  key TEXT NOT NULL,
  payload TEXT NOT NULL,
  grp TEXT,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  run_at INTEGER NOT NULL,
  lease_until INTEGER,
  result TEXT,
  error TEXT,
  finished_at INTEGER,
  priority INTEGER NOT NULL DEFAULT 1,
  UNIQUE (queue, key)
);
CREATE INDEX IF NOT EXISTS jobs_open ON jobs (queue, state, seq);
-- A claim walks pending jobs by priority as well as by age, and probes each candidate's group for an
-- earlier open job or a running one (jobs_group_open replaces jobs_group, which ignored the state).
CREATE INDEX IF NOT EXISTS jobs_by_priority ON jobs (queue, state, priority, seq);
CREATE INDEX IF NOT EXISTS jobs_group_open ON jobs (queue, grp, state, seq);
DROP INDEX IF EXISTS jobs_group;
CREATE INDEX IF NOT EXISTS jobs_finished ON jobs (finished_at) WHERE finished_at IS NOT NULL;
`;
