/**
 * The durable queue contract behind the inbox and the outbox, and its in-memory implementation.
 * @module
 */
import { effectivePriority } from '../model/priority.js';

/** A job's lifecycle. */
export type JobState = 'pending' | 'running' | 'done' | 'failed';

/** A job as a queue keeps it. */
export interface Job<P = unknown> {
  id: string;
  queue: string;
  /** The dedupe key: a second enqueue with the same key in the same queue is not a new job. */
  key: string;
  payload: P;
  /** Jobs of one group run one at a time, in enqueue order (one conversation keeps its order). */
  group: string | undefined;
  state: JobState;
  attempts: number;
  /** When it may run next (ms). */
  runAt: number;
  /** While running: until when the worker holds it; past that (a crashed worker) it runs again. */
  leaseUntil: number | undefined;
  result?: unknown;
  error?: string;
  /** Enqueue order within the queue. */
  seq: number;
  /** See {@link EnqueueInput.priority}. */
  priority?: number;
}

/**
 * How many candidates a SQL store's claim reads from each of its index walks (oldest pending,
 * highest-priority pending, abandoned running) before it orders them: enough that the aged priority
 * order holds for any realistic mix, few enough that a claim never sorts a whole backlog.
 */
export const CLAIM_WINDOW = 16;

/** The candidates per index walk for a claim of `limit` jobs (see {@link CLAIM_WINDOW}). */
export function claimWindow(limit: number): number {
  return Math.max(CLAIM_WINDOW, limit * 2);
}

/**
 * A job as the SQL stores keep it (SQLite, PostgreSQL): one row, JSON columns as text. Drivers give
 * 64-bit integers as numbers or as strings (node-postgres), so those columns take either.
 */
export interface SqlJobRow {
  seq: number | string;
  priority: number;
  id: string;
  queue: string;
  key: string;
  payload: string;
  grp: string | null;
  state: JobState;
  attempts: number;
  run_at: number | string;
  lease_until: number | string | null;
  result: string | null;
  error: string | null;
}

/** A {@link SqlJobRow} as a {@link Job}: the one reading both SQL stores share. */
export function jobFromSqlRow<P = never>(r: SqlJobRow): Job<P> {
  return {
    id: r.id,
    queue: r.queue,
    key: r.key,
    payload: JSON.parse(r.payload) as P,
    group: r.grp ?? undefined,
    state: r.state,
    attempts: r.attempts,
    runAt: Number(r.run_at),
    leaseUntil: r.lease_until === null ? undefined : Number(r.lease_until),
    ...(r.result !== null ? { result: JSON.parse(r.result) as unknown } : {}),
    ...(r.error !== null ? { error: r.error } : {}),
    seq: Number(r.seq),
    priority: r.priority,
  };
}

/** What `enqueue` takes. */
export interface EnqueueInput<P = unknown> {
  key: string;
  payload: P;
  group?: string;
  runAt?: number;
  /** Lower is claimed first (`PRIORITY_RANK`: 0 high, 1 normal, 2 low). Default 1. */
  priority?: number;
}

/** Options of `claim`. */
export interface ClaimOptions {
  /** Who claims (for logs). */
  worker: string;
  /** How long the claim holds before the job is considered abandoned. */
  leaseMs: number;
  /** At most this many jobs. */
  limit: number;
}

/**
 * A durable queue: jobs survive a restart, a claimed job whose lease ran out runs again (a crashed
 * worker), jobs of one group run one at a time in order. Every queue passes `queueContract()` from
 * `@switchboard/testing`.
 */
export interface Queue {
  /** Adds a job unless the queue already has one with that key (done jobs are kept `keepMs`). */
  enqueue<P>(queue: string, input: EnqueueInput<P>): Promise<{ id: string; created: boolean }>;
  /**
   * Claims due jobs: pending ones, and running ones whose lease expired; at most one running per
   * group, and only a group's earliest unfinished job. Among those, by {@link effectivePriority},
   * then enqueue order.
   */
  claim<P = unknown>(queue: string, options: ClaimOptions): Promise<Job<P>[]>;
  /** Extends a running job's lease (its worker is alive and busy); false when it is no longer running. */
  renew(id: string, leaseMs: number): Promise<boolean>;
  /** Marks a job done, keeping its result. */
  complete(id: string, result?: unknown): Promise<void>;
  /** Puts a job back to run at `runAt` (a retryable failure). */
  retry(id: string, runAt: number, error: string): Promise<void>;
  /**
   * Optional: puts a running job back to pending at `runAt` without counting the attempt (it did not
   * run: a paced send waiting for its token hands its worker slot back). It keeps its place in its
   * group, and rises one priority level (its `runAt`, which aging counts from, moved).
   */
  release?(id: string, runAt: number): Promise<void>;
  /** Marks a job failed for good. */
  fail(id: string, error: string): Promise<void>;
  /** A job by id (named so one object can be a store and a queue). */
  job<P = unknown>(id: string): Promise<Job<P> | undefined>;
  /** Jobs pending or running (for health checks and tests). */
  backlog(queue: string): Promise<number>;
  /**
   * Optional: removes every job of any queue that `match` accepts, except jobs running under a live
   * lease (they finish; erase again after). Returns how many were removed. For privacy erasure
   * (`sb.forgetContact`): it reads every job, so it is not for hot paths.
   */
  eraseJobs?(match: (job: Job) => boolean): Promise<number>;
  /** Releases connections and timers. */
  close?(): Promise<void>;
  /**
   * Optional: how many jobs per queue a process runs at once by default over this queue
   * (`durable.concurrency` overrides it). A queue reached over the network (Redis, PostgreSQL) waits
   * on round trips, so more jobs in flight keep a process busy; an embedded one (SQLite) runs each
   * call on the event loop, and more would only queue behind it. Default 16.
   */
  readonly preferredConcurrency?: number;
}

