/**
 * The embedded durable store: one SQLite file in WAL mode, safe for several processes on one host.
 * @module
 */

import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  type ClaimOptions,
  claimWindow,
  type EnqueueInput,
  effectivePriority,
  type Job,
  jobFromSqlRow,
  type Queue,
  type SqlJobRow,
  type Store,
  takeFromBucket,
} from '@switchboard/core';
import Database from 'better-sqlite3';
import { SCHEMA } from './schema.js';

/** Options of {@link sqliteStore}. */
export interface SqliteStoreOptions {
  /** The database file (created with its folder), or `:memory:`. Default `./data/switchboard.db`. */
  path?: string;
  /** How long finished jobs are kept (their keys dedupe provider retries). Default 24 h. */
  keepJobsMs?: number;
  /** How often expired keys and old jobs are swept. Default 60 s. */
  sweepIntervalMs?: number;
  /**
   * `NORMAL` (default) survives a process crash (kill -9) with WAL; `FULL` also survives power loss,
   * at a cost per write.
   */
  synchronous?: 'NORMAL' | 'FULL';
  /** The clock. */
  now?: () => number;
}

/** Rows read per page when a caller walks every key or job. */
const PAGE = 500;

/** What a claim reads of a job before it chooses. */
type Candidate = Pick<SqlJobRow, 'seq' | 'id' | 'grp' | 'priority' | 'run_at'>;

/** A SQLite store: a {@link Store} and a durable {@link Queue} in one file. */
export type SqliteStore = Store &
  Queue & {
    readonly path: string;
    readonly db: Database.Database;
    close(): Promise<void>;
    takeToken: NonNullable<Store['takeToken']>;
  };

/**
 * Opens (or creates) the embedded durable store.
 *
 * @example
 * ```ts
 * const store = sqliteStore({ path: './data/bot.db' });
 * const sb = createSwitchboard({ adapters, store, queue: store });
 * ```
 */
