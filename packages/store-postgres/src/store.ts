/**
 * The PostgreSQL store: keys with TTLs, token buckets, and the durable queue of the inbox and outbox,
 * in the database a business already runs. Every time is the database's clock, so instances on
 * several hosts agree; jobs are claimed with `FOR UPDATE SKIP LOCKED`.
 * @module
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  type ClaimOptions,
  claimWindow,
  type EnqueueInput,
  jobFromSqlRow,
  NETWORK_QUEUE_CONCURRENCY,
  PRIORITY_AGING_MS,
  type Queue,
  type SqlJobRow,
  type Store,
  SwitchboardError,
  takeFromBucket,
} from '@switchboard/core';
import pg from 'pg';
import { MIGRATIONS, NOW_MS } from './schema.js';

/** Options of {@link postgresStore}. */
export interface PostgresStoreOptions {
  /** `postgres://user@host:port/db`. Ignored when `pool` is given. */
  url?: string;
  /** A pool the application already has (it stays open on `close`). */
  pool?: pg.Pool;
  /** The schema the tables live in (created when missing). Default `switchboard`. */
  schema?: string;
  /** How long finished jobs are kept (their keys dedupe provider retries). Default 24 h. */
  keepJobsMs?: number;
  /** How often expired keys and old jobs are deleted. Default 60 s. */
  sweepIntervalMs?: number;
  /**
   * Name every statement, so PostgreSQL parses and plans it once per connection. Default true; false
   * behind a pooler in transaction mode that does not carry prepared statements (PgBouncer before
   * 1.21, or with `max_prepared_statements = 0`).
   */
  preparedStatements?: boolean;
}

/**
 * The job columns every statement reads, named: `*` in a prepared statement fails on connections
 * that prepared it before a migration added a column ("cached plan must not change result type").
 */
const JOB_COLUMNS = 'seq, priority, id, queue, key, payload, grp, state, attempts, run_at, lease_until, result, error';

/** A PostgreSQL store: a {@link Store} and a durable {@link Queue}. */
export type PostgresStore = Store &
  Queue & {
    readonly pool: pg.Pool;
    readonly schema: string;
    /** Resolves once the migrations ran (every call waits for it too). */
    readonly ready: Promise<void>;
    close(): Promise<void>;
    takeToken: NonNullable<Store['takeToken']>;
  };

/** A schema name is part of every statement: letters, digits and `_` only. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
/** The advisory lock key migrations run under (any constant shared by every instance). */
const MIGRATION_LOCK = 0x5357_4244;

/**
 * Opens the PostgreSQL store; migrations run on first use.
 *
 * @example
 * ```ts
 * const store = postgresStore({ url: process.env.DATABASE_URL });
 * const sb = createSwitchboard({ adapters, store, queue: store });
 * ```
 */