/**
 * The `preferredConcurrency` of a queue reached over the network (the Redis and PostgreSQL stores):
 * every call is a round trip, and with 16 jobs in flight a process sat idle a third of the time under load.
 */
export const NETWORK_QUEUE_CONCURRENCY = 64;

/** Options of {@link memoryQueue}. */
export interface MemoryQueueOptions {
  /** How long done and failed jobs are kept (their keys dedupe). Default 24 h. */
  keepMs?: number;
  /** The clock. */
  now?: () => number;
}

/** A queue in memory: the contract without the durability, for tests and examples that ask for it. */
export function memoryQueue(options: MemoryQueueOptions = {}): Queue {
  const now = options.now ?? Date.now;
  const keepMs = options.keepMs ?? 24 * 60 * 60 * 1000;
  const jobs = new Map<string, Job & { finishedAt?: number }>();
  const byKey = new Map<string, string>();
  let seq = 0;
  const copy = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));
  const sweep = () => {
    const t = now();
    for (const [id, j] of jobs) {
      if (j.finishedAt !== undefined && t - j.finishedAt > keepMs) {
        jobs.delete(id);
        byKey.delete(`${j.queue}\u0000${j.key}`);
      }
    }
  };
  const finish = (id: string, patch: Partial<Job>) => {
    const j = jobs.get(id);
    if (!j) return;
    Object.assign(j, patch, { leaseUntil: undefined });
    if (patch.state === 'done' || patch.state === 'failed') j.finishedAt = now();
  };
  return {
    async enqueue(queue, input) {
      sweep();
      const k = `${queue}\u0000${input.key}`;
      const existing = byKey.get(k);
      if (existing && jobs.has(existing)) return { id: existing, created: false };
      const id = `${queue}-${++seq}-${Math.random().toString(36).slice(2, 8)}`;
      jobs.set(id, {
        id,
        queue,
        key: input.key,
        payload: copy(input.payload),
        group: input.group,
        state: 'pending',
        attempts: 0,
        runAt: input.runAt ?? now(),
        leaseUntil: undefined,
        seq,
        priority: input.priority ?? 1,
      });
      byKey.set(k, id);
      return { id, created: true };
    },
    async claim(queue, o) {
      const t = now();
      const all = [...jobs.values()].filter((j) => j.queue === queue).sort((a, b) => a.seq - b.seq);
      const busy = new Set(
        all.filter((j) => j.state === 'running' && (j.leaseUntil ?? 0) > t && j.group).map((j) => j.group!),
      );
      const held = new Set<string>();
      const candidates: (Job & { finishedAt?: number })[] = [];
      for (const j of all) {
        const open = j.state === 'pending' || (j.state === 'running' && (j.leaseUntil ?? 0) <= t);
        if (!open) continue;
        // The earliest unfinished job of a group holds the group, due or not.
        if (j.group && (busy.has(j.group) || held.has(j.group))) continue;
        if (j.group) held.add(j.group);
        if (j.runAt <= t) candidates.push(j);
      }
      candidates.sort(
        (a, b) =>
          effectivePriority(a.priority ?? 1, a.runAt, t) - effectivePriority(b.priority ?? 1, b.runAt, t) ||
          a.seq - b.seq,
      );
      const out: Job[] = [];
      for (const j of candidates.slice(0, o.limit)) {
        j.state = 'running';
        j.attempts++;
        j.leaseUntil = t + o.leaseMs;
        out.push(copy(j));
      }
      return out as Job<never>[];
    },
    async renew(id, leaseMs) {
      const j = jobs.get(id);
      if (j?.state !== 'running') return false;
      j.leaseUntil = now() + leaseMs;
      return true;
    },
    async complete(id, result) {
      finish(id, { state: 'done', result: copy(result) });
    },
    async retry(id, runAt, error) {
      finish(id, { state: 'pending', runAt, error });
    },
    async fail(id, error) {
      finish(id, { state: 'failed', error });
    },
    async release(id, runAt) {
      const j = jobs.get(id);
      if (j?.state !== 'running') return;
      // Each hand-back ages the job one priority level: released work is never starved by fresher work.
      Object.assign(j, {
        state: 'pending',
        runAt,
        attempts: Math.max(0, j.attempts - 1),
        priority: (j.priority ?? 1) - 1,
        leaseUntil: undefined,
      });
    },
    async job(id) {
      const j = jobs.get(id);
      return j ? (copy(j) as Job<never>) : undefined;
    },
    async backlog(queue) {
      return [...jobs.values()].filter((j) => j.queue === queue && (j.state === 'pending' || j.state === 'running'))
        .length;
    },
    async eraseJobs(match) {
      const t = now();
      let removed = 0;
      for (const [id, j] of [...jobs]) {
        if (j.state === 'running' && (j.leaseUntil ?? 0) > t) continue;
        if (!match(copy(j))) continue;
        jobs.delete(id);
        byKey.delete(`${j.queue}\u0000${j.key}`);
        removed++;
      }
      return removed;
    },
    async close() {
      jobs.clear();
      byKey.clear();
    },
  };
}