export function sqliteStore(options: SqliteStoreOptions = {}): SqliteStore {
  const path = options.path ?? './data/switchboard.db';
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
  // Another process may hold the write lock for a moment: wait rather than fail.
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  // Files made before priorities existed: add the column (CREATE TABLE IF NOT EXISTS leaves them be).
  const columns = db.prepare<[], { name: string }>('PRAGMA table_info(jobs)').all();
  if (!columns.some((c) => c.name === 'priority'))
    db.exec('ALTER TABLE jobs ADD COLUMN priority INTEGER NOT NULL DEFAULT 1');
  const now = options.now ?? Date.now;
  const keepMs = options.keepJobsMs ?? 24 * 60 * 60 * 1000;

  const q = {
    get: db.prepare<[string, number], { value: string }>(
      'SELECT value FROM kv WHERE key = ? AND (expires_at IS NULL OR expires_at > ?)',
    ),
    set: db.prepare(
      'INSERT INTO kv (key, value, expires_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at',
    ),
    setIfAbsent: db.prepare(
      'INSERT INTO kv (key, value, expires_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at WHERE kv.expires_at IS NOT NULL AND kv.expires_at <= ?',
    ),
    del: db.prepare('DELETE FROM kv WHERE key = ?'),
    delIf: db.prepare('DELETE FROM kv WHERE key = ? AND value = ? AND (expires_at IS NULL OR expires_at > ?)'),
    getRaw: db.prepare<[string], { value: string; expires_at: number | null }>(
      'SELECT value, expires_at FROM kv WHERE key = ?',
    ),
    bucket: db.prepare<[string], { tokens: number; at: number }>('SELECT tokens, at FROM buckets WHERE key = ?'),
    putBucket: db.prepare(
      'INSERT INTO buckets (key, tokens, at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET tokens = excluded.tokens, at = excluded.at',
    ),
    enqueue: db.prepare(
      "INSERT INTO jobs (id, queue, key, payload, grp, state, run_at, priority) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT(queue, key) DO NOTHING",
    ),
    idByKey: db.prepare<[string, string], { id: string }>('SELECT id FROM jobs WHERE queue = ? AND key = ?'),
    // A claim's candidates, from index walks that stop early (see `claim` below).
    // Only what ordering and the group check need: payloads are read for the jobs claimed.
    pendingBySeq: db.prepare<[string, number, number, number], Candidate>(
      "SELECT seq, id, grp, priority, run_at FROM jobs WHERE queue = ? AND state = 'pending' AND run_at <= ? AND seq > ? ORDER BY seq LIMIT ?",
    ),
    pendingByPriority: db.prepare<[string, number, number, number, number, number], Candidate>(
      "SELECT seq, id, grp, priority, run_at FROM jobs WHERE queue = ? AND state = 'pending' AND run_at <= ? AND (priority > ? OR (priority = ? AND seq > ?)) ORDER BY priority, seq LIMIT ?",
    ),
    abandoned: db.prepare<[string, number, number, number, number], Candidate>(
      "SELECT seq, id, grp, priority, run_at FROM jobs WHERE queue = ? AND state = 'running' AND lease_until <= ? AND run_at <= ? AND seq > ? ORDER BY seq LIMIT ?",
    ),
    anyPending: db.prepare<[string, number], { one: number }>(
      "SELECT 1 AS one FROM jobs WHERE queue = ? AND state = 'pending' AND run_at <= ? LIMIT 1",
    ),
    anyAbandoned: db.prepare<[string, number], { one: number }>(
      "SELECT 1 AS one FROM jobs WHERE queue = ? AND state = 'running' AND lease_until <= ? LIMIT 1",
    ),
    // A group runs one job at a time, in order: an earlier open job, or another running under a live
    // lease, holds it.
    groupBusy: db.prepare<[string, string, number, number, number], { one: number }>(
      "SELECT 1 AS one FROM jobs WHERE queue = ? AND grp = ? AND state IN ('pending', 'running') AND seq <> ? AND (seq < ? OR (state = 'running' AND lease_until > ?)) LIMIT 1",
    ),
    take: db.prepare("UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_until = ? WHERE id = ?"),
    renew: db.prepare("UPDATE jobs SET lease_until = ? WHERE id = ? AND state = 'running'"),
    complete: db.prepare(
      "UPDATE jobs SET state = 'done', result = ?, lease_until = NULL, finished_at = ? WHERE id = ?",
    ),
    retry: db.prepare("UPDATE jobs SET state = 'pending', run_at = ?, error = ?, lease_until = NULL WHERE id = ?"),
    fail: db.prepare("UPDATE jobs SET state = 'failed', error = ?, lease_until = NULL, finished_at = ? WHERE id = ?"),
    release: db.prepare(
      "UPDATE jobs SET state = 'pending', run_at = ?, attempts = MAX(0, attempts - 1), priority = priority - 1, lease_until = NULL WHERE id = ? AND state = 'running'",
    ),
    job: db.prepare<[string], SqlJobRow>('SELECT * FROM jobs WHERE id = ?'),
    backlog: db.prepare<[string], { n: number }>(
      "SELECT COUNT(*) AS n FROM jobs WHERE queue = ? AND state IN ('pending', 'running')",
    ),
    // Pages in key order (never one open cursor while the caller deletes).
    entries: db.prepare<[string, number, string, string, number, number], { key: string; value: string }>(
      'SELECT key, value FROM kv WHERE key > ? AND substr(key, 1, ?) = ? AND key >= ? AND (expires_at IS NULL OR expires_at > ?) ORDER BY key LIMIT ?',
    ),
    jobsAfter: db.prepare<[number, number], SqlJobRow>('SELECT * FROM jobs WHERE seq > ? ORDER BY seq LIMIT ?'),
    delJob: db.prepare('DELETE FROM jobs WHERE id = ? AND NOT (state = ? AND lease_until > ?)'),
    sweepKv: db.prepare('DELETE FROM kv WHERE expires_at IS NOT NULL AND expires_at <= ?'),
    sweepJobs: db.prepare('DELETE FROM jobs WHERE finished_at IS NOT NULL AND finished_at <= ?'),
  };

  // Read-modify-write steps take the write lock first (BEGIN IMMEDIATE): atomic across processes.
  const increment = db.transaction((key: string, by: number, ttlMs: number | undefined) => {
    const t = now();
    const row = q.getRaw.get(key);
    const live = row && (row.expires_at === null || row.expires_at > t);
    const next = (live ? Number(JSON.parse(row.value)) : 0) + by;
    q.set.run(key, JSON.stringify(next), live ? row.expires_at : ttlMs && ttlMs > 0 ? t + ttlMs : null);
    return next;
  });
  const takeToken = db.transaction((key: string, perSecond: number, burst: number, cost: number) => {
    // The same rule as every other store (core's takeFromBucket), inside one write transaction.
    const t = now();
    const taken = takeFromBucket(q.bucket.get(key), { perSecond, burst }, cost, t);
    q.putBucket.run(key, taken.state.tokens, t);
    return taken.waitMs;
  });
  // The due jobs to run, best first: a higher priority, aged one level per PRIORITY_AGING_MS waited,
  // then the earlier; only a group's first open job, and none of a group that has one running. One
  // statement that ordered every due job by aged priority cost milliseconds per claim behind a few
  // thousand; instead the candidates are the oldest `limit` claimable jobs and the `limit` claimable
  // ones of best priority, each read from its index past blocked conversations (a group found busy
  // costs no further look for its later jobs), and the abandoned running ones.
  const claim = db.transaction((queue: string, leaseMs: number, limit: number) => {
    const t = now();
    const window = claimWindow(limit);
    const rank = (r: Candidate) => effectivePriority(Number(r.priority), Number(r.run_at), t);
    // Per group: the seq of its first open job when it is free, or the lowest seq seen busy.
    const groups = new Map<string, { free?: number; busyFrom?: number }>();
    const free = (r: Candidate) => {
      if (r.grp === null) return true;
      const seq = Number(r.seq);
      const known = groups.get(r.grp) ?? {};
      if (known.free !== undefined) return known.free === seq;
      if (known.busyFrom !== undefined && seq > known.busyFrom) return false;
      const ok = !q.groupBusy.get(queue, r.grp, seq, seq, t);
      if (ok) known.free = seq;
      else known.busyFrom = Math.min(known.busyFrom ?? Number.POSITIVE_INFINITY, seq);
      groups.set(r.grp, known);
      return ok;
    };
    const candidates = new Map<number, Candidate>();
    // Reads pages of one walk until it yielded `limit` claimable jobs or ran out.
    const walk = (page: (last: Candidate | undefined) => Candidate[]) => {
      let found = 0;
      for (let last: Candidate | undefined; found < limit; ) {
        const rows = page(last);
        for (const r of rows) {
          if (!free(r)) continue;
          candidates.set(Number(r.seq), r);
          if (++found === limit) break;
        }
        if (rows.length < window) return;
        last = rows.at(-1);
      }
    };
    walk((last) => q.pendingBySeq.all(queue, t, last ? Number(last.seq) : -1, window));
    walk((last) =>
      q.pendingByPriority.all(
        queue,
        t,
        last ? Number(last.priority) : Number.MIN_SAFE_INTEGER,
        last ? Number(last.priority) : Number.MIN_SAFE_INTEGER,
        last ? Number(last.seq) : -1,
        window,
      ),
    );
    walk((last) => q.abandoned.all(queue, t, t, last ? Number(last.seq) : -1, window));
    const picked = [...candidates.values()]
      .sort((a, b) => rank(a) - rank(b) || Number(a.seq) - Number(b.seq))
      .slice(0, limit);
    return picked.map((c) => {
      q.take.run(t + leaseMs, c.id);
      return jobFromSqlRow(q.job.get(c.id)!);
    });
  });
  const enqueue = db.transaction((queue: string, input: EnqueueInput) => {
    const id = randomUUID();
    const r = q.enqueue.run(
      id,
      queue,
      input.key,
      JSON.stringify(input.payload ?? null),
      input.group ?? null,
      input.runAt ?? now(),
      input.priority ?? 1,
    );
    return r.changes === 1 ? { id, created: true } : { id: q.idByKey.get(queue, input.key)!.id, created: false };
  });

  const sweep = setInterval(() => {
    const t = now();
    q.sweepKv.run(t);
    q.sweepJobs.run(t - keepMs);
  }, options.sweepIntervalMs ?? 60_000);
  sweep.unref?.();

  return {
    path,
    db,
    async get<T>(key: string) {
      const row = q.get.get(key, now());
      return row === undefined ? undefined : (JSON.parse(row.value) as T);
    },
    async set(key, value, ttlMs) {
      q.set.run(key, JSON.stringify(value ?? null), ttlMs && ttlMs > 0 ? now() + ttlMs : null);
    },
    async setIfAbsent(key, value, ttlMs) {
      const t = now();
      return (
        q.setIfAbsent.run(key, JSON.stringify(value ?? null), ttlMs && ttlMs > 0 ? t + ttlMs : null, t).changes === 1
      );
    },
    async delete(key) {
      q.del.run(key);
    },
    async deleteIfEquals(key, value) {
      return q.delIf.run(key, JSON.stringify(value ?? null), now()).changes === 1;
    },
    async increment(key, by = 1, ttlMs) {
      return increment.immediate(key, by, ttlMs);
    },
    async takeToken(key, rate, cost = 1) {
      return takeToken.immediate(key, rate.perSecond, rate.burst, Math.min(cost, rate.burst));
    },
    async enqueue(queue, input) {
      return enqueue.immediate(queue, input as EnqueueInput);
    },
    async claim<P>(queue: string, o: ClaimOptions) {
      // Most claims (one per wake-up) find nothing: a read outside the write lock says so first.
      const t = now();
      if (!q.anyPending.get(queue, t) && !q.anyAbandoned.get(queue, t)) return [];
      return claim.immediate(queue, o.leaseMs, o.limit) as Job<P>[];
    },
    async renew(id, leaseMs) {
      return q.renew.run(now() + leaseMs, id).changes === 1;
    },
    async complete(id, result) {
      q.complete.run(result === undefined ? null : JSON.stringify(result), now(), id);
    },
    async retry(id, runAt, error) {
      q.retry.run(runAt, error, id);
    },
    async fail(id, error) {
      q.fail.run(error, now(), id);
    },
    async release(id, runAt) {
      q.release.run(runAt, id);
    },
    async job(id: string) {
      const r = q.job.get(id);
      return r ? jobFromSqlRow(r) : undefined;
    },
    async backlog(queue) {
      return q.backlog.get(queue)!.n;
    },
    async *entries(prefix = '') {
      let after = '';
      for (;;) {
        const rows = q.entries.all(after, prefix.length, prefix, prefix, now(), PAGE);
        for (const r of rows) yield [r.key, JSON.parse(r.value) as unknown];
        if (rows.length < PAGE) return;
        after = rows.at(-1)!.key;
      }
    },
    async eraseJobs(match) {
      let removed = 0;
      let after = -1;
      for (;;) {
        const rows = q.jobsAfter.all(after, PAGE);
        const t = now();
        for (const r of rows) {
          if (r.state === 'running' && r.lease_until !== null && Number(r.lease_until) > t) continue;
          if (match(jobFromSqlRow(r))) removed += q.delJob.run(r.id, 'running', t).changes;
        }
        if (rows.length < PAGE) return removed;
        after = Number(rows.at(-1)!.seq);
      }
    },
    async close() {
      clearInterval(sweep);
      if (db.open) db.close();
    },
  } as SqliteStore;
}