export function postgresStore(options: PostgresStoreOptions = {}): PostgresStore {
  const schema = options.schema ?? 'switchboard';
  if (!SCHEMA_NAME.test(schema))
    throw new SwitchboardError('CONFIG_INVALID', `schema "${schema}": lower-case letters, digits and _ only`);
  const pool = options.pool ?? new pg.Pool({ connectionString: options.url ?? 'postgres://localhost:5432/postgres' });
  const ownPool = !options.pool;
  const t = (name: string) => `${schema}.${name}`;
  const keepMs = options.keepJobsMs ?? 24 * 60 * 60 * 1000;

  const migrate = async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      // One instance migrates at a time; the others wait, then find the work done.
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${t('migrations')} (version INTEGER PRIMARY KEY, at TIMESTAMPTZ NOT NULL DEFAULT now())`,
      );
      const done = new Set(
        (await client.query<{ version: number }>(`SELECT version FROM ${t('migrations')}`)).rows.map((r) => r.version),
      );
      for (const [i, migration] of MIGRATIONS.entries()) {
        if (done.has(i + 1)) continue;
        await client.query(migration(schema));
        await client.query(`INSERT INTO ${t('migrations')} (version) VALUES ($1)`, [i + 1]);
      }
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  };
  const ready = migrate();
  ready.catch(() => undefined); // surfaced by the first call that awaits it
  // Every statement is a named prepared statement: PostgreSQL parses and plans it once per connection
  // instead of at every call (planning the claim cost more than running it).
  const prepared = options.preparedStatements ?? true;
  const names = new Map<string, string>();
  const named = (text: string) => {
    let name = names.get(text);
    if (!name) {
      name = `sb_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
      names.set(text, name);
    }
    return name;
  };
  const query = async <R extends pg.QueryResultRow>(text: string, values: unknown[] = []) => {
    await ready;
    return prepared ? pool.query<R>({ name: named(text), text, values }) : pool.query<R>(text, values);
  };
  const transaction = async <T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    await ready;
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  };
  const ttl = (ttlMs?: number) => (ttlMs && ttlMs > 0 ? ttlMs : null);
  const json = (v: unknown) => JSON.stringify(v ?? null);

  // Expired keys and old finished jobs go without a cron of the user's.
  const sweep = setInterval(() => {
    void query(`DELETE FROM ${t('kv')} WHERE expires_at IS NOT NULL AND expires_at <= ${NOW_MS}`)
      .then(() =>
        query(`DELETE FROM ${t('jobs')} WHERE finished_at IS NOT NULL AND finished_at <= ${NOW_MS} - $1`, [keepMs]),
      )
      .catch(() => undefined);
  }, options.sweepIntervalMs ?? 60_000);
  sweep.unref?.();

  /** Rows read per page when a caller walks every key or job. */
  const PAGE = 500;
  const live = `(expires_at IS NULL OR expires_at > ${NOW_MS})`;
  const expiresAt = (param: string) =>
    `CASE WHEN ${param}::bigint IS NULL THEN NULL ELSE ${NOW_MS} + ${param}::bigint END`;

  return {
    // Every call is a round trip: more jobs in flight keep a process busy while it waits.
    preferredConcurrency: NETWORK_QUEUE_CONCURRENCY,
    pool,
    schema,
    ready,
    async get<T>(key: string) {
      const r = await query<{ value: string }>(`SELECT value FROM ${t('kv')} WHERE key = $1 AND ${live}`, [key]);
      return r.rows[0] ? (JSON.parse(r.rows[0].value) as T) : undefined;
    },
    async set(key, value, ttlMs) {
      await query(
        `INSERT INTO ${t('kv')} (key, value, expires_at) VALUES ($1, $2, ${expiresAt('$3')})
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
        [key, json(value), ttl(ttlMs)],
      );
    },
    async setIfAbsent(key, value, ttlMs) {
      const r = await query(
        `INSERT INTO ${t('kv')} (key, value, expires_at) VALUES ($1, $2, ${expiresAt('$3')})
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at
         WHERE ${t('kv')}.expires_at IS NOT NULL AND ${t('kv')}.expires_at <= ${NOW_MS}`,
        [key, json(value), ttl(ttlMs)],
      );
      return r.rowCount === 1;
    },
    async delete(key) {
      await query(`DELETE FROM ${t('kv')} WHERE key = $1`, [key]);
    },
    async deleteIfEquals(key, value) {
      const r = await query(`DELETE FROM ${t('kv')} WHERE key = $1 AND value = $2 AND ${live}`, [key, json(value)]);
      return r.rowCount === 1;
    },
    async increment(key, by = 1, ttlMs) {
      // One statement: a live counter grows and keeps its expiry; an expired or missing one restarts.
      const r = await query<{ value: string }>(
        `INSERT INTO ${t('kv')} (key, value, expires_at) VALUES ($1, $2::numeric::text, ${expiresAt('$3')})
         ON CONFLICT (key) DO UPDATE SET
           value = CASE WHEN ${t('kv')}.expires_at IS NULL OR ${t('kv')}.expires_at > ${NOW_MS}
             THEN (${t('kv')}.value::numeric + $2::numeric)::text ELSE excluded.value END,
           expires_at = CASE WHEN ${t('kv')}.expires_at IS NULL OR ${t('kv')}.expires_at > ${NOW_MS}
             THEN ${t('kv')}.expires_at ELSE excluded.expires_at END
         RETURNING value`,
        [key, by, ttl(ttlMs)],
      );
      return Number(r.rows[0]!.value);
    },
    async takeToken(key, rate, cost = 1) {
      // The same rule as every store (core's takeFromBucket), on the row locked for the transaction.
      return transaction(async (c) => {
        await c.query(
          `INSERT INTO ${t('buckets')} (key, tokens, at) VALUES ($1, $2, ${NOW_MS}) ON CONFLICT (key) DO NOTHING`,
          [key, rate.burst],
        );
        const row = (
          await c.query<{ tokens: number; at: string; now: string }>(
            `SELECT tokens, at, ${NOW_MS} AS now FROM ${t('buckets')} WHERE key = $1 FOR UPDATE`,
            [key],
          )
        ).rows[0]!;
        const now = Number(row.now);
        const taken = takeFromBucket({ tokens: row.tokens, at: Number(row.at) }, rate, Math.min(cost, rate.burst), now);
        await c.query(`UPDATE ${t('buckets')} SET tokens = $2, at = $3 WHERE key = $1`, [key, taken.state.tokens, now]);
        return taken.waitMs;
      });
    },
    async enqueue(queue, input) {
      const i = input as EnqueueInput;
      const id = randomUUID();
      const r = await query<{ id: string }>(
        `INSERT INTO ${t('jobs')} (id, queue, key, payload, grp, state, run_at, priority)
         VALUES ($1, $2, $3, $4, $5, 'pending', COALESCE($6::bigint, ${NOW_MS}), $7)
         ON CONFLICT (queue, key) DO NOTHING RETURNING id`,
        [id, queue, i.key, json(i.payload), i.group ?? null, i.runAt ?? null, i.priority ?? 1],
      );
      if (r.rows[0]) return { id, created: true };
      const existing = await query<{ id: string }>(`SELECT id FROM ${t('jobs')} WHERE queue = $1 AND key = $2`, [
        queue,
        i.key,
      ]);
      return { id: existing.rows[0]!.id, created: false };
    },
    async claim<P>(queue: string, o: ClaimOptions) {
      // A group's first open job only, none while one of the group runs; a waiting job rises one
      // priority level every PRIORITY_AGING_MS. Candidates come from three index walks that stop
      // early (oldest pending, highest-priority pending, abandoned running), so a claim costs the same
      // whatever the backlog (ordering every due job cost a claim more the longer the queue). SKIP
      // LOCKED: two claimers never take one job; the state is checked again on the locked row.
      const claimable = `(j.grp IS NULL OR (
        NOT EXISTS (SELECT 1 FROM ${t('jobs')} e WHERE e.queue = j.queue AND e.grp = j.grp
          AND e.state IN ('pending', 'running') AND e.seq < j.seq)
        AND NOT EXISTS (SELECT 1 FROM ${t('jobs')} x WHERE x.queue = j.queue AND x.grp = j.grp
          AND x.state = 'running' AND x.seq <> j.seq AND x.lease_until > now.t)))`;
      const r = await query<SqlJobRow>(
        `WITH now AS (SELECT ${NOW_MS} AS t),
         cand AS (
           (SELECT j.seq FROM ${t('jobs')} j, now WHERE j.queue = $1 AND j.state = 'pending' AND j.run_at <= now.t
             AND ${claimable} ORDER BY j.seq LIMIT $4)
           UNION
           (SELECT j.seq FROM ${t('jobs')} j, now WHERE j.queue = $1 AND j.state = 'pending' AND j.run_at <= now.t
             AND ${claimable} ORDER BY j.priority, j.seq LIMIT $4)
           UNION
           (SELECT j.seq FROM ${t('jobs')} j, now WHERE j.queue = $1 AND j.state = 'running'
             AND j.lease_until <= now.t AND j.run_at <= now.t AND ${claimable} ORDER BY j.seq LIMIT $4)
         ),
         picked AS (
           SELECT j.id FROM ${t('jobs')} j, now
           WHERE j.seq IN (SELECT seq FROM cand) AND j.queue = $1 AND j.run_at <= now.t
             AND (j.state = 'pending' OR (j.state = 'running' AND j.lease_until <= now.t))
           ORDER BY j.priority - floor((now.t - j.run_at) / ${PRIORITY_AGING_MS}.0), j.seq
           LIMIT $2
           FOR UPDATE OF j SKIP LOCKED
         )
         UPDATE ${t('jobs')} SET state = 'running', attempts = attempts + 1, lease_until = (SELECT t FROM now) + $3
         WHERE id IN (SELECT id FROM picked)
         RETURNING ${JOB_COLUMNS}`,
        [queue, o.limit, o.leaseMs, claimWindow(o.limit)],
      );
      return r.rows
        .sort((a, b) => a.priority - b.priority || Number(a.seq) - Number(b.seq))
        .map((row) => jobFromSqlRow<P>(row));
    },
    async renew(id, leaseMs) {
      const r = await query(
        `UPDATE ${t('jobs')} SET lease_until = ${NOW_MS} + $2 WHERE id = $1 AND state = 'running'`,
        [id, leaseMs],
      );
      return r.rowCount === 1;
    },
    async complete(id, result) {
      await query(
        `UPDATE ${t('jobs')} SET state = 'done', result = $2, lease_until = NULL, finished_at = ${NOW_MS} WHERE id = $1`,
        [id, result === undefined ? null : JSON.stringify(result)],
      );
    },
    async retry(id, runAt, error) {
      await query(
        `UPDATE ${t('jobs')} SET state = 'pending', run_at = $2, error = $3, lease_until = NULL WHERE id = $1`,
        [id, runAt, error],
      );
    },
    async fail(id, error) {
      await query(
        `UPDATE ${t('jobs')} SET state = 'failed', error = $2, lease_until = NULL, finished_at = ${NOW_MS} WHERE id = $1`,
        [id, error],
      );
    },
    async release(id, runAt) {
      await query(
        `UPDATE ${t('jobs')} SET state = 'pending', run_at = $2, attempts = GREATEST(0, attempts - 1),
           priority = priority - 1, lease_until = NULL WHERE id = $1 AND state = 'running'`,
        [id, runAt],
      );
    },
    async job(id: string) {
      const r = await query<SqlJobRow>(`SELECT ${JOB_COLUMNS} FROM ${t('jobs')} WHERE id = $1`, [id]);
      return r.rows[0] ? jobFromSqlRow(r.rows[0]) : undefined;
    },
    async backlog(queue) {
      const r = await query<{ n: string }>(
        `SELECT COUNT(*) AS n FROM ${t('jobs')} WHERE queue = $1 AND state IN ('pending', 'running')`,
        [queue],
      );
      return Number(r.rows[0]!.n);
    },
    async *entries(prefix = '') {
      // Pages in byte order of keys (COLLATE "C": the database's collation must not reorder pages).
      let after = '';
      for (;;) {
        const r = await query<{ key: string; value: string }>(
          `SELECT key, value FROM ${t('kv')} WHERE key COLLATE "C" > $1 AND left(key, $2) = $3 AND ${live}
           ORDER BY key COLLATE "C" LIMIT ${PAGE}`,
          [after, prefix.length, prefix],
        );
        for (const row of r.rows) yield [row.key, JSON.parse(row.value) as unknown] as [string, unknown];
        if (r.rows.length < PAGE) return;
        after = r.rows.at(-1)!.key;
      }
    },
    async eraseJobs(match) {
      let removed = 0;
      let after = -1;
      for (;;) {
        const r = await query<SqlJobRow>(
          `SELECT ${JOB_COLUMNS} FROM ${t('jobs')} WHERE seq > $1 ORDER BY seq LIMIT ${PAGE}`,
          [after],
        );
        const chosen = r.rows.filter((row) => match(jobFromSqlRow(row))).map((row) => row.id);
        if (chosen.length) {
          // A job running under a live lease finishes; the lease is judged on the database's clock.
          const d = await query(
            `DELETE FROM ${t('jobs')} WHERE id = ANY($1) AND NOT (state = 'running' AND lease_until > ${NOW_MS})`,
            [chosen],
          );
          removed += d.rowCount ?? 0;
        }
        if (r.rows.length < PAGE) return removed;
        after = Number(r.rows.at(-1)!.seq);
      }
    },
    async close() {
      clearInterval(sweep);
      await ready.catch(() => undefined);
      // Closing twice (one object as the store and the queue) is a no-op, not pg's "end more than once".
      if (ownPool && !pool.ended) await pool.end();
    },
  } as PostgresStore;
}
